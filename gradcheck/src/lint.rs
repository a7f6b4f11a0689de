//! The "every parameter receives a gradient" lint.
//!
//! A parameter that no path from the loss reaches (`g.get(p) == None`), or
//! whose gradient is exactly zero everywhere, is almost always a wiring bug
//! (a forgotten term, a `detach` in the wrong place, a dead ReLU layer) —
//! and a gradient check of the *other* parameters will not notice it.

use ndarray::Array2;

use crate::report::Lint;

/// Flags inputs whose gradient is missing or identically zero.
///
/// ```
/// use gradcheck::{lint::lint, Lint};
/// use ndarray::array;
/// let names = vec!["W".to_string(), "b".to_string(), "c".to_string()];
/// let grads = vec![Some(array![[1.0]]), Some(array![[0.0, 0.0]]), None];
/// assert_eq!(
///     lint(&names, &grads),
///     vec![Lint::AllZero("b".into()), Lint::Unreached("c".into())]
/// );
/// ```
pub fn lint(names: &[String], grads: &[Option<Array2<f64>>]) -> Vec<Lint> {
    names
        .iter()
        .zip(grads)
        .filter_map(|(name, g)| match g {
            None => Some(Lint::Unreached(name.clone())),
            Some(g) if g.iter().all(|&x| x == 0.0) => Some(Lint::AllZero(name.clone())),
            Some(_) => None,
        })
        .collect()
}
