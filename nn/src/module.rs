//! The `Module` trait: a forward pass over tape handles, the parameters it
//! owns and the state training changes.
//!
//! Parameters live in the modules, outside any tape (see
//! [`autograd::Param`]). Each training step makes a fresh tape and a `Ctx`
//! over it; a module's forward asks the `Ctx` for the leaf of each of its
//! parameters ([`Ctx::param`](crate::Ctx::param)). The `Ctx` makes that leaf once per step —
//! a parameter used twice (weight tying) is one leaf whose gradient sums
//! both uses — and lets a gradient checker substitute its own leaves
//! ([`Ctx::bind`](crate::Ctx::bind)).
//!
//! The mode lives in the `Ctx`, not in each layer, so one switch reaches
//! every layer and cannot be forgotten on one of them: batch
//! normalization and dropout read [`Ctx::mode`](crate::Ctx::mode).
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
//! by a training-mode pass whose `Ctx` [updates state](crate::Ctx::updates_state).
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

use autograd::{Error, Float, Param, Result, Var};
use ndarray::Array2;

pub use crate::ctx::{Ctx, DynRng, Mode};

/// A piece of a model: a forward pass over graph handles and the named
/// parameters it owns.
///
/// Implement [`try_forward`](Module::try_forward) with tape ops only — the
/// tape derives the backward pass — returning an error for an input the
/// module cannot take (wrong width, NaN where it would poison state);
/// [`forward`](Module::forward) is the panicking form, reporting the
/// caller's line. List every parameter in [`params`](Module::params) and
/// [`params_mut`](Module::params_mut) in the same order, and any state
/// training changes in [`named_buffers`](Module::named_buffers) and
/// [`set_buffers`](Module::set_buffers).
///
/// Scalars in a formula are written `F::of(0.5)` ([`Float::of`]), which
/// turns an `f64` literal into the model's float type.
///
/// ```
/// use autograd::{Error, Float, Param, Result, Var};
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
    ///
    /// # Panics
    /// When `try_forward` returns an error.
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
    /// fixed order: the values of [`named_buffers`](Module::named_buffers).
    fn buffers(&self) -> Vec<Array2<F>> {
        self.named_buffers().into_iter().map(|(_, b)| b).collect()
    }

    /// The buffers with their names (`"bn1.running_mean"`), copied, in a
    /// fixed order. Empty for a stateless module, the default. A module
    /// with state overrides this and [`set_buffers`](Module::set_buffers);
    /// a container concatenates its children's, in order. Names need not
    /// be unique: a checkpoint keys each buffer by its position too (see
    /// [`crate::checkpoint`]).
    ///
    /// ```
    /// use nn::layers::BatchNorm;
    /// use nn::Module;
    /// let bn = BatchNorm::<f64>::new("bn1", 2);
    /// let names: Vec<String> = bn.named_buffers().into_iter().map(|(n, _)| n).collect();
    /// assert_eq!(names, ["bn1.running_mean", "bn1.running_var"]);
    /// ```
    fn named_buffers(&self) -> Vec<(String, Array2<F>)> {
        Vec::new()
    }

    /// Replaces the buffers with `values`, given in
    /// [`named_buffers`](Module::named_buffers) order (loading a trained
    /// model). Takes `&self`: buffers sit behind a `RefCell`, as the
    /// forward pass that updates them takes `&self` too. All or nothing:
    /// on an error no buffer has changed.
    ///
    /// ```
    /// use ndarray::array;
    /// use nn::layers::BatchNorm;
    /// use nn::Module;
    /// let bn = BatchNorm::<f64>::new("bn1", 2);
    /// bn.set_buffers(&[array![[1.0, 2.0]], array![[4.0, 9.0]]]).unwrap();
    /// assert_eq!(bn.running_var(), array![[4.0, 9.0]]);
    /// assert!(bn.set_buffers(&[array![[1.0]], array![[4.0]]]).is_err()); // 1×1, not 1×2
    /// assert_eq!(bn.running_var(), array![[4.0, 9.0]]); // unchanged
    /// ```
    ///
    /// # Errors
    /// [`Error::Shape`] naming the module if the
    /// number of values or any shape differs from `named_buffers`. The
    /// default (no buffers) accepts only an empty slice.
    fn set_buffers(&self, values: &[Array2<F>]) -> Result<()> {
        check_buffers(&self.describe(), &self.named_buffers(), values)
    }

    /// The number of learnable scalars: how the notes size a network.
    fn param_count(&self) -> usize {
        self.params().iter().map(|p| p.shape().len()).sum()
    }
}

/// Checks that `values` match `current` (a module's
/// [`named_buffers`](Module::named_buffers)) in number and shapes: what
/// every [`set_buffers`](Module::set_buffers) verifies before changing
/// anything.
///
/// ```
/// use ndarray::{Array2, array};
/// let current = vec![("bn.running_mean".to_string(), Array2::<f64>::zeros((1, 2)))];
/// assert!(nn::module::check_buffers("bn", &current, &[array![[1.0, 2.0]]]).is_ok());
/// let e = nn::module::check_buffers("bn", &current, &[array![[1.0]]]).unwrap_err();
/// assert!(e.to_string().contains("bn.running_mean"), "{e}");
/// assert!(nn::module::check_buffers("bn", &current, &[]).is_err());
/// ```
///
/// # Errors
/// [`Error::Shape`] naming `module` and the first buffer that differs.
pub fn check_buffers<F: Float>(
    module: &str,
    current: &[(String, Array2<F>)],
    values: &[Array2<F>],
) -> Result<()> {
    if current.len() != values.len() {
        return Err(Error::shape(
            "Module::set_buffers",
            format!(
                "{module} has {} buffers, got {} values",
                current.len(),
                values.len()
            ),
        ));
    }
    for ((name, old), new) in current.iter().zip(values) {
        if old.dim() != new.dim() {
            return Err(Error::shape(
                "Module::set_buffers",
                format!(
                    "{module}: buffer `{name}` is {:?}, got {:?}",
                    old.dim(),
                    new.dim()
                ),
            ));
        }
    }
    Ok(())
}
