//! `+ - * /` and unary `-` between handles, and between handles and
//! scalars, delegating to the named op methods. Each operator panics at the
//! caller's line on a shape mismatch, with the op's message.
//!
//! | expression | op recorded |
//! |---|---|
//! | `x + y`, `x - y`, `x * y`, `x / y` | `add`, `sub`, `mul`, `div` (broadcasting) |
//! | `-x` | `neg` |
//! | `x + c`, `c + x` | `add_scalar(c)` |
//! | `x - c` | `add_scalar(−c)` |
//! | `c - x` | `neg`, then `add_scalar(c)` |
//! | `x * c`, `c * x` | `mul_scalar(c)` |
//! | `x / c` | `mul_scalar(1/c)` |
//! | `c / x` | `powf(−1)`, then `mul_scalar(c)` |
//!
//! Scalars on the right may be any [`Float`]; scalars on the left are
//! implemented for `f32` and `f64` only, because Rust's orphan rule forbids
//! `impl<F> Add<Var<F>> for F` over a generic `F`.

use std::ops::{Add, Div, Mul, Neg, Sub};

use crate::{Float, Var};

impl<'t, F: Float> Add for Var<'t, F> {
    type Output = Var<'t, F>;
    #[track_caller]
    fn add(self, rhs: Var<'t, F>) -> Var<'t, F> {
        Var::add(self, rhs)
    }
}

impl<'t, F: Float> Sub for Var<'t, F> {
    type Output = Var<'t, F>;
    #[track_caller]
    fn sub(self, rhs: Var<'t, F>) -> Var<'t, F> {
        Var::sub(self, rhs)
    }
}

impl<'t, F: Float> Mul for Var<'t, F> {
    type Output = Var<'t, F>;
    #[track_caller]
    fn mul(self, rhs: Var<'t, F>) -> Var<'t, F> {
        Var::mul(self, rhs)
    }
}

impl<'t, F: Float> Div for Var<'t, F> {
    type Output = Var<'t, F>;
    #[track_caller]
    fn div(self, rhs: Var<'t, F>) -> Var<'t, F> {
        Var::div(self, rhs)
    }
}

impl<'t, F: Float> Neg for Var<'t, F> {
    type Output = Var<'t, F>;
    #[track_caller]
    fn neg(self) -> Var<'t, F> {
        Var::neg(self)
    }
}

impl<'t, F: Float> Add<F> for Var<'t, F> {
    type Output = Var<'t, F>;
    #[track_caller]
    fn add(self, c: F) -> Var<'t, F> {
        self.add_scalar(c)
    }
}

impl<'t, F: Float> Sub<F> for Var<'t, F> {
    type Output = Var<'t, F>;
    #[track_caller]
    fn sub(self, c: F) -> Var<'t, F> {
        self.add_scalar(-c)
    }
}

impl<'t, F: Float> Mul<F> for Var<'t, F> {
    type Output = Var<'t, F>;
    #[track_caller]
    fn mul(self, c: F) -> Var<'t, F> {
        self.mul_scalar(c)
    }
}

impl<'t, F: Float> Div<F> for Var<'t, F> {
    type Output = Var<'t, F>;
    #[track_caller]
    fn div(self, c: F) -> Var<'t, F> {
        self.mul_scalar(F::one() / c)
    }
}

