//! [`Ctx`], the per-step context every forward pass runs in, and the
//! training/evaluation [`Mode`] switch.
//!
//! Each training step makes a fresh tape and a `Ctx` over it; a module's
//! forward asks the `Ctx` for the leaf of each of its parameters
//! ([`Ctx::param`]). The `Ctx` makes that leaf once per step — a
//! parameter used twice (weight tying) is one leaf whose gradient sums
//! both uses — and lets a gradient checker substitute its own leaves
//! ([`Ctx::bind`]).
//!
//! # Randomness is optional
//!
//! A training context needs a random-number generator only if a layer
//! draws from one (dropout). [`Ctx::train`] takes none;
//! [`with_seed`](Ctx::with_seed) gives it its own seeded generator and
//! [`with_rng`](Ctx::with_rng) lends it any `rand` generator. A layer that
//! needs one and finds none fails with an error naming the layer.

use autograd::{Error, Float, Gradients, Param, ParamId, Result, Tape, Var};
use ndarray::Array2;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// Whether a forward pass is training the model or evaluating it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Batch statistics in batch norm (running averages updated), dropout
    /// masks drawn from the context's RNG.
    Train,
    /// Running statistics in batch norm, dropout is the identity.
    Eval,
}

/// The random-number generator a training-mode forward pass may draw from
/// (dropout masks), lent with [`Ctx::with_rng`]. Any `rand` generator
/// works; seed it for reproducible runs.
pub type DynRng<'r> = &'r mut dyn rand::Rng;

/// Where a context's randomness comes from.
enum RngSource<'r> {
    /// None: a layer that needs randomness reports an error.
    None,
    /// Lent by the caller ([`Ctx::with_rng`]).
    Borrowed(DynRng<'r>),
    /// Owned, seeded by [`Ctx::with_seed`] (boxed: a `StdRng` is ten
    /// times the size of the other variants, and every `Ctx` would carry it).
    Owned(Box<StdRng>),
}

/// One forward pass's context: the tape, the mode, the optional RNG and the
/// leaves already made for parameters.
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
    rng: RngSource<'r>,
    updates_state: bool,
    leaves: Vec<(ParamId, Var<'t, F>)>,
}

impl<'t, 'r, F: Float> Ctx<'t, 'r, F> {
    /// A training-mode context, without randomness: enough for a model
    /// without dropout. Add a generator with [`with_seed`](Ctx::with_seed)
    /// or [`with_rng`](Ctx::with_rng).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// use nn::layers::{BatchNorm, Dropout};
    /// use nn::{Ctx, Module};
    ///
    /// let tape = Tape::<f64>::new();
    /// let x = tape.constant(array![[1.0], [3.0]]);
    /// let bn = BatchNorm::new("bn", 1);
    /// assert!(bn.try_forward(&mut Ctx::train(&tape), x).is_ok()); // needs no RNG
    /// let e = Dropout::new(0.5).try_forward(&mut Ctx::train(&tape), x).unwrap_err();
    /// assert!(e.to_string().contains("needs a random-number generator"));
    /// let y = Dropout::new(0.5).forward(&mut Ctx::train(&tape).with_seed(7), x);
    /// assert!(y.value().iter().all(|&v| v == 0.0 || v == 2.0 || v == 6.0));
    /// ```
    pub fn train(tape: &'t Tape<F>) -> Self {
        Ctx {
            tape,
            mode: Mode::Train,
            rng: RngSource::None,
            updates_state: true,
            leaves: Vec::new(),
        }
    }

    /// An evaluation-mode context (deterministic: needs no RNG, changes no
    /// layer state).
    pub fn eval(tape: &'t Tape<F>) -> Self {
        Ctx {
            tape,
            mode: Mode::Eval,
            rng: RngSource::None,
            updates_state: false,
            leaves: Vec::new(),
        }
    }

    /// A context in `mode`: [`Ctx::train`] or [`Ctx::eval`].
    ///
    /// ```
    /// use nn::{Ctx, Mode};
    /// let tape = autograd::Tape::<f32>::new();
    /// assert!(Ctx::new(&tape, Mode::Train).is_training());
    /// assert!(!Ctx::new(&tape, Mode::Eval).is_training());
    /// ```
    pub fn new(tape: &'t Tape<F>, mode: Mode) -> Self {
        match mode {
            Mode::Train => Ctx::train(tape),
            Mode::Eval => Ctx::eval(tape),
        }
    }

