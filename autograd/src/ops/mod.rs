//! Every op, one file each: forward, backward, formula and local derivative,
//! kink rule, `Var` method and hand-computed tests together. To add an op,
//! write its file, declare it here and add its `SPECS` to
//! [`crate::registry::all_ops`].

pub(crate) mod elementwise;
pub mod reduce;

// elementwise with broadcasting
pub(crate) mod add;
pub(crate) mod mul;

// unary and scalar
pub(crate) mod relu;

// reductions
pub(crate) mod log_sum_exp;
pub(crate) mod max;
pub(crate) mod mean;
pub(crate) mod sum;

// matrix
pub(crate) mod matmul;
pub(crate) mod reshape;
pub(crate) mod transpose;

// rows: softmax, picking, slicing
pub(crate) mod concat_cols;
pub(crate) mod log_softmax;
pub(crate) mod pick;
pub(crate) mod slice_cols;
pub(crate) mod softmax;
