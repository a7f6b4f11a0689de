//! `nn::regularize`: penalty values against the formulas, gradients `λW`
//! and `λ·sign(W)`, per-parameter overrides, the bias rule, property-based
//! gradient checks, and the data/regularization split the notes advise.

use std::cell::Cell;

use approx::assert_abs_diff_eq;
use autograd::registry::{Domain, Kink};
use autograd::{Param, Tape, Var};
use gradcheck::strategies::{Placement, dim, matrix_for};
use gradcheck::{GradCheck, Report};
use ndarray::{Array2, array};
use nn::regularize::{ParamKey, Penalty, Regularizer, is_bias, weights_only};
use nn::{Ctx, Mode, Module};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};

fn w1() -> Param<f64> {
    Param::new("W1", array![[1.0, -2.0, 0.0], [0.5, 3.0, -0.25]])
}

fn w2() -> Param<f64> {
    Param::new("W2", array![[-1.5], [0.0], [2.0]])
}

fn b1() -> Param<f64> {
    Param::new("b1", array![[4.0, -4.0, 1.0]])
}

/// The regularizer's value and each parameter's gradient (None when the
/// penalty never touched it).
fn run(reg: &Regularizer, params: &[&Param<f64>]) -> (f64, Vec<Option<Array2<f64>>>) {
    let tape = Tape::new();
    let mut ctx = Ctx::eval(&tape);
    let loss = reg.loss(&mut ctx, params);
    let grads = loss.backward();
    let per_param = params
        .iter()
        .map(|p| ctx.grad(&grads, p).cloned())
        .collect();
    (loss.item(), per_param)
}

fn sum_abs(p: &Param<f64>) -> f64 {
    p.value().iter().map(|x| x.abs()).sum()
}

fn sum_sq(p: &Param<f64>) -> f64 {
    p.value().iter().map(|x| x * x).sum()
}

#[test]
fn l2_value_and_gradient_is_lambda_w() {
    let (w1, w2, b1) = (w1(), w2(), b1());
    let lambda = 0.3;
    let (value, grads) = run(&Regularizer::new(Penalty::l2(lambda)), &[&w1, &w2, &b1]);
    assert_abs_diff_eq!(
        value,
        0.5 * lambda * (sum_sq(&w1) + sum_sq(&w2)),
        epsilon = 1e-14
    );
    assert_eq!(grads[0].as_ref().unwrap(), &(w1.value() * lambda));
    assert_eq!(grads[1].as_ref().unwrap(), &(w2.value() * lambda));
    assert!(grads[2].is_none(), "the bias is excluded by default");
}

#[test]
fn l1_value_and_gradient_is_lambda_sign_w() {
    let (w1, w2) = (w1(), w2());
    let lambda = 0.25;
    let (value, grads) = run(&Regularizer::new(Penalty::l1(lambda)), &[&w1, &w2]);
    assert_abs_diff_eq!(
        value,
        lambda * (sum_abs(&w1) + sum_abs(&w2)),
        epsilon = 1e-14
    );
    // sign(0) = 0: a weight exactly at zero is not pushed either way
    let sign = |x: f64| if x == 0.0 { 0.0 } else { x.signum() };
    assert_eq!(
        grads[0].as_ref().unwrap(),
        &w1.value().mapv(|x| lambda * sign(x))
    );
    assert_eq!(
        grads[1].as_ref().unwrap(),
        &w2.value().mapv(|x| lambda * sign(x))
    );
    assert_eq!(grads[0].as_ref().unwrap()[[0, 2]], 0.0);
}

#[test]
fn elastic_net_value_and_gradient() {
    let w = w1();
    let (l1, l2) = (0.1, 0.4);
    let (value, grads) = run(&Regularizer::new(Penalty::elastic_net(l1, l2)), &[&w]);
    assert_abs_diff_eq!(
        value,
        l1 * sum_abs(&w) + 0.5 * l2 * sum_sq(&w),
        epsilon = 1e-14
    );
    let sign = |x: f64| if x == 0.0 { 0.0 } else { x.signum() };
    let want = w.value().mapv(|x| l1 * sign(x) + l2 * x);
    for (g, w) in grads[0].as_ref().unwrap().iter().zip(&want) {
        assert_abs_diff_eq!(*g, *w, epsilon = 1e-15);
    }
}

