//! Weight penalties: L2, L1 and elastic net, with per-parameter strengths,
//! recorded as a loss term **separate** from the data loss.
//!
//! For a weight matrix `W`, a [`Penalty`] with strengths `λ1` and `λ2` adds
//!
//! ```text
//! R(W) = λ1 Σ|W| + ½ λ2 ‖W‖²           ∂R/∂W = λ1 sign(W) + λ2 W
//! ```
//!
//! so [`Penalty::l2`] is the notes' `½λW²` (gradient `λW`: the ½ is there
//! so the gradient carries no 2), [`Penalty::l1`] is `λ|W|` (gradient
//! `λ·sign(W)`, with `sign(0) = 0`), and [`Penalty::elastic_net`] is both.
//! A term whose strength is 0 is not recorded at all, so a pure L2 penalty
//! has no kink.
//!
//! A [`Regularizer`] applies a global penalty to a list of parameters, with
//! per-parameter (per-layer) overrides keyed by [`ParamKey`], and skips
//! biases unless asked ([`is_bias`] states the rule). Its
//! [`loss`](Regularizer::loss) is a 1×1 `Var` of its own: add it to the
//! data loss for training, and check the two separately, as the notes
//! advise (`gradcheck::GradCheck::check_split`).
//!
//! ```
//! use autograd::{Param, Tape};
//! use ndarray::array;
//! use nn::Ctx;
//! use nn::regularize::{Penalty, Regularizer};
//!
//! let w = Param::<f64>::new("W", array![[1.0, -2.0], [0.5, 0.0]]);
//! let b = Param::new("b", array![[3.0, 3.0]]);
//! let x = array![[1.0, 1.0]];
//!
//! let tape = Tape::new();
//! let mut ctx = Ctx::eval(&tape);
//! let scores = tape.constant(x).matmul(ctx.param(&w)) + ctx.param(&b);
//! let data = nn::losses::softmax_cross_entropy(scores, &[0]);
//! let reg = Regularizer::new(Penalty::l2(0.1)).loss(&mut ctx, &[&w, &b]);
//! assert!((reg.item() - 0.5 * 0.1 * 5.25).abs() < 1e-15); // ½λ‖W‖²; b is a bias
//! let total = data + reg;
//!
//! let grads = total.backward();
//! let data_only = data.backward();
//! let dw = ctx.grad(&grads, &w).unwrap() - ctx.grad(&data_only, &w).unwrap();
//! assert!(dw.iter().zip(w.value()).all(|(g, w)| (g - 0.1 * w).abs() < 1e-15)); // λW
//! assert_eq!(ctx.grad(&grads, &b), ctx.grad(&data_only, &b)); // no decay on b
//! ```

mod penalty;

pub use penalty::Penalty;

use autograd::{Float, Param, ParamId, Var};

use crate::module::Ctx;

/// Which parameter an override applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamKey {
    /// One parameter (and its clones), by identity.
    Id(ParamId),
    /// Every parameter with this exact name (two layers that both call
    /// their weight `"W"` are both matched: use [`ParamKey::Id`] to tell
    /// them apart).
    Name(String),
}

impl From<ParamId> for ParamKey {
    fn from(id: ParamId) -> Self {
        ParamKey::Id(id)
    }
}

impl<F: Float> From<&Param<F>> for ParamKey {
    fn from(p: &Param<F>) -> Self {
        ParamKey::Id(p.id())
    }
}

impl From<&str> for ParamKey {
    fn from(name: &str) -> Self {
        ParamKey::Name(name.to_string())
    }
}

impl From<String> for ParamKey {
    fn from(name: String) -> Self {
        ParamKey::Name(name)
    }
}

