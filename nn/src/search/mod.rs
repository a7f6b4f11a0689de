//! Hyperparameter search: spaces, strategies, coarse → fine narrowing,
//! border warnings, Bayesian optimization, and trials run as processes.
//!
//! * [`SearchSpace`] of named [`Distribution`]s (log-uniform, uniform,
//!   integer, log-integer, categorical), validated ([`SpaceError`] names
//!   the parameter); every distribution maps to the unit interval.
//! * A sampled [`Config`] (name → [`Value`]) with a lossless JSON round
//!   trip and a stable FNV-1a [`Config::hash`].
//! * [`Strategy`]: [`RandomSearch`] (seeded; the notes' recommendation),
//!   [`GridSearch`], [`BayesOpt`] (Gaussian process + expected
//!   improvement); [`optimize`] runs cheap objectives in-process.
//! * [`narrow()`] builds the next stage's space around the best trials;
//!   [`border_warnings`] flags best values near a range's edge.
//! * [`benchmark_functions`]: Branin and Hartmann-6.
//! * [`trials`]: each trial one process — a JSON config in, one JSON line
//!   appended to an append-only results file out; crash-safe resume, a
//!   local multi-process runner, and job files plus `--trial N` /
//!   `collect` for running trials across machines.
//!
//! ```
//! use nn::search::{Direction, NarrowRule, RandomSearch, SearchSpace, Strategy, Trial, narrow};
//!
//! let space = SearchSpace::builder()
//!     .log_uniform("lr", 1e-5, 1.0)
//!     .log_int("hidden", 8, 512)
//!     .build()
//!     .unwrap();
//! let mut random = RandomSearch::new(0);
//! let configs = random.ask(&space, &[], 20);
//! // Pretend the objective (to maximize) peaks at lr = 1e-2.
//! let trials: Vec<Trial> = configs
//!     .into_iter()
//!     .map(|c| {
//!         let acc = 1.0 - (c.float("lr").unwrap().log10() + 2.0).abs() / 10.0;
//!         Trial { config: c, objective: acc }
//!     })
//!     .collect();
//! let rule = NarrowRule { direction: Direction::Maximize, ..NarrowRule::default() };
//! let fine = narrow(&space, &trials, &rule).unwrap();
//! assert!(fine.param("lr").unwrap().dist != space.param("lr").unwrap().dist);
//! ```

pub mod bayes;
pub mod benchmark_functions;
pub mod border;
pub mod config;
pub mod distribution;
pub mod error;
pub mod narrow;
pub mod space;
pub mod strategy;
pub mod trials;

pub use bayes::{BayesConfig, BayesOpt};
pub use border::{BorderWarning, Edge, NEAR_EDGE, border_warnings};
pub use config::{Config, ConfigJsonError, Value};
pub use narrow::{NarrowRule, narrow};
pub use space::{Distribution, Param, SearchSpace, SpaceBuilder, SpaceError};
pub use strategy::{Direction, GridSearch, RandomSearch, Strategy, Trial, optimize};
