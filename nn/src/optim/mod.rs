//! Parameter updates: the notes' "Parameter updates" section.
//!
//! Once backprop has the gradient, an update rule turns it into a step.
//! Every optimizer here implements [`Optimizer`]: it updates the
//! [`Param`](autograd::Param)s it is given from one step's [`ParamGrads`],
//! keeping per-parameter state (created on a parameter's first gradient,
//! keyed by its [`ParamId`](autograd::ParamId)). A parameter with no
//! gradient in a step is left untouched and its state does not advance.
//!
//! | Optimizer | Update (per element; `ĝ = s·g`, `s` the clipping factor) | Defaults |
//! |---|---|---|
//! | [`Sgd`] | `x ← x − lr·ĝ` | lr 0.01 |
//! | [`Momentum`] | `v ← μv − lr·ĝ; x ← x + v` | lr 0.01, μ 0.9 |
//! | [`Nesterov`] | `v_prev = v; v ← μv − lr·ĝ; x ← x − μ·v_prev + (1+μ)·v` | lr 0.01, μ 0.9 |
//! | [`Adagrad`] | `cache ← cache + ĝ²; x ← x − lr·ĝ/(√cache + ε)` | lr 0.01, ε 1e-8 |
//! | [`RmsProp`] | `cache ← ρ·cache + (1−ρ)ĝ²; x ← x − lr·ĝ/(√cache + ε)` | lr 0.01, ρ 0.99, ε 1e-8 |
//! | [`Adam`] | `m ← β₁m + (1−β₁)ĝ; v ← β₂v + (1−β₂)ĝ²; x ← x − lr·(m/(1−β₁ᵗ))/(√(v/(1−β₂ᵗ)) + ε)` | lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-8 |
//!
//! Every rule also takes [`Options`]: clipping by global norm and
//! decoupled weight decay (`x ← x·(1 − lr·λ) + Δ`, distinct from the
//! notes' L2 penalty — see [`Options`]). Hyperparameters are validated at
//! construction ([`ConfigError`]).
//!
//! **The fast loop.** Updating a parameter while a tape still shares its
//! buffer copies it (copy-on-write). [`train_step`] resets the tape before
//! updating, so each step writes every parameter in place and reads each
//! gradient where backward left it; a custom loop does the same with
//! [`ParamGrads`] (keys, not `Var`s, so the tape can be reset first).
//!
//! Around the optimizers:
//! * [`schedule`]: step, exponential and 1/t decay and
//!   reduce-on-plateau, applied with [`Optimizer::set_learning_rate`];
//! * [`MaxNorm`]: the max-norm constraint on each neuron's weights;
//! * [`Polyak`]: an exponential moving average of the parameters to
//!   evaluate with;
//! * [`State`]: what every optimizer, schedule and average exports and
//!   restores, so a resumed run continues bit for bit.
//!
//! ```
//! use autograd::Tape;
//! use ndarray::array;
//! use nn::layers::Affine;
//! use nn::optim::{Adam, AdamConfig, train_step};
//! use nn::{Module, losses};
//! use rand::SeedableRng;
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(0);
//! let mut net = Affine::from_values("fc", array![[0.0], [0.0]], array![[0.0]]).unwrap();
//! let mut adam = Adam::new(AdamConfig { lr: 0.1, ..Default::default() }).unwrap();
//! let mut tape = Tape::new();
//! let (x, y) = (array![[1.0, 2.0], [0.5, -1.0]], array![[3.0], [0.0]]);
//! let mut loss = f64::INFINITY;
//! for _ in 0..200 {
//!     loss = train_step(&mut tape, &mut net, &mut adam, Some(&mut rng), |net, ctx| {
//!         let out = net.forward(ctx, ctx.tape().constant(x.clone()));
//!         losses::l2_regression(out, &y)
//!     });
//! }
//! assert!(loss < 1e-3, "{loss}");
//! ```

mod adagrad;
mod adam;
mod clip;
pub(crate) mod core;
mod error;
mod grads;
mod lbfgs;
mod line_search;
mod max_norm;
mod momentum;
mod nesterov;
mod optimizer;
mod polyak;
mod rmsprop;
pub mod schedule;
mod sgd;
mod state;
mod step;

pub use adagrad::{Adagrad, AdagradConfig};
pub use adam::{Adam, AdamConfig};
pub use error::{ConfigError, StateError};
pub use grads::ParamGrads;
pub use lbfgs::{Lbfgs, LbfgsConfigError, LbfgsError, LbfgsOptions, LbfgsReport, StopReason};
pub use line_search::{LineSearchFailure, Searched, Trial, WolfeSearch};
pub use max_norm::MaxNorm;
pub use momentum::{Momentum, MomentumConfig};
pub use nesterov::{Nesterov, NesterovConfig};
pub use optimizer::{Optimizer, Options};
pub use polyak::Polyak;
pub use rmsprop::{RmsProp, RmsPropConfig};
pub use schedule::Schedule;
pub use sgd::{Sgd, SgdConfig};
pub use state::State;
pub use step::train_step;
