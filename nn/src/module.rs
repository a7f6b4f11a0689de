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
//!
//! # Forward takes `&self`
//!
//! A PyTorch user writes `model.eval(); with torch.no_grad(): model(x)` and
//! expects nothing about the model to need exclusive access. Here too:
//! [`Module::forward`] takes `&self`, so a model can be evaluated through a
//! shared reference (several evaluations of one model at once, a model
//! behind an `Rc`, a `&dyn Module` in a closure). The one piece of state
//! training changes — batch norm's running statistics — sits behind a
//! `RefCell` inside [`BatchNorm`](crate::layers::BatchNorm), written only
//! by a training-mode pass whose `Ctx` [updates state](Ctx::updates_state).
//! Parameters change only through [`Module::params_mut`], which does take
//! `&mut self`. (Rust's candle and burn make the same choice.)
//! [`predict`](crate::predict()) and [`accuracy`](crate::accuracy()) wrap the
//! evaluation pass:
//!
//! ```
//! use nn::init::Init;
//! use nn::layers::Activation;
//! use nn::Mlp;
//! use rand::SeedableRng;
//!
//! let net = Mlp::<f64>::builder(&[2, 8, 3]).batch_norm(true).build(&mut rand::rngs::StdRng::seed_from_u64(0)).unwrap();
//! let model: &Mlp<f64> = &net; // shared: no `mut` anywhere
//! let x = ndarray::array![[0.5, -1.0], [1.5, 0.2]];
//! let scores = nn::predict(model, &x);
//! assert_eq!(scores.dim(), (2, 3));
//! let acc = nn::accuracy(model, &x, &[0, 2]);
//! assert!((0.0..=1.0).contains(&acc));
//! ```
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

/// A piece of a model: a forward pass over graph handles and the named
/// parameters it owns.
///
/// Implement [`try_forward`](Module::try_forward) with tape ops only — the
/// tape derives the backward pass — returning an error for an input the
/// module cannot take (wrong width, NaN where it would poison state);
/// [`forward`](Module::forward) is the panicking form, reporting the
/// caller's line. List every parameter in [`params`](Module::params) and
/// [`params_mut`](Module::params_mut) in the same order, and any state
/// training changes in [`buffers`](Module::buffers).
///
/// Scalars in a formula are written `F::of(0.5)` ([`Float::of`]), which
/// turns an `f64` literal into the model's float type.
///
/// ```
/// use autograd::{Float, Param, Result, Var};
/// use ndarray::array;
/// use nn::{Ctx, Module};
///
/// /// y = x·s/2, one learnable scale per column.
/// struct Scale<F: Float> { s: Param<F> }
///
/// impl<F: Float> Module<F> for Scale<F> {
///     fn try_forward<'t>(&self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Result<Var<'t, F>> {
///         Ok(x.try_mul(ctx.param(&self.s))? * F::of(0.5))
///     }
///     fn params(&self) -> Vec<&Param<F>> { vec![&self.s] }
///     fn params_mut(&mut self) -> Vec<&mut Param<F>> { vec![&mut self.s] }
///     fn describe(&self) -> String { format!("scale {}", self.s.shape().cols) }
/// }
///
/// let scale = Scale { s: Param::new("s", array![[2.0, 3.0]]) };
/// let tape = autograd::Tape::new();
/// let mut ctx = Ctx::eval(&tape);
/// let y = scale.forward(&mut ctx, tape.constant(array![[1.0, 1.0]]));
/// assert_eq!(y.value(), array![[1.0, 1.5]]);
/// assert_eq!(scale.param_count(), 2);
/// assert!(scale.try_forward(&mut ctx, tape.constant(array![[1.0, 1.0, 1.0]])).is_err());
/// ```
pub trait Module<F: Float> {
    /// Records this module's computation on `ctx`'s tape.
    ///
    /// # Errors
    /// An [`Error`] naming the module when it cannot take `x` (a width it
    /// was not built for, a training batch batch norm cannot normalize,
    /// dropout without an RNG, …). State is not touched on an error.
    fn try_forward<'t>(&self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Result<Var<'t, F>>;

    /// [`try_forward`](Module::try_forward), panicking with the error's
    /// message at the caller's line.
    #[track_caller]
    fn forward<'t>(&self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Var<'t, F> {
        match self.try_forward(ctx, x) {
            Ok(y) => y,
            Err(e) => panic!("{e}"),
        }
    }

    /// The learnable parameters, in a fixed order.
    fn params(&self) -> Vec<&Param<F>>;

    /// The same parameters, mutably, in the same order (for optimizers).
    fn params_mut(&mut self) -> Vec<&mut Param<F>>;

    /// A one-line description (`"affine 3072→100"`), used in summaries.
    fn describe(&self) -> String;

    /// The state training changes but gradients do not (PyTorch's
    /// *buffers*: batch norm's running mean and variance), copied, in a
    /// fixed order. Empty for a stateless module, the default.
    fn buffers(&self) -> Vec<Array2<F>> {
        Vec::new()
    }

    /// The number of learnable scalars: how the notes size a network.
    fn param_count(&self) -> usize {
        self.params().iter().map(|p| p.shape().len()).sum()
    }
}
