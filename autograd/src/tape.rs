//! The tape: a Wengert list of nodes appended as operations run.
//!
//! Node `i` can only depend on nodes `< i`, so the order of recording is
//! already a topological order and backward is a single reverse sweep
//! (see [`crate::gradients`]). Parameters live outside the tape ([`Param`]);
//! [`Tape::reset`] empties it between training steps while keeping its
//! allocation, so a training loop does not grow memory.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::Location;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use ndarray::Array2;
use smallvec::SmallVec;

use crate::anomaly::{Anomaly, Pass, first_non_finite};
use crate::decisions::DecisionLog;
use crate::op::Op;
use crate::ties::Branch;
use crate::{Error, Float, Param, Result, Shape, Var};

pub(crate) use crate::node::{Node, NodeKind, Value};
pub use crate::node_id::NodeId;

static NEXT_TAPE_ID: AtomicU64 = AtomicU64::new(1);

/// A recording of computations, to be differentiated in reverse.
///
/// ```
/// use autograd::Tape;
/// use ndarray::array;
///
/// let tape = Tape::new();
/// let x = tape.leaf(array![[1.0, -2.0]]);
/// let w = tape.leaf(array![[3.0], [4.0]]);
/// let y = x.matmul(w).relu();          // relu(1·3 − 2·4) = relu(−5) = 0
/// let grads = y.sum().backward();
/// assert_eq!(grads[w], array![[0.0], [0.0]]); // relu'(−5) = 0
/// ```
pub struct Tape<F: Float> {
    pub(crate) nodes: RefCell<Vec<Node<F>>>,
    /// Small values freed by the last [`Tape::reset`], node 0's on top:
    /// offered to each op recorded next ([`Op::forward_into`]), so
    /// re-recording the same graph writes every small node into the buffer
    /// its counterpart used last time, with no trip to the thread's cache.
    spare: RefCell<Vec<Array2<F>>>,
    record_decisions: Cell<bool>,
    /// Which branch each element of a branching node took, for the nodes
    /// recorded while logging was on, in tape order.
    decisions: RefCell<Vec<(NodeId, Vec<Branch>)>>,
    detect_anomalies: Cell<bool>,
    anomaly: RefCell<Option<Anomaly>>,
    /// Distinguishes this tape (and this tape after each reset) from every
    /// other, so stale handles and gradients are caught.
    id: u64,
}

impl<F: Float> Default for Tape<F> {
    fn default() -> Self {
        Self::new()
    }
}

impl<F: Float> Tape<F> {
    /// An empty tape.
    pub fn new() -> Self {
        Tape {
            nodes: RefCell::new(Vec::new()),
            spare: RefCell::new(Vec::new()),
            record_decisions: Cell::new(false),
            decisions: RefCell::new(Vec::new()),
            detect_anomalies: Cell::new(false),
            anomaly: RefCell::new(None),
            id: NEXT_TAPE_ID.fetch_add(1, Ordering::Relaxed),
        }
    }

    /// Empties the tape for the next training step, keeping its allocation.
    /// Takes `&mut self`, so no handle into the old recording can survive.
    ///
    /// Small values stay with the tape, offered to the ops of the next
    /// recording in order ([`Op::forward_into`]): a training loop recording
    /// the same graph every step writes each small node into the buffer
    /// its counterpart used the step before. The rest, and spares the next
    /// recording did not take, go to the thread's buffer cache
    /// ([`release_cached_buffers`](crate::release_cached_buffers) does not
    /// free a tape's spares: they live as long as the tape).
    pub fn reset(&mut self) {
        recycle_values(self.nodes.get_mut(), self.spare.get_mut());
        self.decisions.get_mut().clear();
        *self.anomaly.get_mut() = None;
        self.id = NEXT_TAPE_ID.fetch_add(1, Ordering::Relaxed);
    }

    /// Number of nodes recorded.
    pub fn len(&self) -> usize {
        self.nodes.borrow().len()
    }

