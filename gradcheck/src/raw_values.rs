//! Warnings about raw values too small or too large for finite differences
//! (the CS231n advice "watch the raw numbers"): the loss and each input's
//! gradient ∞-norm. Every check runs this; [`crate::advice`] documents why.
//!
//! It sits in its own module so that `check` (which calls it) and `advice`
//! (which extends `GradCheck`) do not import each other.

use ndarray::Array2;

use crate::tolerances::{Tolerances, nan_max};

/// Appends warnings for tiny or huge raw values: the loss and each input's
/// gradient ∞-norm.
pub(crate) fn raw_value_warnings(
    tol: &Tolerances,
    loss: f64,
    names: &[String],
    grads: &[Option<Array2<f64>>],
    out: &mut Vec<String>,
) {
    let mut flag = |what: String, v: f64| {
        if v != 0.0 && v.abs() < tol.tiny {
            out.push(format!(
                "{what} = {v:e} is tiny (< {:e}): finite differences lose their digits here; \
                 scale the loss up",
                tol.tiny
            ));
        } else if v.abs() > tol.huge || !v.is_finite() {
            out.push(format!(
                "{what} = {v:e} is huge (> {:e}) or not finite",
                tol.huge
            ));
        }
    };
    flag("the loss".into(), loss);
    for (name, g) in names.iter().zip(grads) {
        if let Some(g) = g {
            let norm = g.iter().map(|x| x.abs()).fold(0.0, nan_max);
            flag(format!("‖∂L/∂{name}‖∞"), norm);
        }
    }
}