/// `c ⊕ x` for a concrete scalar type on the left.
macro_rules! scalar_on_left {
    ($($t:ty),*) => {$(
        impl<'t> Add<Var<'t, $t>> for $t {
            type Output = Var<'t, $t>;
            #[track_caller]
            fn add(self, x: Var<'t, $t>) -> Var<'t, $t> {
                x.add_scalar(self)
            }
        }

        impl<'t> Sub<Var<'t, $t>> for $t {
            type Output = Var<'t, $t>;
            #[track_caller]
            fn sub(self, x: Var<'t, $t>) -> Var<'t, $t> {
                x.neg().add_scalar(self)
            }
        }

        impl<'t> Mul<Var<'t, $t>> for $t {
            type Output = Var<'t, $t>;
            #[track_caller]
            fn mul(self, x: Var<'t, $t>) -> Var<'t, $t> {
                x.mul_scalar(self)
            }
        }

        impl<'t> Div<Var<'t, $t>> for $t {
            type Output = Var<'t, $t>;
            #[track_caller]
            fn div(self, x: Var<'t, $t>) -> Var<'t, $t> {
                x.powf(-1.0).mul_scalar(self)
            }
        }
    )*};
}

scalar_on_left!(f32, f64);

#[cfg(test)]
mod tests {
    use crate::Tape;
    use ndarray::array;

    #[test]
    fn var_with_var() {
        let tape = Tape::new();
        let a = tape.leaf(array![[6.0, -1.0]]);
        let b = tape.leaf(array![[2.0, 4.0]]);
        let up = array![[1.0, 2.0]];

        let g = (a - b).backward_with(up.clone());
        assert_eq!((a - b).value(), array![[4.0, -5.0]]);
        assert_eq!(g[a], array![[1.0, 2.0]]);
        assert_eq!(g[b], array![[-1.0, -2.0]]);

        let y = a / b;
        assert_eq!(y.value(), array![[3.0, -0.25]]);
        let g = y.backward_with(up.clone());
        assert_eq!(g[a], array![[0.5, 0.5]]); // upstream / b
        assert_eq!(g[b], array![[-1.5, 0.125]]); // −upstream · a / b²

        let y = -a;
        assert_eq!(y.value(), array![[-6.0, 1.0]]);
        assert_eq!(y.backward_with(up)[a], array![[-1.0, -2.0]]);
    }

    #[test]
    fn var_with_scalar_on_the_right() {
        let tape = Tape::new();
        let x = tape.leaf(array![[2.0, -4.0]]);
        let up = array![[1.0, 3.0]];

        let y = x + 0.5;
        assert_eq!(y.value(), array![[2.5, -3.5]]);
        assert_eq!(y.backward_with(up.clone())[x], array![[1.0, 3.0]]);

        let y = x - 0.5;
        assert_eq!(y.value(), array![[1.5, -4.5]]);
        assert_eq!(y.backward_with(up.clone())[x], array![[1.0, 3.0]]);

        let y = x * 3.0;
        assert_eq!(y.value(), array![[6.0, -12.0]]);
        assert_eq!(y.backward_with(up.clone())[x], array![[3.0, 9.0]]);

        let y = x / 4.0;
        assert_eq!(y.value(), array![[0.5, -1.0]]);
        assert_eq!(y.backward_with(up)[x], array![[0.25, 0.75]]);
    }

    #[test]
    fn scalar_on_the_left_f64() {
        let tape = Tape::<f64>::new();
        let x = tape.leaf(array![[2.0, -4.0]]);
        let up = array![[1.0, 3.0]];

        let y = 0.5 + x;
        assert_eq!(y.value(), array![[2.5, -3.5]]);
        assert_eq!(y.backward_with(up.clone())[x], array![[1.0, 3.0]]);

        let y = 1.0 - x;
        assert_eq!(y.value(), array![[-1.0, 5.0]]);
        assert_eq!(y.backward_with(up.clone())[x], array![[-1.0, -3.0]]);

        let y = 3.0 * x;
        assert_eq!(y.value(), array![[6.0, -12.0]]);
        assert_eq!(y.backward_with(up.clone())[x], array![[3.0, 9.0]]);

        // 8/x: value 8/x, derivative −8/x²
        let y = 8.0 / x;
        assert_eq!(y.value(), array![[4.0, -2.0]]);
        assert_eq!(y.backward_with(up)[x], array![[-2.0, -1.5]]);
    }

    #[test]
    fn scalar_on_the_left_f32() {
        let tape = Tape::<f32>::new();
        let x = tape.leaf(array![[2.0_f32, -4.0]]);
        let up = array![[1.0_f32, 3.0]];
        assert_eq!((0.5_f32 + x).value(), array![[2.5, -3.5]]);
        assert_eq!((1.0_f32 - x).value(), array![[-1.0, 5.0]]);
        assert_eq!((3.0_f32 * x).value(), array![[6.0, -12.0]]);
        let y = 8.0_f32 / x;
        assert_eq!(y.value(), array![[4.0, -2.0]]);
        assert_eq!(y.backward_with(up)[x], array![[-2.0, -1.5]]);
    }

    #[test]
    fn operators_compose() {
        // y = (2x − 1)² / 4 → dy/dx = (2x − 1)
        let tape = Tape::<f64>::new();
        let x = tape.leaf(array![[1.5, -0.5]]);
        let t = 2.0 * x - 1.0;
        let y = t * t / 4.0;
        assert_eq!(y.value(), array![[1.0, 1.0]]);
        assert_eq!(y.backward_with(array![[1.0, 2.0]])[x], array![[2.0, -4.0]]);
    }

    #[test]
    #[should_panic(expected = "div: lhs is 2×3, rhs is 3×2")]
    fn operators_panic_with_the_op_message() {
        let tape = Tape::<f64>::new();
        let a = tape.leaf(ndarray::Array2::zeros((2, 3)));
        let b = tape.leaf(ndarray::Array2::ones((3, 2)));
        let _ = a / b;
    }
}