    /// True when nothing has been recorded.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn id(&self) -> u64 {
        self.id
    }

    /// A leaf that requires a gradient.
    #[track_caller]
    pub fn leaf(&self, value: Array2<F>) -> Var<'_, F> {
        self.push_input(NodeKind::Leaf { name: None }, Value::Owned(value), true)
    }

    /// A named leaf that requires a gradient.
    #[track_caller]
    pub fn named_leaf(&self, name: &str, value: Array2<F>) -> Var<'_, F> {
        let kind = NodeKind::Leaf {
            name: Some(name.into()),
        };
        self.push_input(kind, Value::Owned(value), true)
    }

    /// A leaf for a [`Param`]: requires a gradient, shares the parameter's
    /// storage (no copy) and carries its name.
    #[track_caller]
    pub fn param(&self, param: &Param<F>) -> Var<'_, F> {
        let (name, value) = param.shared();
        let kind = NodeKind::Leaf { name: Some(name) };
        self.push_input(kind, Value::Shared(value), true)
    }

    /// A constant: data or labels, never differentiated.
    #[track_caller]
    pub fn constant(&self, value: Array2<F>) -> Var<'_, F> {
        self.push_input(NodeKind::Constant, Value::Owned(value), false)
    }

    /// A constant sharing `value`'s storage: a dataset held in an [`Arc`] is
    /// recorded every step without being copied.
    #[track_caller]
    pub fn constant_arc(&self, value: Arc<Array2<F>>) -> Var<'_, F> {
        self.push_input(NodeKind::Constant, Value::Shared(value), false)
    }

    /// A 1×1 constant.
    #[track_caller]
    pub fn scalar(&self, value: F) -> Var<'_, F> {
        self.constant(Array2::from_elem((1, 1), value))
    }

    /// Turns decision logging for branching ops on or off (off by default).
    /// See [`crate::decisions`].
    pub fn record_decisions(&self, on: bool) {
        self.record_decisions.set(on);
    }

    /// Turns anomaly mode on or off (off by default): see [`crate::anomaly`].
    ///
    /// ```
    /// use autograd::{Error, Tape};
    /// use autograd::anomaly::Pass;
    /// use ndarray::array;
    ///
    /// let tape = Tape::new();
    /// tape.detect_anomalies(true);
    /// let x = tape.leaf(array![[1e200, 1.0]]);
    /// let y = x * x;                        // 1e400 overflows to +∞ here…
    /// let loss = (y * x).sum();             // …but would only be noticed here
    /// let Err(Error::Anomaly(a)) = loss.try_backward() else { panic!() };
    /// assert_eq!((a.pass, a.node, a.op.as_str()), (Pass::Forward, y.id(), "mul"));
    /// assert_eq!(a.element, (0, 0));
    /// ```
    pub fn detect_anomalies(&self, on: bool) {
        self.detect_anomalies.set(on);
    }

    /// The first anomaly recorded since the tape was created or reset.
    pub fn anomaly(&self) -> Option<Anomaly> {
        self.anomaly.borrow().clone()
    }

    pub(crate) fn detecting_anomalies(&self) -> bool {
        self.detect_anomalies.get()
    }

    /// Records `anomaly` unless an earlier one is already recorded.
    pub(crate) fn note_anomaly(&self, anomaly: Anomaly) {
        let mut slot = self.anomaly.borrow_mut();
        if slot.is_none() {
            *slot = Some(anomaly);
        }
    }

    /// The decision logs of every branching node recorded while logging
    /// was on, in tape order.
    pub fn decision_logs(&self) -> Vec<DecisionLog> {
        let nodes = self.nodes.borrow();
        self.decisions
            .borrow()
            .iter()
            .filter_map(|(id, branches)| {
                let node = &nodes[id.0];
                let NodeKind::Op(op) = &node.kind else {
                    return None;
                };
                // What each decision was made on: the first input where it
                // lines up with the output element for element, else the output.
                let decided_on = match node.inputs.first() {
                    Some(first) if nodes[first.0].value.dim() == node.value.dim() => {
                        &nodes[first.0].value
                    }
                    _ => &node.value,
                };
                Some(DecisionLog {
                    node: *id,
                    op: op.name(),
                    shape: Shape::of(&node.value),
                    branches: branches.clone(),
                    values: decided_on.iter().map(|v| v.as_f64()).collect(),
                })
            })
            .collect()
    }

    /// Records `op` applied to `inputs`, or returns the op's shape error.
    /// This is how custom ops (see [`Op`]) are used. A `forward` whose
    /// result disagrees with the op's `output_shape` is
    /// [`Error::WrongShape`] (checked in every build profile), and nothing
    /// is recorded.
    #[track_caller]
    pub fn try_apply<O: Op<F>>(&self, op: O, inputs: &[Var<'_, F>]) -> Result<Var<'_, F>> {
        let fresh = op.prefers_fresh_gradient();
        let out = self.record(op, inputs, Location::caller())?;
        if fresh {
            self.mark_fresh_consumer(inputs);
        }
        Ok(out)
    }

    #[track_caller]
    fn push_input(&self, kind: NodeKind<F>, value: Value<F>, requires_grad: bool) -> Var<'_, F> {
        let node = Node {
            kind,
            inputs: SmallVec::new(),
            value,
            requires_grad,
            fresh_consumer: false,
            location: Location::caller(),
        };
        let bad = self
            .detecting_anomalies()
            .then(|| first_non_finite(&node.value))
            .flatten();
        let (label, location) = (node.label(), node.location);
        let id = self.append(node);
        if let Some((element, value)) = bad {
            self.note_anomaly(Anomaly {
                pass: Pass::Input,
                node: id,
                op: label,
                input_shapes: Vec::new(),
                wrt: None,
                element,
                value,
                location,
                predating: None,
            });
        }
        Var::new(self, id)
    }

    #[inline]
    fn append(&self, node: Node<F>) -> NodeId {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(node);
        NodeId(nodes.len() - 1)
    }

    /// The one place where op nodes are created: checks that the inputs are
    /// ours, validates shapes, runs forward, and logs decisions if asked.
    /// Callers that know the op's type then flag the leaves it reads if it
    /// prefers fresh gradients ([`Tape::mark_fresh_consumer`]).
    ///
    /// Generic over the op, so `output_shape` and `forward` are called
    /// statically and inline here (an elementwise forward on 4×4 is a few
    /// dozen instructions, and two dynamic calls around it were a fifth of
    /// that); the op is boxed only once its node is built.
    #[inline]
    pub(crate) fn record<O: Op<F>>(
        &self,
        op: O,
        inputs: &[Var<'_, F>],
        location: &'static Location<'static>,
    ) -> Result<Var<'_, F>> {
        if inputs.iter().any(|v| !std::ptr::eq(v.tape(), self)) {
            return Err(Error::ForeignNode { context: op.name() });
        }
        let node = {
            let nodes = self.nodes.borrow();
            let requires_grad = inputs.iter().any(|v| nodes[v.id().0].requires_grad);
            // The common unary and binary cases pass plain arrays, with no
            // SmallVec spilled checks on building, reading or dropping them.
            match inputs {
                [a] => {
                    let va = &*nodes[a.id().0].value;
                    let ids = SmallVec::from_buf_and_len([a.id(), a.id()], 1);
                    let (values, shapes) = ([va], [Shape::of(va)]);
                    self.op_node(&nodes, op, ids, &values, &shapes, requires_grad, location)?
                }
                [a, b] => {
                    let (va, vb) = (&*nodes[a.id().0].value, &*nodes[b.id().0].value);
                    let ids = SmallVec::from_buf([a.id(), b.id()]);
                    let (values, shapes) = ([va, vb], [Shape::of(va), Shape::of(vb)]);
                    self.op_node(&nodes, op, ids, &values, &shapes, requires_grad, location)?
                }
                _ => self.op_node_many(&nodes, op, inputs, requires_grad, location)?,
            }
        };
        Ok(Var::new(self, self.append(node)))
    }

    /// [`Tape::record`] for ops of three or more inputs (rare, so kept out
    /// of line).
    #[inline(never)]
    fn op_node_many<O: Op<F>>(
        &self,
        nodes: &[Node<F>],
        op: O,
        inputs: &[Var<'_, F>],
        requires_grad: bool,
        location: &'static Location<'static>,
    ) -> Result<Node<F>> {
        // Push loops, not `collect`: SmallVec's `extend` cost a fifth of
        // the W1 benchmark's forward instructions.
        let mut ids = SmallVec::<[NodeId; 2]>::new();
        let mut values = SmallVec::<[&Array2<F>; 2]>::new();
        let mut shapes = SmallVec::<[Shape; 2]>::new();
        for v in inputs {
            let value = &*nodes[v.id().0].value;
            ids.push(v.id());
            values.push(value);
            shapes.push(Shape::of(value));
        }
        self.op_node(nodes, op, ids, &values, &shapes, requires_grad, location)
    }

    /// Flags the leaves among `inputs` as consumed by an op that prefers to
    /// write their gradient fresh (see `gradients::hold_or_combine`). Called
    /// where the op's type is known, after recording it: there
    /// `prefers_fresh_gradient` is a constant, so other ops pay nothing.
    #[cold]
    pub(crate) fn mark_fresh_consumer(&self, inputs: &[Var<'_, F>]) {
        let mut nodes = self.nodes.borrow_mut();
        for v in inputs {
            let node = &mut nodes[v.id().0];
            if matches!(node.kind, NodeKind::Leaf { .. }) {
                node.fresh_consumer = true;
            }
        }
    }

    /// The rest of [`Tape::record`] once the inputs are gathered: validates
    /// shapes and runs forward (statically, on the op's own type), then
    /// hands the rest to [`Tape::finish_node`], which is not generic.
    #[inline(always)]
    #[allow(clippy::too_many_arguments)] // the pieces `record` gathered
    fn op_node<O: Op<F>>(
        &self,
        nodes: &[Node<F>],
        mut op: O,
        ids: SmallVec<[NodeId; 2]>,
        values: &[&Array2<F>],
        shapes: &[Shape],
        requires_grad: bool,
        location: &'static Location<'static>,
    ) -> Result<Node<F>> {
        let out_shape = op.output_shape(shapes)?;
        let value = match self.take_spare(out_shape) {
            Some(mut out) => {
                if op.forward_into(values, &mut out) {
                    out
                } else {
                    crate::kernels::recycle(out);
                    op.forward(values)
                }
            }
            None => op.forward(values),
        };
        if value.dim() != out_shape.dim() {
            // Checked in every profile: a custom op's misshapen forward
            // would otherwise be stored and mislead every later op.
            return Err(wrong_forward(op.name(), out_shape, value));
        }
        let op: Box<dyn Op<F>> = Box::new(op);
        if self.detect_anomalies.get() || self.record_decisions.get() {
            self.check_new_node(nodes, op.as_ref(), values, shapes, &value, location);
        }
        Ok(Node {
            requires_grad,
            fresh_consumer: false,
            kind: NodeKind::Op(op),
            inputs: ids,
            value: Value::Owned(value),
            location,
        })
    }

    /// The next spare buffer if it has `shape`; otherwise it goes to the
    /// thread's cache (a different graph is being recorded: the rest will
    /// follow one by one as they fail to match) and the op allocates.
    #[inline(always)]
    fn take_spare(&self, shape: Shape) -> Option<Array2<F>> {
        let mut spare = self.spare.borrow_mut();
        let out = spare.pop()?;
        if out.dim() == shape.dim() {
            Some(out)
        } else {
            crate::kernels::recycle(out);
            None
        }
    }

    /// Anomaly check and decision log of a node about to be appended, when
    /// either mode is on (out of line: both are off on the fast path).
    #[cold]
    #[inline(never)]
    fn check_new_node(
        &self,
        nodes: &[Node<F>],
        op: &dyn Op<F>,
        values: &[&Array2<F>],
        shapes: &[Shape],
        value: &Array2<F>,
        location: &'static Location<'static>,
    ) {
        if self.detecting_anomalies()
            && let Some((element, bad)) = first_non_finite(value)
        {
            self.note_anomaly(Anomaly {
                pass: Pass::Forward,
                node: NodeId(nodes.len()),
                op: op.label(),
                input_shapes: shapes.to_vec(),
                wrt: None,
                element,
                value: bad,
                location,
                predating: crate::anomaly::predating(values, None),
            });
        }
        if self.record_decisions.get()
            && let Some(branches) = op.decisions(values, value)
        {
            let id = NodeId(nodes.len());
            self.decisions.borrow_mut().push((id, branches));
        }
    }
}

/// The error for `op`'s forward returning `value` where its
/// `output_shape` said `expected`. Takes the value, so that dropping it
/// happens here, out of line of the recording path.
#[cold]
#[inline(never)]
fn wrong_forward<F: Float>(op: &'static str, expected: Shape, value: Array2<F>) -> Error {
    crate::error::WrongShape {
        op,
        produced: crate::error::Produced::Forward,
        expected,
        got: Shape::of(&value),
    }
    .into()
}

/// Values up to this many elements are kept as the tape's spares at
/// reset; larger ones go to the thread's cache, where a backward pass can
/// reuse them too.
const SPARE_MAX_LEN: usize = 1024;

/// Empties `nodes`: small owned values become `spare` (node 0's on top),
/// every other buffer the tape owns goes to the thread's cache
/// ([`crate::pool`]), as do spares the last recording did not use.
///
/// A spare skips the cache's bookkeeping (a thread-local, a length
/// lookup, the live/peak/budget counts) twice per node, once here and once
/// when the next recording takes it (W1 benchmark, 20 runs of 1000 nodes:
/// 27.52M → 25.96M instructions in f64, 24.76M → 23.07M in f32).
fn recycle_values<F: Float>(nodes: &mut Vec<Node<F>>, spare: &mut Vec<Array2<F>>) {
    F::with_pool(|pool| {
        for a in spare.drain(..) {
            pool.give(a);
        }
        for node in nodes.drain(..).rev() {
            if let Value::Owned(a) = node.value {
                if a.is_empty() {
                    // A value `backward_and_reset` already freed: nothing to keep.
                } else if a.len() <= SPARE_MAX_LEN && crate::pool::is_row_major(&a) {
                    spare.push(a);
                } else {
                    pool.give(a);
                }
            }
        }
    });
}

impl<F: Float> Drop for Tape<F> {
    fn drop(&mut self) {
        recycle_values(self.nodes.get_mut(), self.spare.get_mut());
        crate::kernels::recycle_all(self.spare.get_mut().drain(..));
    }
}

impl<F: Float> fmt::Debug for Tape<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tape<{}>({} nodes)", F::NAME, self.len())
    }
}
