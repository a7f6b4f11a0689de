//! The registry of every differentiable op, for tools that must cover them
//! all — above all the gradient checker's property suite, which enumerates
//! [`all_ops`] and so tests a new op the moment it is registered here.
//!
//! Each op file declares `pub(crate) const SPECS: &[OpSpec]` next to its
//! forward and backward (several entries for ops with variants, such as a
//! reduction over each axis); registering the op is one line in [`all_ops`].

use crate::ops;
pub use crate::spec::{Domain, Kink, OpSpec, ShapeRule};

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
        ops::minimum::SPECS,
        ops::where_::SPECS,
        // unary and scalar
        ops::relu::SPECS,
        ops::leaky_relu::SPECS,
        ops::prelu::SPECS,
        ops::abs::SPECS,
        ops::clamp::SPECS,
        ops::neg::SPECS,
        ops::add_scalar::SPECS,
        ops::mul_scalar::SPECS,
        ops::square::SPECS,
        ops::sqrt::SPECS,
        ops::powf::SPECS,
        ops::powi::SPECS,
        ops::reciprocal::SPECS,
        ops::exp::SPECS,
        ops::log::SPECS,
        ops::log1p::SPECS,
        ops::expm1::SPECS,
        ops::softplus::SPECS,
        ops::sin::SPECS,
        ops::cos::SPECS,
        ops::tanh::SPECS,
        ops::sigmoid::SPECS,
        ops::maxout::SPECS,
        // reductions
        ops::sum::SPECS,
        ops::sum_squares::SPECS,
        ops::mean::SPECS,
        ops::max::SPECS,
        ops::min::SPECS,
        ops::log_sum_exp::SPECS,
        // matrix
        ops::matmul::SPECS,
        ops::transpose::SPECS,
        ops::reshape::SPECS,
        // rows: softmax, picking, slicing, gathering
        ops::softmax::SPECS,
        ops::log_softmax::SPECS,
        ops::pick::SPECS,
        ops::slice_cols::SPECS,
        ops::gather_rows::SPECS,
        ops::select_cols::SPECS,
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
