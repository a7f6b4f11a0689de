//! Invariant 7 for the ops of issue 9 (minimum, clamp, comparisons,
//! where_, min, gather_rows/index_select, select_cols): every panicking
//! form reports the caller's line, with the same message as its `try_`
//! form's error.

#[path = "support/caller.rs"]
mod caller;

use autograd::{Tape, Var};
use ndarray::{Array2, array};

fn shapes() -> (Array2<f64>, Array2<f64>) {
    (Array2::zeros((2, 3)), Array2::zeros((3, 3)))
}

#[test]
fn minimum_shape_mismatch() {
    let tape = Tape::new();
    let (a, b) = shapes();
    let (a, b) = (tape.leaf(a), tape.leaf(b));
    assert_panics_here!(a.minimum(b), "minimum: lhs is 2×3, rhs is 3×3");
}

#[test]
fn clamp_bad_bounds() {
    let tape = Tape::new();
    let x = tape.leaf(array![[0.0]]);
    assert_panics_here!(
        x.clamp(1.0, -1.0),
        "clamp: lower bound 1 is above upper bound -1"
    );
    assert_panics_here!(x.clamp(f64::NAN, 1.0), "clamp: bounds must not be NaN");
}

#[test]
fn comparisons_shape_mismatch() {
    let tape = Tape::new();
    let (a, b) = shapes();
    let (a, b) = (tape.leaf(a), tape.leaf(b));
    assert_panics_here!(a.gt(b), "gt: lhs is 2×3, rhs is 3×3");
    assert_panics_here!(a.ge(b), "ge: lhs is 2×3, rhs is 3×3");
    assert_panics_here!(a.lt(b), "lt: lhs is 2×3, rhs is 3×3");
    assert_panics_here!(a.le(b), "le: lhs is 2×3, rhs is 3×3");
    assert_panics_here!(a.eq(b), "eq: lhs is 2×3, rhs is 3×3");
}

#[test]
fn where_bad_mask_and_shapes() {
    let tape = Tape::new();
    let a = tape.leaf(array![[1.0, 2.0]]);
    let half = tape.constant(array![[0.5, 1.0]]);
    assert_panics_here!(
        Var::where_(half, a, a),
        "where: mask entry 0.5 at [0, 0] is not 0 or 1"
    );
    let leaf_mask = tape.leaf(array![[1.0, 0.0]]);
    assert_panics_here!(
        Var::where_(leaf_mask, a, a),
        "where: the mask requires a gradient"
    );
    let wide = tape.constant(array![[1.0, 0.0, 1.0]]);
    assert_panics_here!(
        Var::where_(wide, a, a),
        "where: mask is 1×3, a is 1×2, b is 1×2"
    );
}

#[test]
fn min_empty_and_bad_axis() {
    let tape = Tape::<f64>::new();
    let empty = tape.leaf(Array2::zeros((0, 2)));
    assert_panics_here!(empty.min(), "min: cannot reduce an empty 0×2 matrix");
    let x = tape.leaf(Array2::zeros((2, 2)));
    assert_panics_here!(x.min_axis(2), "min: axis must be 0 or 1");
}

#[test]
fn gather_rows_and_select_cols_out_of_range() {
    let tape = Tape::<f64>::new();
    let x = tape.leaf(Array2::zeros((3, 2)));
    assert_panics_here!(
        x.gather_rows(&[0, 5]),
        "gather_rows: index 5 at position 1 is out of range for 3 rows"
    );
    assert_panics_here!(
        x.index_select(&[3]),
        "gather_rows: index 3 at position 0 is out of range for 3 rows"
    );
    assert_panics_here!(
        x.select_cols(&[1, 2]),
        "select_cols: index 2 at position 1 is out of range for 2 columns"
    );
}
