//! The [`Optimizer`] trait every update rule implements, and the
//! [`Options`] they all share: gradient clipping by global norm and
//! decoupled weight decay.

use autograd::{Float, Param};

use super::error::{ConfigError, StateError, check};
use super::{ParamGrads, State};

/// Updates parameters from one step's gradients, keeping per-parameter
/// state (velocities, moment estimates, caches) between steps.
///
/// State is created for a parameter the first time it has a gradient and
/// is keyed by its [`ParamId`](autograd::ParamId), so the list passed to
/// [`step`](Optimizer::step) may change between steps. A parameter with no
/// gradient in a step (frozen, or not reached by the loss) is left
/// untouched and its state does not advance: its step count `t` counts the
/// steps it was actually updated in.
///
/// Export and restore key per-parameter state by position in the list
/// passed and name (`"0:W/v"`), never by `ParamId`, so a rebuilt model
/// restores it (see [`State`]).
pub trait Optimizer<F: Float> {
    /// A short name, also the exported state's kind: `"sgd"`, `"adam"`, …
    fn name(&self) -> &'static str;

    /// The current learning rate.
    fn learning_rate(&self) -> f64;

    /// Sets the learning rate (what a [`Schedule`](super::Schedule) does
    /// each epoch). Refuses a negative or non-finite rate.
    fn set_learning_rate(&mut self, lr: f64) -> Result<(), ConfigError>;

    /// Updates every parameter in `params` that has a gradient in `grads`,
    /// in place: one fused pass over the parameter, its gradient and its
    /// state. The parameter is written through [`Param::update`], which is
    /// in place only if no tape still shares the parameter's buffer —
    /// reset the tape first, or use [`train_step`](super::train_step),
    /// which does.
    ///
    /// # Panics
    /// If a gradient's shape differs from its parameter's (a key inserted
    /// into [`ParamGrads`] for the wrong parameter).
    fn step(&mut self, params: &mut [&mut Param<F>], grads: &ParamGrads<F>);

    /// Everything that changes during training: the learning rate, and per
    /// parameter that has state, its step count and arrays.
    fn export(&self, params: &[&Param<F>]) -> State<F>;

    /// Replaces the state by `state`, exported from an optimizer of the
    /// same kind over a list with the same positions and names.
    fn restore(&mut self, params: &[&Param<F>], state: &State<F>) -> Result<(), StateError>;
}

/// Options every optimizer takes beside its own hyperparameters. The
/// default is neither: no clipping, no weight decay.
///
/// **Decoupled weight decay is not the L2 penalty.** The notes regularize
/// with L2: `½λ‖w‖²` added to the loss
/// ([`Regularizer`](crate::Regularizer)), so `λw` joins the gradient and
/// goes through the update rule (Adam divides it by `√v̂`, momentum
/// accumulates it). Decoupled decay (AdamW, Loshchilov & Hutter) leaves the
/// gradient alone and shrinks the weights directly: every rule here
/// computes `x ← x·(1 − lr·λ) + Δ`, with `Δ` the rule's own step. For plain
/// SGD the two coincide (`x − lr·(g + λx) = x(1 − lr·λ) − lr·g`, up to
/// rounding); for Adam they do not, since the penalty's gradient is
/// normalized per coordinate and the decay is not.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Options {
    /// λ of decoupled weight decay (finite, ≥ 0; default 0).
    pub weight_decay: f64,
    /// Clip the gradients by their global norm: if `‖g‖ = √(Σ over every
    /// parameter with a gradient of Σ gᵢ²)` exceeds `c`, every gradient is
    /// scaled by `s = c/‖g‖` before the update (otherwise `s = 1`, exactly
    /// the unclipped step). Finite, > 0; default `None`.
    pub clip_norm: Option<f64>,
}

impl Options {
    /// Validates the options for optimizer `who`.
    pub(crate) fn checked(self, who: &'static str) -> Result<Self, ConfigError> {
        check::non_negative(who, "weight_decay", self.weight_decay)?;
        if let Some(c) = self.clip_norm {
            check::positive(who, "clip_norm", c)?;
        }
        Ok(self)
    }
}
