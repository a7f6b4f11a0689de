//! The registry of every differentiable op, for tools that must cover them
//! all — above all the gradient checker's property suite, which enumerates
//! [`all_ops`] and so tests a new op the moment it is registered here.
//!
//! Each op file declares `pub(crate) const SPECS: &[OpSpec]` next to its
//! forward and backward (several entries for ops with variants, such as a
//! reduction over each axis); registering the op is one line in [`all_ops`].

use crate::{Var, ops};

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

/// Every registered op, in a stable order.
///
/// ```
/// let names: Vec<_> = autograd::registry::all_ops().iter().map(|s| s.name).collect();
/// assert!(names.contains(&"matmul") && names.contains(&"relu"));
/// ```
pub fn all_ops() -> Vec<OpSpec> {
    [
        // elementwise with broadcasting
        ops::add::SPECS,
        ops::sub::SPECS,
        ops::mul::SPECS,
        ops::div::SPECS,
        ops::maximum::SPECS,
        // unary and scalar
        ops::relu::SPECS,
        ops::leaky_relu::SPECS,
        ops::prelu::SPECS,
        ops::abs::SPECS,
        ops::neg::SPECS,
        ops::add_scalar::SPECS,
        ops::mul_scalar::SPECS,
        ops::square::SPECS,
        ops::sqrt::SPECS,
        ops::powf::SPECS,
        ops::exp::SPECS,
        ops::log::SPECS,
        ops::tanh::SPECS,
        ops::sigmoid::SPECS,
        ops::maxout::SPECS,
        // reductions
        ops::sum::SPECS,
        ops::sum_squares::SPECS,
        ops::mean::SPECS,
        ops::max::SPECS,
        ops::log_sum_exp::SPECS,
        // matrix
        ops::matmul::SPECS,
        ops::transpose::SPECS,
        ops::reshape::SPECS,
        // rows: softmax, picking, slicing
        ops::softmax::SPECS,
        ops::log_softmax::SPECS,
        ops::pick::SPECS,
        ops::slice_cols::SPECS,
        ops::concat_cols::SPECS,
    ]
    .concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_arities_match_rules() {
        let ops = all_ops();
        let mut names: Vec<_> = ops.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ops.len(), "duplicate op names");
        for s in &ops {
            let arity = match s.shapes {
                ShapeRule::Unary | ShapeRule::ColumnGroups(_) => 1,
                ShapeRule::Broadcast
                | ShapeRule::MatMul
                | ShapeRule::RowParam
                | ShapeRule::SameRows => 2,
            };
            assert_eq!(s.domains.len(), arity, "{}", s.name);
        }
    }
}
