//! Branch names a learner can read.
//!
//! A decision log records a [`Branch`] per element: sign-like ops (relu,
//! leaky_relu, prelu, abs) record [`Branch::NEGATIVE`], [`Branch::KINK`] or
//! [`Branch::POSITIVE`]; max-like ops (maximum, max, maxout) record the
//! winning candidate's index or [`Branch::TIE`]. The numbers overlap
//! (`Branch(0)` is "negative" for relu and "argument 0" for maximum), so the
//! op decides how to read them: registered ops by their
//! [`Kink`] kind in [`autograd::registry::all_ops`] (`Kink::Ties` is
//! max-like, anything else sign-like); an unregistered (custom) op is read
//! as max-like when its name contains `"max"` or it recorded a tie or an
//! index above 2, and as sign-like otherwise (`ties::sign_branch` is how
//! custom kinked ops are meant to log).

use autograd::registry::{Kink, all_ops};
use autograd::ties::Branch;

/// How an op's branches read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BranchKind {
    /// Below / on / above a kink value (relu, abs, …).
    SignLike,
    /// The winner among candidates, each called `candidate` (`"argument"`
    /// for maximum, `"piece"` for maxout, `"entry"` for max).
    MaxLike {
        /// What one candidate is called.
        candidate: &'static str,
    },
    /// `clamp(lo, hi)`, read as `max(lo, min(x, hi))`: below `lo`, inside,
    /// above `hi`, or on a bound ([`autograd::ties::clamp_branch`]).
    Bounds,
}

/// How `op`'s branches read, given branches it was seen to record.
///
/// ```
/// use autograd::ties::Branch;
/// use gradcheck::branches::{BranchKind, branch_kind};
/// assert_eq!(branch_kind("relu", &[Branch::KINK]), BranchKind::SignLike);
/// assert_eq!(branch_kind("maximum", &[Branch(0)]), BranchKind::MaxLike { candidate: "argument" });
/// assert_eq!(branch_kind("maxout", &[Branch(1)]), BranchKind::MaxLike { candidate: "piece" });
/// assert_eq!(branch_kind("my_relu", &[Branch(0), Branch(2)]), BranchKind::SignLike);
/// assert_eq!(branch_kind("my_op", &[Branch::TIE]), BranchKind::MaxLike { candidate: "argument" });
/// assert_eq!(branch_kind("clamp", &[Branch::TIE]), BranchKind::Bounds);
/// ```
pub fn branch_kind(op: &str, seen: &[Branch]) -> BranchKind {
    if op == "clamp" {
        return BranchKind::Bounds;
    }
    let candidate = match op {
        "maxout" => "piece",
        "max" => "entry",
        _ => "argument",
    };
    let registered: Vec<Kink> = all_ops()
        .iter()
        .filter(|s| s.name == op || s.name.split('(').next() == Some(op))
        .map(|s| s.kink)
        .collect();
    let max_like = if registered.is_empty() {
        op.contains("max") || seen.iter().any(|b| *b == Branch::TIE || b.0 > 2)
    } else {
        registered.contains(&Kink::Ties)
    };
    if max_like {
        BranchKind::MaxLike { candidate }
    } else {
        BranchKind::SignLike
    }
}

/// The name of one branch of an op of `kind`.
///
/// ```
/// use autograd::ties::Branch;
/// use gradcheck::branches::{BranchKind, branch_name};
/// assert_eq!(branch_name(BranchKind::SignLike, Branch::NEGATIVE), "negative");
/// assert_eq!(branch_name(BranchKind::SignLike, Branch::KINK), "on the kink");
/// assert_eq!(branch_name(BranchKind::SignLike, Branch::POSITIVE), "positive");
/// let maxout = BranchKind::MaxLike { candidate: "piece" };
/// assert_eq!(branch_name(maxout, Branch::winner(2)), "piece 2");
/// assert_eq!(branch_name(maxout, Branch::TIE), "tie");
/// assert_eq!(branch_name(BranchKind::Bounds, Branch::winner(1)), "inside");
/// assert_eq!(branch_name(BranchKind::Bounds, Branch::TIE), "on a bound");
/// ```
pub fn branch_name(kind: BranchKind, b: Branch) -> String {
    match (kind, b) {
        (BranchKind::Bounds, Branch::TIE) => "on a bound".into(),
        (BranchKind::Bounds, Branch(0)) => "below lo".into(),
        (BranchKind::Bounds, Branch(1)) => "inside".into(),
        (BranchKind::Bounds, Branch(2)) => "above hi".into(),
        (BranchKind::Bounds, Branch(i)) => format!("branch {i}"),
        (_, Branch::TIE) => "tie".into(),
        (BranchKind::SignLike, Branch::NEGATIVE) => "negative".into(),
        (BranchKind::SignLike, Branch::KINK) => "on the kink".into(),
        (BranchKind::SignLike, Branch::POSITIVE) => "positive".into(),
        (BranchKind::SignLike, Branch(i)) => format!("branch {i}"),
        (BranchKind::MaxLike { candidate }, Branch(i)) => format!("{candidate} {i}"),
    }
}

/// The branches an element took at `x−h`, `x` and `x+h`, in words:
/// `"negative at x−h, on the kink at x, positive at x+h"`. A side whose
/// log lacks the element (the graph differed there) reads `"?"`.
///
/// ```
/// use autograd::ties::Branch;
/// use gradcheck::branches::describe_sides;
/// let s = describe_sides("relu", [Some(Branch::NEGATIVE), Some(Branch::KINK), Some(Branch::POSITIVE)]);
/// assert_eq!(s, "negative at x−h, on the kink at x, positive at x+h");
/// let m = describe_sides("maximum", [Some(Branch(1)), Some(Branch::TIE), Some(Branch(0))]);
/// assert_eq!(m, "argument 1 at x−h, tie at x, argument 0 at x+h");
/// ```
pub fn describe_sides(op: &str, sides: [Option<Branch>; 3]) -> String {
    let seen: Vec<Branch> = sides.iter().flatten().copied().collect();
    let kind = branch_kind(op, &seen);
    let name = |b: Option<Branch>| b.map_or_else(|| "?".to_string(), |b| branch_name(kind, b));
    format!(
        "{} at x−h, {} at x, {} at x+h",
        name(sides[0]),
        name(sides[1]),
        name(sides[2])
    )
}