#[test]
fn a_pure_l2_penalty_records_no_abs() {
    // No kink in the graph: an L1 term of strength 0 is not recorded.
    let w = w1();
    let tape = Tape::new();
    let _ = Regularizer::new(Penalty::l2(1.0)).loss(&mut Ctx::eval(&tape), &[&w]);
    let listing = tape.to_string();
    assert!(!listing.contains("abs"), "{listing}");
    assert!(listing.contains("sum_squares"), "{listing}");
}

#[test]
fn per_layer_overrides_by_name_and_by_id() {
    let (w1, w2, b1) = (w1(), w2(), b1());
    let reg = Regularizer::new(Penalty::l2(1.0))
        .with("W2", Penalty::l1(0.5))
        .with(&w1, Penalty::l2(0.1))
        .with("W1", Penalty::l2(7.0)); // loses: an id override beats a name
    assert_eq!(reg.penalty_for(&w1), Penalty::l2(0.1));
    assert_eq!(reg.penalty_for(&w2), Penalty::l1(0.5));
    assert_eq!(reg.penalty_for(&b1), Penalty::NONE);
    let (value, grads) = run(&reg, &[&w1, &w2, &b1]);
    assert_abs_diff_eq!(
        value,
        0.05 * sum_sq(&w1) + 0.5 * sum_abs(&w2),
        epsilon = 1e-14
    );
    assert_eq!(grads[0].as_ref().unwrap(), &(w1.value() * 0.1));
    assert_eq!(grads[1].as_ref().unwrap(), &array![[-0.5], [0.0], [0.5]]);
}

#[test]
fn the_last_override_of_a_kind_wins_and_none_exempts() {
    let w = w1();
    let reg = Regularizer::new(Penalty::l2(1.0))
        .with("W1", Penalty::l2(2.0))
        .with(ParamKey::Name("W1".into()), Penalty::NONE);
    assert!(reg.penalty_for(&w).is_none());
    let tape = Tape::new();
    let mut ctx = Ctx::eval(&tape);
    let loss = reg.loss(&mut ctx, &[&w]);
    assert_eq!(loss.item(), 0.0);
    assert!(!loss.requires_grad());
    assert!(
        ctx.leaf_of(&w).is_none(),
        "an exempt parameter gets no leaf"
    );
}

#[test]
fn a_name_override_matches_every_parameter_with_that_name() {
    let (a, b) = (
        Param::new("W", array![[1.0], [1.0]]),
        Param::new("W", array![[2.0], [0.0]]),
    );
    let reg = Regularizer::new(Penalty::NONE).with("W", Penalty::l1(1.0));
    assert_eq!(run(&reg, &[&a, &b]).0, 4.0);
    let reg = Regularizer::new(Penalty::NONE).with(b.id(), Penalty::l1(1.0));
    assert_eq!(run(&reg, &[&a, &b]).0, 2.0);
}

#[test]
fn biases_are_excluded_by_default_and_included_on_request() {
    let (w1, b1) = (w1(), b1());
    let lambda = 2.0;
    let (value, grads) = run(&Regularizer::new(Penalty::l2(lambda)), &[&w1, &b1]);
    assert_abs_diff_eq!(value, 0.5 * lambda * sum_sq(&w1), epsilon = 1e-14);
    assert!(grads[1].is_none());

    let all = Regularizer::new(Penalty::l2(lambda)).include_biases();
    let (value, grads) = run(&all, &[&w1, &b1]);
    assert_abs_diff_eq!(
        value,
        0.5 * lambda * (sum_sq(&w1) + sum_sq(&b1)),
        epsilon = 1e-14
    );
    assert_eq!(grads[1].as_ref().unwrap(), &(b1.value() * lambda));

    // An override names the parameter, so it applies to a bias too.
    let named = Regularizer::new(Penalty::l2(lambda)).with(&b1, Penalty::l1(1.0));
    assert_abs_diff_eq!(
        run(&named, &[&w1, &b1]).0,
        0.5 * lambda * sum_sq(&w1) + sum_abs(&b1),
        epsilon = 1e-14
    );
}

#[test]
fn the_bias_rule_needs_one_row_and_a_bias_name() {
    let row = array![[1.0, 2.0]];
    let square = Array2::<f64>::ones((2, 2));
    for name in [
        "b", "b1", "b_2", "B3", "bias", "fc1.bias", "layer2/b", "enc:b0", "bn/beta", "bn.gamma",
    ] {
        assert!(is_bias(&Param::new(name, row.clone())), "{name} is a bias");
        assert!(
            !is_bias(&Param::new(name, square.clone())),
            "{name} with 2 rows is not"
        );
    }
    for name in [
        "W", "W1", "w", "weight", "fc1.W", "beta2", "scale", "bx", "emb",
    ] {
        assert!(
            !is_bias(&Param::new(name, row.clone())),
            "{name} is not a bias"
        );
    }
    let (w, b) = (Param::new("W", row.clone()), Param::new("b", row));
    let kept = weights_only(&[&w, &b, &w]);
    assert_eq!(
        kept.iter().map(|p| p.name()).collect::<Vec<_>>(),
        ["W", "W"]
    );
}

