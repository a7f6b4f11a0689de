//! Convergence: every optimizer reaches a stated tolerance within a stated
//! number of steps on a convex quadratic with a known minimizer and on
//! logistic regression over separable data; on an ill-conditioned
//! quadratic, momentum and Nesterov need fewer steps than SGD at the same
//! learning rate.

use autograd::{Param, Tape};
use ndarray::{Array2, array};
use nn::layers::Affine;
use nn::optim::*;
use nn::{Module, losses};
use rand::SeedableRng;

/// `f(x) = ½ Σ aᵢ (xᵢ − cᵢ)²`: minimizer `c`, curvatures `a`.
struct Quadratic {
    a: Array2<f64>,
    c: Array2<f64>,
}

impl Quadratic {
    /// Steps until `max |x − c| < tol` from `x = 0` (None if not within `max`).
    fn steps_to(&self, opt: &mut dyn Optimizer<f64>, tol: f64, max: usize) -> Option<usize> {
        let mut x = Param::new("x", Array2::zeros(self.c.raw_dim()));
        let mut tape = Tape::new();
        for step in 1..=max {
            tape.reset();
            let grads = {
                let xv = tape.param(&x);
                let d = xv - tape.constant(self.c.clone());
                let loss = (d * d * tape.constant(self.a.clone())).sum() * 0.5;
                let mut g = ParamGrads::new(loss.backward());
                g.insert(&x, xv.key());
                g
            };
            tape.reset();
            opt.step(&mut [&mut x], &grads);
            let err = (x.value() - &self.c)
                .mapv(f64::abs)
                .fold(0.0, |m: f64, &v| m.max(v));
            if err < tol {
                return Some(step);
            }
        }
        None
    }
}

fn well_conditioned() -> Quadratic {
    Quadratic {
        a: array![[1.0, 2.0, 0.5]],
        c: array![[1.0, -2.0, 0.5]],
    }
}

/// Condition number 50.
fn ill_conditioned() -> Quadratic {
    Quadratic {
        a: array![[1.0, 50.0]],
        c: array![[1.0, -1.0]],
    }
}

/// Every optimizer with the learning rate it is tested at.
fn all(lr_sgd: f64, lr_adaptive: f64) -> Vec<Box<dyn Optimizer<f64>>> {
    vec![
        Box::new(Sgd::new(SgdConfig { lr: lr_sgd }).unwrap()),
        Box::new(
            Momentum::new(MomentumConfig {
                lr: lr_sgd,
                mu: 0.9,
            })
            .unwrap(),
        ),
        Box::new(
            Nesterov::new(NesterovConfig {
                lr: lr_sgd,
                mu: 0.9,
            })
            .unwrap(),
        ),
        Box::new(
            Adagrad::new(AdagradConfig {
                lr: lr_adaptive,
                ..Default::default()
            })
            .unwrap(),
        ),
        Box::new(
            RmsProp::new(RmsPropConfig {
                lr: lr_adaptive,
                ..Default::default()
            })
            .unwrap(),
        ),
        Box::new(
            Adam::new(AdamConfig {
                lr: lr_adaptive,
                ..Default::default()
            })
            .unwrap(),
        ),
    ]
}

#[test]
fn every_optimizer_reaches_the_quadratic_minimizer() {
    // Tolerance max|x − c| < 1e-4 from x = 0, a = [1, 2, 0.5]. Stated
    // budgets, about 1.5× the measured counts in the comments.
    let budgets = [
        ("sgd", 45),       // measured 30 (lr 0.5)
        ("momentum", 260), // 176 (lr 0.5, μ 0.9: overshoots the stiff coordinate)
        ("nesterov", 60),  // 38
        ("adagrad", 1600), // 1072 (lr 0.1: its rates only shrink)
        ("rmsprop", 30),   // 17 (lr 0.1)
        ("adam", 260),     // 173 (lr 0.1)
    ];
    let q = well_conditioned();
    for (mut opt, (name, budget)) in all(0.5, 0.1).into_iter().zip(budgets) {
        assert_eq!(opt.name(), name);
        let steps = q.steps_to(opt.as_mut(), 1e-4, 100_000);
        println!("quadratic {name}: {steps:?}");
        assert!(
            steps.is_some_and(|s| s <= budget),
            "{name}: {steps:?} > {budget}"
        );
    }
}

#[test]
fn momentum_and_nesterov_beat_sgd_on_an_ill_conditioned_quadratic() {
    // Same learning rate 0.02 (SGD is stable below 2/50 = 0.04); the slow
    // direction (a = 1) contracts by 0.98 per SGD step.
    let q = ill_conditioned();
    let mut counts = Vec::new();
    for mut opt in all(0.02, 0.02).into_iter().take(3) {
        let steps = q.steps_to(opt.as_mut(), 1e-4, 100_000).expect("converges");
        println!("ill-conditioned {}: {steps}", opt.name());
        counts.push(steps);
    }
    let (sgd, momentum, nesterov) = (counts[0] as f64, counts[1] as f64, counts[2] as f64);
    // Measured: SGD 456, momentum 153 (2.98×), Nesterov 109 (4.18×).
    assert!(sgd / momentum >= 2.5, "sgd {sgd} vs momentum {momentum}");
    assert!(sgd / nesterov >= 3.5, "sgd {sgd} vs nesterov {nesterov}");
    assert!(
        nesterov < momentum,
        "nesterov {nesterov} vs momentum {momentum}"
    );
}

/// Eight points in the plane, class 1 iff x₁ + x₂ > 0, margin ≥ 0.5.
fn separable() -> (Array2<f64>, Array2<f64>) {
    let x = array![
        [1.0, 0.5],
        [2.0, -0.5],
        [0.5, 1.0],
        [-0.2, 1.5],
        [-1.0, -0.5],
        [-2.0, 0.5],
        [0.5, -1.5],
        [-0.3, -0.8]
    ];
    let y = array![[1.0], [1.0], [1.0], [1.0], [0.0], [0.0], [0.0], [0.0]];
    (x, y)
}

#[test]
fn every_optimizer_separates_logistic_regression_data() {
    // Tolerance: mean logistic loss < 0.05 (every point classified with
    // margin), from zero weights, through `train_step`.
    let budgets = [
        ("sgd", 40),      // measured 25 (lr 1)
        ("momentum", 10), // 6
        ("nesterov", 8),  // 5
        ("adagrad", 570), // 381 (lr 0.1)
        ("rmsprop", 15),  // 9
        ("adam", 45),     // 30
    ];
    let (x, y) = separable();
    let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    for (mut opt, (name, budget)) in all(1.0, 0.1).into_iter().zip(budgets) {
        let mut net =
            Affine::from_values("lr", Array2::zeros((2, 1)), Array2::zeros((1, 1))).unwrap();
        let mut tape = Tape::new();
        let mut reached = None;
        for step in 1..=20_000 {
            let loss = train_step(
                &mut tape,
                &mut net,
                opt.as_mut(),
                Some(&mut rng),
                |net, ctx| {
                    let z = net.forward(ctx, ctx.tape().constant(x.clone()));
                    losses::binary_logistic(z, &y)
                },
            );
            if loss < 0.05 {
                reached = Some(step);
                break;
            }
        }
        println!("logistic {name}: {reached:?}");
        assert!(
            reached.is_some_and(|s| s <= budget),
            "{name}: {reached:?} > {budget}"
        );
    }
}
