//! Second-order checks: the gradient of `⟨∇L, v⟩` against finite
//! differences of the analytic gradient.
//!
//! For a model `f` scalarized as `L = Σ G ⊙ f(x)` and a fixed random unit
//! direction `v` over all inputs, let `q(x) = ⟨∇L(x), v⟩`, with `∇L` from
//! an ordinary first-order backward pass. Its gradient is the
//! Hessian–vector product `∇q = H v`. The tape computes that by recording
//! the backward pass ([`autograd::Var::grad_graph`]) and differentiating it
//! once more; the reference is the centered difference of `q`, i.e. of the
//! *analytic first-order gradient*, entry by entry (or along directions,
//! per the checker's [`Mode`](crate::Mode)). A wrong second derivative in
//! any op's graph backward shows up as a failing row; a first-order
//! gradient that jumps between `x−h` and `x+h` (a crossed kink) is
//! reported as `KinkCrossed`, exactly as in first-order checks.
//!
//! The check is itself a first-order check of the model `q`, so every mode,
//! tolerance, band and report feature applies unchanged.

use std::cell::RefCell;

use autograd::{Error, Result, Shape, Tape, Var};
use ndarray::Array2;
use rand::{RngExt, SeedableRng};

use crate::check::GradCheck;
use crate::eval::{Model, Rng, output_shape, scalarization_weights};
use crate::report::{CheckKind, Report};

impl GradCheck {
    /// Checks `model`'s Hessian–vector products: `∇⟨∇L, v⟩` from the tape
    /// (backward recorded with `grad_graph`, then differentiated) against
    /// centered differences of the first-order gradient's projection
    /// `⟨∇L, v⟩`. `v` is a seeded random unit direction over all inputs.
    ///
    /// ```
    /// use gradcheck::GradCheck;
    /// use ndarray::array;
    ///
    /// let w = array![[0.5, -1.0], [2.0, 0.3]];
    /// let x = array![[1.0, 2.0], [-1.0, 0.5]];
    /// let report = GradCheck::new()
    ///     .step(1e-5)
    ///     .check_second_order(&[("W", w)], |tape, p, _| {
    ///         tape.constant(x.clone()).matmul(p[0]).tanh().log_softmax()
    ///     })
    ///     .expect("every op here has a graph backward");
    /// report.assert_ok();
    /// ```
    ///
    /// The report's title and columns say what its values are: "tape Hv"
    /// is `∇⟨∇L, v⟩` from the tape, "FD of ⟨∇L,v⟩" the centered difference
    /// of the first-order gradient's projection.
    ///
    /// # Errors
    /// The [`autograd::Error`] of `grad_graph` when an op on the path has
    /// no graph backward (it names the op), or a shape error naming `check_second_order` when the
    /// model's output changes shape between evaluations.
    pub fn check_second_order<M: Model>(
        &self,
        inputs: &[(&str, Array2<f64>)],
        model: M,
    ) -> Result<Report> {
        let names: Vec<String> = inputs.iter().map(|(n, _)| n.to_string()).collect();
        let values: Vec<Array2<f64>> = inputs.iter().map(|(_, v)| v.clone()).collect();
        let weights = scalarization_weights(output_shape(&model, self.seed, &values), self.seed);
        let direction = unit_direction(&values, self.seed);
        // Fail early, with autograd's message, if some op cannot record
        // its backward pass.
        {
            let tape = Tape::new();
            let vars: Vec<_> = values.iter().map(|v| tape.leaf(v.clone())).collect();
            let mut rng = Rng::seed_from_u64(self.seed);
            let y = model(&tape, &vars, &mut rng);
            same_shape(y, &weights)?;
            (y * tape.constant(weights.clone()))
                .sum()
                .grad_graph(&vars)?;
        }
        // Should a later evaluation still fail (a model whose graph depends
        // on its inputs), keep the error and return it rather than panic
        // inside the model, far from the caller.
        let failure: RefCell<Option<Error>> = RefCell::new(None);
        let projection = as_model(|tape, vars, rng| {
            match grad_projection(&model, &weights, &direction, tape, vars, rng) {
                Ok(q) => q,
                Err(e) => {
                    failure.borrow_mut().get_or_insert(e);
                    tape.scalar(f64::NAN)
                }
            }
        });
        let report = self.run(names, values, &projection, CheckKind::SecondOrder);
        match failure.into_inner() {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }
}

/// Pins a closure's signature to [`Model`]'s higher-ranked one.
fn as_model<M: Model>(model: M) -> M {
    model
}

/// `q = ⟨∇L, v⟩` as a 1×1 node.
///
/// The checker calls a model two ways. For the analytic side its inputs
/// are leaves: there `∇L` is recorded with `grad_graph`, so `q`'s gradient
/// is the tape's Hessian–vector product. For the numeric side its inputs
/// are constants: there `q` is computed from the ordinary first-order
/// backward pass, so the finite differences are those of the *first-order*
/// gradient, an independent reference (a graph backward that disagrees
/// with its op's first-order backward fails the check).
fn grad_projection<'t, M: Model>(
    model: &M,
    weights: &Array2<f64>,
    direction: &[Array2<f64>],
    tape: &'t Tape<f64>,
    vars: &[Var<'t, f64>],
    rng: &mut Rng,
) -> Result<Var<'t, f64>> {
    let analytic = vars.iter().all(|v| v.requires_grad());
    if analytic {
        let y = model(tape, vars, rng);
        same_shape(y, weights)?;
        let loss = (y * tape.constant(weights.clone())).sum();
        let grads = loss.grad_graph(vars)?;
        let terms = grads
            .iter()
            .zip(direction)
            .map(|(&g, v)| (g * tape.constant(v.clone())).sum());
        return Ok(terms
            .reduce(|a, b| a + b)
            .unwrap_or_else(|| tape.scalar(0.0)));
    }
    // Re-record the constant inputs as leaves to get their gradients.
    let leaves: Vec<Var<'t, f64>> = vars.iter().map(|v| tape.leaf(v.value())).collect();
    let y = model(tape, &leaves, rng);
    same_shape(y, weights)?;
    let grads = y.backward_with(weights.clone());
    let q: f64 = leaves
        .iter()
        .zip(direction)
        .filter_map(|(&leaf, v)| grads.get(leaf).map(|g| (g * v).sum()))
        .sum();
    Ok(tape.scalar(q))
}

/// An error unless the model's output `y` has the shape first seen (the
/// scalarization weights' shape): a model must not branch on its inputs.
fn same_shape(y: Var<'_, f64>, weights: &Array2<f64>) -> Result<()> {
    let (now, first) = (y.shape(), Shape::of(weights));
    if now == first {
        Ok(())
    } else {
        Err(Error::shape(
            "check_second_order",
            format!(
                "the model's output changed shape between evaluations: {first} at first, {now} now"
            ),
        ))
    }
}

/// A seeded random direction of unit 2-norm over all inputs.
fn unit_direction(values: &[Array2<f64>], seed: u64) -> Vec<Array2<f64>> {
    let mut rng = Rng::seed_from_u64(seed ^ 0x00d1_7ec7_1011);
    let v: Vec<Array2<f64>> = values
        .iter()
        .map(|x| Array2::from_shape_simple_fn(x.dim(), || rng.random_range(-1.0..1.0)))
        .collect();
    let norm = v
        .iter()
        .flat_map(|a| a.iter())
        .map(|x| x * x)
        .sum::<f64>()
        .sqrt();
    if norm == 0.0 {
        return v;
    }
    v.into_iter().map(|a| a / norm).collect()
}
