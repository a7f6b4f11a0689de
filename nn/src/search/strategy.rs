//! Strategies: what to try next, given the finished trials.
//!
//! A [`Strategy`] is asked for the next `n` configurations given the
//! search space and the finished [`Trial`]s (config and objective). The
//! space is passed on every call so a coarse-to-fine search can narrow it
//! between stages while the strategy keeps its random state.
//!
//! * [`RandomSearch`] (the notes' recommendation): independent draws from
//!   each parameter's distribution with a seeded generator. `ask(a)` then
//!   `ask(b)` gives the same configs as `ask(a + b)`, and the finished
//!   trials are ignored.
//! * [`GridSearch`]: `points` values per numeric parameter, evenly spaced
//!   in unit coordinates (so log-spaced for log distributions), integers
//!   rounded and repeats dropped; every category. The cartesian product is
//!   listed with the **last parameter varying fastest** (row-major, like
//!   nested `for` loops in the space's order); `ask` hands it out in that
//!   order and returns fewer than `n` once the grid is exhausted.
//! * [`BayesOpt`](crate::search::BayesOpt) (Gaussian process + expected improvement), in `bayes/`.
//!
//! Objectives are minimized by default ([`Direction::Minimize`], as
//! Optuna); trials with a NaN objective (failed) count as finished but
//! never as good.
//!
//! ```
//! use nn::search::{GridSearch, SearchSpace, Strategy};
//!
//! let space = SearchSpace::builder()
//!     .log_uniform("lr", 1e-3, 1e-1)
//!     .categorical("opt", &["sgd", "adam"])
//!     .build()
//!     .unwrap();
//! let grid = GridSearch::new(3).configs(&space);
//! let shown: Vec<String> = grid.iter().map(|c| c.to_string()).collect();
//! assert_eq!(shown, [
//!     "lr=0.001 opt=sgd", "lr=0.001 opt=adam",
//!     "lr=0.01 opt=sgd", "lr=0.01 opt=adam",
//!     "lr=0.1 opt=sgd", "lr=0.1 opt=adam",
//! ]);
//! ```

use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::search::config::{Config, Value};
use crate::search::space::{Distribution, SearchSpace};

/// A finished trial: the configuration and its objective.
#[derive(Clone, Debug, PartialEq)]
pub struct Trial {
    /// What was tried.
    pub config: Config,
    /// What it scored (NaN for a failed trial).
    pub objective: f64,
}

/// Whether lower or higher objectives are better.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Direction {
    /// Lower is better (a loss, an error rate). The default.
    #[default]
    Minimize,
    /// Higher is better (an accuracy).
    Maximize,
}

impl Direction {
    /// The objective turned into one to minimize (negated for `Maximize`).
    pub fn as_loss(self, objective: f64) -> f64 {
        match self {
            Direction::Minimize => objective,
            Direction::Maximize => -objective,
        }
    }

    /// The trials with a non-NaN objective, best first (a stable sort: ties
    /// keep their order).
    ///
    /// ```
    /// use nn::search::{Config, Direction, Trial};
    /// let t = |o| Trial { config: Config::new(), objective: o };
    /// let trials = [t(0.5), t(f64::NAN), t(0.9), t(0.1)];
    /// let best: Vec<f64> = Direction::Maximize.best_first(&trials).iter().map(|t| t.objective).collect();
    /// assert_eq!(best, [0.9, 0.5, 0.1]);
    /// ```
    pub fn best_first(self, trials: &[Trial]) -> Vec<&Trial> {
        let mut v: Vec<&Trial> = trials.iter().filter(|t| !t.objective.is_nan()).collect();
        v.sort_by(|a, b| {
            self.as_loss(a.objective)
                .total_cmp(&self.as_loss(b.objective))
        });
        v
    }
}

/// Proposes configurations to try.
pub trait Strategy {
    /// The next `n` configurations to try in `space`, given the finished
    /// trials (possibly from earlier stages, possibly outside `space`).
    /// May return fewer than `n` (an exhausted grid).
    fn ask(&mut self, space: &SearchSpace, finished: &[Trial], n: usize) -> Vec<Config>;
}

/// Seeded random search.
#[derive(Debug)]
pub struct RandomSearch {
    rng: StdRng,
}

