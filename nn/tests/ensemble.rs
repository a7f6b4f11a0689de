//! `nn::ensemble`: probability averaging against hand-computed values and
//! the mean of softmaxes, the argmax tie rule, snapshots, top-k, and every
//! error.

use ndarray::{Array2, array};
use nn::ensemble::{self, Candidate, EnsembleError, Evaluation};
use nn::layers::Affine;
use nn::optim::Polyak;
use nn::{Mlp, Module};
use rand::{RngExt, SeedableRng, rngs::StdRng};

/// Member A's scores are x itself; member B's are `[3, 2, 2] − x`.
fn two_members() -> (Affine<f64>, Affine<f64>) {
    let eye = Array2::<f64>::eye(3);
    let a = Affine::from_values("a", eye.clone(), array![[0.0, 0.0, 0.0]]).unwrap();
    let b = Affine::from_values("b", -eye, array![[3.0, 2.0, 2.0]]).unwrap();
    (a, b)
}

/// The softmax by its definition, in f64, for comparison.
fn softmax_by_hand(x: &Array2<f64>) -> Array2<f64> {
    let mut out = x.clone();
    for mut row in out.rows_mut() {
        let m = row.fold(f64::NEG_INFINITY, |a, &b| a.max(b));
        row.mapv_inplace(|v| (v - m).exp());
        let s = row.sum();
        row.mapv_inplace(|v| v / s);
    }
    out
}

fn assert_close(a: &Array2<f64>, b: &Array2<f64>, tol: f64) {
    assert_eq!(a.dim(), b.dim());
    for (x, y) in a.iter().zip(b) {
        assert!((x - y).abs() <= tol, "{a} vs {b}");
    }
}

#[test]
fn two_members_three_classes_by_hand() {
    let (a, b) = two_members();
    // Row 0: A's scores [1, 2, 3], B's [2, 0, −1]; row 1: A's [0, 0, 0], B's [3, 2, 2].
    let x = array![[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]];
    let members: [&dyn Module<f64>; 2] = [&a, &b];
    let p = ensemble::ensemble_probs(&members, &x).unwrap();
    // softmax([1,2,3]) = (e⁻², e⁻¹, 1)/(1 + e⁻¹ + e⁻²) = (0.0900306, 0.2447285, 0.6652410)
    // softmax([2,0,−1]) = (1, e⁻², e⁻³)/(1 + e⁻² + e⁻³) = (0.8437947, 0.1141952, 0.0420101)
    // softmax([0,0,0]) = 1/3 each; softmax([3,2,2]) = (e, 1, 1)/(e + 2) = (0.5761169, 0.2119416, 0.2119416)
    let (e1, e2, e3, e) = (
        (-1.0f64).exp(),
        (-2.0f64).exp(),
        (-3.0f64).exp(),
        1.0f64.exp(),
    );
    let (sa, sb) = (1.0 + e1 + e2, 1.0 + e2 + e3);
    let expected = array![
        [
            (e2 / sa + 1.0 / sb) / 2.0,
            (e1 / sa + e2 / sb) / 2.0,
            (1.0 / sa + e3 / sb) / 2.0
        ],
        [
            (1.0 / 3.0 + e / (e + 2.0)) / 2.0,
            (1.0 / 3.0 + 1.0 / (e + 2.0)) / 2.0,
            (1.0 / 3.0 + 1.0 / (e + 2.0)) / 2.0
        ]
    ];
    assert_close(&p, &expected, 1e-12);
    // The same numbers, written out (Python's math, 17 digits).
    let literal = array![
        [
            0.46691265382585995,
            0.17946183521969605,
            0.35362551095444394
        ],
        [0.4547251090495812, 0.2726374454752094, 0.2726374454752094]
    ];
    assert_close(&p, &literal, 1e-12);
    // A says class 2 for row 0, B class 0; the average says 0 (0.467 > 0.354).
    assert_eq!(ensemble::predict_classes(&p).unwrap(), [0, 0]);
    // With labels [2, 0]: A is right twice (row 1 ties three ways: class 0),
    // B once, the ensemble once — below the members' mean: averaging
    // probabilities does not guarantee beating the mean.
    let probs = [
        ensemble::member_probs(&a, &x).unwrap(),
        ensemble::member_probs(&b, &x).unwrap(),
    ];
    let ev = ensemble::evaluate(&probs, &[2, 0]).unwrap();
    assert_eq!(
        ev,
        Evaluation {
            members: vec![1.0, 0.5],
            ensemble: 0.5
        }
    );
    assert_eq!((ev.mean_member(), ev.best_member()), (0.75, 1.0));
}

