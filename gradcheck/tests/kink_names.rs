//! Issue 9, item 3: kink rows name branches in words a learner can read
//! (`negative`, `on the kink`, `positive`, `argument 0`, `piece 1`, `tie`),
//! show where the probed value sat, and the second-order report says what
//! its columns mean.

use gradcheck::GradCheck;
use ndarray::array;

fn kink_lines(report: &gradcheck::Report) -> Vec<String> {
    report
        .to_string()
        .lines()
        .filter(|l| l.contains("kink") && l.contains(" = "))
        .map(str::to_string)
        .collect()
}

#[test]
fn relu_on_its_kink_names_the_sides_and_the_value() {
    let report = GradCheck::new()
        .shift(false)
        .check(&[("x", array![[0.0, 1.0, -1.0]])], |_, p, _| p[0].relu());
    let text = report.to_string();
    assert!(
        text.contains("negative at x−h, on the kink at x, positive at x+h"),
        "{text}"
    );
    assert!(text.contains("x[0,0] = 0"), "{text}");
    assert!(!text.contains("branch 0"), "{text}");
}

#[test]
fn relu_beside_its_kink_says_it_is_within_h() {
    let report = GradCheck::new()
        .shift(false)
        .check(&[("x", array![[1e-7, 1.0]])], |_, p, _| p[0].relu());
    let lines = kink_lines(&report);
    assert_eq!(lines.len(), 1, "{report}");
    assert!(
        lines[0].contains("negative at x−h, positive at x, positive at x+h"),
        "{report}"
    );
    assert!(lines[0].contains("x[0,0] = 1e-7"), "{report}");
}

#[test]
fn maximum_names_its_arguments_and_the_tie() {
    let report = GradCheck::new()
        .shift(false)
        .check(&[("a", array![[1.0]]), ("b", array![[1.0]])], |_, p, _| {
            p[0].maximum(p[1])
        });
    let text = report.to_string();
    assert!(
        text.contains("argument 1 at x−h, tie at x, argument 0 at x+h"),
        "{text}"
    );
}

#[test]
fn maxout_names_its_pieces() {
    let report = GradCheck::new()
        .shift(false)
        .check(&[("x", array![[1.0, 1.0]])], |_, p, _| p[0].maxout(2));
    let text = report.to_string();
    assert!(
        text.contains("piece 1 at x−h, tie at x, piece 0 at x+h"),
        "{text}"
    );
}

#[test]
fn the_second_order_report_says_what_analytic_means() {
    let report = GradCheck::new()
        .step(1e-5)
        .check_second_order(&[("x", array![[0.3, -0.7]])], |_, p, _| p[0].tanh())
        .unwrap();
    let text = report.to_string();
    let first = text.lines().next().unwrap();
    assert!(first.contains("second-order"), "{text}");
    assert!(text.contains("∇⟨∇L, v⟩"), "{text}");
    assert!(text.contains("tape Hv"), "{text}");
    // the first-order report keeps its own column names
    let first_order = GradCheck::new().check(&[("x", array![[0.3]])], |_, p, _| p[0].tanh());
    assert!(!first_order.to_string().contains("tape Hv"));
}

/// The row names the value the op decided on (relu's pre-activation), not
/// just the probed parameter, which can be far from any kink.
#[test]
fn a_kink_row_shows_the_ops_input_not_only_the_probed_entry() {
    let report = GradCheck::new()
        .shift(false)
        .check(&[("w", array![[2.0]]), ("b", array![[-2.0]])], |_, p, _| {
            (p[0] + p[1]).relu()
        });
    let lines = kink_lines(&report);
    assert_eq!(lines.len(), 2, "{report}");
    for line in &lines {
        assert!(
            line.contains("(its input is 0 at x: exactly on the kink)"),
            "{line}"
        );
    }
    assert!(lines[0].contains("probed w[0,0] = 2"), "{report}");

    let near = GradCheck::new().shift(false).check(
        &[("w", array![[2.0]]), ("b", array![[-1.9999999]])],
        |_, p, _| (p[0] + p[1]).relu(),
    );
    let text = near.to_string();
    assert!(text.contains("at x, within h of the kink)"), "{text}");
    assert!(
        text.contains("(its input is 1e-7 at x, within h of the kink)"),
        "{text}"
    );

    let tie = GradCheck::new()
        .shift(false)
        .check(&[("a", array![[1.5]]), ("b", array![[1.5]])], |_, p, _| {
            p[0].maximum(p[1])
        });
    assert!(
        tie.to_string().contains("tie exactly at x, at 1.5)"),
        "{tie}"
    );
}

/// clamp's branches are bounds, not signs: a probe across `hi` reads
/// "inside … on a bound … above hi", never "on the kink" for "inside".
#[test]
fn clamp_names_its_bounds() {
    let report = GradCheck::new()
        .shift(false)
        .check(&[("x", array![[1.0]])], |_, p, _| p[0].clamp(-0.5, 1.0));
    let text = report.to_string();
    assert!(
        text.contains("inside at x−h, on a bound at x, above hi at x+h"),
        "{text}"
    );
    assert!(
        text.contains("(its input is 1 at x: exactly on a bound)"),
        "{text}"
    );
}
