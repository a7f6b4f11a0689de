//! Coarse → fine: a narrower space around the best trials.
//!
//! The rule ([`NarrowRule`], defaults in brackets):
//!
//! 1. Keep the finished trials that lie in the space and have a
//!    non-NaN objective; rank them by [`Direction`]. Take the top
//!    `k = max(min_top, ceil(top_fraction · n))` of them (at most `n`)
//!    [`top_fraction` 0.25, `min_top` 3].
//! 2. For each numeric parameter, in unit coordinates (log scale for log
//!    distributions, see [`space`](crate::search::space)): the interval
//!    `[min, max]` of the top trials, widened by `margin` on each side
//!    [0.05], clipped to `[0, 1]`. If it is narrower than `min_width`
//!    [0.1], it becomes `min_width` wide, centred on the top trials'
//!    midpoint and shifted back inside `[0, 1]`.
//! 3. Mapped back: a float range to its values at those coordinates (an
//!    end at 0 or 1 keeps the old bound exactly); an integer range to the
//!    integers whose cells meet the interval.
//! 4. A categorical keeps the categories that appear among the top trials,
//!    in their old order.
//!
//! The result is a validated [`SearchSpace`] with the same parameters in
//! the same order, each range inside the old one.
//!
//! ```
//! use nn::search::{Config, NarrowRule, SearchSpace, Trial, Value, narrow};
//!
//! let space = SearchSpace::builder().uniform("x", 0.0, 10.0).build().unwrap();
//! let trial = |x: f64| {
//!     let mut c = Config::new();
//!     c.insert("x", Value::Float(x));
//!     Trial { config: c, objective: (x - 3.0).abs() }
//! };
//! let trials: Vec<Trial> = [0.5, 2.0, 3.0, 4.0, 9.0].into_iter().map(trial).collect();
//! let fine = narrow(&space, &trials, &NarrowRule::default()).unwrap();
//! // Top 3 (2, 3, 4) span unit [0.2, 0.4]; ± 0.05 gives [0.15, 0.45].
//! let nn::search::Distribution::Uniform { lo, hi } = fine.params()[0].dist else { panic!() };
//! assert!((lo - 1.5).abs() < 1e-12 && (hi - 4.5).abs() < 1e-12);
//! ```

use crate::search::distribution::Distribution;
use crate::search::error::SpaceError;
use crate::search::space::{Param, SearchSpace};
use crate::search::strategy::{Direction, Trial};

/// The narrowing rule's knobs (see the module doc).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NarrowRule {
    /// Share of the finished trials kept as "top", in `(0, 1]`.
    pub top_fraction: f64,
    /// At least this many top trials (if there are that many).
    pub min_top: usize,
    /// Widening on each side, in unit coordinates (≥ 0).
    pub margin: f64,
    /// Smallest width of a new range, in unit coordinates, in `(0, 1]`.
    pub min_width: f64,
    /// Whether low or high objectives are best.
    pub direction: Direction,
}

impl Default for NarrowRule {
    /// Top 25 % (at least 3), margin 0.05, minimum width 0.1, minimize.
    fn default() -> Self {
        NarrowRule {
            top_fraction: 0.25,
            min_top: 3,
            margin: 0.05,
            min_width: 0.1,
            direction: Direction::Minimize,
        }
    }
}

fn rule_error(detail: String) -> SpaceError {
    SpaceError {
        param: String::new(),
        detail: format!("narrowing: {detail}"),
    }
}

