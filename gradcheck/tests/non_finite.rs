//! Issue 9, item 1: NaN and ∞ are never hidden. A NaN or ∞ in the tape
//! gradient, in the finite difference or in the error makes the error
//! non-finite and the verdict a failure, visibly in the printed summary.

use autograd::{BackwardCtx, Op, Result, Shape, ties};
use gradcheck::{GradCheck, Verdict, normwise_error};
use ndarray::{Array2, array};

#[test]
fn normwise_error_propagates_nan_and_infinity() {
    assert!(normwise_error(&[f64::NAN, 1.0], &[1.0, 1.0]).is_nan());
    assert!(normwise_error(&[1.0, 1.0], &[1.0, f64::NAN]).is_nan());
    assert!(!normwise_error(&[f64::INFINITY], &[1.0]).is_finite());
    assert!(!normwise_error(&[1.0], &[f64::INFINITY]).is_finite());
    assert!(!normwise_error(&[f64::INFINITY], &[f64::INFINITY]).is_finite());
    assert_eq!(normwise_error(&[1.0, 2.0], &[1.0, 2.0]), 0.0);
}

/// `y = 2x` whose backward puts `bad` at the entries where `x == at`, and is
/// right elsewhere. With `kink`, it also logs `sign_branch(x − at)`, so a
/// probe of that entry crosses a (fake) kink.
struct Poisoned {
    at: f64,
    bad: f64,
    kink: bool,
}

impl Op<f64> for Poisoned {
    fn name(&self) -> &'static str {
        "poisoned"
    }
    fn output_shape(&self, s: &[Shape]) -> Result<Shape> {
        Ok(s[0])
    }
    fn forward(&mut self, x: &[&Array2<f64>]) -> Array2<f64> {
        x[0].mapv(|v| 2.0 * v)
    }
    fn backward(&self, c: &BackwardCtx<'_, f64>, _: usize) -> Array2<f64> {
        let local = c.inputs[0].mapv(|v| if v == self.at { self.bad } else { 2.0 });
        c.upstream * &local
    }
    fn decisions(&self, x: &[&Array2<f64>], _: &Array2<f64>) -> Option<Vec<ties::Branch>> {
        self.kink.then(|| {
            x[0].iter()
                .map(|&v| ties::sign_branch(v - self.at))
                .collect()
        })
    }
}

fn poisoned(gc: GradCheck, x: Array2<f64>, at: f64, bad: f64, kink: bool) -> gradcheck::Report {
    gc.check(&[("x", x)], move |t, p, _| {
        t.try_apply(Poisoned { at, bad, kink }, &[p[0]]).unwrap()
    })
}

#[test]
fn a_nan_in_the_tape_gradient_fails_and_the_summary_says_nan() {
    let report = poisoned(
        GradCheck::new(),
        array![[0.5, 3.0, -1.0]],
        3.0,
        f64::NAN,
        false,
    );
    assert!(!report.passed(), "{report}");
    assert!(report.worst_normwise().is_nan(), "{report}");
    assert!(report.tensors()[0].normwise.is_nan());
    let text = report.to_string();
    let summary = text
        .lines()
        .find(|l| l.trim_start().starts_with("x "))
        .unwrap();
    assert!(summary.contains("NaN"), "summary line: {summary}\n{report}");
    assert!(text.contains("FAIL"), "{report}");
}

#[test]
fn an_infinite_tape_gradient_fails_and_the_summary_says_inf() {
    let report = poisoned(
        GradCheck::new(),
        array![[0.5, 3.0]],
        3.0,
        f64::INFINITY,
        false,
    );
    assert!(!report.passed(), "{report}");
    assert!(!report.worst_normwise().is_finite(), "{report}");
    let text = report.to_string();
    let summary = text
        .lines()
        .find(|l| l.trim_start().starts_with("x "))
        .unwrap();
    assert!(
        summary.contains("inf") || summary.contains("NaN"),
        "summary line: {summary}\n{report}"
    );
    assert!(text.contains("FAIL"), "{report}");
}

#[test]
fn a_nan_gradient_at_a_kink_is_a_failure_not_a_kink_verdict() {
    let report = poisoned(GradCheck::new(), array![[0.0, 1.0]], 0.0, f64::NAN, true);
    let row = &report.rows[0];
    assert!(row.kink.is_some(), "{report}");
    assert_eq!(row.verdict, Verdict::Fail, "{report}");
    assert!(!report.passed(), "{report}");
    assert!(report.worst_normwise().is_nan(), "{report}");
}

#[test]
fn a_nan_gradient_at_an_unsampled_entry_still_fails() {
    let x = Array2::from_shape_fn((1, 40), |(_, j)| j as f64 + 0.5);
    // entry 17 has a NaN gradient; a sample of 2 of 40 entries would
    // usually miss it
    let report = poisoned(GradCheck::new().sample(2), x, 17.5, f64::NAN, false);
    assert!(!report.passed(), "{report}");
    assert!(report.worst_normwise().is_nan(), "{report}");
}

#[test]
fn a_non_finite_loss_fails() {
    // log(x) at x = 0 and around it: the loss is −∞ / NaN.
    let report = GradCheck::new()
        .shift(false)
        .check(&[("x", array![[0.0, 1.0]])], |_, p, _| p[0].log());
    assert!(!report.passed(), "{report}");
    assert!(!report.worst_normwise().is_finite(), "{report}");
}
