//! Bayesian optimization: a Gaussian-process surrogate with expected
//! improvement, as a [`Strategy`].
//!
//! **Why not `egobox-ego`.** Its newest release (0.42.0, checked with
//! `cargo info`) depends on `ndarray` 0.16 (this workspace uses 0.17, so
//! its arrays are a different type from ours), `rand_xoshiro` 0.6 (the
//! `rand_core` 0.6 family; we use `rand` 0.10), `linfa` 0.8 with
//! `linfa-clustering`/`linfa-pls`, `rayon`, `argmin`-style solvers
//! (`cobyla`, `slsqp`, `basin`), `clap`, `ctrlc`, `env_logger`,
//! `bincode`, `typetag` and declares no `rust-version` — a second copy of
//! `ndarray` and `rand`, a thread pool and a CLI stack in a library whose
//! job here is ~300 lines of arithmetic. It also drives the objective
//! itself, while trials here run as separate processes and report back
//! (ask/tell). So this module is a small, documented one instead.
//!
//! **Reproducible and resumable.** [`Strategy::ask`] keeps no state
//! between calls: its generator is seeded from [`BayesConfig::seed`] and
//! the number of finished trials, so the same finished trials (in the
//! same order) always give the same proposals — a search restarted after
//! a crash continues exactly where it would have.
//!
//! **The method** ([`Strategy::ask`]):
//! 1. Usable trials: inside the current space, finite objective (failed
//!    trials and earlier stages' trials outside a narrowed space are
//!    ignored). While there are fewer than [`BayesConfig::n_init`], propose
//!    seeded random configurations.
//! 2. Map each to the unit cube ([`SearchSpace::to_unit`]: log scale for
//!    log distributions; a categorical is **one coordinate by category
//!    index**, each category a cell — crude when there are many
//!    unordered categories, fine for a handful) and fit the
//!    [`gp::Gp`] to the objectives (negated when maximizing).
//! 3. Maximize expected improvement below the best normalized objective
//!    (margin [`BayesConfig::xi`]) over [`BayesConfig::candidates`] seeded
//!    uniform points plus as many Gaussian perturbations (σ = 0.1) of the
//!    best trials, then refine the three best by a shrinking random local
//!    search (σ from 0.05, halved after each failure, 24 tries).
//! 4. Snap the point to a configuration (integers and categories by cell).
//!    If it repeats a finished or just-proposed configuration, propose a
//!    random one not tried yet instead (up to 64 draws; a purely discrete
//!    space would loop otherwise).
//! 5. For `n > 1`, the batch is built by the *constant liar*: each
//!    proposal joins the data with the best objective so far as its
//!    pretend result (same hyperparameters), so the next one looks
//!    elsewhere.
//!
//! ```
//! use nn::search::{BayesConfig, BayesOpt, SearchSpace, optimize};
//!
//! let space = SearchSpace::builder().uniform("x", -2.0, 2.0).build().unwrap();
//! let mut bo = BayesOpt::new(BayesConfig { seed: 1, ..BayesConfig::default() });
//! let trials = optimize(&mut bo, &space, 12, |c| (c.float("x").unwrap() - 0.7).powi(2));
//! let best = trials.iter().map(|t| t.objective).fold(f64::INFINITY, f64::min);
//! assert!(best < 1e-3);
//! ```

pub mod gp;
pub mod normal;

use std::collections::HashSet;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution as _, Normal, StandardNormal};

use crate::search::config::Config;
use crate::search::space::SearchSpace;
use crate::search::strategy::{Direction, Strategy, Trial};

/// Knobs of [`BayesOpt`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BayesConfig {
    /// Random configurations before the surrogate takes over (default 5).
    pub n_init: usize,
    /// Uniform random candidates for maximizing expected improvement
    /// (default 512; as many again near the best trials).
    pub candidates: usize,
    /// Exploration margin of expected improvement, in normalized
    /// objective units (default 0.01).
    pub xi: f64,
    /// Seeds every random choice (default 0).
    pub seed: u64,
    /// Minimize (default) or maximize the objective.
    pub direction: Direction,
}

impl Default for BayesConfig {
    fn default() -> Self {
        BayesConfig {
            n_init: 5,
            candidates: 512,
            xi: 0.01,
            seed: 0,
            direction: Direction::Minimize,
        }
    }
}

/// Gaussian-process Bayesian optimization (see the module doc).
#[derive(Debug)]
pub struct BayesOpt {
    config: BayesConfig,
}

impl BayesOpt {
    /// A seeded optimizer.
    pub fn new(config: BayesConfig) -> Self {
        BayesOpt { config }
    }
}

