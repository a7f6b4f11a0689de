//! Layer tests: hand-computed forward and backward values
//! ([`hand`], [`modes`]) and gradient-checked property tests ([`props`]).
//! Split into modules to keep each file readable; one test binary.

#[path = "layers/hand.rs"]
mod hand;
#[path = "layers/modes.rs"]
mod modes;
#[path = "layers/props.rs"]
mod props;

use ndarray::Array2;

/// Asserts `actual ≈ expected` entrywise (1e-12, relative for large values):
/// the expected values are computed by hand, in a different order than the
/// tape, so exact equality would test rounding rather than the layer.
#[track_caller]
pub fn close(actual: &Array2<f64>, expected: &Array2<f64>) {
    assert_eq!(actual.dim(), expected.dim(), "shapes differ");
    for ((idx, a), e) in actual.indexed_iter().zip(expected.iter()) {
        assert!(
            (a - e).abs() <= 1e-12 * (1.0 + e.abs()),
            "at {idx:?}: got {a}, expected {e}\nactual:\n{actual}\nexpected:\n{expected}"
        );
    }
}
