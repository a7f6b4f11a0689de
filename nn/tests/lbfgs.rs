//! L-BFGS (issue 10): Rosenbrock against fixed-step gradient descent, a
//! convex quadratic, logistic regression through a model's parameters,
//! every stop reason, every validation rule, non-finite closures and a
//! bit-for-bit resume through `State`.

use autograd::{Param, Tape};
use ndarray::{Array2, array};
use nn::layers::Affine;
use nn::optim::{
    Lbfgs, LbfgsConfigError, LbfgsError, LbfgsOptions, LineSearchFailure, State, StopReason,
};
use nn::{Ctx, Module, losses};

/// The 2-D Rosenbrock function and its gradient.
fn rosenbrock(x: &[f64]) -> (f64, Vec<f64>) {
    let (a, b) = (x[0], x[1]);
    let r = b - a * a;
    let f = (1.0 - a).powi(2) + 100.0 * r * r;
    (f, vec![-2.0 * (1.0 - a) - 400.0 * a * r, 200.0 * r])
}

fn norm2(g: &[f64]) -> f64 {
    g.iter().map(|v| v * v).sum::<f64>().sqrt()
}

fn options() -> LbfgsOptions<f64> {
    LbfgsOptions::default()
}

fn lbfgs(options: LbfgsOptions<f64>) -> Lbfgs<f64> {
    match Lbfgs::new(options) {
        Ok(l) => l,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn rosenbrock_converges_in_under_100_iterations() {
    // ‖g‖∞ ≤ 5e-9 implies ‖g‖₂ ≤ √2 · 5e-9 < 1e-8 in two dimensions.
    let mut opt = lbfgs(LbfgsOptions {
        gradient_tolerance: 5e-9,
        loss_tolerance: 0.0,
        step_tolerance: 0.0,
        ..options()
    });
    let mut x = [-1.2, 1.0];
    let report = opt.minimize_vec(&mut x, rosenbrock).unwrap();
    println!("L-BFGS on Rosenbrock: {report:?}, x = {x:?}");
    assert_eq!(report.stop, StopReason::GradientTolerance);
    let (f, g) = rosenbrock(&x);
    assert!(norm2(&g) < 1e-8, "{g:?}");
    assert_eq!(
        (f, report.gradient_norm),
        (report.loss, g[0].abs().max(g[1].abs()))
    );
    assert!(
        (x[0] - 1.0).abs() < 1e-8 && (x[1] - 1.0).abs() < 1e-8,
        "{x:?}"
    );
    // Seen: 37 iterations, 46 evaluations.
    assert!(report.iterations < 50, "{report:?}");
    assert!(report.evaluations < 70, "{report:?}");
}

/// Fixed-step gradient descent on Rosenbrock from (−1.2, 1): iterations
/// until ‖∇f‖₂ < 1e-8, or `None` if it diverged or ran out.
fn gradient_descent_iterations(step: f64, limit: usize) -> Option<usize> {
    let mut x = [-1.2, 1.0];
    for it in 0..limit {
        let (f, g) = rosenbrock(&x);
        if !f.is_finite() || f > 1e6 {
            return None;
        }
        if norm2(&g) < 1e-8 {
            return Some(it);
        }
        x[0] -= step * g[0];
        x[1] -= step * g[1];
    }
    None
}

#[test]
fn rosenbrock_fixed_step_gradient_descent_needs_thousands() {
    // The curvature across the valley floor is ~1e3 (λ_max ≈ 1001.6 at
    // the minimum) and ~0.4 along it: a step ≥ 2/λ_max ≈ 1.997e-3 never
    // settles, and below it progress along the floor is ~0.4·step per
    // iteration.
    assert_eq!(gradient_descent_iterations(2e-3, 100_000), None);
    let steps = [1.99e-3, 1.5e-3, 1e-3];
    let counts: Vec<_> = steps
        .iter()
        .map(|&s| gradient_descent_iterations(s, 1_000_000))
        .collect();
    println!("fixed-step gradient descent on Rosenbrock: {steps:?} → {counts:?}");
    // Seen: 21 870, 29 059 and 43 605 iterations; L-BFGS needs 37.
    let best = counts.iter().flatten().min().copied().unwrap();
    assert_eq!(
        Some(best),
        counts[0],
        "the largest stable step is the fastest"
    );
    assert!(best > 1000, "{counts:?}");
    assert!(best > 20_000, "{counts:?}");
}

#[test]
fn convex_quadratic_converges_in_about_n_iterations() {
    // f = ½ Σ cᵢ (xᵢ − 1)², condition number 100, n = 10 ≤ history. With
    // exact line searches (L-)BFGS ends on a quadratic in n steps; a tight
    // curvature constant c₂ = 0.01 makes the searches nearly exact. With
    // the default c₂ = 0.9 the unit step is accepted as soon as it is
    // acceptable and convergence is only superlinear: 68 iterations seen
    // (an independent reimplementation took the same 68).
    let n = 10;
    let c: Vec<f64> = (0..n)
        .map(|i| 10f64.powf(2.0 * i as f64 / (n - 1) as f64))
        .collect();
    let f = |x: &[f64]| {
        let loss = x
            .iter()
            .zip(&c)
            .map(|(x, c)| 0.5 * c * (x - 1.0) * (x - 1.0))
            .sum();
        (loss, x.iter().zip(&c).map(|(x, c)| c * (x - 1.0)).collect())
    };
    let run = |c2: f64| {
        let mut opt = lbfgs(LbfgsOptions {
            gradient_tolerance: 1e-10,
            loss_tolerance: 0.0,
            step_tolerance: 0.0,
            c2,
            ..options()
        });
        let mut x = vec![0.0; n];
        let report = opt.minimize_vec(&mut x, f).unwrap();
        assert_eq!(report.stop, StopReason::GradientTolerance);
        assert!(x.iter().all(|v| (v - 1.0).abs() < 1e-10), "{x:?}");
        report
    };
    let (tight, loose) = (run(0.01), run(0.9));
    println!("quadratic, n = {n}: c2 = 0.01: {tight:?}\nc2 = 0.9: {loose:?}");
    assert!(tight.iterations <= n + 3, "{tight:?}");
    assert!(loose.iterations > tight.iterations, "{loose:?}");
}

/// Two overlapping clouds and their 0/1 labels.
fn clouds() -> (Array2<f64>, Array2<f64>) {
    let n = 60;
    let x = Array2::from_shape_fn((n, 2), |(i, j)| {
        let t = i as f64;
        let shift = if i % 2 == 1 { [1.0, -0.5][j] } else { 0.0 };
        [(1.3 * t).sin(), (0.7 * t).cos()][j] * 1.5 + shift
    });
    let y = Array2::from_shape_fn((n, 1), |(i, _)| (i % 2) as f64);
    (x, y)
}

#[test]
fn logistic_regression_on_a_models_parameters() {
    let (x, y) = clouds();
    let lambda = 1e-2;
    let mut model =
        Affine::from_values("lr", Array2::zeros((2, 1)), Array2::zeros((1, 1))).unwrap();
    let exact = LbfgsOptions {
        gradient_tolerance: 1e-10,
        loss_tolerance: 0.0,
        step_tolerance: 0.0,
        ..options()
    };
    let mut opt = lbfgs(exact);
    let report = opt
        .minimize_module(&mut model, |m| {
            let tape = Tape::new();
            let mut ctx = Ctx::eval(&tape);
            let z = m.forward(&mut ctx, tape.constant(x.clone()));
            let w = ctx.param(m.weight());
            let loss = losses::try_binary_logistic(z, &y)? + w.sum_squares() * (0.5 * lambda);
            let g = loss.backward();
            let grads = m
                .params()
                .iter()
                .map(|p| ctx.grad(&g, p).unwrap().clone())
                .collect();
            Ok((loss.item(), grads))
        })
        .unwrap();
    println!("logistic regression through Affine: {report:?}");
    assert_eq!(report.stop, StopReason::GradientTolerance);

    // The same problem written by hand over θ = (w₀, w₁, b).
    let hand = |t: &[f64]| {
        let n = x.nrows() as f64;
        let (mut loss, mut g) = (0.5 * lambda * (t[0] * t[0] + t[1] * t[1]), vec![0.0; 3]);
        g[0] += lambda * t[0];
        g[1] += lambda * t[1];
        for (row, yi) in x.rows().into_iter().zip(y.iter()) {
            let z = t[0] * row[0] + t[1] * row[1] + t[2];
            loss += (z.max(0.0) + (-z.abs()).exp().ln_1p() - z * yi) / n;
            let r = (1.0 / (1.0 + (-z).exp()) - yi) / n;
            g[0] += r * row[0];
            g[1] += r * row[1];
            g[2] += r;
        }
        (loss, g)
    };
    let mut theta = [0.0; 3];
    let mut opt = lbfgs(exact);
    opt.minimize_vec(&mut theta, hand).unwrap();
    let (w, b) = (model.weight().value(), model.bias().value());
    let got = [w[[0, 0]], w[[1, 0]], b[[0, 0]]];
    for (a, b) in got.iter().zip(&theta) {
        assert!((a - b).abs() < 1e-8, "{got:?} vs {theta:?}");
    }
    assert!(got[0] > 0.5, "the clouds are separated along x₀: {got:?}");
    assert!((report.loss - hand(&theta).0).abs() < 1e-12);
}

#[test]
fn free_params_are_flattened_in_list_order_row_major() {
    // f = Σ_k Σ_ij (p_k[i,j] − target)², with a distinct target per entry
    // in flat order: the closure sees the trial point in both params.
    let mut a = Param::new("a", array![[0.0, 0.0], [0.0, 0.0]]);
    let mut b = Param::new("b", array![[0.0, 0.0]]);
    let mut seen = Vec::new();
    let mut opt = lbfgs(LbfgsOptions {
        gradient_tolerance: 1e-12,
        ..options()
    });
    opt.minimize(&mut [&mut a, &mut b], |ps| {
        let flat: Vec<f64> = ps.iter().flat_map(|p| p.value().iter().copied()).collect();
        seen.push(flat.clone());
        let loss = flat
            .iter()
            .enumerate()
            .map(|(i, v)| (v - i as f64).powi(2))
            .sum();
        let g: Vec<f64> = flat
            .iter()
            .enumerate()
            .map(|(i, v)| 2.0 * (v - i as f64))
            .collect();
        Ok((
            loss,
            vec![
                Array2::from_shape_vec((2, 2), g[..4].to_vec()).unwrap(),
                Array2::from_shape_vec((1, 2), g[4..].to_vec()).unwrap(),
            ],
        ))
    })
    .unwrap();
    assert_eq!(seen[0], vec![0.0; 6]);
    assert!(seen.len() > 1 && seen[1] != seen[0]);
    let close =
        |p: &Param<f64>, want: Array2<f64>| (p.value() - &want).iter().all(|d| d.abs() < 1e-10);
    assert!(close(&a, array![[0.0, 1.0], [2.0, 3.0]]), "{:?}", a.value());
    assert!(close(&b, array![[4.0, 5.0]]), "{:?}", b.value());
}

#[test]
fn wrong_gradients_from_a_param_closure_are_typed_errors() {
    let mut a = Param::new("a", array![[1.0, 2.0]]);
    let mut opt = lbfgs(options());
    let err = opt
        .minimize(&mut [&mut a], |_| Ok((1.0, vec![Array2::zeros((2, 1))])))
        .unwrap_err();
    assert_eq!(
        err,
        LbfgsError::GradientShape {
            param: 0,
            name: "a".into(),
            expected: (1, 2),
            got: (2, 1)
        }
    );
    let err = opt
        .minimize(&mut [&mut a], |_| Ok((1.0, vec![])))
        .unwrap_err();
    assert_eq!(
        err,
        LbfgsError::GradientCount {
            expected: 1,
            got: 0
        }
    );
    let err = opt
        .minimize_vec(&mut [1.0, 2.0], |_| (1.0, vec![0.0]))
        .unwrap_err();
    assert_eq!(
        err,
        LbfgsError::GradientLength {
            expected: 2,
            got: 1
        }
    );
    assert_eq!(
        err.to_string(),
        "lbfgs: the gradient has 1 entries, the variables 2"
    );
}

#[test]
fn closure_errors_are_returned_with_the_iteration() {
    let mut a = Param::new("a", array![[1.0, 2.0]]);
    let mut opt = lbfgs(options());
    let err = opt
        .minimize(&mut [&mut a], |ps| {
            let tape = Tape::new();
            let loss = losses::try_binary_logistic(tape.param(ps[0]), &array![[2.0, 0.0]])?;
            Ok((loss.item(), vec![]))
        })
        .unwrap_err();
    let LbfgsError::Closure {
        iteration: 0,
        source,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert!(source.to_string().contains("binary_logistic"), "{source}");
    assert!(
        err.to_string()
            .starts_with("lbfgs: iteration 0: the closure failed: "),
        "{err}"
    );
}

// ---- stop reasons ----

#[test]
fn stops_at_the_gradient_tolerance() {
    let mut opt = lbfgs(LbfgsOptions {
        gradient_tolerance: 1e-3,
        ..options()
    });
    let mut x = [-1.2, 1.0];
    let report = opt.minimize_vec(&mut x, rosenbrock).unwrap();
    assert_eq!(report.stop, StopReason::GradientTolerance);
    assert!(report.gradient_norm <= 1e-3, "{report:?}");
    let g = rosenbrock(&x).1;
    assert_eq!(report.gradient_norm, g[0].abs().max(g[1].abs()));
    // Already there: no step at all.
    let again = opt.minimize_vec(&mut x, rosenbrock).unwrap();
    assert_eq!(
        (again.stop, again.iterations, again.evaluations),
        (StopReason::GradientTolerance, 0, 1)
    );
}

#[test]
fn stops_at_the_iteration_limit() {
    let mut opt = lbfgs(LbfgsOptions {
        max_iterations: 5,
        ..options()
    });
    let mut x = [-1.2, 1.0];
    let report = opt.minimize_vec(&mut x, rosenbrock).unwrap();
    assert_eq!(
        (report.stop, report.iterations),
        (StopReason::IterationLimit, 5)
    );
    assert!(report.loss < rosenbrock(&[-1.2, 1.0]).0);
    assert_eq!(report.loss, rosenbrock(&x).0);
}

#[test]
fn stops_when_the_loss_no_longer_changes() {
    // f = 1e9 + (x − 3)⁴: the default loss_tolerance 1e-9 is relative to
    // |f| ≈ 1e9, so a step lowering f by less than 1 counts as no progress,
    // long before the gradient (tolerance 0) or the step (tolerance 0)
    // would stop the run.
    let mut opt = lbfgs(LbfgsOptions {
        gradient_tolerance: 0.0,
        step_tolerance: 0.0,
        ..options()
    });
    let mut x = [0.0];
    let mut losses = Vec::new();
    let report = opt
        .minimize_vec(&mut x, |x| {
            let f = 1e9 + (x[0] - 3.0).powi(4);
            losses.push(f);
            (f, vec![4.0 * (x[0] - 3.0).powi(3)])
        })
        .unwrap();
    assert_eq!(report.stop, StopReason::NoProgress, "{report:?}");
    assert!(report.iterations > 1, "{report:?}");
    assert!(
        report.loss - 1e9 < 2.0 && report.gradient_norm > 0.0,
        "{report:?}"
    );
}

#[test]
fn default_loss_tolerance_stops_a_zero_minimum_before_the_gradient_tolerance() {
    // f = x₀² + 10 x₁²: with the defaults the loss test (absolute below
    // |f| = 1) fires near f ≈ 1e-9, while ‖∇f‖∞ is still above 1e-7.
    let mut opt = lbfgs(options());
    let mut x = [3.0, -1.0];
    let report = opt
        .minimize_vec(&mut x, |x| {
            (
                x[0] * x[0] + 10.0 * x[1] * x[1],
                vec![2.0 * x[0], 20.0 * x[1]],
            )
        })
        .unwrap();
    assert_eq!(report.stop, StopReason::NoProgress, "{report:?}");
    assert!(
        report.gradient_norm > 1e-7 && report.loss < 1e-6,
        "{report:?}"
    );
}

#[test]
fn stops_when_the_step_no_longer_moves_x() {
    // f = (x − 3)⁴ shrinks |x − 3| geometrically; once a step is below
    // step_tolerance · max(1, |x|) ≈ 3e-9 the run stops, with f and the
    // gradient still non-zero (their tolerances are 0).
    let mut opt = lbfgs(LbfgsOptions {
        gradient_tolerance: 0.0,
        loss_tolerance: 0.0,
        step_tolerance: 1e-9,
        max_iterations: 1000,
        ..options()
    });
    let mut x = [0.0];
    let report = opt
        .minimize_vec(&mut x, |x| {
            ((x[0] - 3.0).powi(4), vec![4.0 * (x[0] - 3.0).powi(3)])
        })
        .unwrap();
    println!("{report:?} {x:?}");
    assert_eq!(report.stop, StopReason::NoProgress, "{report:?}");
    assert!(
        report.loss > 0.0 && (x[0] - 3.0).abs() < 1e-7,
        "{report:?} {x:?}"
    );
}

#[test]
fn stops_when_the_line_search_fails() {
    // Unbounded below: doubling never brackets a minimum.
    let mut opt = lbfgs(options());
    let mut x = [0.0, 0.0];
    let report = opt
        .minimize_vec(&mut x, |x| (-x[0] - x[1], vec![-1.0, -1.0]))
        .unwrap();
    assert_eq!(
        report.stop,
        StopReason::LineSearchFailed {
            reason: LineSearchFailure::TooManyEvaluations
        }
    );
    assert_eq!((report.iterations, report.evaluations), (0, 21));
    assert_eq!(
        x,
        [0.0, 0.0],
        "the failed search's trial points are not kept"
    );
}

// ---- non-finite values ----

#[test]
fn nan_loss_is_an_error_naming_the_iteration_and_params_stay_finite() {
    let mut p = Param::new("p", array![[-1.2, 1.0]]);
    let mut calls = 0;
    let mut accepted = Vec::new();
    let mut opt = lbfgs(options());
    let err = opt
        .minimize(&mut [&mut p], |ps| {
            calls += 1;
            let v = ps[0].value();
            let (f, g) = rosenbrock(&[v[[0, 0]], v[[0, 1]]]);
            accepted.push((v[[0, 0]], v[[0, 1]]));
            let f = if calls == 6 { f64::NAN } else { f };
            Ok((f, vec![array![[g[0], g[1]]]]))
        })
        .unwrap_err();
    let LbfgsError::NonFinite {
        iteration,
        quantity: "loss",
        index: None,
        value,
    } = err
    else {
        panic!("{err:?}");
    };
    assert!(value.is_nan(), "{err:?}");
    println!("NaN at the 6th evaluation: {err}");
    assert!(
        err.to_string().contains(&format!("iteration {iteration}")),
        "{err}"
    );
    assert!(p.value().iter().all(|v| v.is_finite()));
    // The parameters hold an iterate the closure saw before the NaN, not
    // the NaN trial point.
    let now = (p.value()[[0, 0]], p.value()[[0, 1]]);
    assert!(
        accepted[..5].contains(&now) && now != accepted[5],
        "{now:?} {accepted:?}"
    );
    // The failed run's evaluations count in the exported total.
    assert_eq!(opt.state().scalar("evaluations"), Some(6.0));
    // `iteration` counts the accepted steps: a clean run limited to that
    // many stops exactly where the failed run left the parameters.
    let mut x = [-1.2, 1.0];
    let clean = lbfgs(LbfgsOptions {
        max_iterations: iteration,
        ..options()
    })
    .minimize_vec(&mut x, rosenbrock)
    .unwrap();
    assert_eq!((clean.iterations, (x[0], x[1])), (iteration, now));
}

#[test]
fn first_step_is_steepest_descent_of_length_at_most_1() {
    // ‖∇f(−1.2, 1)‖₂ ≈ 233 > 1: the first trial is x₀ − g/‖g‖₂.
    let mut trials = Vec::new();
    let mut opt = lbfgs(LbfgsOptions {
        max_iterations: 2,
        ..options()
    });
    opt.minimize_vec(&mut [-1.2, 1.0], |x| {
        trials.push([x[0], x[1]]);
        rosenbrock(x)
    })
    .unwrap();
    let g = rosenbrock(&[-1.2, 1.0]).1;
    let n = norm2(&g);
    let first = trials[1];
    assert!((first[0] - (-1.2 - g[0] / n)).abs() < 1e-15, "{trials:?}");
    assert!((first[1] - (1.0 - g[1] / n)).abs() < 1e-15, "{trials:?}");
    // f = ½ x², started at 0.5: ‖g‖ < 1, so the first trial is the full
    // (and exact) steepest-descent step.
    let mut trials = Vec::new();
    let report = lbfgs(options())
        .minimize_vec(&mut [0.5], |x| {
            trials.push(x[0]);
            (0.5 * x[0] * x[0], vec![x[0]])
        })
        .unwrap();
    assert_eq!(trials, [0.5, 0.0]);
    assert_eq!(
        (report.stop, report.iterations),
        (StopReason::GradientTolerance, 1)
    );
}

#[test]
fn pairs_failing_the_curvature_test_are_skipped() {
    // ε = 1 asks for cos(s, y) > 1: every pair is skipped, so every step
    // is steepest descent, and the report counts them.
    let mut opt = lbfgs(LbfgsOptions {
        curvature_epsilon: 1.0,
        max_iterations: 20,
        ..options()
    });
    let mut x = [-1.2, 1.0];
    let report = opt.minimize_vec(&mut x, rosenbrock).unwrap();
    assert_eq!(report.skipped_pairs, report.iterations);
    assert!(report.iterations > 0);
    assert_eq!(opt.stored_pairs(), 0);
    assert_eq!(
        opt.state().scalar("skipped_pairs"),
        Some(report.iterations as f64)
    );
    // The default keeps them.
    let mut opt = lbfgs(LbfgsOptions {
        max_iterations: 20,
        ..options()
    });
    let report = opt.minimize_vec(&mut [-1.2, 1.0], rosenbrock).unwrap();
    assert_eq!((report.skipped_pairs, opt.stored_pairs()), (0, 10));
}

#[test]
fn infinite_gradient_is_an_error_naming_the_entry() {
    let mut opt = lbfgs(options());
    let mut x = [1.0, 2.0];
    let err = opt
        .minimize_vec(&mut x, |x| (x[0] * x[0], vec![2.0 * x[0], f64::INFINITY]))
        .unwrap_err();
    assert_eq!(
        err,
        LbfgsError::NonFinite {
            iteration: 0,
            quantity: "gradient",
            index: Some(1),
            value: f64::INFINITY
        }
    );
    assert_eq!(
        err.to_string(),
        "lbfgs: iteration 0: the closure returned a non-finite gradient (inf at entry 1)"
    );
    assert_eq!(x, [1.0, 2.0]);
}

// ---- state ----

#[test]
fn resume_from_state_is_bit_for_bit() {
    let opts = LbfgsOptions {
        max_iterations: 5,
        ..options()
    };
    let mut straight = lbfgs(LbfgsOptions {
        max_iterations: 10,
        ..opts
    });
    let mut x_straight = [-1.2, 1.0];
    let r = straight.minimize_vec(&mut x_straight, rosenbrock).unwrap();
    assert_eq!((r.stop, r.iterations), (StopReason::IterationLimit, 10));

    let mut first = lbfgs(opts);
    let mut x = [-1.2, 1.0];
    first.minimize_vec(&mut x, rosenbrock).unwrap();
    let saved = first.state();
    let mut resumed = lbfgs(opts);
    resumed.restore(&saved).unwrap();
    assert_eq!(resumed.state(), saved);
    let r = resumed.minimize_vec(&mut x, rosenbrock).unwrap();
    assert_eq!((r.stop, r.iterations), (StopReason::IterationLimit, 5));

    assert_eq!(x.map(f64::to_bits), x_straight.map(f64::to_bits));
    let (a, b) = (straight.state(), resumed.state());
    assert_eq!(a.arrays, b.arrays);
    assert_eq!(a.scalar("iterations"), Some(10.0));
    assert_eq!(b.scalar("iterations"), Some(10.0));
    assert_eq!(
        a.scalar("loss").map(f64::to_bits),
        b.scalar("loss").map(f64::to_bits)
    );
    // The resumed run evaluates the restored point once more.
    assert_eq!(
        a.scalar("evaluations").unwrap() + 1.0,
        b.scalar("evaluations").unwrap()
    );
    assert!(a.scalar("pairs").unwrap() >= 5.0);
    assert!(a.array("s/4").is_some() && a.array("y/4").is_some());
}

#[test]
fn restore_refuses_bad_states() {
    let mut trained = lbfgs(LbfgsOptions {
        max_iterations: 4,
        ..options()
    });
    trained.minimize_vec(&mut [-1.2, 1.0], rosenbrock).unwrap();
    let good = trained.state();
    let refused = |state: &State<f64>, history: usize, fragment: &str| {
        // An optimizer with pairs of its own keeps them on a refusal.
        let mut opt = lbfgs(LbfgsOptions {
            history,
            max_iterations: 1,
            ..options()
        });
        opt.minimize_vec(&mut [0.5, 0.5], rosenbrock).unwrap();
        let before = opt.state();
        assert_eq!(opt.stored_pairs(), 1);
        let err = opt.restore(state).unwrap_err();
        assert!(err.to_string().contains(fragment), "{err}");
        assert_eq!(opt.state(), before, "nothing restored");
    };
    let mut wrong = good.clone();
    wrong.kind = "adam".into();
    refused(&wrong, 10, "kind is \"adam\"");
    refused(&good, 2, "it holds 4 pairs, this optimizer's history is 2");
    let mut wrong = good.clone();
    wrong.arrays.remove("y/3");
    refused(&wrong, 10, "array \"y/3\" is missing");
    let mut wrong = good.clone();
    wrong.arrays.insert("s/1".into(), array![[1.0, 2.0, 3.0]]);
    refused(&wrong, 10, "array \"s/1\" is 1×3, expected 1×2");
    let mut wrong = good.clone();
    wrong.scalars.insert("iterations".into(), 1.5);
    refused(&wrong, 10, "scalar \"iterations\" = 1.5 is not a count");
    let mut wrong = good.clone();
    wrong
        .arrays
        .insert("y/0".into(), -good.array("y/0").unwrap().clone());
    refused(&wrong, 10, "pair 0 has sᵀy ≤ 0");

    // A restored history of length 2 refuses three variables.
    let mut opt = lbfgs(options());
    opt.restore(&good).unwrap();
    let err = opt
        .minimize_vec(&mut [0.0; 3], |x| (0.0, x.to_vec()))
        .unwrap_err();
    assert_eq!(
        err,
        LbfgsError::Dimension {
            history: 2,
            variables: 3
        }
    );
}

#[test]
fn f32_smoke() {
    let mut opt = Lbfgs::<f32>::new(LbfgsOptions {
        gradient_tolerance: 1e-4,
        ..LbfgsOptions::default()
    })
    .unwrap();
    let mut x = [-1.2_f32, 1.0];
    let report = opt
        .minimize_vec(&mut x, |x| {
            let (a, b) = (x[0], x[1]);
            let r = b - a * a;
            (
                (1.0 - a).powi(2) + 100.0 * r * r,
                vec![-2.0 * (1.0 - a) - 400.0 * a * r, 200.0 * r],
            )
        })
        .unwrap();
    println!("f32 Rosenbrock: {report:?}, x = {x:?}");
    assert!(
        (x[0] - 1.0).abs() < 1e-3 && (x[1] - 1.0).abs() < 1e-3,
        "{x:?} {report:?}"
    );
}

// ---- validation: one test per rule ----

#[test]
fn documented_defaults() {
    let d = LbfgsOptions::<f64>::default();
    assert_eq!(
        (d.history, d.max_iterations, d.max_line_search_evaluations),
        (10, 100, 20)
    );
    assert_eq!(
        (d.gradient_tolerance, d.loss_tolerance, d.step_tolerance),
        (1e-7, 1e-9, 1e-9)
    );
    assert_eq!((d.c1, d.c2, d.curvature_epsilon), (1e-4, 0.9, f64::EPSILON));
    assert_eq!(
        LbfgsOptions::<f32>::default().curvature_epsilon,
        f32::EPSILON
    );
    assert!(Lbfgs::new(d).is_ok());
}

fn invalid(options: LbfgsOptions<f64>) -> LbfgsConfigError {
    match Lbfgs::new(options) {
        Ok(_) => panic!("accepted {options:?}"),
        Err(e) => e,
    }
}

fn assert_invalid(options: LbfgsOptions<f64>, field: &str, value: f64, rule: &str) {
    let e = invalid(options);
    assert_eq!((e.optimizer, e.field, e.rule), ("lbfgs", field, rule));
    assert!(
        e.value == value || (e.value.is_nan() && value.is_nan()),
        "{e}"
    );
    assert!(
        e.to_string().starts_with(&format!("lbfgs: {field} = ")),
        "{e}"
    );
}

const TOL: &str = "must be finite and at least 0";

#[test]
fn history_must_be_at_least_1() {
    assert_invalid(
        LbfgsOptions {
            history: 0,
            ..options()
        },
        "history",
        0.0,
        "must be at least 1",
    );
    assert!(
        Lbfgs::new(LbfgsOptions {
            history: 1,
            ..options()
        })
        .is_ok()
    );
}

#[test]
fn gradient_tolerance_must_be_finite_and_non_negative() {
    for v in [-1e-9, f64::NAN, f64::INFINITY] {
        assert_invalid(
            LbfgsOptions {
                gradient_tolerance: v,
                ..options()
            },
            "gradient_tolerance",
            v,
            TOL,
        );
    }
    assert!(
        Lbfgs::new(LbfgsOptions {
            gradient_tolerance: 0.0,
            ..options()
        })
        .is_ok()
    );
}

#[test]
fn max_iterations_must_be_at_least_1() {
    assert_invalid(
        LbfgsOptions {
            max_iterations: 0,
            ..options()
        },
        "max_iterations",
        0.0,
        "must be at least 1",
    );
}

#[test]
fn loss_tolerance_must_be_finite_and_non_negative() {
    for v in [-1.0, f64::NAN] {
        assert_invalid(
            LbfgsOptions {
                loss_tolerance: v,
                ..options()
            },
            "loss_tolerance",
            v,
            TOL,
        );
    }
}

#[test]
fn step_tolerance_must_be_finite_and_non_negative() {
    for v in [-1.0, f64::NEG_INFINITY] {
        assert_invalid(
            LbfgsOptions {
                step_tolerance: v,
                ..options()
            },
            "step_tolerance",
            v,
            TOL,
        );
    }
}

#[test]
fn c1_must_lie_in_0_1() {
    for v in [0.0, -0.1, 1.0, f64::NAN] {
        assert_invalid(
            LbfgsOptions { c1: v, ..options() },
            "c1",
            v,
            "must lie in (0, 1)",
        );
    }
}

#[test]
fn c2_must_lie_in_c1_1() {
    for v in [1e-4, 1e-5, 1.0, f64::NAN] {
        assert_invalid(
            LbfgsOptions { c2: v, ..options() },
            "c2",
            v,
            "must lie in (c1, 1)",
        );
    }
    assert_eq!(
        invalid(LbfgsOptions {
            c1: 0.5,
            c2: 0.4,
            ..options()
        })
        .to_string(),
        "lbfgs: c2 = 0.4 is invalid: must lie in (c1, 1)"
    );
}

#[test]
fn max_line_search_evaluations_must_be_at_least_1() {
    assert_invalid(
        LbfgsOptions {
            max_line_search_evaluations: 0,
            ..options()
        },
        "max_line_search_evaluations",
        0.0,
        "must be at least 1",
    );
}

#[test]
fn curvature_epsilon_must_be_finite_and_non_negative() {
    for v in [-1e-16, f64::INFINITY] {
        assert_invalid(
            LbfgsOptions {
                curvature_epsilon: v,
                ..options()
            },
            "curvature_epsilon",
            v,
            TOL,
        );
    }
}
