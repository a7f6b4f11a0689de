//! The entries of the Wengert list: [`NodeId`], a node's [`Value`], how it
//! came to be ([`NodeKind`]) and the [`Node`] record itself. The tape
//! ([`crate::tape`]) appends them; the sweep ([`crate::gradients`]) reads them.

use std::ops::Deref;
use std::panic::Location;
use std::sync::Arc;

use ndarray::Array2;
use smallvec::SmallVec;

use crate::Float;
pub use crate::node_id::NodeId;
use crate::op::Op;

/// A node's value: computed by an op (owned), or shared with a [`Param`](crate::Param)
/// so that recording a parameter copies nothing.
pub(crate) enum Value<F: Float> {
    Owned(Array2<F>),
    Shared(Arc<Array2<F>>),
}

impl<F: Float> Deref for Value<F> {
    type Target = Array2<F>;
    fn deref(&self) -> &Array2<F> {
        match self {
            Value::Owned(a) => a,
            Value::Shared(a) => a,
        }
    }
}

/// How a node came to be.
pub(crate) enum NodeKind<F: Float> {
    /// An input that requires a gradient (optionally named, e.g. a [`Param`](crate::Param)).
    Leaf { name: Option<Arc<str>> },
    /// An input that never requires a gradient (data, labels, detached values).
    Constant,
    /// The result of an op applied to earlier nodes.
    Op(Box<dyn Op<F>>),
}

/// One entry of the Wengert list.
///
/// Kept at 128 bytes: every recorded node is moved into the list and out
/// again on reset, and up to 128 bytes the move is a few register copies
/// rather than a `memcpy` call (those calls were 5.9M of the W1
/// benchmark's 107M instructions). Hence decision logs live beside the list
/// (`Tape::decisions`) and `inputs` uses smallvec's compact `union` layout.
pub(crate) struct Node<F: Float> {
    pub(crate) kind: NodeKind<F>,
    pub(crate) inputs: SmallVec<[NodeId; 2]>,
    pub(crate) value: Value<F>,
    /// True when some leaf requiring a gradient reaches this node; backward
    /// skips every node where this is false.
    pub(crate) requires_grad: bool,
    /// True for a leaf that some op preferring to write its gradient fresh
    /// (matmul, [`Op::prefers_fresh_gradient`]) consumes: the sweep holds
    /// this leaf's other gradient contributions until that op has written.
    pub(crate) fresh_consumer: bool,
    /// Where the user created the node (for listings and error reports).
    pub(crate) location: &'static Location<'static>,
}

impl<F: Float> Node<F> {
    /// The op's display label, or `leaf`/`constant`.
    pub(crate) fn label(&self) -> String {
        match &self.kind {
            NodeKind::Leaf { name: Some(n) } => format!("leaf \"{n}\""),
            NodeKind::Leaf { name: None } => "leaf".into(),
            NodeKind::Constant => "constant".into(),
            NodeKind::Op(op) => op.label(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Node;

    /// The size the type's doc promises (moves of up to 128 bytes are
    /// register copies, not `memcpy` calls).
    #[test]
    fn a_node_fits_in_128_bytes() {
        assert!(size_of::<Node<f32>>() <= 128, "{}", size_of::<Node<f32>>());
        assert!(size_of::<Node<f64>>() <= 128, "{}", size_of::<Node<f64>>());
    }
}
