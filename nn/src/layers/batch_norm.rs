//! [`BatchNorm`]: batch normalization (Ioffe & Szegedy 2015), placed after
//! an affine layer and before its nonlinearity.
//!
//! For a batch `x` of shape m×n, per column `j`:
//!
//! * Training: `μ = (1/m) Σᵢ xᵢ`, `σ² = (1/m) Σᵢ (xᵢ − μ)²` (the *biased*
//!   batch variance), `x̂ = (x − μ) / √(σ² + ε)`, `y = γ ⊙ x̂ + β`. Built
//!   from `mean_axis(0)`, broadcasting `−`, `/`, `⊙`, so the tape derives
//!   the backward pass through μ and σ² too. Each call also updates the
//!   running statistics, with momentum `ρ` (PyTorch's convention, default
//!   0.1, weighting the *new* batch):
//!   `μ_run ← (1 − ρ)·μ_run + ρ·μ` and
//!   `σ²_run ← (1 − ρ)·σ²_run + ρ·σ²·m/(m − 1)` — the running variance uses
//!   the *unbiased* batch variance, as PyTorch does.
//! * Evaluation: `y = γ ⊙ (x − μ_run) / √(σ²_run + ε) + β`, with the running
//!   statistics as constants: no batch dependence, and they are not
//!   updated.
//! * `ε = 1e-5`; `γ` (`"{name}.gamma"`) starts at 1 and `β`
//!   (`"{name}.beta"`) at 0, so the layer starts as a pure normalization.
//!   The running mean starts at 0 and the running variance at 1.
//! * Training needs at least 2 rows (PyTorch refuses 1 too: its variance
//!   is 0 and its unbiased variance undefined) and finite entries: a NaN
//!   or ±∞ in a training batch is an error naming the layer, the row, the
//!   column and the value, returned *before* the running statistics are
//!   touched, so one bad batch cannot poison every later evaluation.
//! * Every training-mode forward moves the running statistics, unless its
//!   [`Ctx`] is [frozen](Ctx::freeze_state) — as the gradient checker's
//!   are, so a check leaves them as it found them. Training-mode outputs
//!   never read them.
//! * The running statistics sit in a `RefCell`, so [`Module::forward`]
//!   takes `&self` (see [`crate::module`]): evaluation needs only a shared
//!   reference.

use std::cell::RefCell;

use autograd::{Error, Float, Param, Result, Var};
use ndarray::Array2;

use crate::module::{Ctx, Module};

/// PyTorch's default momentum for the running statistics.
pub const DEFAULT_MOMENTUM: f64 = 0.1;
/// PyTorch's default ε, added to the variance before the square root.
pub const DEFAULT_EPS: f64 = 1e-5;

/// The running statistics (each 1×n): the state training updates.
#[derive(Clone, Debug)]
struct Running<F: Float> {
    mean: Array2<F>,
    var: Array2<F>,
}

/// Batch normalization over the columns of its input.
#[derive(Clone, Debug)]
pub struct BatchNorm<F: Float> {
    gamma: Param<F>,
    beta: Param<F>,
    running: RefCell<Running<F>>,
    momentum: F,
    eps: F,
    name: String,
}

impl<F: Float> BatchNorm<F> {
    /// Batch norm over `n` columns with momentum 0.1 and ε = 1e-5.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// use nn::layers::BatchNorm;
    /// use nn::{Ctx, Module};
    ///
    /// let bn = BatchNorm::<f64>::new("bn1", 1);
    /// assert_eq!(bn.param_count(), 2); // γ and β; the running statistics are not learned
    /// let tape = Tape::new();
    /// let y = bn.forward(&mut Ctx::train(&tape), tape.constant(array![[1.0], [3.0]]));
    /// // μ = 2, σ² = 1: y = (x − 2)/√(1 + 1e-5)
    /// assert!((y.value()[[1, 0]] - 1.0).abs() < 1e-5);
    /// // running mean 0.9·0 + 0.1·2; running var 0.9·1 + 0.1·(1·2/1)
    /// assert!((bn.running_mean()[[0, 0]] - 0.2).abs() < 1e-12);
    /// assert!((bn.running_var()[[0, 0]] - 1.1).abs() < 1e-12);
    /// ```
    ///
    /// # Panics
    /// If `n` is 0 (see [`BatchNorm::with_config`]).
    #[track_caller]
    pub fn new(name: &str, n: usize) -> Self {
        match Self::with_config(name, n, DEFAULT_MOMENTUM, DEFAULT_EPS) {
            Ok(bn) => bn,
            Err(e) => panic!("{e}"),
        }
    }

