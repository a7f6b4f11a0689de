//! One hyperparameter's distribution and its map to the unit interval
//! (the table is in [`space`](crate::search::space)).
//!
//! ```
//! use nn::search::{Distribution, Value};
//!
//! let d = Distribution::LogUniform { lo: 1e-4, hi: 1e-1 };
//! assert!((d.to_unit(&Value::Float(1e-2)).unwrap() - 2.0 / 3.0).abs() < 1e-12);
//! assert!(d.contains(&Value::Float(1e-3)) && !d.contains(&Value::Int(1)));
//! ```

use std::collections::HashSet;

use crate::search::config::Value;
use crate::search::error::SpaceError;

/// How one hyperparameter is distributed. Integer bounds are inclusive.
#[derive(Clone, Debug, PartialEq)]
pub enum Distribution {
    /// Uniform in log space on `[lo, hi]` (learning rate, regularization).
    LogUniform {
        /// Lower bound (> 0).
        lo: f64,
        /// Upper bound (> `lo`).
        hi: f64,
    },
    /// Uniform on `[lo, hi]` (dropout keep probability).
    Uniform {
        /// Lower bound.
        lo: f64,
        /// Upper bound (> `lo`).
        hi: f64,
    },
    /// An integer in `lo..=hi`, each equally likely.
    Int {
        /// Lower bound.
        lo: i64,
        /// Upper bound (≥ `lo`).
        hi: i64,
    },
    /// An integer in `lo..=hi`, uniform in log space (hidden size).
    LogInt {
        /// Lower bound (≥ 1).
        lo: i64,
        /// Upper bound (≥ `lo`).
        hi: i64,
    },
    /// One of the named categories, each equally likely.
    Categorical(Vec<String>),
}

