//! The typed errors of this module: [`ConfigError`] for a hyperparameter
//! refused at construction, [`StateError`] for a [`State`](super::State)
//! that does not fit what is restoring it.

use std::fmt;

/// A hyperparameter outside its allowed range, named by optimizer (or
/// schedule, constraint, average), field and value.
///
/// ```
/// use nn::optim::{Adam, AdamConfig};
/// let err = Adam::<f32>::new(AdamConfig { beta1: 1.0, ..AdamConfig::default() }).unwrap_err();
/// assert_eq!(err.optimizer, "adam");
/// assert_eq!(err.field, "beta1");
/// assert_eq!(err.to_string(), "adam: beta1 = 1 must lie in [0, 1)");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    /// Who refused it: `"sgd"`, `"adam"`, `"step_decay"`, `"max_norm"`, …
    pub optimizer: &'static str,
    /// The field: `"lr"`, `"beta1"`, `"eps"`, …
    pub field: &'static str,
    /// The value given.
    pub value: f64,
    /// The rule it breaks, as the message states it (`"must lie in [0, 1)"`).
    pub rule: &'static str,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ConfigError {
            optimizer,
            field,
            value,
            rule,
        } = self;
        write!(f, "{optimizer}: {field} = {value} {rule}")
    }
}

impl std::error::Error for ConfigError {}

/// Checks shared by every constructor. Each returns the value on success so
/// a constructor reads as a list of checks.
pub(crate) mod check {
    use super::ConfigError;

    fn fail(who: &'static str, field: &'static str, value: f64, rule: &'static str) -> ConfigError {
        ConfigError {
            optimizer: who,
            field,
            value,
            rule,
        }
    }

    /// A learning rate (or other scale): finite and ≥ 0.
    pub fn non_negative(
        who: &'static str,
        field: &'static str,
        v: f64,
    ) -> Result<f64, ConfigError> {
        if v.is_finite() && v >= 0.0 {
            Ok(v)
        } else {
            Err(fail(who, field, v, "must be finite and ≥ 0"))
        }
    }

    /// A decay rate, β or momentum: in [0, 1).
    pub fn unit(who: &'static str, field: &'static str, v: f64) -> Result<f64, ConfigError> {
        if (0.0..1.0).contains(&v) {
            Ok(v)
        } else {
            Err(fail(who, field, v, "must lie in [0, 1)"))
        }
    }

    /// ε, a clipping norm, a max-norm radius: finite and > 0.
    pub fn positive(who: &'static str, field: &'static str, v: f64) -> Result<f64, ConfigError> {
        if v.is_finite() && v > 0.0 {
            Ok(v)
        } else {
            Err(fail(who, field, v, "must be finite and > 0"))
        }
    }

    /// A multiplicative factor that lowers a learning rate: in (0, 1].
    pub fn factor(who: &'static str, field: &'static str, v: f64) -> Result<f64, ConfigError> {
        if v > 0.0 && v <= 1.0 {
            Ok(v)
        } else {
            Err(fail(who, field, v, "must lie in (0, 1]"))
        }
    }

    /// A count that must be at least 1 (a step-decay period).
    pub fn at_least_one(
        who: &'static str,
        field: &'static str,
        v: usize,
    ) -> Result<usize, ConfigError> {
        if v >= 1 {
            Ok(v)
        } else {
            Err(fail(who, field, v as f64, "must be ≥ 1"))
        }
    }
}

/// A [`State`](super::State) that cannot be restored into this object.
#[derive(Debug, Clone, PartialEq)]
pub enum StateError {
    /// The state was exported by something else.
    WrongKind {
        /// What is restoring.
        expected: String,
        /// What the state says it is.
        found: String,
    },
    /// An entry the restore needs is absent.
    Missing {
        /// What is restoring.
        kind: String,
        /// The entry's name.
        entry: String,
    },
    /// An entry names a parameter position or name the list passed does
    /// not have (the model changed between export and restore).
    UnknownParam {
        /// What is restoring.
        kind: String,
        /// The entry's name (`"3:W/m"`).
        entry: String,
    },
    /// An array's shape differs from its parameter's.
    Shape {
        /// What is restoring.
        kind: String,
        /// The entry's name.
        entry: String,
        /// The parameter's shape (rows, cols).
        expected: (usize, usize),
        /// The array's shape.
        found: (usize, usize),
    },
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StateError::WrongKind { expected, found } => {
                write!(f, "{expected}: cannot restore a state exported by {found}")
            }
            StateError::Missing { kind, entry } => {
                write!(f, "{kind}: state has no entry {entry:?}")
            }
            StateError::UnknownParam { kind, entry } => write!(
                f,
                "{kind}: state entry {entry:?} names no parameter in the list passed (position and name must match)"
            ),
            StateError::Shape {
                kind,
                entry,
                expected,
                found,
            } => write!(
                f,
                "{kind}: state entry {entry:?} is {}×{}, its parameter is {}×{}",
                found.0, found.1, expected.0, expected.1
            ),
        }
    }
}

impl std::error::Error for StateError {}