    /// Lends `rng` to the layers that draw random numbers (dropout).
    ///
    /// ```
    /// use autograd::Tape;
    /// use nn::layers::Dropout;
    /// use nn::{Ctx, Module};
    /// use rand::SeedableRng;
    ///
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    /// let tape = Tape::<f64>::new();
    /// let x = tape.constant(ndarray::Array2::ones((4, 5)));
    /// let y = Dropout::new(0.5).forward(&mut Ctx::train(&tape).with_rng(&mut rng), x);
    /// assert!(y.value().iter().all(|&v| v == 0.0 || v == 2.0));
    /// ```
    pub fn with_rng(mut self, rng: DynRng<'r>) -> Self {
        self.rng = RngSource::Borrowed(rng);
        self
    }

    /// Gives the context its own generator seeded with `seed`, so the same
    /// seed draws the same dropout masks, and the caller needs no `rand`
    /// dependency of its own.
    ///
    /// ```
    /// use autograd::Tape;
    /// use nn::layers::Dropout;
    /// use nn::{Ctx, Module};
    ///
    /// let tape = Tape::<f64>::new();
    /// let x = tape.constant(ndarray::Array2::ones((4, 5)));
    /// let a = Dropout::new(0.5).forward(&mut Ctx::train(&tape).with_seed(9), x);
    /// let b = Dropout::new(0.5).forward(&mut Ctx::train(&tape).with_seed(9), x);
    /// assert_eq!(a.value(), b.value());
    /// ```
    pub fn with_seed(mut self, seed: u64) -> Self {
        self.rng = RngSource::Owned(Box::new(StdRng::seed_from_u64(seed)));
        self
    }

    /// Keeps layer state (batch norm's running statistics) as it is during
    /// this pass, though it trains: what a gradient checker needs, since it
    /// evaluates the model many times and must leave it as it found it.
    /// Training-mode outputs never read that state, so they are the same.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// use nn::layers::BatchNorm;
    /// use nn::{Ctx, Module};
    ///
    /// let bn = BatchNorm::<f64>::new("bn", 1);
    /// let tape = Tape::new();
    /// let mut ctx = Ctx::train(&tape).freeze_state();
    /// assert!(!ctx.updates_state());
    /// bn.forward(&mut ctx, tape.constant(array![[1.0], [3.0]]));
    /// assert_eq!(bn.running_mean()[[0, 0]], 0.0); // untouched
    /// ```
    pub fn freeze_state(mut self) -> Self {
        self.updates_state = false;
        self
    }

    /// Whether layers may update their state in this pass: `true` for
    /// [`Ctx::train`] unless [frozen](Ctx::freeze_state), `false` for
    /// [`Ctx::eval`]. A module with state of its own must honour it.
    pub fn updates_state(&self) -> bool {
        self.updates_state
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

    /// The RNG, if one was given ([`with_rng`](Ctx::with_rng),
    /// [`with_seed`](Ctx::with_seed)).
    pub fn rng(&mut self) -> Option<&mut dyn rand::Rng> {
        match &mut self.rng {
            RngSource::None => None,
            RngSource::Borrowed(rng) => Some(&mut **rng),
            RngSource::Owned(rng) => Some(&mut **rng),
        }
    }

    /// The RNG for `layer` (a description such as `"dropout(p_keep=0.5)"`)
    /// of kind `op`, or an error naming both and saying how to provide one.
    ///
    /// ```
    /// let tape = autograd::Tape::<f64>::new();
    /// let e = nn::Ctx::train(&tape).require_rng("Dropout", "dropout(p_keep=0.5)").err().unwrap();
    /// assert_eq!(
    ///     e.to_string(),
    ///     "Dropout: dropout(p_keep=0.5) needs a random-number generator in training mode: \
    ///      use Ctx::train(&tape).with_seed(..) or .with_rng(..)"
    /// );
    /// ```
    ///
    /// # Errors
    /// [`Error::Argument`] if the context has no RNG.
    pub fn require_rng(&mut self, op: &'static str, layer: &str) -> Result<&mut dyn rand::Rng> {
        match self.rng() {
            Some(rng) => Ok(rng),
            None => Err(Error::argument(
                op,
                format!(
                    "{layer} needs a random-number generator in training mode: \
                     use Ctx::train(&tape).with_seed(..) or .with_rng(..)"
                ),
            )),
        }
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
    ///
    /// # Panics
    /// If `grads` came from another tape than this context's leaf for
    /// `param`.
    #[track_caller]
    pub fn grad<'g>(&self, grads: &'g Gradients<F>, param: &Param<F>) -> Option<&'g Array2<F>> {
        let leaf = self.leaf_of(param)?;
        grads.get(leaf)
    }
}
