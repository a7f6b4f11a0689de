//! Property-based gradient checks of every loss in `nn::losses`: random
//! shapes, labels and scores, checked in f64 against centered differences,
//! including variants that put hinge scores exactly on the margin.

use autograd::Var;
use autograd::registry::Domain;
use gradcheck::strategies::{dim, matrix_in};
use gradcheck::{GradCheck, Report};
use ndarray::Array2;
use nn::losses::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};
use std::cell::Cell;

// ---------------------------------------------------------------------------
// Property-based gradient checks: random shapes, labels and scores, every
// loss checked in f64 against centered differences. Rows whose probe
// crossed a hinge kink come back `KinkCrossed`/`Subgradient` (no evidence
// either way) and are left out of the normwise error.

const CASES: u32 = 64;
const NORMWISE: f64 = 1e-7;

fn runner() -> TestRunner {
    TestRunner::new(Config {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/proptest-regressions/loss_properties.txt"
        )))),
        ..Config::with_cases(CASES)
    })
}

/// Runs `check` on `CASES` draws of `strategy`, asserting every report
/// passes with normwise error ≤ `NORMWISE`, and prints the worst seen.
fn property<S: Strategy>(name: &str, strategy: S, check: impl Fn(S::Value) -> Report)
where
    S::Value: std::fmt::Debug,
{
    let worst = Cell::new(0.0_f64);
    let kinks = Cell::new(0_usize);
    let result = runner().run(&strategy, |input| {
        let report = check(input);
        report.assert_ok();
        let nw = report.worst_normwise();
        prop_assert!(nw <= NORMWISE, "{name}: normwise {nw:e}\n{report}");
        worst.set(worst.get().max(nw));
        kinks.set(kinks.get() + report.kinks().count());
        Ok(())
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
    eprintln!(
        "{name}: worst normwise {:.2e} over {CASES} cases ({} kink rows)",
        worst.get(),
        kinks.get()
    );
}

/// Scores (m×C) and one class label per row.
fn class_problem() -> impl Strategy<Value = (Array2<f64>, Vec<usize>)> {
    (dim(5), dim(6)).prop_flat_map(|(m, c)| {
        (
            matrix_in((m, c), Domain::Real),
            proptest::collection::vec(0..c, m),
        )
    })
}

/// Like [`class_problem`], but scores from a pool of quarter-integers so
/// ties on the hinge margin (`s_j − s_y + 1 = 0`) happen all the time.
fn class_problem_on_margins() -> impl Strategy<Value = (Array2<f64>, Vec<usize>)> {
    (dim(4), dim(5)).prop_flat_map(|(m, c)| {
        (
            proptest::collection::vec(-4..=4i32, m * c).prop_map(move |v| {
                Array2::from_shape_fn((m, c), |(i, j)| v[i * c + j] as f64 / 4.0)
            }),
            proptest::collection::vec(0..c, m),
        )
    })
}

/// Logits or predictions (m×k) and an m×k matrix drawn from `pool`.
fn matrix_problem(pool: [f64; 2]) -> impl Strategy<Value = (Array2<f64>, Array2<f64>)> {
    (dim(5), dim(4)).prop_flat_map(move |(m, k)| {
        (
            matrix_in((m, k), Domain::Real),
            proptest::collection::vec(proptest::sample::select(pool.to_vec()), m * k)
                .prop_map(move |v| Array2::from_shape_vec((m, k), v).unwrap()),
        )
    })
}

fn check_scores(s: Array2<f64>, loss: impl for<'t> Fn(Var<'t, f64>) -> Var<'t, f64>) -> Report {
    GradCheck::new().check(&[("s", s)], |_, v, _| loss(v[0]))
}

#[test]
fn gradcheck_svm() {
    property("svm", class_problem(), |(s, y)| {
        check_scores(s, |v| svm(v, &y))
    });
    property("svm on margins", class_problem_on_margins(), |(s, y)| {
        check_scores(s, |v| svm(v, &y))
    });
}

#[test]
fn gradcheck_squared_hinge() {
    property("squared_hinge", class_problem(), |(s, y)| {
        check_scores(s, |v| squared_hinge(v, &y))
    });
    property(
        "squared_hinge on margins",
        class_problem_on_margins(),
        |(s, y)| check_scores(s, |v| squared_hinge(v, &y)),
    );
}

#[test]
fn gradcheck_softmax_cross_entropy() {
    property("softmax_cross_entropy", class_problem(), |(s, y)| {
        check_scores(s, |v| softmax_cross_entropy(v, &y))
    });
}

#[test]
fn gradcheck_binary_logistic() {
    property("binary_logistic", matrix_problem([0.0, 1.0]), |(z, y)| {
        check_scores(z, |v| binary_logistic(v, &y))
    });
}

#[test]
fn gradcheck_binary_hinge() {
    property("binary_hinge", matrix_problem([-1.0, 1.0]), |(z, y)| {
        check_scores(z, |v| binary_hinge(v, &y))
    });
}

#[test]
fn gradcheck_regression() {
    let targets = (dim(5), dim(4)).prop_flat_map(|(m, k)| {
        (
            matrix_in((m, k), Domain::Real),
            matrix_in((m, k), Domain::Real),
        )
    });
    property("l2_regression", targets.clone(), |(f, t)| {
        check_scores(f, |v| l2_regression(v, &t))
    });
    property("l1_regression", targets.clone(), |(f, t)| {
        check_scores(f, |v| l1_regression(v, &t))
    });
    // δ = 0.5 inside the residuals' range (−4, 4): both pieces are hit.
    property("huber", targets, |(f, t)| {
        check_scores(f, |v| huber(v, &t, 0.5))
    });
}

/// Every loss records its backward pass (`grad_graph`), so Hessian–vector
/// products, Newton steps and gradient penalties work through it; the
/// second-order check compares the tape's `H v` with finite differences of
/// the first-order gradient.
#[test]
fn every_loss_is_twice_differentiable() {
    let scores = Array2::from_shape_fn((4, 3), |(i, j)| 0.37 * i as f64 - 0.61 * j as f64 + 0.2);
    let labels = [0, 2, 1, 2];
    let binary = Array2::from_shape_fn((4, 3), |(i, j)| ((i + j) % 2) as f64);
    let signs = binary.mapv(|y| 2.0 * y - 1.0);
    let targets = Array2::from_shape_fn((4, 3), |(i, j)| 0.25 * (i as f64) - 0.4 * j as f64);
    let check = GradCheck::new().step(1e-5);
    let second = |name: &str, loss: &dyn for<'t> Fn(Var<'t, f64>) -> Var<'t, f64>| {
        let report = check
            .check_second_order(&[("scores", scores.clone())], |_, v, _| loss(v[0]))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(report.passed(), "{name}\n{report}");
        assert!(report.worst_normwise() <= NORMWISE, "{name}\n{report}");
    };
    second("svm", &|s| svm(s, &labels));
    second("squared_hinge", &|s| squared_hinge(s, &labels));
    second("softmax_cross_entropy", &|s| {
        softmax_cross_entropy(s, &labels)
    });
    second("binary_logistic", &|s| binary_logistic(s, &binary));
    second("binary_hinge", &|s| binary_hinge(s, &signs));
    second("l2_regression", &|s| l2_regression(s, &targets));
    second("l1_regression", &|s| l1_regression(s, &targets));
    // Residuals 0.12i − 0.21j + 0.2: four beyond δ = 0.3, none within 0.02 of ±δ.
    second("huber", &|s| huber(s, &targets, 0.3));
}