impl Strategy for BayesOpt {
    fn ask(&mut self, space: &SearchSpace, finished: &[Trial], n: usize) -> Vec<Config> {
        // A pure function of (seed, how many trials are finished, …): a
        // resumed search handed the same trials proposes the same configs.
        let rng = &mut StdRng::seed_from_u64(splitmix64(
            self.config.seed ^ splitmix64(finished.len() as u64),
        ));
        let mut xs = Vec::new();
        let mut ys = Vec::new();
        let mut seen: HashSet<u64> = HashSet::new();
        for t in finished {
            seen.insert(t.config.hash());
            let loss = self.config.direction.as_loss(t.objective);
            if let (true, Some(u)) = (loss.is_finite(), space.to_unit(&t.config))
                && space.contains(&t.config)
            {
                xs.push(u);
                ys.push(loss);
            }
        }
        let mut out = Vec::with_capacity(n);
        let mut theta = None;
        while out.len() < n {
            let proposal = if xs.len() < self.config.n_init.max(1) {
                None
            } else {
                self.propose(space, &xs, &ys, &mut theta, rng)
            };
            let mut c = match proposal {
                Some(u) => space.from_unit(&u),
                None => space.sample(rng),
            };
            // A repeat (the surrogate's pick snapped onto a tried config):
            // a random config not tried yet, if one turns up in 64 draws.
            for _ in 0..64 {
                if !seen.contains(&c.hash()) {
                    break;
                }
                c = space.sample(rng);
            }
            seen.insert(c.hash());
            if let Some(u) = space.to_unit(&c) {
                // The constant liar: pretend it scored the best so far.
                let liar = ys.iter().copied().fold(f64::INFINITY, f64::min);
                if liar.is_finite() {
                    xs.push(u);
                    ys.push(liar);
                }
            }
            out.push(c);
        }
        out
    }
}

impl BayesOpt {
    /// The unit point maximizing expected improvement, or `None` if the
    /// surrogate cannot be fitted. The hyperparameters are chosen on the
    /// first call of a batch and reused for its liars.
    fn propose(
        &self,
        space: &SearchSpace,
        xs: &[Vec<f64>],
        ys: &[f64],
        theta: &mut Option<gp::Theta>,
        rng: &mut StdRng,
    ) -> Option<Vec<f64>> {
        let model = match theta {
            Some(t) => gp::Gp::with_theta(xs.to_vec(), ys, t.clone())?,
            None => {
                let m = gp::Gp::fit(xs.to_vec(), ys, None, rng)?;
                *theta = Some(m.theta().clone());
                m
            }
        };
        let d = space.len();
        let best = ys
            .iter()
            .map(|&y| model.normalize(y))
            .fold(f64::INFINITY, f64::min);
        let xi = self.config.xi;
        let ei = |p: &[f64]| {
            let (m, s) = model.predict(p);
            normal::expected_improvement(m, s, best, xi)
        };
        // Candidates: uniform, and perturbations of the best trials.
        let mut order: Vec<usize> = (0..ys.len()).collect();
        order.sort_by(|&a, &b| ys[a].total_cmp(&ys[b]));
        let near = Normal::new(0.0, 0.1).ok()?;
        let mut cands: Vec<(f64, Vec<f64>)> = Vec::with_capacity(2 * self.config.candidates);
        for i in 0..2 * self.config.candidates {
            let p: Vec<f64> = if i < self.config.candidates {
                (0..d).map(|_| rng.random::<f64>()).collect()
            } else {
                let centre = &xs[order[i % order.len().min(5)]];
                centre
                    .iter()
                    .map(|&c| (c + near.sample(rng)).clamp(0.0, 1.0))
                    .collect()
            };
            cands.push((ei(&p), p));
        }
        cands.sort_by(|a, b| b.0.total_cmp(&a.0));
        cands.truncate(3);
        let mut winner = cands.first()?.clone();
        for (mut value, mut p) in cands {
            let mut sigma = 0.05;
            for _ in 0..24 {
                let q: Vec<f64> = p
                    .iter()
                    .map(|&c| {
                        let z: f64 = StandardNormal.sample(rng);
                        (c + sigma * z).clamp(0.0, 1.0)
                    })
                    .collect();
                let v = ei(&q);
                if v > value {
                    (value, p) = (v, q);
                } else {
                    sigma *= 0.5;
                }
            }
            if value > winner.0 {
                winner = (value, p);
            }
        }
        Some(winner.1)
    }
}

/// SplitMix64's finalizer: spreads nearby seeds over the whole range.
fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
