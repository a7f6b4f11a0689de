//! Every op, one file each: forward, backward, formula and local derivative,
//! kink rule, `Var` method and hand-computed tests together. To add an op,
//! write its file, declare it here and add its `SPECS` to
//! [`crate::registry::all_ops`].

pub(crate) mod elementwise;
pub mod reduce;
pub(crate) mod unary;

// elementwise with broadcasting
pub(crate) mod add;
pub(crate) mod div;
pub(crate) mod maximum;
pub(crate) mod minimum;
pub(crate) mod mul;
pub(crate) mod sub;
pub(crate) mod where_;

// comparisons: constant 0/1 masks, no gradient (not registered)
pub(crate) mod compare;

// unary and scalar
pub(crate) mod abs;
pub(crate) mod add_scalar;
pub(crate) mod clamp;
pub(crate) mod cos;
pub(crate) mod exp;
pub(crate) mod expm1;
pub(crate) mod leaky_relu;
pub(crate) mod log;
pub(crate) mod log1p;
pub(crate) mod maxout;
pub(crate) mod mul_scalar;
pub(crate) mod neg;
pub(crate) mod powf;
pub(crate) mod powi;
pub(crate) mod prelu;
pub(crate) mod reciprocal;
pub(crate) mod relu;
pub(crate) mod sigmoid;
pub(crate) mod sin;
pub(crate) mod softplus;
pub(crate) mod sqrt;
pub(crate) mod square;
pub(crate) mod tanh;

// reductions
pub(crate) mod extremum;
pub(crate) mod log_sum_exp;
pub(crate) mod max;
pub(crate) mod mean;
pub(crate) mod min;
pub(crate) mod sum;
pub(crate) mod sum_squares;

// matrix
pub(crate) mod matmul;
pub(crate) mod reshape;
pub(crate) mod transpose;

// rows: softmax, picking, slicing
pub(crate) mod concat_cols;
pub(crate) mod gather_rows;
pub(crate) mod log_softmax;
pub(crate) mod pick;
pub(crate) mod select_cols;
pub(crate) mod slice_cols;
pub(crate) mod softmax;