#[test]
fn average_equals_mean_of_softmaxes() {
    let mut rng = StdRng::seed_from_u64(7);
    for members in 1..=5 {
        let logits: Vec<Array2<f64>> = (0..members)
            .map(|_| Array2::from_shape_simple_fn((6, 4), || 8.0 * (rng.random::<f64>() - 0.5)))
            .collect();
        // Through modules: an identity layer with each member's logits as bias.
        let models: Vec<Affine<f64>> = logits
            .iter()
            .map(|l| {
                Affine::from_values(
                    "m",
                    Array2::zeros((1, 4)),
                    l.row(0).to_owned().insert_axis(ndarray::Axis(0)),
                )
                .unwrap()
            })
            .collect();
        let by_hand: Vec<Array2<f64>> = logits.iter().map(softmax_by_hand).collect();
        let mut mean = Array2::<f64>::zeros((6, 4));
        for p in &by_hand {
            mean += p;
        }
        mean /= members as f64;
        let probs: Vec<Array2<f64>> = logits.iter().map(ensemble::softmax).collect();
        assert_close(&ensemble::average_probs(&probs).unwrap(), &mean, 1e-12);
        // The module route on one row (each bias is its logits' row 0).
        let refs: Vec<&Affine<f64>> = models.iter().collect();
        let p = ensemble::ensemble_probs(&refs, &array![[0.0]]).unwrap();
        assert_close(
            &p,
            &mean.row(0).to_owned().insert_axis(ndarray::Axis(0)),
            1e-12,
        );
    }
}

#[test]
fn one_member_is_its_own_softmax() {
    let (a, _) = two_members();
    let x = array![[1.0, 2.0, 3.0]];
    let p = ensemble::ensemble_probs(&[&a], &x).unwrap();
    assert_eq!(p, ensemble::softmax(&x));
}

#[test]
fn large_scores_give_no_nan() {
    let p = ensemble::softmax(&array![[1e4, -1e4, 0.0], [-1e308, 1e308, 1e308]]);
    assert_eq!(p, array![[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]]);
}

#[test]
fn ties_go_to_the_lowest_index_as_predict_does() {
    let p = array![
        [0.25, 0.25, 0.5],
        [0.4, 0.2, 0.4],
        [0.3, 0.35, 0.35],
        [0.5, 0.5, 0.0]
    ];
    assert_eq!(ensemble::predict_classes(&p).unwrap(), [2, 0, 1, 0]);
    // The same rule as `nn::accuracy` on a model whose scores are these rows.
    let id = Affine::from_values("id", Array2::<f64>::eye(3), array![[0.0, 0.0, 0.0]]).unwrap();
    for label in 0..3 {
        let labels = [label; 4];
        assert_eq!(
            ensemble::accuracy(&p, &labels).unwrap(),
            nn::accuracy(&id, &p, &labels),
            "label {label}"
        );
    }
    // Exactly equal averages tie: members [0.2, 0.8] and [0.8, 0.2] average to ½, ½.
    let avg = ensemble::average_probs(&[array![[0.2, 0.8]], array![[0.8, 0.2]]]).unwrap();
    assert_eq!(avg[[0, 0]], avg[[0, 1]]);
    assert_eq!(ensemble::predict_classes(&avg).unwrap(), [0]);
}

#[test]
fn works_in_f32() {
    let a = Affine::from_values("a", Array2::<f32>::eye(2), array![[0.0f32, 0.0]]).unwrap();
    let b = Affine::from_values("b", Array2::<f32>::eye(2), array![[1.0f32, 0.0]]).unwrap();
    let p = ensemble::ensemble_probs(&[&a, &b], &array![[0.0f32, 0.0]]).unwrap();
    assert!((p.sum() - 1.0).abs() < 1e-6);
    assert_eq!(ensemble::predict_classes(&p).unwrap(), [0]);
}