impl RandomSearch {
    /// A random search whose draws depend only on `seed`.
    ///
    /// ```
    /// use nn::search::{RandomSearch, SearchSpace, Strategy};
    /// let space = SearchSpace::builder().log_uniform("lr", 1e-4, 1e-1).build().unwrap();
    /// let a = RandomSearch::new(7).ask(&space, &[], 4);
    /// let mut r = RandomSearch::new(7);
    /// let mut b = r.ask(&space, &[], 1);
    /// b.extend(r.ask(&space, &[], 3));
    /// assert_eq!(a, b);
    /// ```
    pub fn new(seed: u64) -> Self {
        RandomSearch {
            rng: StdRng::seed_from_u64(seed),
        }
    }
}

impl Strategy for RandomSearch {
    fn ask(&mut self, space: &SearchSpace, _finished: &[Trial], n: usize) -> Vec<Config> {
        (0..n).map(|_| space.sample(&mut self.rng)).collect()
    }
}

/// Grid search: `points` per numeric parameter, every category.
#[derive(Clone, Debug)]
pub struct GridSearch {
    points: usize,
    next: usize,
}

impl GridSearch {
    /// A grid of `points` values per numeric parameter (at least 1; one
    /// point is the range's middle).
    pub fn new(points: usize) -> Self {
        GridSearch {
            points: points.max(1),
            next: 0,
        }
    }

    /// The values one parameter takes on the grid, in increasing order.
    ///
    /// ```
    /// use nn::search::{Distribution, GridSearch, Value};
    /// let v = GridSearch::new(4).values(&Distribution::Int { lo: 1, hi: 2 });
    /// assert_eq!(v, [Value::Int(1), Value::Int(2)]); // repeats dropped
    /// ```
    pub fn values(&self, dist: &Distribution) -> Vec<Value> {
        if let Distribution::Categorical(c) = dist {
            return c.iter().map(|s| Value::Choice(s.clone())).collect();
        }
        let mut out: Vec<Value> = Vec::with_capacity(self.points);
        for i in 0..self.points {
            let u = if self.points == 1 {
                0.5
            } else {
                i as f64 / (self.points - 1) as f64
            };
            let v = match dist {
                // Integers: the grid spans the integer bounds themselves,
                // not the half-widened cells.
                &Distribution::Int { lo, hi } | &Distribution::LogInt { lo, hi } => {
                    let (a, b) = (lo as f64, hi as f64);
                    let x = if dist.is_log() {
                        (a.ln() + u * (b.ln() - a.ln())).exp()
                    } else {
                        a + u * (b - a)
                    };
                    Value::Int((x.round() as i64).clamp(lo, hi))
                }
                _ => dist.from_unit(u),
            };
            if out.last() != Some(&v) {
                out.push(v);
            }
        }
        out
    }

    /// The whole grid, last parameter varying fastest.
    pub fn configs(&self, space: &SearchSpace) -> Vec<Config> {
        let axes: Vec<Vec<Value>> = space
            .params()
            .iter()
            .map(|p| self.values(&p.dist))
            .collect();
        let total: usize = axes.iter().map(Vec::len).product();
        (0..total)
            .map(|mut k| {
                let mut c = Config::new();
                // Decode k in mixed radix, least significant = last parameter.
                for (p, axis) in space.params().iter().zip(&axes).rev() {
                    c.insert(p.name.clone(), axis[k % axis.len()].clone());
                    k /= axis.len();
                }
                c
            })
            .collect()
    }
}

impl Strategy for GridSearch {
    fn ask(&mut self, space: &SearchSpace, _finished: &[Trial], n: usize) -> Vec<Config> {
        let all = self.configs(space);
        let start = self.next.min(all.len());
        let end = (start + n).min(all.len());
        self.next = end;
        all[start..end].to_vec()
    }
}

/// Runs `budget` trials in-process, asking `strategy` for one config at a
/// time and scoring it with `objective`: the loop for cheap objectives
/// (the synthetic benchmarks, tests). Returns the trials in order.
///
/// ```
/// use nn::search::{RandomSearch, SearchSpace, optimize};
/// let space = SearchSpace::builder().uniform("x", -1.0, 1.0).build().unwrap();
/// let trials = optimize(&mut RandomSearch::new(0), &space, 20, |c| c.float("x").unwrap().powi(2));
/// assert_eq!(trials.len(), 20);
/// ```
pub fn optimize<S, O>(
    strategy: &mut S,
    space: &SearchSpace,
    budget: usize,
    mut objective: O,
) -> Vec<Trial>
where
    S: Strategy + ?Sized,
    O: FnMut(&Config) -> f64,
{
    let mut trials = Vec::with_capacity(budget);
    while trials.len() < budget {
        let Some(config) = strategy.ask(space, &trials, 1).pop() else {
            break;
        };
        let objective = objective(&config);
        trials.push(Trial { config, objective });
    }
    trials
}
