//! The `Module` trait, the per-step [`Ctx`] every forward pass runs in, and
//! the training/evaluation [`Mode`] switch.
//!
//! Parameters live in the modules, outside any tape (see
//! [`autograd::Param`]). Each training step makes a fresh tape and a `Ctx`
//! over it; a module's forward asks the `Ctx` for the leaf of each of its
//! parameters ([`Ctx::param`]). The `Ctx` makes that leaf once per step —
//! a parameter used twice (weight tying) is one leaf whose gradient sums
//! both uses — and lets a gradient checker substitute its own leaves
//! ([`Ctx::bind`]).
//!
//! The mode lives in the `Ctx`, not in each layer, so one switch reaches
//! every layer and cannot be forgotten on one of them: batch
//! normalization and dropout read [`Ctx::mode`].

use autograd::{Float, Gradients, Param, ParamId, Tape, Var};
use ndarray::Array2;

/// Whether a forward pass is training the model or evaluating it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Batch statistics in batch norm (running averages updated), dropout
    /// masks drawn from the context's RNG.
    Train,
    /// Running statistics in batch norm, dropout is the identity.
    Eval,
}

/// The random-number generator a training-mode forward pass draws from
/// (dropout masks). Any `rand` generator works; seed it for
/// reproducible runs.
pub type DynRng<'r> = &'r mut dyn rand::Rng;

/// One forward pass's context: the tape, the mode, the RNG and the leaves
/// already made for parameters.
///
/// ```
/// use autograd::{Param, Tape};
/// use ndarray::array;
/// use nn::Ctx;
///
/// let w = Param::new("w", array![[2.0]]);
/// let tape = Tape::new();
/// let mut ctx = Ctx::eval(&tape);
/// let a = ctx.param(&w);
/// let b = ctx.param(&w); // the same leaf: one gradient for both uses
/// assert_eq!(a.id(), b.id());
/// let grads = (a * b).backward();
/// assert_eq!(ctx.grad(&grads, &w).unwrap()[[0, 0]], 4.0); // d(w²)/dw
/// ```
pub struct Ctx<'t, 'r, F: Float> {
    tape: &'t Tape<F>,
    mode: Mode,
    rng: Option<DynRng<'r>>,
    leaves: Vec<(ParamId, Var<'t, F>)>,
}

impl<'t, 'r, F: Float> Ctx<'t, 'r, F> {
    /// A training-mode context drawing randomness from `rng`.
    pub fn train(tape: &'t Tape<F>, rng: DynRng<'r>) -> Self {
        Ctx {
            tape,
            mode: Mode::Train,
            rng: Some(rng),
            leaves: Vec::new(),
        }
    }

    /// An evaluation-mode context (deterministic: needs no RNG).
    pub fn eval(tape: &'t Tape<F>) -> Self {
        Ctx {
            tape,
            mode: Mode::Eval,
            rng: None,
            leaves: Vec::new(),
        }
    }

    /// The tape this pass records on.
    pub fn tape(&self) -> &'t Tape<F> {
        self.tape
    }

    /// The mode every layer honours.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// `true` in [`Mode::Train`].
    pub fn is_training(&self) -> bool {
        self.mode == Mode::Train
    }

    /// The RNG, if this is a training context.
    pub fn rng(&mut self) -> Option<&mut (dyn rand::Rng + 'r)> {
        self.rng.as_deref_mut()
    }

    /// The tape leaf for `param`, made on first use and reused after.
    #[track_caller]
    pub fn param(&mut self, param: &Param<F>) -> Var<'t, F> {
        if let Some(var) = self.leaf_of(param) {
            return var;
        }
        let var = self.tape.param(param);
        self.leaves.push((param.id(), var));
        var
    }

    /// Uses `var` as `param`'s leaf from now on (a gradient checker binds
    /// the leaves it perturbs). Replaces any earlier binding.
    pub fn bind(&mut self, param: &Param<F>, var: Var<'t, F>) {
        self.leaves.retain(|(id, _)| *id != param.id());
        self.leaves.push((param.id(), var));
    }

    /// The leaf made or bound for `param`, if any.
    pub fn leaf_of(&self, param: &Param<F>) -> Option<Var<'t, F>> {
        self.leaves
            .iter()
            .find(|(id, _)| *id == param.id())
            .map(|&(_, var)| var)
    }

    /// `param`'s gradient in `grads`; `None` if this pass never used
    /// `param` or no path from the loss reached it.
    pub fn grad<'g>(&self, grads: &'g Gradients<F>, param: &Param<F>) -> Option<&'g Array2<F>> {
        grads.get(self.leaf_of(param)?)
    }
}

/// A piece of a model: a forward pass over graph handles and the named
/// parameters it owns.
///
/// Implement [`forward`](Module::forward) with tape ops only — the tape
/// derives the backward pass — and list every parameter in
/// [`params`](Module::params) and [`params_mut`](Module::params_mut) in the
/// same order.
///
/// ```
/// use autograd::{Float, Param, Var};
/// use ndarray::array;
/// use nn::{Ctx, Module};
///
/// /// y = x·s, one learnable scale per column.
/// struct Scale<F: Float> { s: Param<F> }
///
/// impl<F: Float> Module<F> for Scale<F> {
///     fn forward<'t>(&mut self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Var<'t, F> {
///         x * ctx.param(&self.s)
///     }
///     fn params(&self) -> Vec<&Param<F>> { vec![&self.s] }
///     fn params_mut(&mut self) -> Vec<&mut Param<F>> { vec![&mut self.s] }
///     fn describe(&self) -> String { format!("scale {}", self.s.shape().cols) }
/// }
///
/// let mut scale = Scale { s: Param::new("s", array![[2.0, 3.0]]) };
/// let tape = autograd::Tape::new();
/// let mut ctx = Ctx::eval(&tape);
/// let y = scale.forward(&mut ctx, tape.constant(array![[1.0, 1.0]]));
/// assert_eq!(y.value(), array![[2.0, 3.0]]);
/// assert_eq!(scale.param_count(), 2);
/// ```
pub trait Module<F: Float> {
    /// Records this module's computation on `ctx`'s tape.
    fn forward<'t>(&mut self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Var<'t, F>;

    /// The learnable parameters, in a fixed order.
    fn params(&self) -> Vec<&Param<F>>;

    /// The same parameters, mutably, in the same order (for optimizers).
    fn params_mut(&mut self) -> Vec<&mut Param<F>>;

    /// A one-line description (`"affine 3072→100"`), used in summaries.
    fn describe(&self) -> String;

    /// The number of learnable scalars: how the notes size a network.
    fn param_count(&self) -> usize {
        self.params().iter().map(|p| p.shape().len()).sum()
    }
}