#[test]
fn every_node_the_penalty_records_points_at_the_callers_line() {
    let (w1, w2) = (w1(), w2());
    let tape = Tape::new();
    let mut ctx = Ctx::eval(&tape);
    let reg = Regularizer::new(Penalty::elastic_net(0.1, 0.2));
    let _ = reg.loss(&mut ctx, &[&w1, &w2]);
    let _ = Penalty::l1(1.0).of(tape.leaf(array![[1.0]]));
    let listing = format!("{tape:#}");
    for line in listing.lines() {
        assert!(line.contains("tests/regularize.rs"), "{line}");
    }
}

#[test]
fn a_parameter_listed_twice_counts_once() {
    let w = w2();
    let reg = Regularizer::new(Penalty::l2(1.0));
    assert_eq!(run(&reg, &[&w, &w.clone()]).0, 0.5 * sum_sq(&w));
}

#[test]
fn nothing_to_penalize_is_a_constant_zero() {
    let b = b1();
    let tape = Tape::<f64>::new();
    let loss = Regularizer::new(Penalty::l2(1.0)).loss(&mut Ctx::eval(&tape), &[&b]);
    assert_eq!(loss.item(), 0.0);
    assert!(!loss.requires_grad());
    let empty = Regularizer::new(Penalty::l2(1.0)).loss(&mut Ctx::eval(&tape), &[]);
    assert_eq!(empty.shape(), autograd::Shape::new(1, 1));
}

#[test]
#[should_panic(expected = "Penalty: the l2 strength must be finite and ≥ 0, got -0.1")]
fn negative_strengths_are_refused() {
    let _ = Penalty::l2(-0.1);
}

#[test]
#[should_panic(expected = "Penalty: the l1 strength must be finite and ≥ 0, got NaN")]
fn nan_strengths_are_refused() {
    let _ = Penalty::elastic_net(f64::NAN, 1.0);
}

// ---------------------------------------------------------------------------
// Property-based gradient checks of every penalty, through `Ctx` leaves
// bound by the checker exactly as `nn::check` does for modules. L1 has a
// kink at 0, so its weights are drawn at least 0.05 away from 0.

fn runner() -> TestRunner {
    TestRunner::new(Config {
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/proptest-regressions/regularize.txt"
        )))),
        ..Config::with_cases(64)
    })
}

/// One to three named weight matrices with random shapes, away from 0.
fn weights() -> impl Strategy<Value = Vec<Array2<f64>>> {
    proptest::collection::vec(
        (dim(4), dim(4)).prop_flat_map(|(r, c)| {
            matrix_for(
                (r, c),
                Domain::Real,
                Kink::At(&[0.0]),
                Placement::AwayFromKinks,
            )
        }),
        1..=3,
    )
}

fn check_regularizer(reg: &Regularizer, values: Vec<Array2<f64>>) -> Report {
    let names = ["W1", "W2", "W3"];
    let params: Vec<Param<f64>> = values
        .iter()
        .zip(names)
        .map(|(v, n)| Param::new(n, v.clone()))
        .collect();
    let refs: Vec<&Param<f64>> = params.iter().collect();
    GradCheck::new().check_params(&refs, |tape, vars, _| {
        let mut ctx = Ctx::eval(tape);
        for (p, &v) in params.iter().zip(vars) {
            ctx.bind(p, v);
        }
        reg.loss(&mut ctx, &refs)
    })
}

/// The penalty of each kind, from two random strengths; the last kind
/// mixes penalties per layer through overrides.
fn regularizer(kind: usize, a: f64, b: f64) -> Regularizer {
    match kind {
        0 => Regularizer::new(Penalty::l2(a)),
        1 => Regularizer::new(Penalty::l1(a)),
        2 => Regularizer::new(Penalty::elastic_net(a, b)),
        _ => Regularizer::new(Penalty::l2(a))
            .with("W2", Penalty::l1(b))
            .with("W3", Penalty::elastic_net(b, a)),
    }
}

const KINDS: [&str; 4] = ["l2", "l1", "elastic net", "per-layer mix"];

