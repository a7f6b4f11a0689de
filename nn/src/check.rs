//! Gradient-checking a [`Module`] with the [`gradcheck`] crate.
//!
//! The checker perturbs plain input matrices; these helpers hand it the
//! module's parameters (and the input batch), then, at every evaluation,
//! bind its perturbed leaves in place of the parameters ([`Ctx::bind`]) and
//! run the module in the requested [`Mode`]. The RNG the checker re-seeds
//! before every evaluation becomes the context's RNG, so dropout masks are
//! identical at `x`, `x+h` and `x−h`: dropout is checked, not disabled.

use std::cell::RefCell;

use autograd::{Tape, Var};
use gradcheck::{GradCheck, Report, Rng};
use ndarray::Array2;

use crate::module::{Ctx, Mode, Module};

/// Checks `module`'s output at input `x` against centered differences, with
/// respect to every parameter and to `x` (reported as `"x"`).
///
/// ```
/// use autograd::{Float, Param, Var};
/// use gradcheck::GradCheck;
/// use ndarray::array;
/// use nn::{Ctx, Mode, Module};
///
/// struct Scale { s: Param<f64> }
/// impl Module<f64> for Scale {
///     fn forward<'t>(&mut self, ctx: &mut Ctx<'t, '_, f64>, x: Var<'t, f64>) -> Var<'t, f64> {
///         (x * ctx.param(&self.s)).tanh()
///     }
///     fn params(&self) -> Vec<&Param<f64>> { vec![&self.s] }
///     fn params_mut(&mut self) -> Vec<&mut Param<f64>> { vec![&mut self.s] }
///     fn describe(&self) -> String { "scale".into() }
/// }
///
/// let mut m = Scale { s: Param::new("s", array![[0.5, -1.0]]) };
/// let x = array![[1.0, 2.0], [-0.5, 0.3]];
/// let report = nn::check::check_module(&GradCheck::new(), &mut m, &x, Mode::Train);
/// report.assert_ok();
/// assert!(report.lints.is_empty()); // every parameter receives a gradient
/// ```
pub fn check_module(
    checker: &GradCheck,
    module: &mut dyn Module<f64>,
    x: &Array2<f64>,
    mode: Mode,
) -> Report {
    check_with_head(checker, module, x, mode, |_, y| y)
}

/// [`check_module`] with a `head` applied to the module's output, typically
/// a loss: `head(ctx, output)` may read labels it captured and add
/// regularization through `ctx`.
pub fn check_with_head<H>(
    checker: &GradCheck,
    module: &mut dyn Module<f64>,
    x: &Array2<f64>,
    mode: Mode,
    head: H,
) -> Report
where
    H: for<'t, 'c, 'r> Fn(&'c mut Ctx<'t, 'r, f64>, Var<'t, f64>) -> Var<'t, f64>,
{
    let params: Vec<_> = module.params().into_iter().cloned().collect();
    let mut inputs: Vec<(&str, Array2<f64>)> = params
        .iter()
        .map(|p| (p.name(), p.value().clone()))
        .collect();
    inputs.push(("x", x.clone()));
    let module = RefCell::new(module);
    checker.check(
        &inputs,
        |tape: &Tape<f64>, vars: &[Var<'_, f64>], rng: &mut Rng| {
            let mut ctx = match mode {
                Mode::Train => Ctx::train(tape, rng),
                Mode::Eval => Ctx::eval(tape),
            };
            for (p, &v) in params.iter().zip(vars) {
                ctx.bind(p, v);
            }
            let x = vars[params.len()];
            let y = module.borrow_mut().forward(&mut ctx, x);
            head(&mut ctx, y)
        },
    )
}
