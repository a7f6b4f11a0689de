//! The types that describe a differentiable op to the tools that check
//! them all ([`OpSpec`] with its [`Domain`], [`ShapeRule`] and [`Kink`]).
//!
//! They sit in a file of their own so that each op file can declare its
//! `SPECS` from here without importing [`crate::registry`], which in turn
//! imports every op's `SPECS` (no import cycle). They are re-exported as
//! `autograd::registry::{OpSpec, Domain, Kink, ShapeRule}`.

use crate::Var;

/// Where an input's values may lie for the op to be differentiable there
/// (away from kinks, which [`Kink`] describes separately).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Domain {
    /// Any real number.
    Real,
    /// Strictly positive (log, sqrt, fractional powers).
    Positive,
    /// Bounded away from zero (divisors).
    NonZero,
}

/// How the input shapes of an op relate, so a checker can generate valid
/// inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShapeRule {
    /// One input of any shape.
    Unary,
    /// Two inputs whose shapes broadcast: `(m,n)` with `(m,n)`, `(1,n)`,
    /// `(m,1)` or `(1,1)`, either way round.
    Broadcast,
    /// `(m,k)` and `(k,n)`.
    MatMul,
    /// One input whose column count is a multiple of `k` (maxout pieces).
    ColumnGroups(usize),
    /// `x` of shape `(m,n)` and a slope of shape `(1,n)` or `(1,1)` (PReLU).
    RowParam,
    /// Two inputs with the same number of rows (column concatenation).
    SameRows,
}

/// Where an op's derivative is discontinuous, so a checker can aim inputs
/// at (and away from) those points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kink {
    /// Smooth everywhere on its domain.
    None,
    /// A kink where the first input equals one of these values (e.g. relu at 0).
    At(&'static [f64]),
    /// A kink where two candidates for a maximum tie (maximum, max, maxout).
    Ties,
}

/// A differentiable op as the gradient checker sees it.
#[derive(Clone, Copy)]
pub struct OpSpec {
    /// Unique name, with the variant (`"sum(axis=0)"`).
    pub name: &'static str,
    /// Domain of each input; its length is the op's arity.
    pub domains: &'static [Domain],
    /// How input shapes relate.
    pub shapes: ShapeRule,
    /// Where the derivative jumps.
    pub kink: Kink,
    /// Applies the op to inputs generated under the rules above.
    pub apply: for<'t> fn(&[Var<'t, f64>]) -> Var<'t, f64>,
}

impl std::fmt::Debug for OpSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpSpec")
            .field("name", &self.name)
            .field("domains", &self.domains)
            .field("shapes", &self.shapes)
            .field("kink", &self.kink)
            .finish_non_exhaustive()
    }
}
