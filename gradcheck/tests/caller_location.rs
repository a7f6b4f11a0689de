//! Every panicking public function of gradcheck reports the caller's line
//! (ARCHITECTURE invariant 7), asserted with `assert_panics_here!`.
//!
//! How the list was made: `grep -rnE 'panic!|assert!|assert_eq!|expect\(|unwrap\(|\[0\]'
//! gradcheck/src` (doc lines excluded), then each hit followed up to the
//! public functions that reach it:
//!
//! * `check.rs` — `GradCheck::step` (h not positive and finite),
//!   `GradCheck::sweep` (no steps, a bad step);
//! * `eval.rs` (`scalarize`: the model's output changed shape) — reached by
//!   `GradCheck::check`, `check_params`, `check_split`, `check_after_burn_in`
//!   (`check_second_order` returns that as an `Err` instead);
//! * `report/mod.rs` — `Report::assert_ok` (failed; nothing checked), and
//!   `SplitReport::assert_ok` through it;
//! * `tolerances.rs` — `normwise_error` (lengths differ);
//! * `strategies/` — `dim`, `shape`, `broadcast_pair`, `shapes_for`,
//!   `op_inputs`, `graph` (size 0), `matrix_in`, `matrix_for` (no entries),
//!   `RandomGraph::apply` (wrong number of `Var`s).
//!
//! The remaining hits are internal invariants no argument can break
//! (`to_array`'s `expect` gets a vector of exactly the shape's length;
//! indexing by input numbers the checker itself produced).

#[path = "../../autograd/tests/support/caller.rs"]
mod caller;

use autograd::registry::{Domain, Kink, ShapeRule, all_ops};
use autograd::{Param, Tape, Var};
use gradcheck::strategies::{self, Placement};
use gradcheck::{GradCheck, Report, Rng, normwise_error};
use ndarray::{Array2, array};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;

/// A model whose output shape depends on whether its input is a leaf (as
/// on the analytic side) or a constant (as on the numeric side).
fn shape_shifter<'t>(_: &'t Tape<f64>, x: &[Var<'t, f64>], _: &mut Rng) -> Var<'t, f64> {
    if x[0].requires_grad() {
        x[0]
    } else {
        x[0].sum()
    }
}

#[test]
fn builder_arguments() {
    assert_panics_here!(GradCheck::new().step(0.0), "h must be positive");
    assert_panics_here!(GradCheck::new().step(f64::NAN), "h must be positive");
    assert_panics_here!(GradCheck::new().sweep(&[]), "no steps");
    assert_panics_here!(GradCheck::new().sweep(&[1e-3, -1.0]), "positive and finite");
}

#[test]
fn a_model_whose_output_changes_shape() {
    let x = array![[1.0, 2.0]];
    assert_panics_here!(
        GradCheck::new().check(&[("x", x.clone())], shape_shifter),
        "changed shape"
    );
    let p = Param::new("p", x.clone());
    assert_panics_here!(
        GradCheck::new().check_params(&[&p], shape_shifter),
        "changed shape"
    );
    assert_panics_here!(
        GradCheck::new().check_split(&[("x", x.clone())], shape_shifter, shape_shifter),
        "changed shape"
    );
    let mut ps = vec![p.clone()];
    assert_panics_here!(
        GradCheck::new().check_after_burn_in(&mut ps, 1, |_, _| {}, shape_shifter),
        "changed shape"
    );
    // check_second_order reports it as an error instead
    let err = GradCheck::new()
        .check_second_order(&[("x", x)], shape_shifter)
        .unwrap_err();
    assert!(err.to_string().contains("changed shape"), "{err}");
}

#[test]
fn assert_ok() {
    let failing = GradCheck::new().check(&[("x", array![[1.0]])], |t, x, _| {
        x[0].detach() * x[0] * t.scalar(1.0) + x[0].detach() * x[0].detach()
    });
    assert!(!failing.passed(), "{failing}");
    assert_panics_here!(failing.assert_ok(), "gradient check failed");
    assert_panics_here!(Report::default().assert_ok(), "checked nothing");
    let split = GradCheck::new().check_split(
        &[("x", array![[1.0]])],
        |_, x, _| x[0].detach() * x[0] * x[0],
        |_, x, _| x[0],
    );
    assert_panics_here!(split.assert_ok(), "gradient check failed");
}

#[test]
fn normwise_error_lengths() {
    assert_panics_here!(normwise_error(&[1.0], &[1.0, 2.0]), "lengths differ");
}

#[test]
fn strategies_of_size_zero() {
    let relu = all_ops().into_iter().find(|s| s.name == "relu").unwrap();
    assert_panics_here!(strategies::dim(0), "dim(0)");
    assert_panics_here!(strategies::shape(0), "shape(0)");
    assert_panics_here!(strategies::broadcast_pair(0), "broadcast_pair(0)");
    assert_panics_here!(
        strategies::shapes_for(ShapeRule::Unary, 0),
        "shapes_for(_, 0)"
    );
    assert_panics_here!(
        strategies::op_inputs(relu, Placement::OnKinks, 0),
        "op_inputs(_, _, 0)"
    );
    assert_panics_here!(strategies::graph(0), "graph(0)");
    assert_panics_here!(strategies::matrix_in((0, 3), Domain::Real), "no entries");
    assert_panics_here!(
        strategies::matrix_for((2, 0), Domain::Real, Kink::None, Placement::OnKinks),
        "no entries"
    );
}

#[test]
fn random_graph_apply_with_the_wrong_inputs() {
    let mut runner = TestRunner::deterministic();
    let g = strategies::graph(2)
        .new_tree(&mut runner)
        .unwrap()
        .current();
    let tape = Tape::new();
    let too_many: Vec<Var<'_, f64>> = (0..=g.inputs.len())
        .map(|_| tape.constant(Array2::ones((1, 1))))
        .collect();
    assert_panics_here!(g.apply(&too_many), "RandomGraph::apply");
}
