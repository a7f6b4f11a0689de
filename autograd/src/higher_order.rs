//! Higher-order gradients: the backward pass recorded on the tape.
//!
//! [`Var::grad_graph`] runs the same reverse sweep as
//! [`Var::backward`], but each op contributes its vector–Jacobian product
//! through [`Op::backward_graph`] — built from ordinary tape ops — so the
//! gradients it returns are nodes that can be differentiated again:
//! Hessian–vector products, grad of grad, gradient penalties in a loss.
//! First-order training never takes this path and pays nothing for it.

use ndarray::Array2;
use smallvec::SmallVec;

use crate::node::NodeKind;
use crate::node_id::NodeId;
use crate::op::{BackwardCtx, GraphCtx, Op};
use crate::{Error, Float, Result, Shape, Tape, Var};

/// Stands in for an op while its `backward_graph` runs: the sweep lends the
/// op out of the tape so it can record new nodes on that same tape.
struct Lent;

impl<F: Float> Op<F> for Lent {
    fn name(&self) -> &'static str {
        "lent"
    }
    fn output_shape(&self, _: &[Shape]) -> Result<Shape> {
        unreachable!("a lent op is never recorded")
    }
    fn forward(&mut self, _: &[&Array2<F>]) -> Array2<F> {
        unreachable!("a lent op is never recorded")
    }
    fn backward(&self, _: &BackwardCtx<'_, F>, _: usize) -> Array2<F> {
        unreachable!("a lent op is back before any first-order sweep")
    }
}

impl<'t, F: Float> Var<'t, F> {
    /// Gradients of this 1×1 node with respect to each of `wrt`, recorded
    /// as nodes on the tape (PyTorch's `create_graph=True`). A `wrt` the
    /// node does not depend on gets a zero constant.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[3.0]]);
    /// let y = x * x * x;                          // y = x³
    /// let dy = y.grad_graph(&[x]).unwrap()[0];    // 3x² = 27, as a node
    /// assert_eq!(dy.item(), 27.0);
    /// let d2y = dy.backward();                    // d/dx 3x² = 6x = 18
    /// assert_eq!(d2y[x], array![[18.0]]);
    /// ```
    ///
    /// # Errors
    /// [`Error::NotScalar`] unless this node is 1×1; [`Error::Argument`]
    /// naming the op if a node on the path has no `backward_graph`;
    /// [`Error::WrongShape`] if an op's `backward_graph` returns a node
    /// whose shape is not its input's.
    #[track_caller]
    pub fn grad_graph(self, wrt: &[Var<'t, F>]) -> Result<Vec<Var<'t, F>>> {
        let shape = self.shape();
        if shape != Shape::new(1, 1) {
            return Err(Error::NotScalar { shape });
        }
        let seed = self.tape().scalar(F::one());
        self.grad_graph_with(seed, wrt)
    }

    /// [`Var::grad_graph`] with an explicit upstream gradient node (same
    /// shape as `self`): the vector–Jacobian product as nodes.
    #[track_caller]
    pub fn grad_graph_with(
        self,
        upstream: Var<'t, F>,
        wrt: &[Var<'t, F>],
    ) -> Result<Vec<Var<'t, F>>> {
        let tape = self.tape();
        let (node, given) = (self.shape(), upstream.shape());
        if node != given {
            return Err(Error::shape(
                "grad_graph_with",
                format!("node {} is {node}, upstream gradient is {given}", self.id()),
            ));
        }
        let grads = graph_sweep(tape, self.id(), upstream)?;
        Ok(wrt
            .iter()
            .map(|v| match grads.get(v.id().index()).copied().flatten() {
                Some(g) => g,
                None => tape.constant(Array2::zeros(v.shape().dim())),
            })
            .collect())
    }
}

/// The reverse sweep of [`crate::gradients`], accumulating nodes instead of
/// arrays. Nodes appended during the sweep lie past `root` and are not
/// visited.
fn graph_sweep<'t, F: Float>(
    tape: &'t Tape<F>,
    root: NodeId,
    upstream: Var<'t, F>,
) -> Result<Vec<Option<Var<'t, F>>>> {
    let mut grads: Vec<Option<Var<'t, F>>> = vec![None; root.index() + 1];
    if tape.nodes.borrow()[root.index()].requires_grad {
        grads[root.index()] = Some(upstream);
    }
    for i in (0..=root.index()).rev() {
        let Some(up) = grads[i] else { continue };
        let (op, inputs, needs) = {
            let mut nodes = tape.nodes.borrow_mut();
            let node = &mut nodes[i];
            if !matches!(node.kind, NodeKind::Op(_)) {
                continue;
            }
            let NodeKind::Op(op) = std::mem::replace(&mut node.kind, NodeKind::Op(Box::new(Lent)))
            else {
                unreachable!("checked above")
            };
            let inputs: SmallVec<[NodeId; 2]> = node.inputs.clone();
            let needs: SmallVec<[bool; 2]> = inputs
                .iter()
                .map(|j| nodes[j.index()].requires_grad)
                .collect();
            (op, inputs, needs)
        };
        let vars: SmallVec<[Var<'t, F>; 2]> = inputs.iter().map(|&j| Var::new(tape, j)).collect();
        let ctx = GraphCtx {
            inputs: &vars,
            output: Var::new(tape, NodeId(i)),
            upstream: up,
        };
        let mut outcome = Ok(());
        for (wrt, &input) in inputs.iter().enumerate() {
            if !needs[wrt] {
                continue;
            }
            let Some(g) = op.backward_graph(&ctx, wrt) else {
                outcome = Err(Error::argument(
                    op.name(),
                    "this op does not support higher-order gradients (no backward_graph)",
                ));
                break;
            };
            let (expected, got) = (vars[wrt].shape(), g.shape());
            if got != expected {
                // `total + g` below would broadcast or panic inside the
                // library; a wrong shape is the op's bug, reported as such.
                outcome = Err(crate::error::WrongShape {
                    op: op.name(),
                    produced: crate::error::Produced::BackwardGraph { input: wrt },
                    expected,
                    got,
                }
                .into());
                break;
            }
            let slot = &mut grads[input.index()];
            *slot = Some(match *slot {
                Some(total) => total + g,
                None => g,
            });
        }
        tape.nodes.borrow_mut()[i].kind = NodeKind::Op(op);
        outcome?;
    }
    Ok(grads)
}

/// Sums a gradient node over the axes along which an input of shape
/// `target` was broadcast (the graph form of [`crate::shape::sum_to_shape`]).
pub(crate) fn sum_to_shape_graph<'t, F: Float>(grad: Var<'t, F>, target: Shape) -> Var<'t, F> {
    let shape = grad.shape();
    let grad = if shape.rows != target.rows {
        grad.sum_axis(0)
    } else {
        grad
    };
    if shape.cols != target.cols {
        grad.sum_axis(1)
    } else {
        grad
    }
}

