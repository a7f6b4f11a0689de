//! The checker's own behaviour: kink verdicts name the node, modes cover
//! every input, lints, warnings, step sweeps, determinism and stochastic
//! models.

use autograd::{BackwardCtx, Op, Param, Result, Shape};
use gradcheck::rand::RngExt;
use gradcheck::{Band, GradCheck, Lint, Probe, Verdict};
use ndarray::{Array2, array};

#[test]
fn a_relu_input_on_its_kink_is_named_and_accepted_as_a_subgradient() {
    let x = array![[0.0, 1.0, -1.0]];
    let report = GradCheck::new()
        .shift(false)
        .check(&[("x", x)], |_, p, _| p[0].relu());
    let kinked: Vec<_> = report.kinks().collect();
    assert_eq!(kinked.len(), 1, "{report}");
    let row = kinked[0];
    assert_eq!(row.probe, Probe::Entry(0, 0));
    assert_eq!(row.verdict, Verdict::Subgradient);
    let k = row.kink.unwrap();
    assert_eq!(
        (k.crossing.op, k.crossing.element, k.crossing.node.index()),
        ("relu", (0, 0), 1)
    );
    assert!(
        report.to_string().contains("%1 = relu at [0,0]"),
        "{report}"
    );
    report.assert_ok();
}

/// relu whose derivative at exactly 0 is 3: not between the one-sided slopes.
struct OddRelu;
impl Op<f64> for OddRelu {
    fn name(&self) -> &'static str {
        "odd_relu"
    }
    fn output_shape(&self, s: &[Shape]) -> Result<Shape> {
        Ok(s[0])
    }
    fn forward(&mut self, x: &[&Array2<f64>]) -> Array2<f64> {
        x[0].mapv(|v| v.max(0.0))
    }
    fn backward(&self, c: &BackwardCtx<'_, f64>, _: usize) -> Array2<f64> {
        c.upstream
            * &c.inputs[0].mapv(|v| {
                if v > 0.0 {
                    1.0
                } else if v == 0.0 {
                    3.0
                } else {
                    0.0
                }
            })
    }
    fn decisions(
        &self,
        x: &[&Array2<f64>],
        _: &Array2<f64>,
    ) -> Option<Vec<autograd::ties::Branch>> {
        Some(
            x[0].iter()
                .map(|&v| autograd::ties::sign_branch(v))
                .collect(),
        )
    }
}

#[test]
fn an_analytic_value_outside_the_one_sided_slopes_is_kink_crossed_not_failed() {
    let report = GradCheck::new()
        .shift(false)
        .check(&[("x", array![[0.0, 2.0]])], |t, p, _| {
            t.try_apply(OddRelu, &[p[0]]).unwrap()
        });
    assert_eq!(report.rows[0].verdict, Verdict::KinkCrossed, "{report}");
    assert!(report.passed());
}

#[test]
fn sample_mode_checks_every_input_and_directions_mode_works() {
    let w = Array2::from_shape_fn((20, 10), |(i, j)| ((i * 7 + j * 3) % 11) as f64 / 5.0 - 1.0);
    let b = array![[0.1, -0.2, 0.3, 0.0, 0.5, -0.5, 0.2, 0.1, 0.0, 0.4]];
    let x = Array2::from_shape_fn((5, 20), |(i, j)| ((i + 2 * j) % 7) as f64 / 3.0 - 1.0);
    fn affine<'t>(
        t: &'t autograd::Tape<f64>,
        x: &Array2<f64>,
        p: &[autograd::Var<'t, f64>],
    ) -> autograd::Var<'t, f64> {
        t.constant(x.clone()).matmul(p[0]) + p[1]
    }
    let sampled = GradCheck::new()
        .sample(4)
        .seed(1)
        .check(&[("W", w.clone()), ("b", b.clone())], |t, p, _| {
            affine(t, &x, p)
        });
    let tensors = sampled.tensors();
    assert_eq!((tensors[0].name.as_str(), tensors[0].checked), ("W", 4));
    assert_eq!((tensors[1].name.as_str(), tensors[1].checked), ("b", 4));
    sampled.assert_ok();
    let dirs = GradCheck::new()
        .directions(5)
        .check(&[("W", w), ("b", b)], |t, p, _| affine(t, &x, p));
    assert_eq!(dirs.rows.len(), 6); // 5 directions + the shift
    assert!(dirs.rows.iter().all(|r| r.band == Band::Good), "{dirs}");
}