/// Whether `param` counts as a bias, which a [`Regularizer`] leaves alone
/// by default (the notes: "it is not common to regularize the bias
/// parameters").
///
/// The rule needs **both** the shape and the name, since neither alone is
/// reliable:
///
/// * the parameter has exactly **one row** (a 1×n vector added to every
///   example of a batch), and
/// * the last segment of its name (after the last `.`, `/` or `:`),
///   lowercased, is `b` optionally followed by digits or `_` (`b`, `b1`,
///   `b_2`), contains `bias`, or is `beta` or `gamma` (the per-feature
///   shift and scale of batch normalization, likewise not decayed).
///
/// So the 1×n weight of an affine layer with one input (`"W"`) is still
/// regularized, and so is a many-row matrix whatever its name.
///
/// ```
/// use autograd::Param;
/// use ndarray::{array, Array2};
/// use nn::regularize::is_bias;
/// assert!(is_bias(&Param::new("b1", array![[0.0, 0.0]])));
/// assert!(is_bias(&Param::new("fc2.bias", array![[0.0]])));
/// assert!(is_bias(&Param::new("bn1/gamma", array![[1.0, 1.0]])));
/// assert!(!is_bias(&Param::new("W1", array![[0.5, 0.5]]))); // a weight, 1 input
/// assert!(!is_bias(&Param::new("b", Array2::<f64>::zeros((2, 2))))); // 2 rows
/// assert!(!is_bias(&Param::new("beta_decay", array![[1.0]])));
/// ```
pub fn is_bias<F: Float>(param: &Param<F>) -> bool {
    if param.shape().rows != 1 {
        return false;
    }
    let name = param.name();
    let last = name
        .rsplit(['.', '/', ':'])
        .next()
        .unwrap_or(name)
        .to_lowercase();
    let numbered_b = last
        .strip_prefix('b')
        .is_some_and(|rest| rest.chars().all(|c| c.is_ascii_digit() || c == '_'));
    numbered_b || last.contains("bias") || last == "beta" || last == "gamma"
}

/// The parameters of `params` that are not biases (see [`is_bias`]), in
/// order.
///
/// ```
/// use autograd::Param;
/// use ndarray::array;
/// let (w, b) = (Param::new("W", array![[1.0], [2.0]]), Param::new("b", array![[0.0]]));
/// let kept = nn::regularize::weights_only(&[&w, &b]);
/// assert_eq!(kept.len(), 1);
/// assert_eq!(kept[0].name(), "W");
/// ```
pub fn weights_only<'p, F: Float>(params: &[&'p Param<F>]) -> Vec<&'p Param<F>> {
    params.iter().copied().filter(|p| !is_bias(p)).collect()
}

/// A global [`Penalty`] over a model's parameters, with per-parameter
/// overrides; biases are skipped unless [included](Regularizer::include_biases).
///
/// A parameter's penalty is decided in this order
/// ([`penalty_for`](Regularizer::penalty_for)):
///
/// 1. an override keyed by its [`ParamKey::Id`];
/// 2. an override keyed by its [`ParamKey::Name`];
/// 3. [`Penalty::NONE`] if it [is a bias](is_bias) and biases are not
///    included;
/// 4. the global penalty.
///
/// Among overrides of the same kind the one added last wins. An override
/// applies even to a bias: naming a parameter is asking for it.
///
/// ```
/// use autograd::{Param, Tape};
/// use ndarray::array;
/// use nn::Ctx;
/// use nn::regularize::{Penalty, Regularizer};
///
/// let w1 = Param::new("W1", array![[1.0, 1.0]]);
/// let w2 = Param::new("W2", array![[2.0], [0.0]]);
/// let b2 = Param::new("b2", array![[5.0]]);
/// let reg = Regularizer::new(Penalty::l2(1.0))
///     .with("W2", Penalty::l1(0.1))       // the last layer: sparse instead
///     .with(&w1, Penalty::l2(0.5));       // the first: weaker decay
/// let tape = Tape::new();
/// let loss = reg.loss(&mut Ctx::eval(&tape), &[&w1, &w2, &b2]);
/// assert_eq!(loss.item(), 0.5 * 0.5 * 2.0 + 0.1 * 2.0); // b2 skipped
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Regularizer {
    penalty: Penalty,
    overrides: Vec<(ParamKey, Penalty)>,
    biases: bool,
}

impl Regularizer {
    /// `penalty` on every non-bias parameter.
    ///
    /// ```
    /// use autograd::Param;
    /// use ndarray::array;
    /// use nn::regularize::{Penalty, Regularizer};
    /// let reg = Regularizer::new(Penalty::l2(1e-3));
    /// assert_eq!(reg.penalty_for(&Param::new("W", array![[1.0], [2.0]])), Penalty::l2(1e-3));
    /// assert_eq!(reg.penalty_for(&Param::new("b", array![[1.0, 2.0]])), Penalty::NONE);
    /// ```
    pub fn new(penalty: Penalty) -> Self {
        Regularizer {
            penalty,
            overrides: Vec::new(),
            biases: false,
        }
    }