/// `small` (1×1, 1×n or m×1) stretched to `shape` as a differentiable node.
pub(crate) fn broadcast_graph<'t, F: Float>(small: Var<'t, F>, shape: Shape) -> Var<'t, F> {
    if small.shape() == shape {
        return small;
    }
    small * small.tape().constant(Array2::ones(shape.dim()))
}

/// `denominator` made safe to divide `upstream` by: where the upstream
/// gradient is exactly 0 *and* the denominator is exactly 0, 1 is added (a
/// constant, so derivatives through `denominator` are unchanged).
///
/// This keeps invariant 5 — a zero upstream gradient gives exactly zero,
/// even where the local derivative is infinite (`sqrt` or `log` at 0 behind
/// a mask) — on the recorded backward pass too: `0 / 0` would be NaN,
/// `0 / 1` is 0. A non-zero upstream over a zero denominator still gives
/// ±∞, as it must. Both operands must have the same shape.
pub(crate) fn masked_denominator<'t, F: Float>(
    upstream: Var<'t, F>,
    denominator: Var<'t, F>,
) -> Var<'t, F> {
    let offset = upstream.with_value(|g| {
        denominator.with_value(|d| {
            let mut offset = Array2::zeros(d.raw_dim());
            ndarray::Zip::from(&mut offset)
                .and(g)
                .and(d)
                .for_each(|o, &g, &d| {
                    if g == F::zero() && d == F::zero() {
                        *o = F::one();
                    }
                });
            offset
        })
    });
    if offset.iter().all(|o| *o == F::zero()) {
        return denominator;
    }
    denominator + denominator.tape().constant(offset)
}

/// `g ⊙ mask` as a node, `mask` being an op's local derivative frozen as a
/// constant (relu's 0/1, a max's shares, NaN at a NaN input); `g` may be
/// smaller and is broadcast. Where `g` is exactly 0, a non-finite mask entry
/// is replaced by 0 first, so a zero upstream gives exactly zero on the
/// recorded pass too (invariant 5), as [`chain`](crate::ops::elementwise::chain)
/// does on the first-order one.
pub(crate) fn times_mask<'t, F: Float>(g: Var<'t, F>, mut mask: Array2<F>) -> Var<'t, F> {
    if mask.iter().any(|m| !m.is_finite()) {
        let shape = Shape::of(&mask);
        g.with_value(|g| {
            ndarray::Zip::from(&mut mask)
                .and(crate::shape::broadcast_view(g, shape))
                .for_each(|m, &g| {
                    if g == F::zero() && !m.is_finite() {
                        *m = F::zero();
                    }
                })
        });
    }
    g * g.tape().constant(mask)
}

/// Shared by the ops' second-order unit tests.
#[cfg(test)]
pub(crate) mod testing {
    use ndarray::Array2;

    use crate::{Tape, Var};

    /// For `s = Σ w ⊙ f(x)`: the gradient `∇s` as built by
    /// [`Var::grad_graph`], and the Hessian–vector product `∂⟨∇s, v⟩/∂x`
    /// obtained by differentiating that gradient node once more. For an
    /// elementwise `f` the Hessian is diagonal, so `H v = w ⊙ f''(x) ⊙ v`.
    pub(crate) fn grad_and_hvp(
        x: Array2<f64>,
        w: Array2<f64>,
        v: Array2<f64>,
        f: impl for<'t> Fn(Var<'t, f64>) -> Var<'t, f64>,
    ) -> (Array2<f64>, Array2<f64>) {
        let tape = Tape::new();
        let x = tape.leaf(x);
        let s = (f(x) * tape.constant(w)).sum();
        let g = s.grad_graph(&[x]).expect("graph backward")[0];
        let hv = (g * tape.constant(v)).sum().backward();
        let hv = hv
            .get(x)
            .cloned()
            .unwrap_or_else(|| Array2::zeros(x.shape().dim()));
        (g.value(), hv)
    }

    /// Asserts `got` and `want` agree entrywise to a relative 1e-13 (the
    /// hand-computed values go through `exp`, `ln`, `sqrt` and `powf`).
    #[track_caller]
    pub(crate) fn assert_close(got: &Array2<f64>, want: &Array2<f64>) {
        assert_eq!(got.dim(), want.dim());
        for (&a, &b) in got.iter().zip(want) {
            assert!(
                (a - b).abs() <= 1e-13 * b.abs().max(1.0),
                "got {got}, want {want}"
            );
        }
    }
}