#[test]
fn gradcheck_every_penalty_away_from_zero() {
    for (kind, name) in KINDS.into_iter().enumerate() {
        let worst = Cell::new(0.0_f64);
        let cases = (weights(), 0.01..3.0f64, 0.01..3.0f64);
        runner()
            .run(&cases, |(values, a, b)| {
                let report = check_regularizer(&regularizer(kind, a, b), values);
                report.assert_ok();
                prop_assert!(report.kinks().next().is_none(), "{name}\n{report}");
                let nw = report.worst_normwise();
                prop_assert!(nw <= 1e-7, "{name}: normwise {nw:e}\n{report}");
                worst.set(worst.get().max(nw));
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        eprintln!("{name}: worst normwise {:.2e} over 64 cases", worst.get());
    }
}

#[test]
fn gradcheck_l1_with_weights_exactly_at_zero() {
    // sign(0) = 0 at the kink: the checker must report the zero entries as
    // crossed kinks (or a valid subgradient), never as failures.
    let on_zero = proptest::collection::vec(
        (dim(3), dim(3)).prop_flat_map(|(r, c)| {
            matrix_for((r, c), Domain::Real, Kink::At(&[0.0]), Placement::OnKinks)
        }),
        1..=3,
    );
    let kinks = Cell::new(0_usize);
    runner()
        .run(&(on_zero, 0.01..3.0f64), |(values, a)| {
            let report = check_regularizer(&regularizer(3, a, a), values);
            report.assert_ok();
            kinks.set(kinks.get() + report.kinks().count());
            Ok(())
        })
        .unwrap();
    assert!(kinks.get() > 0, "the strategy never put a weight on 0");
}

// ---------------------------------------------------------------------------
// Data loss and regularization checked separately, on a small module.

/// `x·W + b`: just enough of a layer to put a penalty on.
struct Affine {
    w: Param<f64>,
    b: Param<f64>,
}

impl Module<f64> for Affine {
    fn try_forward<'t>(
        &self,
        ctx: &mut Ctx<'t, '_, f64>,
        x: Var<'t, f64>,
    ) -> autograd::Result<Var<'t, f64>> {
        x.try_matmul(ctx.param(&self.w))?
            .try_add(ctx.param(&self.b))
    }
    fn params(&self) -> Vec<&Param<f64>> {
        vec![&self.w, &self.b]
    }
    fn params_mut(&mut self) -> Vec<&mut Param<f64>> {
        vec![&mut self.w, &mut self.b]
    }
    fn describe(&self) -> String {
        "affine".into()
    }
}

#[test]
fn data_loss_and_regularization_check_separately_and_together() {
    let layer = Affine {
        w: Param::new("W", array![[0.2, -0.4, 0.1], [0.7, 0.3, -0.9]]),
        b: Param::new("b", array![[0.05, -0.05, 0.0]]),
    };
    let x = array![[1.0, -2.0], [0.5, 0.3], [-1.2, 0.8], [0.0, 1.5]];
    let labels = [0, 2, 1, 2];
    let params: Vec<Param<f64>> = layer.params().into_iter().cloned().collect();
    let reg = Regularizer::new(Penalty::l2(0.5));

    let checker = GradCheck::new();
    let data = nn::check::check_with_head(&checker, &layer, &x, Mode::Eval, |_, y| {
        nn::losses::softmax_cross_entropy(y, &labels)
    });
    let penalty = nn::check::check_with_head(&checker, &layer, &x, Mode::Eval, |ctx, y| {
        // The output is unused: only the penalty's gradient is checked.
        let refs: Vec<&Param<f64>> = params.iter().collect();
        reg.loss(ctx, &refs) + y.sum() * 0.0
    });
    let total = nn::check::check_with_head(&checker, &layer, &x, Mode::Eval, |ctx, y| {
        let refs: Vec<&Param<f64>> = params.iter().collect();
        nn::losses::softmax_cross_entropy(y, &labels) + reg.loss(ctx, &refs)
    });
    for report in [&data, &penalty, &total] {
        report.assert_ok();
        assert!(report.worst_normwise() <= 1e-7, "{report}");
    }
    // W is penalized, so it receives a gradient from the penalty alone; b,
    // a bias, receives none (the lint sees an all-zero gradient).
    assert!(
        penalty.lints.iter().any(|l| l.to_string().contains("`b`")),
        "{:?}",
        penalty.lints
    );
    assert!(!penalty.lints.iter().any(|l| l.to_string().contains("`W`")));
}
