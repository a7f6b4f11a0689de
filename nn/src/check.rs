//! Gradient-checking a [`Module`] with the [`gradcheck`] crate.
//!
//! The checker perturbs plain input matrices; these helpers hand it the
//! module's parameters (and the input batch), then, at every evaluation,
//! bind its perturbed leaves in place of the parameters ([`Ctx::bind`]) and
//! run the module in the requested [`Mode`]. The RNG the checker re-seeds
//! before every evaluation becomes the context's RNG, so dropout masks are
//! identical at `x`, `x+h` and `x−h`: dropout is checked, not disabled.
//!
//! # A check changes nothing
//!
//! A check leaves the model exactly as it found it, bit for bit:
//!
//! * parameters — the checker perturbs copies bound as leaves, never the
//!   [`Param`](autograd::Param)s, and the module is taken by `&`;
//! * layer state — every training-mode evaluation runs in a
//!   [frozen](Ctx::freeze_state) context, so batch norm's running
//!   statistics do not move (training-mode outputs never read them, so
//!   the check is unaffected);
//! * randomness — no layer owns an RNG; dropout draws from the checker's,
//!   which the checker owns and re-seeds.
//!
//! A module with state of its own must honour [`Ctx::updates_state`] for
//! this to hold.

use std::cell::RefCell;

use autograd::{Result, Tape, Var};
use gradcheck::{GradCheck, Report, Rng};
use ndarray::Array2;

use crate::module::{Ctx, Mode, Module};

/// Checks `module`'s output at input `x` against centered differences, with
/// respect to every parameter and to `x` (reported as `"x"`).
///
/// ```
/// use autograd::{Float, Param, Result, Var};
/// use gradcheck::GradCheck;
/// use ndarray::array;
/// use nn::{Ctx, Mode, Module};
///
/// struct Scale { s: Param<f64> }
/// impl Module<f64> for Scale {
///     fn try_forward<'t>(&self, ctx: &mut Ctx<'t, '_, f64>, x: Var<'t, f64>) -> Result<Var<'t, f64>> {
///         Ok(x.try_mul(ctx.param(&self.s))?.tanh())
///     }
///     fn params(&self) -> Vec<&Param<f64>> { vec![&self.s] }
///     fn params_mut(&mut self) -> Vec<&mut Param<f64>> { vec![&mut self.s] }
///     fn describe(&self) -> String { "scale".into() }
/// }
///
/// let m = Scale { s: Param::new("s", array![[0.5, -1.0]]) };
/// let x = array![[1.0, 2.0], [-0.5, 0.3]];
/// let report = nn::check::check_module(&GradCheck::new(), &m, &x, Mode::Train);
/// report.assert_ok();
/// assert!(report.lints.is_empty()); // every parameter receives a gradient
/// ```
///
/// # Panics
/// If the module's forward fails (an input it cannot take), at the caller's
/// line.
#[track_caller]
pub fn check_module(
    checker: &GradCheck,
    module: &dyn Module<f64>,
    x: &Array2<f64>,
    mode: Mode,
) -> Report {
    check_with_head(checker, module, x, mode, |_, y| y)
}

/// [`check_module`] with a `head` applied to the module's output, typically
/// a loss: `head(ctx, output)` may read labels it captured and add
/// regularization through `ctx`.
///
/// ```
/// use gradcheck::GradCheck;
/// use ndarray::array;
/// use nn::layers::{Activation, BatchNorm};
/// use nn::{Mode, Module, Sequential};
///
/// let net = Sequential::<f64>::new().push(BatchNorm::new("bn", 2)).push(Activation::Tanh);
/// let x = array![[1.0, 2.0], [3.0, 5.0], [0.5, -1.0]];
/// let report = nn::check::check_with_head(&GradCheck::new(), &net, &x, Mode::Train, |_, y| {
///     nn::losses::softmax_cross_entropy(y, &[0, 1, 1])
/// });
/// report.assert_ok();
/// assert_eq!(net.buffers()[0], array![[0.0, 0.0]]); // running mean untouched
/// ```
///
/// # Panics
/// If the module's forward fails (an input it cannot take), at the caller's
/// line (see [`try_check_with_head`]).
#[track_caller]
pub fn check_with_head<H>(
    checker: &GradCheck,
    module: &dyn Module<f64>,
    x: &Array2<f64>,
    mode: Mode,
    head: H,
) -> Report
where
    H: for<'t, 'c, 'r> Fn(&'c mut Ctx<'t, 'r, f64>, Var<'t, f64>) -> Var<'t, f64>,
{
    match try_check_with_head(checker, module, x, mode, head) {
        Ok(report) => report,
        Err(e) => panic!("{e}"),
    }
}

/// [`check_with_head`], returning the module's error instead of
/// panicking when its forward refuses the input.
///
/// ```
/// use gradcheck::GradCheck;
/// use ndarray::array;
/// use nn::layers::BatchNorm;
/// use nn::Mode;
///
/// let bn = BatchNorm::<f64>::new("bn", 3); // 3 columns, x has 2
/// let x = array![[1.0, 2.0], [3.0, 5.0]];
/// let e = nn::check::try_check_with_head(&GradCheck::new(), &bn, &x, Mode::Train, |_, y| y);
/// assert_eq!(e.unwrap_err().to_string(), "BatchNorm: layer `bn` takes 3 columns, x is 2×2");
/// ```
///
/// # Errors
/// The first error the module's `try_forward` returned.
pub fn try_check_with_head<H>(
    checker: &GradCheck,
    module: &dyn Module<f64>,
    x: &Array2<f64>,
    mode: Mode,
    head: H,
) -> Result<Report>
where
    H: for<'t, 'c, 'r> Fn(&'c mut Ctx<'t, 'r, f64>, Var<'t, f64>) -> Var<'t, f64>,
{
    let params: Vec<_> = module.params().into_iter().cloned().collect();
    let mut inputs: Vec<(&str, Array2<f64>)> = params
        .iter()
        .map(|p| (p.name(), p.value().clone()))
        .collect();
    inputs.push(("x", x.clone()));
    // The checker's model must not panic (a panic inside it would report
    // this file's line): the first error is kept and returned below.
    let failure = RefCell::new(None);
    let report = checker.check(
        &inputs,
        |tape: &Tape<f64>, vars: &[Var<'_, f64>], rng: &mut Rng| {
            let mut ctx = Ctx::new(tape, mode).with_rng(rng).freeze_state();
            for (p, &v) in params.iter().zip(vars) {
                ctx.bind(p, v);
            }
            let x = vars[params.len()];
            match module.try_forward(&mut ctx, x) {
                Ok(y) => head(&mut ctx, y),
                Err(e) => {
                    failure.borrow_mut().get_or_insert(e);
                    tape.scalar(0.0)
                }
            }
        },
    );
    match failure.into_inner() {
        Some(e) => Err(e),
        None => Ok(report),
    }
}