    /// Batch norm with a chosen momentum `ρ ∈ [0, 1]` (0 freezes the running
    /// statistics, 1 keeps only the last batch's) and `ε > 0`.
    ///
    /// ```
    /// use nn::layers::BatchNorm;
    /// assert!(BatchNorm::<f32>::with_config("bn", 4, 0.01, 1e-3).is_ok());
    /// assert!(BatchNorm::<f32>::with_config("bn", 4, 1.5, 1e-3).is_err());
    /// assert!(BatchNorm::<f32>::with_config("bn", 4, 0.1, 0.0).is_err());
    /// ```
    ///
    /// # Errors
    /// [`Error::Argument`] for `n = 0`, a momentum outside `[0, 1]` or
    /// `ε ≤ 0` (or NaN).
    pub fn with_config(name: &str, n: usize, momentum: f64, eps: f64) -> Result<Self> {
        if n == 0 {
            return Err(Error::argument("BatchNorm", "n must be positive, got 0"));
        }
        if !(0.0..=1.0).contains(&momentum) {
            return Err(Error::argument(
                "BatchNorm",
                format!("momentum must be in [0, 1], got {momentum}"),
            ));
        }
        // `!(eps > 0)` also rejects NaN; ε = 0 divides by 0 on constant columns.
        if !(eps > 0.0 && eps.is_finite()) {
            return Err(Error::argument(
                "BatchNorm",
                format!("eps must be positive and finite, got {eps}"),
            ));
        }
        Ok(BatchNorm {
            gamma: Param::new(format!("{name}.gamma"), Array2::ones((1, n))),
            beta: Param::new(format!("{name}.beta"), Array2::zeros((1, n))),
            running: RefCell::new(Running {
                mean: Array2::zeros((1, n)),
                var: Array2::ones((1, n)),
            }),
            momentum: F::of(momentum),
            eps: F::of(eps),
            name: name.to_string(),
        })
    }

    /// The scale `γ` (1×n), named `"{name}.gamma"`, initially 1.
    ///
    /// ```
    /// use nn::layers::BatchNorm;
    /// let bn = BatchNorm::<f64>::new("bn", 3);
    /// assert_eq!(bn.gamma().name(), "bn.gamma");
    /// assert_eq!(bn.gamma().value(), &ndarray::Array2::<f64>::ones((1, 3)));
    /// ```
    pub fn gamma(&self) -> &Param<F> {
        &self.gamma
    }

    /// The shift `β` (1×n), named `"{name}.beta"`, initially 0.
    ///
    /// ```
    /// use nn::layers::BatchNorm;
    /// let bn = BatchNorm::<f64>::new("bn", 3);
    /// assert_eq!(bn.beta().name(), "bn.beta");
    /// assert_eq!(bn.beta().value(), &ndarray::Array2::<f64>::zeros((1, 3)));
    /// ```
    pub fn beta(&self) -> &Param<F> {
        &self.beta
    }

    /// The running mean used in evaluation (1×n), initially 0 (a copy).
    ///
    /// ```
    /// use nn::layers::BatchNorm;
    /// let bn = BatchNorm::<f64>::new("bn", 3);
    /// assert_eq!(bn.running_mean(), ndarray::Array2::<f64>::zeros((1, 3)));
    /// ```
    pub fn running_mean(&self) -> Array2<F> {
        self.running.borrow().mean.clone()
    }

    /// The running (unbiased) variance used in evaluation (1×n),
    /// initially 1 (a copy).
    ///
    /// ```
    /// use nn::layers::BatchNorm;
    /// let bn = BatchNorm::<f64>::new("bn", 3);
    /// assert_eq!(bn.running_var(), ndarray::Array2::<f64>::ones((1, 3)));
    /// ```
    pub fn running_var(&self) -> Array2<F> {
        self.running.borrow().var.clone()
    }

    /// Replaces the running statistics (e.g. loading a trained model).
    ///
    /// ```
    /// use ndarray::array;
    /// use nn::layers::BatchNorm;
    /// let mut bn = BatchNorm::<f64>::new("bn", 2);
    /// bn.set_running_stats(array![[1.0, 2.0]], array![[4.0, 9.0]]).unwrap();
    /// assert_eq!(bn.running_var(), array![[4.0, 9.0]]);
    /// assert!(bn.set_running_stats(array![[1.0]], array![[4.0]]).is_err());
    /// ```
    ///
    /// # Errors
    /// [`Error::Shape`] unless both are 1×n.
    pub fn set_running_stats(&mut self, mean: Array2<F>, var: Array2<F>) -> Result<()> {
        let want = (1, self.gamma.shape().cols);
        if mean.dim() != want || var.dim() != want {
            return Err(Error::shape(
                "BatchNorm::set_running_stats",
                format!(
                    "both must be 1×{}, got mean {:?} and var {:?}",
                    want.1,
                    mean.dim(),
                    var.dim()
                ),
            ));
        }
        *self.running.get_mut() = Running { mean, var };
        Ok(())
    }

