//! [`Var`]: a cheap `Copy` handle to one node on a tape.
//!
//! Every op is a method on `Var` defined next to the op itself (in `ops/`),
//! so `x.matmul(w).relu()` reads like the math. Methods whose shapes may
//! come from data have a `try_` form returning [`Result`]; the plain form
//! panics with the same message at the caller's line.

use std::fmt;
use std::panic::Location;

use ndarray::Array2;

use crate::gradients::{Gradients, sweep};
use crate::node::{NodeKind, Value};
use crate::node_id::NodeId;
use crate::op::Op;
use crate::{Error, Float, Result, Shape, Tape};

/// A handle to a node on a [`Tape`]: copyable, two words wide.
#[derive(Clone, Copy)]
pub struct Var<'t, F: Float> {
    tape: &'t Tape<F>,
    id: NodeId,
}

impl<'t, F: Float> Var<'t, F> {
    pub(crate) fn new(tape: &'t Tape<F>, id: NodeId) -> Self {
        Var { tape, id }
    }

    /// The node's position on the tape.
    pub fn id(self) -> NodeId {
        self.id
    }

    /// The tape this node lives on.
    pub fn tape(self) -> &'t Tape<F> {
        self.tape
    }

    /// The node's shape.
    pub fn shape(self) -> Shape {
        self.with_value(Shape::of)
    }

    /// A copy of the node's value.
    pub fn value(self) -> Array2<F> {
        self.with_value(Array2::clone)
    }

    /// Calls `f` with a reference to the node's value (no copy).
    ///
    /// # Panics
    /// If `f` records on the same tape (the tape is borrowed while `f`
    /// runs): take [`Var::value`] first, or record after `f` returns.
    pub fn with_value<R>(self, f: impl FnOnce(&Array2<F>) -> R) -> R {
        f(&self.tape.nodes.borrow()[self.id.0].value)
    }

    /// The value of a 1×1 node.
    ///
    /// # Panics
    /// If the node is not 1×1.
    #[track_caller]
    pub fn item(self) -> F {
        // The check sits here, not in a `with_value` closure, so the panic
        // names the caller's line.
        let shape = self.shape();
        if shape != Shape::new(1, 1) {
            panic!("item: node {} is {shape}, not 1×1", self.id);
        }
        self.with_value(|v| v[[0, 0]])
    }

    /// True when some leaf requiring a gradient reaches this node.
    pub fn requires_grad(self) -> bool {
        self.tape.nodes.borrow()[self.id.0].requires_grad
    }

    /// A constant with this node's value: gradients stop here.
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// let tape = Tape::new();
    /// let x = tape.leaf(array![[3.0]]);
    /// let y = x * x.detach();              // d/dx (x · c) = c = 3
    /// assert_eq!(y.backward()[x], array![[3.0]]);
    /// ```
    #[track_caller]
    pub fn detach(self) -> Var<'t, F> {
        let value = {
            let nodes = self.tape.nodes.borrow();
            match &nodes[self.id.0].value {
                Value::Owned(a) => Value::Owned(a.clone()),
                Value::Shared(a) => Value::Shared(a.clone()),
            }
        };
        self.tape.push_detached(value)
    }

    /// Gradients of this 1×1 node with respect to every node that needs one.
    ///
    /// # Panics
    /// If the node is not 1×1 or an op returns a misshapen gradient (see
    /// [`Var::try_backward`]).
    #[track_caller]
    pub fn backward(self) -> Gradients<F> {
        match self.try_backward() {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::backward`], returning an error if the node is not 1×1, if an
    /// op's backward returns a gradient whose shape is not its input's
    /// ([`Error::WrongShape`], checked in every build profile), or, in
    /// anomaly mode, the first NaN/±∞ seen in forward or backward.
    pub fn try_backward(self) -> Result<Gradients<F>> {
        let shape = self.shape();
        if shape != Shape::new(1, 1) {
            return Err(Error::NotScalar { shape });
        }
        sweep(self.tape, self.id, Array2::from_elem((1, 1), F::one()))
    }

    /// Vector–Jacobian product: gradients of `Σ upstream ⊙ self` with respect
    /// to every node that needs one. `upstream` must have this node's shape.
    ///
    /// # Panics
    /// On a shape mismatch (see [`Var::try_backward_with`]).
    #[track_caller]
    pub fn backward_with(self, upstream: Array2<F>) -> Gradients<F> {
        match self.try_backward_with(upstream) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Var::backward_with`], returning an error on a shape mismatch.
    pub fn try_backward_with(self, upstream: Array2<F>) -> Result<Gradients<F>> {
        let (node, given) = (self.shape(), Shape::of(&upstream));
        if node != given {
            return Err(Error::shape(
                "backward_with",
                format!("node {} is {node}, upstream gradient is {given}", self.id),
            ));
        }
        if self.tape.detecting_anomalies()
            && let Some((element, value)) = crate::anomaly::first_non_finite(&upstream)
        {
            return Err(Error::argument(
                "backward_with",
                format!("the upstream gradient holds {value} at {element:?}"),
            ));
        }
        sweep(self.tape, self.id, upstream)
    }

    /// Records `op` on `inputs` (which must include `self` where relevant).
    /// Used by every op's `try_` method.
    #[track_caller]
    pub(crate) fn record<O: Op<F>>(self, op: O, inputs: &[Var<'t, F>]) -> Result<Var<'t, F>> {
        self.tape.try_apply(op, inputs)
    }

    /// [`Var::record`] for the panicking method forms: the panic message is
    /// the error's and the location is the user's line.
    #[track_caller]
    pub(crate) fn record_or_panic<O: Op<F>>(self, op: O, inputs: &[Var<'t, F>]) -> Var<'t, F> {
        match self.tape.try_apply(op, inputs) {
            Ok(v) => v,
            Err(e) => panic!("{e}"),
        }
    }
}

impl<F: Float> Tape<F> {
    #[track_caller]
    fn push_detached(&self, value: Value<F>) -> Var<'_, F> {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(crate::node::Node {
            kind: NodeKind::Constant,
            inputs: Default::default(),
            value,
            requires_grad: false,
            fresh_consumer: false,
            location: Location::caller(),
        });
        Var::new(self, NodeId(nodes.len() - 1))
    }
}

impl<F: Float> fmt::Debug for Var<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Var({}, {})", self.id, self.shape())
    }
}
