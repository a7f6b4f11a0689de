//! [`SpaceError`]: a search space (or a narrowing of one) that cannot be
//! built, naming the parameter.

use std::fmt;

/// A bad search space: which parameter and what is wrong.
///
/// ```
/// use nn::search::{Distribution, SearchSpace};
/// let e = SearchSpace::builder().uniform("keep", 0.5, 0.5).build().unwrap_err();
/// assert_eq!(e.param, "keep");
/// assert_eq!(e.to_string(), "search space: keep: uniform range [0.5, 0.5] is empty");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct SpaceError {
    /// The parameter's name (empty when the space has none).
    pub param: String,
    /// What is wrong with it.
    pub detail: String,
}

impl fmt::Display for SpaceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.param.is_empty() {
            write!(f, "search space: {}", self.detail)
        } else {
            write!(f, "search space: {}: {}", self.param, self.detail)
        }
    }
}

impl std::error::Error for SpaceError {}