    /// Training-mode normalization with the batch's statistics; updates the
    /// running ones if `update` (and only once the batch is known to be
    /// finite).
    fn forward_train<'t>(&self, x: Var<'t, F>, update: bool) -> Result<Var<'t, F>> {
        let m = x.shape().rows;
        // One row has variance 0 and an undefined unbiased variance; PyTorch
        // refuses it too ("Expected more than 1 value per channel").
        if m < 2 {
            return Err(Error::argument(
                "BatchNorm",
                format!(
                    "layer `{}`: training needs a batch of at least 2 rows, got {m}",
                    self.name
                ),
            ));
        }
        // The running statistics average every batch ever seen: one NaN
        // would stay in them for good. Refuse the batch before touching them.
        let bad = x.with_value(|v| {
            v.indexed_iter()
                .find(|(_, v)| !v.is_finite())
                .map(|((r, c), &v)| (r, c, v))
        });
        if let Some((r, c, v)) = bad {
            return Err(Error::argument(
                "BatchNorm",
                format!(
                    "layer `{}`: the training batch has {v} at row {r}, column {c}; \
                     its statistics would poison the running mean and variance",
                    self.name
                ),
            ));
        }
        let mu = x.mean_axis(0);
        let centred = x - mu;
        let var = centred.square().mean_axis(0);
        let x_hat = centred / (var + self.eps).sqrt();
        if update {
            self.update_running(mu, var, m)?;
        }
        Ok(x_hat)
    }

    /// Moves the running statistics towards the batch's `mu` and `var`
    /// (biased), refusing statistics that overflowed.
    fn update_running(&self, mu: Var<'_, F>, var: Var<'_, F>, m: usize) -> Result<()> {
        let (mu, var) = (mu.value(), var.value());
        if mu.iter().chain(var.iter()).any(|v| !v.is_finite()) {
            return Err(Error::argument(
                "BatchNorm",
                format!(
                    "layer `{}`: the training batch's mean or variance overflowed \
                     (mean {mu}, variance {var}); the running statistics are unchanged",
                    self.name
                ),
            ));
        }
        let rho = self.momentum;
        let keep = F::one() - rho;
        let bessel = F::of(m as f64 / (m as f64 - 1.0));
        let mut running = self.running.borrow_mut();
        running
            .mean
            .zip_mut_with(&mu, |r, &b| *r = keep * *r + rho * b);
        running
            .var
            .zip_mut_with(&var, |r, &b| *r = keep * *r + rho * b * bessel);
        Ok(())
    }

    /// Evaluation-mode normalization with the running statistics, which
    /// enter the tape as constants.
    fn forward_eval<'t>(&self, x: Var<'t, F>) -> Var<'t, F> {
        let tape = x.tape();
        let running = self.running.borrow();
        let mean = tape.constant(running.mean.clone());
        let inv_std = tape.constant(running.var.mapv(|v| (v + self.eps).sqrt().recip()));
        (x - mean) * inv_std
    }
}

impl<F: Float> Module<F> for BatchNorm<F> {
    /// Normalizes `x` (m×n) with the batch's statistics (training) or the
    /// running ones (evaluation), then scales by γ and shifts by β.
    ///
    /// # Errors
    /// [`Error::Shape`] unless `x` has n columns (a 1-column `x` would
    /// otherwise broadcast against γ); in training, [`Error::Argument`] for
    /// fewer than 2 rows or a NaN/±∞ entry. The running statistics are
    /// unchanged on an error.
    fn try_forward<'t>(&self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Result<Var<'t, F>> {
        let n = self.gamma.shape().cols;
        if x.shape().cols != n {
            return Err(Error::shape(
                "BatchNorm",
                format!(
                    "layer `{}` takes {n} columns, x is {}",
                    self.name,
                    x.shape()
                ),
            ));
        }
        let x_hat = if ctx.is_training() {
            self.forward_train(x, ctx.updates_state())?
        } else {
            self.forward_eval(x)
        };
        Ok(x_hat * ctx.param(&self.gamma) + ctx.param(&self.beta))
    }
    /// `"{name}.running_mean"` and `"{name}.running_var"`, each 1×n.
    fn named_buffers(&self) -> Vec<(String, Array2<F>)> {
        let running = self.running.borrow();
        vec![
            (format!("{}.running_mean", self.name), running.mean.clone()),
            (format!("{}.running_var", self.name), running.var.clone()),
        ]
    }
    /// The running mean and variance, in that order.
    fn set_buffers(&self, values: &[Array2<F>]) -> Result<()> {
        crate::module::check_buffers(&self.describe(), &self.named_buffers(), values)?;
        *self.running.borrow_mut() = Running {
            mean: values[0].clone(),
            var: values[1].clone(),
        };
        Ok(())
    }
    fn params(&self) -> Vec<&Param<F>> {
        vec![&self.gamma, &self.beta]
    }
    fn params_mut(&mut self) -> Vec<&mut Param<F>> {
        vec![&mut self.gamma, &mut self.beta]
    }
    fn describe(&self) -> String {
        format!("batchnorm {} ({})", self.gamma.shape().cols, self.name)
    }
}