#[test]
fn errors_are_typed_and_name_the_member() {
    let (a, b) = two_members();
    let none: [&dyn Module<f64>; 0] = [];
    assert_eq!(
        ensemble::ensemble_probs(&none, &array![[1.0, 2.0, 3.0]]).unwrap_err(),
        EnsembleError::NoMembers
    );
    assert_eq!(
        ensemble::average_probs::<f64>(&[]).unwrap_err(),
        EnsembleError::NoMembers
    );
    // Class count and rows.
    let two = Affine::from_values("two", Array2::<f64>::zeros((3, 2)), array![[0.0, 0.0]]).unwrap();
    let members: [&dyn Module<f64>; 3] = [&a, &b, &two];
    let e = ensemble::ensemble_probs(&members, &array![[1.0, 2.0, 3.0]]).unwrap_err();
    assert_eq!(
        e,
        EnsembleError::Shape {
            member: 2,
            expected: (1, 3),
            found: (1, 2)
        }
    );
    let e = ensemble::average_probs(&[Array2::<f64>::zeros((2, 3)), Array2::<f64>::zeros((3, 3))])
        .unwrap_err();
    assert!(e.to_string().contains("member 1 gives 3×3"), "{e}");
    // A member that cannot take the input: its error, with its position.
    let wide = Affine::from_values(
        "wide",
        Array2::<f64>::zeros((4, 3)),
        array![[0.0, 0.0, 0.0]],
    )
    .unwrap();
    let members: [&dyn Module<f64>; 2] = [&a, &wide];
    let e = ensemble::ensemble_probs(&members, &array![[1.0, 2.0, 3.0]]).unwrap_err();
    assert!(matches!(e, EnsembleError::Model { member: 1, .. }), "{e:?}");
    assert!(e.to_string().starts_with("ensemble: member 1: "), "{e}");
    // NaN is never hidden.
    let e = ensemble::average_probs(&[array![[0.5, 0.5]], array![[f64::NAN, 0.5]]]).unwrap_err();
    assert_eq!(
        e,
        EnsembleError::NaN {
            member: Some(1),
            row: 0,
            col: 0
        }
    );
    let nan_model =
        Affine::from_values("nan", Array2::<f64>::eye(3), array![[0.0, f64::NAN, 0.0]]).unwrap();
    let e = ensemble::ensemble_probs(&[&a, &nan_model], &array![[1.0, 2.0, 3.0]]).unwrap_err();
    assert!(
        matches!(
            e,
            EnsembleError::NaN {
                member: Some(1),
                ..
            }
        ),
        "{e:?}"
    );
    let e = ensemble::predict_classes(&array![[0.1, f64::NAN]]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "ensemble: the probability at row 0, column 1 is NaN"
    );
    // Labels.
    let p = array![[0.5, 0.5], [0.9, 0.1]];
    for (labels, msg) in [
        (&[0][..], "ensemble: labels: 1 labels for 2 rows"),
        (
            &[0, 2][..],
            "ensemble: labels: label 2 in row 1 is out of range for 2 classes",
        ),
    ] {
        assert_eq!(ensemble::accuracy(&p, labels).unwrap_err().to_string(), msg);
    }
    let e = ensemble::accuracy(&Array2::<f64>::zeros((0, 2)), &[]).unwrap_err();
    assert_eq!(e.to_string(), "ensemble: labels: empty batch");
}

#[test]
fn top_k_ranks_by_validation_accuracy_stably() {
    let c = |model: usize, val_acc: f64| Candidate { model, val_acc };
    let cands = vec![c(0, 0.8), c(1, 0.9), c(2, 0.7), c(3, 0.9), c(4, 0.85)];
    let best: Vec<usize> = ensemble::top_k(cands.clone(), 3)
        .unwrap()
        .iter()
        .map(|c| c.model)
        .collect();
    assert_eq!(best, [1, 3, 4]);
    assert_eq!(ensemble::top_k(cands.clone(), 10).unwrap().len(), 5);
    assert_eq!(
        ensemble::top_k(cands, 0).unwrap_err().to_string(),
        "ensemble: top_k: k must be at least 1"
    );
    assert_eq!(
        ensemble::top_k(Vec::<Candidate<usize>>::new(), 2).unwrap_err(),
        EnsembleError::NoMembers
    );
    let e = ensemble::top_k(vec![c(0, 0.5), c(1, f64::NAN)], 1).unwrap_err();
    assert_eq!(
        e.to_string(),
        "ensemble: top_k: candidate 1's validation accuracy is NaN"
    );
}