#[test]
fn same_seed_same_report_and_dropout_is_checked_not_disabled() {
    let run = |seed| {
        GradCheck::new()
            .seed(seed)
            .check(&[("x", array![[1.0, -2.0, 0.5, 3.0]])], |t, p, rng| {
                let mask = Array2::from_shape_simple_fn((1, 4), || {
                    if rng.random_bool(0.5) { 2.0 } else { 0.0 }
                });
                p[0] * t.constant(mask)
            })
    };
    let (a, b) = (run(5), run(5));
    assert_eq!(a, b);
    a.assert_ok();
    // some entries are dropped (zero gradient) and some kept (gradient ±2·G)
    assert!(
        a.rows.iter().any(|r| r.analytic == 0.0) && a.rows.iter().any(|r| r.analytic.abs() > 0.9)
    );
}

#[test]
fn lint_reports_unreached_and_all_zero_inputs() {
    let p = Param::new("used", array![[1.0, 2.0]]);
    let dead = Param::new("dead", array![[-1.0, -2.0]]);
    let unused = Param::new("unused", array![[5.0]]);
    let report =
        GradCheck::new().check_params(&[&p, &dead, &unused], |_, v, _| v[0] * v[0] + v[1].relu());
    assert_eq!(
        report.lints,
        vec![
            Lint::AllZero("dead".into()),
            Lint::Unreached("unused".into())
        ]
    );
    assert!(
        report
            .to_string()
            .contains("lint: `unused` receives no gradient")
    );
    report.assert_ok();
}

#[test]
fn tiny_values_are_warned_about_and_printed() {
    let report = GradCheck::new().check(&[("x", array![[1e-12, 2e-12]])], |_, p, _| p[0] * p[0]);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("the loss") && w.contains("tiny")),
        "{report}"
    );
}

/// y = x³ with an exact backward: a huge step makes the centered difference
/// wrong (truncation error h²), and the sweep finds a step that agrees.
struct Cube;
impl Op<f64> for Cube {
    fn name(&self) -> &'static str {
        "cube"
    }
    fn output_shape(&self, s: &[Shape]) -> Result<Shape> {
        Ok(s[0])
    }
    fn forward(&mut self, x: &[&Array2<f64>]) -> Array2<f64> {
        x[0].mapv(|v| v * v * v)
    }
    fn backward(&self, c: &BackwardCtx<'_, f64>, _: usize) -> Array2<f64> {
        c.upstream * &c.inputs[0].mapv(|v| 3.0 * v * v)
    }
}

#[test]
fn a_step_sweep_tells_a_bad_step_from_a_bad_gradient() {
    let check = |gc: GradCheck| {
        gc.step(0.1).check(&[("x", array![[1.0, 2.0]])], |t, p, _| {
            t.try_apply(Cube, &[p[0]]).unwrap()
        })
    };
    assert!(!check(GradCheck::new()).passed());
    let swept = check(GradCheck::new().sweep_default());
    swept.assert_ok();
    assert!(
        swept
            .rows
            .iter()
            .any(|r| r.note.as_deref().is_some_and(|n| n.contains("bad step"))),
        "{swept}"
    );
}

#[test]
#[should_panic(expected = "gradient check failed")]
fn assert_ok_panics_with_the_worst_rows() {
    struct Wrong;
    impl Op<f64> for Wrong {
        fn name(&self) -> &'static str {
            "wrong"
        }
        fn output_shape(&self, s: &[Shape]) -> Result<Shape> {
            Ok(s[0])
        }
        fn forward(&mut self, x: &[&Array2<f64>]) -> Array2<f64> {
            x[0].mapv(|v| 2.0 * v)
        }
        fn backward(&self, c: &BackwardCtx<'_, f64>, _: usize) -> Array2<f64> {
            c.upstream.clone()
        }
    }
    GradCheck::new()
        .check(&[("x", array![[1.0, 2.0]])], |t, p, _| {
            t.try_apply(Wrong, &[p[0]]).unwrap()
        })
        .assert_ok();
}
