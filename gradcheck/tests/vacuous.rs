//! Issue 9, item 2: a check that checked nothing says so and does not pass
//! (no inputs, an empty input, `sample(0)`, `directions(0)`, an empty
//! output), and a step the inputs' precision cannot resolve is refused with
//! a suggested range instead of a table of WRONG rows.

use gradcheck::{GradCheck, Report};
use ndarray::{Array2, array};

fn assert_nothing_checked(report: &Report, why: &str) {
    assert!(!report.passed(), "passed having checked nothing:\n{report}");
    let text = report.to_string();
    assert!(text.contains("nothing was checked"), "{text}");
    assert!(text.contains(why), "expected {why:?} in:\n{text}");
}

#[test]
fn no_inputs() {
    let report = GradCheck::new().check(&[], |t, _, _| t.scalar(1.0));
    assert_nothing_checked(&report, "no inputs");
}

#[test]
fn an_empty_input() {
    let x = Array2::<f64>::zeros((0, 3));
    let report = GradCheck::new().check(&[("x", x)], |_, p, _| p[0].relu());
    assert_nothing_checked(&report, "`x` is 0×3");
}

#[test]
fn an_empty_input_beside_a_full_one() {
    let x = Array2::<f64>::zeros((0, 3));
    let w = array![[1.0, 2.0]];
    let report = GradCheck::new().check(&[("w", w), ("x", x)], |_, p, _| p[0] * p[0]);
    assert_nothing_checked(&report, "`x` is 0×3");
}

#[test]
fn a_sample_of_zero() {
    let report = GradCheck::new()
        .sample(0)
        .check(&[("x", array![[1.0, 2.0]])], |_, p, _| p[0] * p[0]);
    assert_nothing_checked(&report, "sample(0)");
}

#[test]
fn zero_directions() {
    let report = GradCheck::new()
        .directions(0)
        .check(&[("x", array![[1.0, 2.0]])], |_, p, _| p[0] * p[0]);
    assert_nothing_checked(&report, "directions(0)");
}

#[test]
fn an_empty_output() {
    let report = GradCheck::new().check(&[("x", array![[1.0, 2.0], [3.0, 4.0]])], |_, p, _| {
        p[0].slice_cols(0..0)
    });
    assert_nothing_checked(&report, "2×0");
}

#[test]
fn a_default_report_has_checked_nothing() {
    assert_nothing_checked(&Report::default(), "no rows");
}

#[test]
fn a_step_below_the_inputs_precision_is_refused_with_a_suggestion() {
    let report = GradCheck::new()
        .step(1e-300)
        .check(&[("x", array![[1.0, -2.0]])], |_, p, _| p[0] * p[0]);
    assert_nothing_checked(&report, "step h = 1e-300");
    let text = report.to_string();
    assert!(text.contains("2e-6"), "no suggested step in:\n{text}");
    assert!(report.rows.is_empty(), "{report}");
}

#[test]
fn the_default_step_on_huge_inputs_is_refused_too() {
    // 1e12 + 1e-6 == 1e12 in f64
    let report = GradCheck::new().check(&[("x", array![[1e12, 1.0]])], |_, p, _| p[0] * p[0]);
    assert_nothing_checked(&report, "x[0,0] = 1e12");
    assert!(report.to_string().contains("1e6"), "{report}");
}
