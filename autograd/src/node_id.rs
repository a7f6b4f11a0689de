//! [`NodeId`]: a node's position on its tape. In a file of its own because
//! everything refers to it — the tape, the sweep, anomaly reports, decision
//! logs, errors — while it refers to nothing, so no module has to import the
//! node record (and through it the `Op` trait) just to name a node.

use std::fmt;

/// The position of a node on its tape; printed as `%i` like the Wengert
/// list in the notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NodeId(pub(crate) usize);

impl NodeId {
    /// The node's index on the tape.
    pub fn index(self) -> usize {
        self.0
    }
}

impl fmt::Display for NodeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "%{}", self.0)
    }
}