fn mlp(seed: u64, batch_norm: bool) -> Mlp<f64> {
    Mlp::<f64>::builder(&[3, 5, 4])
        .batch_norm(batch_norm)
        .build(&mut StdRng::seed_from_u64(seed))
        .unwrap()
}

#[test]
fn probs_with_a_snapshot_equals_the_snapshotted_model_and_restores() {
    let x = array![[0.3, -1.0, 2.0], [1.0, 0.5, -0.2]];
    for bn in [false, true] {
        let other = mlp(1, bn);
        if bn {
            // Move batch norm's running statistics off their initial values.
            let tape = autograd::Tape::new();
            let mut ctx = nn::Ctx::train(&tape);
            let _ = other.forward(&mut ctx, tape.constant(x.clone()));
        }
        let mut model = mlp(2, bn);
        let before = ensemble::snapshot(&model);
        let p = ensemble::probs_with(&mut model, &ensemble::snapshot(&other), &x).unwrap();
        assert_eq!(
            p,
            ensemble::member_probs(&other, &x).unwrap(),
            "batch norm {bn}"
        );
        assert_ne!(p, ensemble::member_probs(&model, &x).unwrap());
        assert_eq!(
            ensemble::snapshot(&model),
            before,
            "the model's own values are back"
        );
    }
}

#[test]
fn probs_with_rejects_a_snapshot_that_does_not_fit_and_changes_nothing() {
    let x = array![[0.3, -1.0, 2.0]];
    let mut model = mlp(2, true);
    let before = ensemble::snapshot(&model);
    let (params, buffers) = before.clone();
    let fewer = (params[..2].to_vec(), buffers.clone());
    let e = ensemble::probs_with(&mut model, &fewer, &x).unwrap_err();
    assert!(
        e.to_string()
            .contains("snapshot has 2 parameters, the model 6"),
        "{e}"
    );
    let mut reshaped = params.clone();
    reshaped[0] = Array2::zeros((5, 3));
    let e = ensemble::probs_with(&mut model, &(reshaped, buffers.clone()), &x).unwrap_err();
    assert!(
        e.to_string().contains("is (5, 3), the model's (3, 5)"),
        "{e}"
    );
    let e = ensemble::probs_with(&mut model, &(params.clone(), vec![]), &x).unwrap_err();
    assert!(matches!(e, EnsembleError::Argument { .. }), "{e:?}");
    // A snapshot that fits but an input the model cannot take: values put back too.
    let other = ensemble::snapshot(&mlp(3, true));
    let e = ensemble::probs_with(&mut model, &other, &array![[1.0, 2.0]]).unwrap_err();
    assert!(matches!(e, EnsembleError::Model { .. }), "{e:?}");
    assert_eq!(ensemble::snapshot(&model), before);
}

#[test]
fn polyak_snapshot_takes_the_averages() {
    let bias = array![[1.0, -1.0]];
    let mut fc = Affine::from_values("fc", array![[0.0, 2.0]], bias.clone()).unwrap();
    let mut ema = Polyak::new(0.75).unwrap();
    ema.update(&fc.params()[..1]); // the weight only: the bias is never averaged
    fc.params_mut()[0].set(array![[4.0, 2.0]]);
    ema.update(&fc.params()[..1]);
    // 0.75·0 + 0.25·4 = 1; 0.75·2 + 0.25·2 = 2; the bias keeps its value.
    let (params, buffers) = ensemble::polyak_snapshot(&fc, &ema);
    assert_eq!(params, [array![[1.0, 2.0]], bias]);
    assert!(buffers.is_empty());
    assert_eq!(
        fc.params()[0].value(),
        &array![[4.0, 2.0]],
        "the model is untouched"
    );
}
