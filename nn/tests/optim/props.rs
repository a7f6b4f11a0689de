//! Property tests: a zero gradient leaves the optimizers without momentum
//! unchanged, Adam's first step moves each coordinate by ≈ lr·sign(g), and
//! max-norm leaves every column with norm ≤ c (and columns inside the ball
//! untouched bit for bit).

use autograd::{Param, Tape};
use ndarray::Array2;
use nn::optim::*;
use proptest::prelude::*;

use crate::step_with;

fn matrix(rows: usize, cols: usize, scale: f64) -> impl Strategy<Value = Array2<f64>> {
    proptest::collection::vec(-scale..scale, rows * cols)
        .prop_map(move |v| Array2::from_shape_vec((rows, cols), v).unwrap())
}

/// The optimizers whose step is zero for a zero gradient whatever their
/// state: no velocity, and adaptive ones divide the zero by √cache + ε.
fn momentum_free() -> Vec<Box<dyn Optimizer<f64>>> {
    vec![
        Box::new(Sgd::new(SgdConfig { lr: 0.3 }).unwrap()),
        Box::new(Adagrad::new(AdagradConfig { lr: 0.3, eps: 1e-8 }).unwrap()),
        Box::new(
            RmsProp::new(RmsPropConfig {
                lr: 0.3,
                ..Default::default()
            })
            .unwrap(),
        ),
    ]
}

proptest! {
    #[test]
    fn zero_gradient_leaves_momentum_free_parameters_unchanged(
        x in matrix(3, 4, 5.0),
        before in matrix(3, 4, 2.0),
    ) {
        for mut opt in momentum_free() {
            let mut p = Param::new("x", x.clone());
            let mut tape = Tape::new();
            // Some state first, then the zero gradient.
            step_with(opt.as_mut(), &mut tape, &mut [&mut p], &[Some(before.clone())]);
            let after_first = p.value().clone();
            step_with(opt.as_mut(), &mut tape, &mut [&mut p], &[Some(Array2::zeros((3, 4)))]);
            prop_assert_eq!(p.value(), &after_first, "{}", opt.name());
        }
    }

    #[test]
    fn adams_first_step_is_lr_times_the_sign(
        x in matrix(4, 3, 5.0),
        g in matrix(4, 3, 10.0).prop_filter("|g| ≥ 1e-3", |g| g.iter().all(|v| v.abs() >= 1e-3)),
        lr in 1e-4..1.0f64,
    ) {
        let mut opt = Adam::new(AdamConfig { lr, ..Default::default() }).unwrap();
        let mut p = Param::new("x", x.clone());
        step_with(&mut opt, &mut Tape::new(), &mut [&mut p], &[Some(g.clone())]);
        for ((new, old), g) in p.value().iter().zip(&x).zip(&g) {
            // m̂ = g, v̂ = g²: the step is lr·g/(|g| + ε), |g| ≥ 1e-3, ε = 1e-8.
            let moved = new - old;
            prop_assert!((moved + lr * g.signum()).abs() <= lr * 1e-5 + 1e-12 * old.abs(),
                "moved {moved}, lr {lr}, g {g}");
        }
    }

    #[test]
    fn max_norm_caps_every_column_and_leaves_the_inside_alone(
        w in matrix(5, 6, 3.0),
        c in 0.1..6.0f64,
    ) {
        let mut p = Param::new("W", w.clone());
        MaxNorm::new(c).unwrap().apply(&mut [&mut p]);
        for (old, new) in w.columns().into_iter().zip(p.value().columns()) {
            let norm = |v: ndarray::ArrayView1<f64>| v.iter().map(|x| x * x).sum::<f64>().sqrt();
            prop_assert!(norm(new) <= c * (1.0 + 1e-12), "‖w‖ = {} > {c}", norm(new));
            if norm(old) <= c {
                prop_assert_eq!(old, new); // bit for bit
            }
        }
    }
}