impl Distribution {
    /// The distribution's name in messages: `"log-uniform"`, `"uniform"`,
    /// `"int"`, `"log-int"`, `"categorical"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Distribution::LogUniform { .. } => "log-uniform",
            Distribution::Uniform { .. } => "uniform",
            Distribution::Int { .. } => "int",
            Distribution::LogInt { .. } => "log-int",
            Distribution::Categorical(_) => "categorical",
        }
    }

    /// Whether the unit coordinate is a log scale.
    pub fn is_log(&self) -> bool {
        matches!(
            self,
            Distribution::LogUniform { .. } | Distribution::LogInt { .. }
        )
    }

    /// The continuous interval the unit coordinate spans, in the
    /// distribution's own scale (integers widened by ½ each side);
    /// `None` for a categorical.
    pub fn continuous_range(&self) -> Option<(f64, f64)> {
        match *self {
            Distribution::LogUniform { lo, hi } | Distribution::Uniform { lo, hi } => {
                Some((lo, hi))
            }
            Distribution::Int { lo, hi } | Distribution::LogInt { lo, hi } => {
                Some((lo as f64 - 0.5, hi as f64 + 0.5))
            }
            Distribution::Categorical(_) => None,
        }
    }

    /// The unit coordinate of a numeric value (not clipped: a value
    /// outside the range maps outside `[0, 1]`); `None` for a categorical.
    ///
    /// ```
    /// use nn::search::Distribution;
    /// let d = Distribution::Int { lo: 0, hi: 3 };
    /// assert_eq!(d.to_unit_f64(0.0), Some(0.125)); // the centre of the first of 4 cells
    /// ```
    pub fn to_unit_f64(&self, x: f64) -> Option<f64> {
        let (lo, hi) = self.continuous_range()?;
        Some(if self.is_log() {
            (x.ln() - lo.ln()) / (hi.ln() - lo.ln())
        } else {
            (x - lo) / (hi - lo)
        })
    }

    /// The continuous value at unit coordinate `u` (not rounded to an
    /// integer); `None` for a categorical.
    pub fn from_unit_f64(&self, u: f64) -> Option<f64> {
        let (lo, hi) = self.continuous_range()?;
        Some(if self.is_log() {
            (lo.ln() + u * (hi.ln() - lo.ln())).exp()
        } else {
            lo + u * (hi - lo)
        })
    }

    /// The unit coordinate of a value of this distribution; `None` if the
    /// value has the wrong type or is not a category.
    pub fn to_unit(&self, v: &Value) -> Option<f64> {
        match (self, v) {
            (Distribution::Categorical(c), Value::Choice(s)) => {
                let i = c.iter().position(|x| x == s)?;
                Some((i as f64 + 0.5) / c.len() as f64)
            }
            (Distribution::LogUniform { .. } | Distribution::Uniform { .. }, Value::Float(x)) => {
                self.to_unit_f64(*x)
            }
            (Distribution::Int { .. } | Distribution::LogInt { .. }, Value::Int(i)) => {
                self.to_unit_f64(*i as f64)
            }
            _ => None,
        }
    }

    /// The value at unit coordinate `u` (clipped to `[0, 1]`; integers
    /// and categories by the cell `u` falls in, inside the bounds).
    ///
    /// ```
    /// use nn::search::{Distribution, Value};
    /// let d = Distribution::LogUniform { lo: 1e-4, hi: 1e-1 };
    /// assert_eq!(d.from_unit(0.0), Value::Float(1e-4));
    /// let c = Distribution::Categorical(vec!["a".into(), "b".into()]);
    /// assert_eq!(c.from_unit(0.7), Value::Choice("b".into()));
    /// ```
    pub fn from_unit(&self, u: f64) -> Value {
        let u = if u.is_nan() { 0.5 } else { u.clamp(0.0, 1.0) };
        match self {
            Distribution::Categorical(c) => {
                let i = ((u * c.len() as f64) as usize).min(c.len() - 1);
                Value::Choice(c[i].clone())
            }
            &Distribution::LogUniform { lo, hi } | &Distribution::Uniform { lo, hi } => {
                // Exact at the ends: exp(ln x) need not give x back.
                let x = match u {
                    0.0 => lo,
                    1.0 => hi,
                    _ => self.from_unit_f64(u).unwrap_or(lo).clamp(lo, hi),
                };
                Value::Float(x)
            }
            &Distribution::Int { lo, hi } | &Distribution::LogInt { lo, hi } => {
                let x = self.from_unit_f64(u).unwrap_or(lo as f64);
                Value::Int((x.round() as i64).clamp(lo, hi))
            }
        }
    }

    /// Whether `v` has this distribution's type and lies in its range.
    pub fn contains(&self, v: &Value) -> bool {
        match (self, v) {
            (Distribution::Categorical(c), Value::Choice(s)) => c.contains(s),
            (
                Distribution::LogUniform { lo, hi } | Distribution::Uniform { lo, hi },
                Value::Float(x),
            ) => lo <= x && x <= hi,
            (Distribution::Int { lo, hi } | Distribution::LogInt { lo, hi }, Value::Int(i)) => {
                lo <= i && i <= hi
            }
            _ => false,
        }
    }

    pub(crate) fn check(&self, name: &str) -> Result<(), SpaceError> {
        let err = |problem: Problem| {
            Err(SpaceError {
                param: name.to_string(),
                detail: problem.describe(self),
            })
        };
        match self {
            Distribution::Categorical(c) => {
                if c.is_empty() {
                    return err(Problem::NoCategories);
                }
                let mut seen = HashSet::new();
                if let Some(d) = c.iter().find(|s| !seen.insert(s.as_str())) {
                    return err(Problem::DuplicateCategory(d.clone()));
                }
            }
            &Distribution::LogUniform { lo, hi } | &Distribution::Uniform { lo, hi } => {
                if !lo.is_finite() || !hi.is_finite() {
                    return err(Problem::NonFinite);
                }
                if self.is_log() && lo <= 0.0 {
                    return err(Problem::NonPositive);
                }
                if lo > hi {
                    return err(Problem::Inverted);
                }
                if lo == hi {
                    return err(Problem::Empty);
                }
            }
            &Distribution::Int { lo, hi } | &Distribution::LogInt { lo, hi } => {
                if self.is_log() && lo <= 0 {
                    return err(Problem::NonPositive);
                }
                if lo > hi {
                    return err(Problem::Inverted);
                }
            }
        }
        Ok(())
    }

    fn range_text(&self) -> String {
        match self {
            Distribution::LogUniform { lo, hi } | Distribution::Uniform { lo, hi } => {
                format!("[{lo}, {hi}]")
            }
            Distribution::Int { lo, hi } | Distribution::LogInt { lo, hi } => {
                format!("[{lo}, {hi}]")
            }
            Distribution::Categorical(c) => format!("{c:?}"),
        }
    }
}

enum Problem {
    NonFinite,
    NonPositive,
    Inverted,
    Empty,
    NoCategories,
    DuplicateCategory(String),
}

impl Problem {
    fn describe(&self, d: &Distribution) -> String {
        let (kind, range) = (d.kind(), d.range_text());
        match self {
            Problem::NonFinite => format!("{kind} range {range} has a non-finite bound"),
            Problem::NonPositive => {
                format!("{kind} range {range} needs a positive lower bound (a log scale)")
            }
            Problem::Inverted => format!("{kind} range {range} is inverted"),
            Problem::Empty => format!("{kind} range {range} is empty"),
            Problem::NoCategories => "categorical with no categories".to_string(),
            Problem::DuplicateCategory(c) => format!("category {c:?} is listed twice"),
        }
    }
}
