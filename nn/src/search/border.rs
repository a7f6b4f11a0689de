//! Border warnings: the best value sits near an edge of its range.
//!
//! **Near** means: the best trial's value lies in the outer
//! [`NEAR_EDGE`] (10 %) of its parameter's range on either side, measured
//! in unit coordinates — log scale for log distributions, and for
//! integers between the bounds themselves (`(x − lo) / (hi − lo)`, so the
//! end values of a short integer range count as edges). Inclusive: at
//! exactly 10 % it warns. Categoricals have no edges and never warn, nor
//! does a single-value integer range.
//!
//! The suggested wider range moves that bound outward by **half the
//! range's width** in the same coordinates: a log range `[1e-4, 1e-1]`
//! (three decades) gets 1.5 decades more, `0.1 → 3.16`; a linear
//! `[0, 10]` gets 5 more. Integer suggestions round outward; a lower bound
//! that is ≥ 0 stays ≥ 0 (≥ 1 for `LogInt`), and when that leaves nothing
//! to widen there is no suggestion. The suggestion is arithmetic: only the
//! user knows a parameter's natural limits (a probability stops at 1).
//!
//! ```
//! use nn::search::{Config, Direction, SearchSpace, Trial, Value, border_warnings};
//!
//! let space = SearchSpace::builder().log_uniform("learning_rate", 1e-4, 1e-1).build().unwrap();
//! let trial = |lr: f64, acc: f64| {
//!     let mut c = Config::new();
//!     c.insert("learning_rate", Value::Float(lr));
//!     Trial { config: c, objective: acc }
//! };
//! let trials = [trial(1e-3, 0.80), trial(9.1e-2, 0.95)];
//! let w = border_warnings(&space, &trials, Direction::Maximize);
//! assert_eq!(
//!     w[0].to_string(),
//!     "learning_rate: best value 0.091 is at the upper edge of [1e-4, 0.1]; \
//!      widen the range above 0.1 (e.g. to 3.16)"
//! );
//! ```

use std::fmt;

use crate::search::config::{Value, short};
use crate::search::space::{Distribution, SearchSpace};
use crate::search::strategy::{Direction, Trial};

/// The share of a range, at each end, that counts as "near the edge".
pub const NEAR_EDGE: f64 = 0.1;

/// Which end of a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// The lower bound.
    Lower,
    /// The upper bound.
    Upper,
}

/// The best value of `param` sits near `edge` of `[lo, hi]`.
#[derive(Clone, Debug, PartialEq)]
pub struct BorderWarning {
    /// The parameter.
    pub param: String,
    /// Which edge.
    pub edge: Edge,
    /// The best trial's value.
    pub best: Value,
    /// The range's lower bound.
    pub lo: f64,
    /// The range's upper bound.
    pub hi: f64,
    /// A wider bound for that edge, if there is room.
    pub suggested: Option<f64>,
}

impl fmt::Display for BorderWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (edge, dir, bound) = match self.edge {
            Edge::Lower => ("lower", "below", self.lo),
            Edge::Upper => ("upper", "above", self.hi),
        };
        write!(
            f,
            "{}: best value {} is at the {edge} edge of [{}, {}]",
            self.param,
            self.best,
            short(self.lo),
            short(self.hi)
        )?;
        match self.suggested {
            Some(s) => write!(
                f,
                "; widen the range {dir} {} (e.g. to {})",
                short(bound),
                short(s)
            ),
            None => write!(f, "; the range cannot be widened {dir} {}", short(bound)),
        }
    }
}

/// Warnings for every numeric parameter whose best value (by `direction`,
/// among the non-NaN trials inside `space`) is near an edge; empty when
/// there is no such trial.
pub fn border_warnings(
    space: &SearchSpace,
    trials: &[Trial],
    direction: Direction,
) -> Vec<BorderWarning> {
    let best = direction
        .best_first(trials)
        .into_iter()
        .find(|t| space.contains(&t.config));
    let Some(best) = best else {
        return Vec::new();
    };
    space
        .params()
        .iter()
        .filter_map(|p| {
            let value = best.config.get(&p.name)?;
            warn_one(&p.name, &p.dist, value)
        })
        .collect()
}

fn warn_one(name: &str, dist: &Distribution, value: &Value) -> Option<BorderWarning> {
    let x = value.as_f64()?;
    let (lo, hi, nonneg_floor) = match *dist {
        Distribution::Categorical(_) => return None,
        Distribution::Uniform { lo, hi } => (lo, hi, 0.0),
        Distribution::LogUniform { lo, hi } => (lo, hi, f64::MIN_POSITIVE),
        Distribution::Int { lo, hi } => (lo as f64, hi as f64, 0.0),
        Distribution::LogInt { lo, hi } => (lo as f64, hi as f64, 1.0),
    };
    if lo == hi {
        return None;
    }
    // Coordinates on the bounds themselves (not the integer cells).
    type Map = fn(f64) -> f64;
    let (to, from): (Map, Map) = if dist.is_log() {
        (f64::ln, f64::exp)
    } else {
        (|v| v, |v| v)
    };
    let (a, b) = (to(lo), to(hi));
    let u = (to(x) - a) / (b - a);
    let edge = if u <= NEAR_EDGE {
        Edge::Lower
    } else if u >= 1.0 - NEAR_EDGE {
        Edge::Upper
    } else {
        return None;
    };
    let half = 0.5 * (b - a);
    let integer = matches!(dist, Distribution::Int { .. } | Distribution::LogInt { .. });
    let suggested = match edge {
        Edge::Upper => {
            let s = from(b + half);
            Some(if integer { s.ceil() } else { s })
        }
        Edge::Lower => {
            let mut s = from(a - half);
            if integer {
                s = s.floor();
            }
            if lo >= 0.0 {
                s = s.max(nonneg_floor);
            }
            (s < lo).then_some(s)
        }
    };
    Some(BorderWarning {
        param: name.to_string(),
        edge,
        best: value.clone(),
        lo,
        hi,
        suggested,
    })
}