    /// Uses `penalty` for the parameter(s) `key` names instead of the
    /// global one ([`Penalty::NONE`] exempts them).
    ///
    /// ```
    /// use autograd::Param;
    /// use ndarray::array;
    /// use nn::regularize::{Penalty, Regularizer};
    /// let frozen = Param::new("embedding", array![[1.0], [2.0]]);
    /// let reg = Regularizer::new(Penalty::l2(1e-3)).with(&frozen, Penalty::NONE);
    /// assert!(reg.penalty_for(&frozen).is_none());
    /// ```
    pub fn with(mut self, key: impl Into<ParamKey>, penalty: Penalty) -> Self {
        self.overrides.push((key.into(), penalty));
        self
    }

    /// Applies the global penalty to biases too.
    ///
    /// ```
    /// use autograd::Param;
    /// use ndarray::array;
    /// use nn::regularize::{Penalty, Regularizer};
    /// let b = Param::new("b", array![[1.0]]);
    /// assert!(Regularizer::new(Penalty::l2(1.0)).penalty_for(&b).is_none());
    /// let all = Regularizer::new(Penalty::l2(1.0)).include_biases();
    /// assert_eq!(all.penalty_for(&b), Penalty::l2(1.0));
    /// ```
    pub fn include_biases(mut self) -> Self {
        self.biases = true;
        self
    }

    /// The global penalty.
    ///
    /// ```
    /// use nn::regularize::{Penalty, Regularizer};
    /// assert_eq!(Regularizer::new(Penalty::l1(0.5)).penalty(), Penalty::l1(0.5));
    /// ```
    pub fn penalty(&self) -> Penalty {
        self.penalty
    }

    /// The penalty `param` receives (see the resolution order above).
    ///
    /// ```
    /// use autograd::Param;
    /// use ndarray::array;
    /// use nn::regularize::{Penalty, Regularizer};
    /// let w = Param::new("W", array![[1.0], [1.0]]);
    /// let reg = Regularizer::new(Penalty::l2(1e-3)).with("W", Penalty::l2(1e-2));
    /// assert_eq!(reg.penalty_for(&w), Penalty::l2(1e-2));
    /// ```
    pub fn penalty_for<F: Float>(&self, param: &Param<F>) -> Penalty {
        let last = |wanted: &dyn Fn(&ParamKey) -> bool| {
            self.overrides
                .iter()
                .rev()
                .find(|(k, _)| wanted(k))
                .map(|&(_, p)| p)
        };
        last(&|k| *k == ParamKey::Id(param.id()))
            .or_else(|| last(&|k| matches!(k, ParamKey::Name(n) if n == param.name())))
            .unwrap_or(if !self.biases && is_bias(param) {
                Penalty::NONE
            } else {
                self.penalty
            })
    }

    /// The total penalty of `params` as a 1×1 node on `ctx`'s tape, using
    /// each parameter's leaf from [`Ctx::param`] (so it is the same leaf
    /// the forward pass used, and gradients add up on it). A parameter
    /// listed twice counts once; with nothing to penalize the result is a
    /// constant 0.
    ///
    /// ```
    /// use autograd::{Param, Tape};
    /// use ndarray::array;
    /// use nn::Ctx;
    /// use nn::regularize::{Penalty, Regularizer};
    /// let w = Param::new("W", array![[1.0, -3.0], [2.0, 0.0]]);
    /// let tape = Tape::new();
    /// let mut ctx = Ctx::eval(&tape);
    /// let r = Regularizer::new(Penalty::l1(0.5)).loss(&mut ctx, &[&w, &w]);
    /// assert_eq!(r.item(), 3.0);
    /// let g = r.backward();
    /// assert_eq!(ctx.grad(&g, &w).unwrap(), &array![[0.5, -0.5], [0.5, 0.0]]);
    /// ```
    #[track_caller]
    pub fn loss<'t, F: Float>(&self, ctx: &mut Ctx<'t, '_, F>, params: &[&Param<F>]) -> Var<'t, F> {
        let mut seen: Vec<ParamId> = Vec::with_capacity(params.len());
        let mut total: Option<Var<'t, F>> = None;
        for &param in params {
            if seen.contains(&param.id()) {
                continue;
            }
            seen.push(param.id());
            let penalty = self.penalty_for(param);
            if penalty.is_none() {
                continue; // no leaf, no node: the bias gets no reg gradient at all
            }
            if let Some(term) = penalty.term(ctx.param(param)) {
                total = Some(match total {
                    Some(t) => t + term,
                    None => term,
                });
            }
        }
        match total {
            Some(total) => total,
            None => ctx.tape().scalar(F::zero()),
        }
    }
}
