//! The search space: named hyperparameters, each with a distribution.
//!
//! A [`SearchSpace`] is an ordered list of [`Param`]s, validated once when
//! it is built: every range must be finite and non-empty, log ranges
//! positive, categoricals non-empty, names unique. A bad range is a
//! [`SpaceError`] naming the parameter.
//!
//! Every distribution maps to and from the unit interval
//! ([`Distribution::to_unit`], [`Distribution::from_unit`]); the random
//! sampler, the narrowing rule, the border rule and the Bayesian optimizer
//! all work there:
//!
//! | distribution | unit coordinate `u` of a value `x` |
//! |---|---|
//! | `Uniform{lo,hi}` | `(x − lo) / (hi − lo)` |
//! | `LogUniform{lo,hi}` | `(ln x − ln lo) / (ln hi − ln lo)` |
//! | `Int{lo,hi}` | `(x − lo + ½) / (hi − lo + 1)`: each integer owns an equal cell |
//! | `LogInt{lo,hi}` | as `LogUniform` on `[lo − ½, hi + ½]`, so each integer owns its log cell |
//! | `Categorical(c)` | `(i + ½) / len(c)` for the `i`-th category |
//!
//! So a uniform `u` in `[0, 1)` maps to a sample of the distribution:
//! log-uniform values are uniform in log space, integers of an `Int` are
//! equally likely, those of a `LogInt` as likely as their log cell is wide
//! (Optuna's convention).
//!
//! ```
//! use nn::search::{Distribution, SearchSpace};
//!
//! let space = SearchSpace::builder()
//!     .log_uniform("learning_rate", 1e-4, 1e-1)
//!     .int("hidden", 16, 256)
//!     .categorical("optimizer", &["sgd", "adam"])
//!     .build()
//!     .unwrap();
//! assert_eq!(space.len(), 3);
//! let lr = &space.params()[0].dist;
//! assert!((lr.to_unit_f64(1e-2).unwrap() - 2.0 / 3.0).abs() < 1e-12);
//!
//! let e = SearchSpace::builder().log_uniform("learning_rate", 0.1, 0.01).build().unwrap_err();
//! assert_eq!(e.to_string(), "search space: learning_rate: log-uniform range [0.1, 0.01] is inverted");
//! ```

use std::collections::HashSet;

use rand::Rng;
use rand::RngExt;

use crate::search::config::Config;
pub use crate::search::distribution::Distribution;
pub use crate::search::error::SpaceError;

/// One named hyperparameter.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Its name (the key in a [`Config`]).
    pub name: String,
    /// Its distribution.
    pub dist: Distribution,
}

/// A validated, ordered list of hyperparameters.
#[derive(Clone, Debug, PartialEq)]
pub struct SearchSpace {
    params: Vec<Param>,
}

impl SearchSpace {
    /// Validates the parameters: finite non-empty ranges, positive log
    /// bounds, non-empty categoricals without repeats, unique names, at
    /// least one parameter.
    ///
    /// # Errors
    /// A [`SpaceError`] naming the first bad parameter.
    pub fn new(params: Vec<Param>) -> Result<SearchSpace, SpaceError> {
        if params.is_empty() {
            return Err(SpaceError {
                param: String::new(),
                detail: "no parameters".to_string(),
            });
        }
        let mut names = HashSet::new();
        for p in &params {
            p.dist.check(&p.name)?;
            if !names.insert(p.name.as_str()) {
                return Err(SpaceError {
                    param: p.name.clone(),
                    detail: "the name is used twice".to_string(),
                });
            }
        }
        Ok(SearchSpace { params })
    }

    /// A builder: add parameters in order, then [`SpaceBuilder::build`].
    pub fn builder() -> SpaceBuilder {
        SpaceBuilder::default()
    }

    /// The parameters, in order.
    pub fn params(&self) -> &[Param] {
        &self.params
    }

    /// The parameter called `name`.
    pub fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// The number of parameters (the unit cube's dimension).
    pub fn len(&self) -> usize {
        self.params.len()
    }

    /// Always false: a space has at least one parameter.
    pub fn is_empty(&self) -> bool {
        self.params.is_empty()
    }

    /// Draws one configuration: each parameter from its distribution.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Config {
        let u: Vec<f64> = self.params.iter().map(|_| rng.random::<f64>()).collect();
        self.from_unit(&u)
    }

    /// The configuration at a point of the unit cube (one coordinate per
    /// parameter, in order).
    pub fn from_unit(&self, u: &[f64]) -> Config {
        let mut c = Config::new();
        for (p, &x) in self.params.iter().zip(u) {
            c.insert(p.name.clone(), p.dist.from_unit(x));
        }
        c
    }

    /// A configuration's point in the unit cube; `None` if a parameter is
    /// missing or of the wrong type.
    pub fn to_unit(&self, c: &Config) -> Option<Vec<f64>> {
        self.params
            .iter()
            .map(|p| p.dist.to_unit(c.get(&p.name)?))
            .collect()
    }

    /// Whether `c` has every parameter, in range (extra keys are allowed).
    pub fn contains(&self, c: &Config) -> bool {
        self.params
            .iter()
            .all(|p| c.get(&p.name).is_some_and(|v| p.dist.contains(v)))
    }
}

/// Builds a [`SearchSpace`]; validation happens in [`SpaceBuilder::build`].
#[derive(Clone, Debug, Default)]
pub struct SpaceBuilder {
    params: Vec<Param>,
}

impl SpaceBuilder {
    /// Adds a parameter with any distribution.
    pub fn param(mut self, name: &str, dist: Distribution) -> Self {
        self.params.push(Param {
            name: name.to_string(),
            dist,
        });
        self
    }
    /// Adds a log-uniform parameter on `[lo, hi]`.
    pub fn log_uniform(self, name: &str, lo: f64, hi: f64) -> Self {
        self.param(name, Distribution::LogUniform { lo, hi })
    }
    /// Adds a uniform parameter on `[lo, hi]`.
    pub fn uniform(self, name: &str, lo: f64, hi: f64) -> Self {
        self.param(name, Distribution::Uniform { lo, hi })
    }
    /// Adds an integer parameter in `lo..=hi`.
    pub fn int(self, name: &str, lo: i64, hi: i64) -> Self {
        self.param(name, Distribution::Int { lo, hi })
    }
    /// Adds a log-integer parameter in `lo..=hi`.
    pub fn log_int(self, name: &str, lo: i64, hi: i64) -> Self {
        self.param(name, Distribution::LogInt { lo, hi })
    }
    /// Adds a categorical parameter.
    pub fn categorical(self, name: &str, choices: &[&str]) -> Self {
        let c = choices.iter().map(|s| s.to_string()).collect();
        self.param(name, Distribution::Categorical(c))
    }
    /// Validates and returns the space ([`SearchSpace::new`]).
    ///
    /// # Errors
    /// A [`SpaceError`] naming the first bad parameter.
    pub fn build(self) -> Result<SearchSpace, SpaceError> {
        SearchSpace::new(self.params)
    }
}
