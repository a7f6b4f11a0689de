//! Evaluating a model under test: fresh tape, identical RNG, fixed
//! scalarization.
//!
//! Every evaluation builds a new tape with decision logging on, re-seeds the
//! model's RNG identically (so a dropout mask is the same at `x`, `x+h` and
//! `x−h` and is *checked*, not disabled), and reduces the model's output `Y`
//! to the scalar `L = Σ G ⊙ Y` with fixed random weights `G`. Plain `Σ Y`
//! would hide bugs that ignore the pattern of the upstream gradient (its
//! upstream is all ones); random `G` exposes them, and the analytic side
//! seeds backward with the same `G` via `backward_with`.

use autograd::decisions::DecisionLog;
use autograd::{Tape, Var};
use ndarray::Array2;
use rand::{RngExt, SeedableRng};

/// The random-number generator handed to models: seeded, portable, and
/// re-seeded identically before every evaluation.
pub type Rng = rand::rngs::StdRng;

/// What a model is: a function of a tape, its inputs (in the order given to
/// the checker) and an RNG, returning a node of any shape.
///
/// This trait is implemented for every closure of the right shape; you never
/// implement it yourself.
///
/// ```
/// use gradcheck::{Model, Rng};
/// use autograd::{Tape, Var};
/// fn takes_model(_m: impl Model) {}
/// takes_model(|_t: &Tape<f64>, x: &[Var<'_, f64>], _r: &mut Rng| x[0].relu());
/// ```
pub trait Model: for<'t> Fn(&'t Tape<f64>, &[Var<'t, f64>], &mut Rng) -> Var<'t, f64> {}

impl<F> Model for F where F: for<'t> Fn(&'t Tape<f64>, &[Var<'t, f64>], &mut Rng) -> Var<'t, f64> {}

/// One forward evaluation: the scalarized loss and the decision logs.
pub(crate) struct Eval {
    pub loss: f64,
    pub logs: Vec<DecisionLog>,
}

/// The model's value and gradients at the base point.
pub(crate) struct Analytic {
    pub loss: f64,
    pub logs: Vec<DecisionLog>,
    /// One gradient per input; `None` when no path from the output reaches it.
    pub grads: Vec<Option<Array2<f64>>>,
}

/// A model bound to its RNG seed and scalarization weights.
pub(crate) struct Bound<'m, M: ?Sized> {
    pub model: &'m M,
    pub rng_seed: u64,
    pub weights: Array2<f64>,
}

/// Fixed random weights `G` for `L = Σ G ⊙ Y`: random signs and magnitudes
/// in `[0.5, 1.5]`, so no output entry is masked out.
pub(crate) fn scalarization_weights(shape: (usize, usize), seed: u64) -> Array2<f64> {
    let mut rng = Rng::seed_from_u64(seed ^ 0x5ca1_ab1e_f00d);
    Array2::from_shape_simple_fn(shape, || {
        let m: f64 = rng.random_range(0.5..1.5);
        if rng.random_bool(0.5) { m } else { -m }
    })
}

/// The shape of the model's output at `inputs` (one throwaway evaluation).
pub(crate) fn output_shape<M: Model + ?Sized>(
    model: &M,
    rng_seed: u64,
    inputs: &[Array2<f64>],
) -> (usize, usize) {
    let tape = Tape::new();
    let vars: Vec<_> = inputs.iter().map(|v| tape.constant(v.clone())).collect();
    let mut rng = Rng::seed_from_u64(rng_seed);
    model(&tape, &vars, &mut rng).shape().dim()
}

impl<M: Model + ?Sized> Bound<'_, M> {
    /// `L` and the decision logs at `inputs` (inputs recorded as constants:
    /// no gradient bookkeeping on the many numeric evaluations).
    #[track_caller]
    pub fn eval(&self, inputs: &[Array2<f64>]) -> Eval {
        let tape = Tape::new();
        tape.record_decisions(true);
        let vars: Vec<_> = inputs.iter().map(|v| tape.constant(v.clone())).collect();
        let mut rng = Rng::seed_from_u64(self.rng_seed);
        let y = (self.model)(&tape, &vars, &mut rng);
        Eval {
            loss: self.scalarize(y),
            logs: tape.decision_logs(),
        }
    }

    /// `L`, the decision logs and `∂L/∂input` for every input, from one
    /// forward pass and `backward_with(G)`.
    #[track_caller]
    pub fn analytic(&self, names: &[String], inputs: &[Array2<f64>]) -> Analytic {
        let tape = Tape::new();
        tape.record_decisions(true);
        let vars: Vec<_> = names
            .iter()
            .zip(inputs)
            .map(|(n, v)| tape.named_leaf(n, v.clone()))
            .collect();
        let mut rng = Rng::seed_from_u64(self.rng_seed);
        let y = (self.model)(&tape, &vars, &mut rng);
        let loss = self.scalarize(y);
        let logs = tape.decision_logs();
        let g = y.backward_with(self.weights.clone());
        let grads = vars.iter().map(|&v| g.get(v).cloned()).collect();
        Analytic { loss, logs, grads }
    }

    /// `Σ G ⊙ y`.
    ///
    /// # Panics
    /// At the checker's caller, if `y`'s shape is not the one seen first.
    #[track_caller]
    fn scalarize(&self, y: Var<'_, f64>) -> f64 {
        let (now, first) = (y.shape().dim(), self.weights.dim());
        if now != first {
            panic!(
                "gradcheck: the model's output changed shape between evaluations \
                 ({}×{} at first, {}×{} now); a model must not branch on its input values",
                first.0, first.1, now.0, now.1
            );
        }
        y.with_value(|v| v.iter().zip(&self.weights).map(|(y, g)| y * g).sum())
    }
}