/// The top trials the rule keeps, best first.
///
/// # Errors
/// Bad rule knobs, or no finished trial in the space.
pub fn top_trials<'a>(
    space: &SearchSpace,
    trials: &'a [Trial],
    rule: &NarrowRule,
) -> Result<Vec<&'a Trial>, SpaceError> {
    let NarrowRule {
        top_fraction,
        margin,
        min_width,
        ..
    } = *rule;
    let ok = top_fraction > 0.0
        && top_fraction <= 1.0
        && margin >= 0.0
        && margin.is_finite()
        && min_width > 0.0
        && min_width <= 1.0;
    if !ok {
        return Err(rule_error(format!(
            "top_fraction {top_fraction} must be in (0, 1], margin {margin} finite and \
             non-negative, min_width {min_width} in (0, 1]"
        )));
    }
    let mut ranked = rule.direction.best_first(trials);
    ranked.retain(|t| space.contains(&t.config));
    if ranked.is_empty() {
        return Err(rule_error(
            "no finished trial (non-NaN objective, inside the space) to narrow around".into(),
        ));
    }
    let n = ranked.len();
    let k = ((top_fraction * n as f64).ceil() as usize)
        .max(rule.min_top)
        .min(n);
    ranked.truncate(k);
    Ok(ranked)
}

/// The narrowed space (see the module doc for the rule).
///
/// # Errors
/// Bad rule knobs, or no finished trial in the space.
pub fn narrow(
    space: &SearchSpace,
    trials: &[Trial],
    rule: &NarrowRule,
) -> Result<SearchSpace, SpaceError> {
    let top = top_trials(space, trials, rule)?;
    let params = space
        .params()
        .iter()
        .map(|p| Param {
            name: p.name.clone(),
            dist: narrow_one(&p.name, &p.dist, &top, rule),
        })
        .collect();
    SearchSpace::new(params)
}

fn narrow_one(name: &str, dist: &Distribution, top: &[&Trial], rule: &NarrowRule) -> Distribution {
    match *dist {
        Distribution::Categorical(ref c) => {
            let kept = c
                .iter()
                .filter(|s| {
                    top.iter()
                        .any(|t| t.config.choice(name) == Some(s.as_str()))
                })
                .cloned()
                .collect();
            Distribution::Categorical(kept)
        }
        Distribution::Uniform { lo, hi } | Distribution::LogUniform { lo, hi } => {
            let (a, b) = unit_interval(name, dist, top, rule);
            let at = |u: f64| match u {
                u if u <= 0.0 => lo,
                u if u >= 1.0 => hi,
                _ => dist.from_unit_f64(u).map_or(lo, |x| x.clamp(lo, hi)),
            };
            let (lo, hi) = (at(a), at(b));
            if dist.is_log() {
                Distribution::LogUniform { lo, hi }
            } else {
                Distribution::Uniform { lo, hi }
            }
        }
        Distribution::Int { lo, hi } | Distribution::LogInt { lo, hi } => {
            let (a, b) = unit_interval(name, dist, top, rule);
            // The integer k owns the cell [k − ½, k + ½]: keep the cells the
            // interval meets by more than rounding error (an interval ending
            // exactly on a cell boundary does not take the next integer).
            let xa = dist.from_unit_f64(a).unwrap_or(lo as f64);
            let xb = dist.from_unit_f64(b).unwrap_or(hi as f64);
            let nlo = ((xa + 0.5 + 1e-9).floor() as i64).clamp(lo, hi);
            let nhi = ((xb - 0.5 - 1e-9).ceil() as i64).clamp(nlo, hi);
            if dist.is_log() {
                Distribution::LogInt { lo: nlo, hi: nhi }
            } else {
                Distribution::Int { lo: nlo, hi: nhi }
            }
        }
    }
}

/// Steps 2's interval in unit coordinates.
fn unit_interval(name: &str, dist: &Distribution, top: &[&Trial], rule: &NarrowRule) -> (f64, f64) {
    // `top` holds only trials inside the space, so every coordinate exists.
    let (umin, umax) = top
        .iter()
        .filter_map(|t| dist.to_unit(t.config.get(name)?))
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), u| {
            (a.min(u), b.max(u))
        });
    let (a, b) = ((umin - rule.margin).max(0.0), (umax + rule.margin).min(1.0));
    if b - a >= rule.min_width {
        return (a, b);
    }
    let mid = 0.5 * (umin + umax);
    let a = (mid - 0.5 * rule.min_width).clamp(0.0, 1.0 - rule.min_width);
    (a, a + rule.min_width)
}
