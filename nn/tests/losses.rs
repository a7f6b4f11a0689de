//! The data losses of `nn::losses`: hand-computed values and gradients
//! (ties on the hinge margin included), the notes' sanity values at
//! initialization, extreme logits in f32 and f64, property-based gradient
//! checks, and the exact label-validation messages.

use approx::assert_abs_diff_eq;
use autograd::{Error, Float, Tape, Var};
use ndarray::{Array2, array};
use nn::losses::*;

#[path = "../../autograd/tests/support/caller.rs"]
mod caller;

// ---------------------------------------------------------------------------
// Hand-computed values and gradients. Each loss is differentiated with an
// upstream gradient of 2.5 (not 1) so a loss that ignored its upstream
// would be caught, and compared with the formula in its module docs.

const UP: f64 = 2.5;

/// Value and `UP`-scaled gradient of `loss` at `x`.
fn value_and_grad(
    x: Array2<f64>,
    loss: impl Fn(Var<'_, f64>) -> Var<'_, f64>,
) -> (f64, Array2<f64>) {
    let tape = Tape::new();
    let v = tape.leaf(x);
    let l = loss(v);
    let g = l.backward_with(array![[UP]]);
    (l.item(), g[v].clone())
}

fn assert_close(got: &Array2<f64>, want: &Array2<f64>) {
    assert_eq!(got.dim(), want.dim());
    for (g, w) in got.iter().zip(want) {
        assert_abs_diff_eq!(*g, *w, epsilon = 1e-12);
    }
}

/// Three rows built so the hinge sees every case: row 0 has two margins
/// exactly at 0 (ties) and one positive; row 1 two positive and one
/// negative; row 2 one tie, one negative, one positive.
fn hinge_scores() -> (Array2<f64>, Vec<usize>) {
    let s = array![
        [1.0, 2.0, 1.0, 3.5],   // y = 1: margins 0, —, 0, 2.5
        [0.5, 0.0, -1.0, 0.25], // y = 0: margins —, 0.5, −0.5, 0.75
        [2.0, -3.0, 4.0, 3.0],  // y = 3: margins 0, −5, 2, —
    ];
    (s, vec![1, 0, 3])
}

#[test]
fn svm_value_and_gradient_with_ties_on_the_margin() {
    let (s, y) = hinge_scores();
    let (value, grad) = value_and_grad(s, |v| svm(v, &y));
    assert_abs_diff_eq!(value, (2.5 + 1.25 + 2.0) / 3.0, epsilon = 1e-15);
    // 1/N per positive margin; the correct class gets −(count)/N; the ties
    // (margin exactly 0) get exactly 0.
    let want = array![
        [0.0, -1.0, 0.0, 1.0],
        [-2.0, 1.0, 0.0, 1.0],
        [0.0, 0.0, 1.0, -1.0],
    ] * (UP / 3.0);
    assert_close(&grad, &want);
    assert_eq!(grad[[0, 0]], 0.0);
    assert_eq!(grad[[0, 2]], 0.0);
    assert_eq!(grad[[2, 0]], 0.0);
}

#[test]
fn svm_ignores_the_correct_class_term() {
    // All scores equal: every other class sits at margin Δ = 1; the correct
    // class's own max(0, Δ) must not count: L = C − 1 exactly.
    let (value, grad) = value_and_grad(Array2::from_elem((2, 4), 0.3), |v| svm(v, &[2, 0]));
    assert_eq!(value, 3.0);
    let want = array![[1.0, 1.0, -3.0, 1.0], [-3.0, 1.0, 1.0, 1.0]] * (UP / 2.0);
    assert_close(&grad, &want);
}

#[test]
fn squared_hinge_value_and_gradient_with_ties_on_the_margin() {
    let (s, y) = hinge_scores();
    let (value, grad) = value_and_grad(s, |v| squared_hinge(v, &y));
    assert_abs_diff_eq!(value, (6.25 + 0.25 + 0.5625 + 4.0) / 3.0, epsilon = 1e-15);
    let want = array![
        [0.0, -5.0, 0.0, 5.0],
        [-2.5, 1.0, 0.0, 1.5],
        [0.0, 0.0, 4.0, -4.0],
    ] * (UP / 3.0);
    assert_close(&grad, &want);
}

#[test]
fn softmax_value_and_gradient() {
    let s = array![[1.0, -0.5, 2.0], [0.0, 3.0, -1.0]];
    let y = [2, 0];
    let (value, grad) = value_and_grad(s.clone(), |v| softmax_cross_entropy(v, &y));
    let mut want_value = 0.0;
    let mut want = Array2::zeros((2, 3));
    for (i, row) in s.rows().into_iter().enumerate() {
        let z: f64 = row.iter().map(|x| x.exp()).sum();
        want_value += z.ln() - row[y[i]];
        for j in 0..3 {
            let onehot = if j == y[i] { 1.0 } else { 0.0 };
            want[[i, j]] = UP * (row[j].exp() / z - onehot) / 2.0;
        }
    }
    assert_abs_diff_eq!(value, want_value / 2.0, epsilon = 1e-14);
    assert_close(&grad, &want);
}

#[test]
fn binary_logistic_value_and_gradient_including_zero_logits() {
    let z = array![[0.0, 2.0, -1.5], [0.0, -3.0, 0.5]];
    let y = array![[1.0, 0.0, 1.0], [0.0, 0.0, 1.0]];
    let (value, grad) = value_and_grad(z.clone(), |v| binary_logistic(v, &y));
    let sigma = |x: f64| 1.0 / (1.0 + (-x).exp());
    let naive: f64 = z
        .iter()
        .zip(&y)
        .map(|(&z, &y)| -y * sigma(z).ln() - (1.0 - y) * (1.0 - sigma(z)).ln())
        .sum();
    assert_abs_diff_eq!(value, naive / 2.0, epsilon = 1e-14);
    let want = Array2::from_shape_fn((2, 3), |(i, j)| UP * (sigma(z[[i, j]]) - y[[i, j]]) / 2.0);
    assert_close(&grad, &want);
    // At z = 0 the slope is σ(0) − y = ±½ exactly, not −y (see the module docs).
    assert_eq!(grad[[0, 0]], -0.5 * UP / 2.0);
    assert_eq!(grad[[1, 0]], 0.5 * UP / 2.0);
}

#[test]
fn binary_hinge_value_and_gradient_with_a_tie_on_the_margin() {
    let z = array![[2.0, 1.0], [0.5, -0.25], [-1.0, 3.0]];
    let y = array![[1.0, 1.0], [1.0, -1.0], [1.0, -1.0]];
    // 1 − y z: −1, 0 (tie), 0.5, 0.75, 2, 4
    let (value, grad) = value_and_grad(z, |v| binary_hinge(v, &y));
    assert_eq!(value, (0.5 + 0.75 + 2.0 + 4.0) / 3.0);
    let want = array![[0.0, 0.0], [-1.0, 1.0], [-1.0, 1.0]] * (UP / 3.0);
    assert_close(&grad, &want);
    assert_eq!(grad[[0, 1]], 0.0);
}

#[test]
fn l2_regression_value_and_gradient() {
    let f = array![[1.0, -2.0, 0.5], [3.0, 0.0, 1.0]];
    let t = array![[0.0, 0.0, 0.5], [1.0, -1.0, 2.0]];
    let (value, grad) = value_and_grad(f.clone(), |v| l2_regression(v, &t));
    // squared, no ½, summed over outputs, averaged over the 2 rows
    assert_eq!(value, (1.0 + 4.0 + 0.0 + 4.0 + 1.0 + 1.0) / 2.0);
    assert_close(&grad, &((&f - &t) * (2.0 * UP / 2.0)));
}

#[test]
fn l1_regression_value_and_gradient_with_a_perfect_prediction() {
    let f = array![[1.0, -2.0, 0.5], [3.0, 0.0, 1.0]];
    let t = array![[0.0, 0.0, 0.5], [1.0, -1.0, 2.0]];
    let (value, grad) = value_and_grad(f, |v| l1_regression(v, &t));
    assert_eq!(value, (1.0 + 2.0 + 0.0 + 2.0 + 1.0 + 1.0) / 2.0);
    let want = array![[1.0, -1.0, 0.0], [1.0, 1.0, -1.0]] * (UP / 2.0);
    assert_close(&grad, &want);
}

#[test]
fn huber_value_and_gradient_on_both_sides_of_delta() {
    let f = array![[1.0, -2.0, 0.5], [3.0, 0.0, 1.0]];
    let t = array![[0.0, 0.0, 0.5], [1.0, -1.0, 2.0]];
    // residuals [[1, −2, 0], [2, 1, −1]], δ = 1.5: ½r² inside, δ(|r| − ½δ) outside
    let (value, grad) = value_and_grad(f.clone(), |v| huber(v, &t, 1.5));
    assert_eq!(value, (0.5 + 1.875 + 0.0 + 1.875 + 0.5 + 0.5) / 2.0);
    // clamp(r, −δ, δ) · UP / m
    let want = array![[1.0, -1.5, 0.0], [1.5, 1.0, -1.0]] * (UP / 2.0);
    assert_close(&grad, &want);

    // δ = 1 puts four residuals exactly on ±δ: both pieces give ½ there and
    // the gradient is r (clamp passes the gradient at its bounds).
    let (value, grad) = value_and_grad(f, |v| huber(v, &t, 1.0));
    assert_eq!(value, (0.5 + 1.5 + 0.0 + 1.5 + 0.5 + 0.5) / 2.0);
    let want = array![[1.0, -1.0, 0.0], [1.0, 1.0, -1.0]] * (UP / 2.0);
    assert_close(&grad, &want);
}

#[test]
fn huber_is_half_l2_for_a_large_delta_and_delta_times_l1_far_out() {
    let f = array![[0.3, -0.2], [0.1, 0.4]];
    let t = Array2::zeros((2, 2));
    let (h, gh) = value_and_grad(f.clone(), |v| huber(v, &t, 10.0));
    let (l2, gl2) = value_and_grad(f.clone(), |v| l2_regression(v, &t));
    assert_abs_diff_eq!(h, l2 / 2.0, epsilon = 1e-15);
    assert_close(&gh, &(gl2 / 2.0));
    let far = f * 100.0; // every |r| ≥ 10 > δ = 0.5: h = δ|r| − δ²/2
    let (h, gh) = value_and_grad(far.clone(), |v| huber(v, &t, 0.5));
    let (l1, gl1) = value_and_grad(far, |v| l1_regression(v, &t));
    assert_abs_diff_eq!(h, 0.5 * l1 - 4.0 * 0.125 / 2.0, epsilon = 1e-12);
    assert_close(&gh, &(gl1 * 0.5));
}

#[test]
fn huber_is_finite_for_residuals_whose_square_overflows() {
    // In f32, (1e30)² overflows; the loss never squares a residual beyond δ.
    let tape = Tape::<f32>::new();
    tape.detect_anomalies(true);
    let f = tape.leaf(array![[1e30_f32, -1e30], [0.5, 0.0]]);
    let l = huber(f, &Array2::zeros((2, 2)), 1.0);
    assert_eq!(l.item(), (2e30 - 1.0 + 0.125) / 2.0);
    let g = l.try_backward().expect("no anomaly");
    assert_eq!(g[f], array![[0.5, -0.5], [0.25, 0.0]]);
}

#[test]
fn huber_propagates_nan() {
    let tape = Tape::<f64>::new();
    let f = tape.leaf(array![[f64::NAN, 0.0]]);
    assert!(huber(f, &Array2::zeros((1, 2)), 1.0).item().is_nan());
}

#[test]
fn huber_argument_errors() {
    let tape = Tape::<f64>::new();
    let f = tape.leaf(Array2::zeros((2, 2)));
    for delta in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        let e = try_huber(f, &Array2::zeros((2, 2)), delta).unwrap_err();
        assert!(matches!(e, Error::Argument { op: "huber", .. }), "{e}");
        assert_eq!(
            e.to_string(),
            format!("huber: delta must be positive and finite, got {delta}")
        );
    }
    assert_eq!(
        try_huber(f, &Array2::zeros((2, 3)), 1.0)
            .unwrap_err()
            .to_string(),
        "huber: targets are 2×3, predictions are 2×2"
    );
}

// ---------------------------------------------------------------------------
// The notes' sanity checks at initialization.

/// Deterministic scores in (−1, 1) scaled by 0.001: "tiny weights".
fn tiny_scores(m: usize, c: usize) -> Array2<f64> {
    Array2::from_shape_fn((m, c), |(i, j)| {
        0.001 * ((i * 7919 + j * 104_729) as f64).sin()
    })
}

#[test]
fn softmax_at_chance_is_ln_of_the_class_count() {
    let labels: Vec<usize> = (0..50).map(|i| (i * 3) % 10).collect();
    let tape = Tape::new();
    let loss = softmax_cross_entropy(tape.leaf(tiny_scores(50, 10)), &labels);
    assert!((loss.item() - 10f64.ln()).abs() < 1e-3, "{}", loss.item());
    assert!((loss.item() - 2.302).abs() < 1e-3);
}

#[test]
fn svm_with_tiny_weights_is_classes_minus_one() {
    let labels: Vec<usize> = (0..50).map(|i| (i * 7) % 10).collect();
    let tape = Tape::new();
    let loss = svm(tape.leaf(tiny_scores(50, 10)), &labels);
    assert!((loss.item() - 9.0).abs() < 1e-2, "{}", loss.item());
}

// ---------------------------------------------------------------------------
// Extreme logits: finite loss and finite gradients in both precisions.

fn extreme<F: Float>() -> (Array2<F>, Array2<F>, Array2<F>) {
    let big = F::of(1e4);
    let z = array![[big, -big, F::zero()], [-big, big, big]];
    let zero_one = array![
        [F::zero(), F::one(), F::one()],
        [F::zero(), F::one(), F::zero()]
    ];
    let signs = zero_one.mapv(|y| y + y - F::one());
    (z, zero_one, signs)
}

fn extremes_are_finite<F: Float>() {
    let (z, zero_one, signs) = extreme::<F>();
    let labels = [1, 0]; // row 1's label is the losing class: loss ≈ 2e4
    type LossFn<F> = for<'t> fn(Var<'t, F>, &[usize], &Array2<F>, &Array2<F>) -> Var<'t, F>;
    let cases: [(&str, LossFn<F>); 5] = [
        ("svm", |v, y, _, _| svm(v, y)),
        ("squared_hinge", |v, y, _, _| squared_hinge(v, y)),
        ("softmax_cross_entropy", |v, y, _, _| {
            softmax_cross_entropy(v, y)
        }),
        ("binary_logistic", |v, _, b, _| binary_logistic(v, b)),
        ("binary_hinge", |v, _, _, s| binary_hinge(v, s)),
    ];
    for (name, loss) in cases {
        let tape = Tape::<F>::new();
        // Anomaly mode also catches a NaN or ±∞ in an *intermediate* node
        // (forward or backward) that a finite final value could hide.
        tape.detect_anomalies(true);
        let v = tape.leaf(z.clone());
        let l = loss(v, &labels, &zero_one, &signs);
        assert!(
            l.item().is_finite(),
            "{name} ({}): loss {}",
            F::NAME,
            l.item()
        );
        let g = l
            .try_backward()
            .unwrap_or_else(|e| panic!("{name} ({}): {e}", F::NAME));
        assert!(
            g[v].iter().all(|x| x.is_finite()),
            "{name} ({}): gradient {:?}",
            F::NAME,
            g[v]
        );
    }
}

#[test]
fn extreme_logits_are_finite_in_f64() {
    extremes_are_finite::<f64>();
    // and the values are the exact limits
    let tape = Tape::<f64>::new();
    let (z, zero_one, _) = extreme::<f64>();
    let sce = softmax_cross_entropy(tape.leaf(z.clone()), &[1, 0]);
    // row 0: lse ≈ 1e4, picked −1e4 → 2e4; row 1: lse = 1e4 + ln 2, picked −1e4
    assert_abs_diff_eq!(sce.item(), (4e4 + 2f64.ln()) / 2.0, epsilon = 1e-9);
    let logistic = binary_logistic(tape.leaf(z), &zero_one);
    // per entry softplus(z) − z y: 1e4, 1e4, ln 2, 0, 0, 1e4
    assert_abs_diff_eq!(logistic.item(), (3e4 + 2f64.ln()) / 2.0, epsilon = 1e-9);
}

#[test]
fn extreme_logits_are_finite_in_f32() {
    extremes_are_finite::<f32>();
}

// ---------------------------------------------------------------------------
// Label validation: typed errors with exact messages from the `try_` forms,
// the same message as a panic from the plain forms.

fn zeros(m: usize, n: usize) -> Array2<f64> {
    Array2::zeros((m, n))
}

#[test]
fn class_label_errors() {
    let tape = Tape::new();
    let s = tape.leaf(zeros(3, 4));
    type Try = for<'t> fn(Var<'t, f64>, &[usize]) -> autograd::Result<Var<'t, f64>>;
    let losses: [(&str, Try); 3] = [
        ("svm", try_svm),
        ("squared_hinge", try_squared_hinge),
        ("softmax_cross_entropy", try_softmax_cross_entropy),
    ];
    for (name, loss) in losses {
        let e = loss(s, &[0, 1]).unwrap_err();
        assert!(matches!(e, Error::Argument { op, .. } if op == name));
        assert_eq!(
            e.to_string(),
            format!("{name}: 2 labels for 3 rows of scores (3×4)")
        );

        let e = loss(s, &[0, 4, 9]).unwrap_err();
        assert!(matches!(e, Error::Argument { op, .. } if op == name));
        assert_eq!(
            e.to_string(),
            format!("{name}: label 4 in row 1 is out of range for 4 classes")
        );

        let e = loss(tape.leaf(zeros(0, 4)), &[]).unwrap_err();
        assert!(matches!(e, Error::Shape { op, .. } if op == name));
        assert_eq!(
            e.to_string(),
            format!("{name}: empty batch: scores are 0×4")
        );
    }
    // nothing was recorded for the refused calls beyond the inputs
    assert_eq!(tape.len(), 4);
}

#[test]
fn binary_label_errors() {
    let tape = Tape::new();
    let z = tape.leaf(zeros(2, 3));
    let e = try_binary_logistic(z, &array![[0.0, 1.0, 1.0], [1.0, 0.5, 0.0]]).unwrap_err();
    assert!(matches!(
        e,
        Error::Argument {
            op: "binary_logistic",
            ..
        }
    ));
    assert_eq!(
        e.to_string(),
        "binary_logistic: label 0.5 at [1, 1] is not 0 or 1"
    );
    let e = try_binary_logistic(z, &array![[f64::NAN, 1.0, 1.0], [1.0, 0.0, 0.0]]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "binary_logistic: label NaN at [0, 0] is not 0 or 1"
    );
    let e = try_binary_logistic(z, &zeros(3, 2)).unwrap_err();
    assert!(matches!(
        e,
        Error::Shape {
            op: "binary_logistic",
            ..
        }
    ));
    assert_eq!(
        e.to_string(),
        "binary_logistic: labels are 3×2, logits are 2×3"
    );

    let e = try_binary_hinge(z, &array![[1.0, -1.0, 1.0], [0.0, 1.0, 1.0]]).unwrap_err();
    assert!(matches!(
        e,
        Error::Argument {
            op: "binary_hinge",
            ..
        }
    ));
    assert_eq!(
        e.to_string(),
        "binary_hinge: label 0 at [1, 0] is not -1 or +1"
    );
    let e = try_binary_hinge(z, &zeros(2, 1)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "binary_hinge: labels are 2×1, scores are 2×3"
    );
}

#[test]
fn regression_target_errors() {
    let tape = Tape::new();
    let f = tape.leaf(zeros(4, 2));
    let e = try_l2_regression(f, &zeros(4, 1)).unwrap_err();
    assert!(matches!(
        e,
        Error::Shape {
            op: "l2_regression",
            ..
        }
    ));
    assert_eq!(
        e.to_string(),
        "l2_regression: targets are 4×1, predictions are 4×2"
    );
    let e = try_l1_regression(f, &zeros(2, 4)).unwrap_err();
    assert!(matches!(
        e,
        Error::Shape {
            op: "l1_regression",
            ..
        }
    ));
    assert_eq!(
        e.to_string(),
        "l1_regression: targets are 2×4, predictions are 4×2"
    );
}

/// Issue 9: a NaN or ±∞ regression target used to give a silent NaN (or
/// ∞) loss, while logistic labels were validated. Now it is an argument
/// error naming the loss, the row, the column and the value.
#[test]
fn regression_targets_must_be_finite() {
    let tape = Tape::new();
    let f = tape.leaf(zeros(3, 2));
    for (bad, shown) in [
        (f64::NAN, "NaN"),
        (f64::INFINITY, "inf"),
        (f64::NEG_INFINITY, "-inf"),
    ] {
        let mut y = zeros(3, 2);
        y[[2, 1]] = bad;
        for (loss, e) in [
            ("l2_regression", try_l2_regression(f, &y).unwrap_err()),
            ("l1_regression", try_l1_regression(f, &y).unwrap_err()),
        ] {
            assert!(
                matches!(e, Error::Argument { op, .. } if op == loss),
                "{e:?}"
            );
            assert_eq!(
                e.to_string(),
                format!("{loss}: target {shown} at row 2, column 1 is not finite")
            );
        }
    }
    // f32 too, and the first bad target is the one named.
    let tape = Tape::<f32>::new();
    let f = tape.leaf(Array2::zeros((2, 2)));
    let y = array![[0.0, f32::NAN], [f32::INFINITY, 0.0]];
    assert_eq!(
        try_l2_regression(f, &y).unwrap_err().to_string(),
        "l2_regression: target NaN at row 0, column 1 is not finite"
    );
}

#[test]
#[should_panic(expected = "svm: label 5 in row 0 is out of range for 2 classes")]
fn plain_svm_panics_with_the_same_message() {
    let tape = Tape::new();
    let _ = svm(tape.leaf(zeros(1, 2)), &[5]);
}

#[test]
#[should_panic(expected = "softmax_cross_entropy: 1 labels for 2 rows of scores (2×2)")]
fn plain_softmax_panics_with_the_same_message() {
    let tape = Tape::new();
    let _ = softmax_cross_entropy(tape.leaf(zeros(2, 2)), &[0]);
}

#[test]
#[should_panic(expected = "binary_logistic: label 2 at [0, 1] is not 0 or 1")]
fn plain_binary_logistic_panics_with_the_same_message() {
    let tape = Tape::new();
    let _ = binary_logistic(tape.leaf(zeros(1, 2)), &array![[0.0, 2.0]]);
}

#[test]
#[should_panic(expected = "l2_regression: targets are 1×1, predictions are 1×2")]
fn plain_l2_regression_panics_with_the_same_message() {
    let tape = Tape::new();
    let _ = l2_regression(tape.leaf(zeros(1, 2)), &zeros(1, 1));
}

#[test]
fn plain_huber_panics_at_the_callers_line() {
    let tape = Tape::new();
    let f = tape.leaf(zeros(1, 2));
    assert_panics_here!(
        huber(f, &zeros(1, 2), -1.0),
        "huber: delta must be positive and finite, got -1"
    );
    assert_panics_here!(
        huber(f, &zeros(2, 2), 1.0),
        "huber: targets are 2×2, predictions are 1×2"
    );
}

#[test]
fn every_node_a_loss_records_points_at_the_callers_line() {
    // `#[track_caller]` all the way down: `{tape:#}` shows where the user
    // called the loss, not a line inside `nn`.
    let tape = Tape::new();
    let s = tape.leaf(zeros(2, 3));
    let y = array![[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]];
    let _ = svm(s, &[0, 1]);
    let _ = squared_hinge(s, &[0, 1]);
    let _ = softmax_cross_entropy(s, &[2, 2]);
    let _ = binary_logistic(s, &y);
    let _ = binary_hinge(s, &y.mapv(|v| 2.0 * v - 1.0));
    let _ = l2_regression(s, &y);
    let _ = l1_regression(s, &y);
    let listing = format!("{tape:#}");
    for line in listing.lines() {
        assert!(line.contains("tests/losses.rs"), "{line}");
    }
}

#[test]
fn plain_forms_panic_at_the_callers_line() {
    use std::sync::{Arc, Mutex};
    // Tests run on several threads and the panic hook is global, so the
    // hook only records the panic this test provokes (by its message).
    let seen = Arc::new(Mutex::new(None));
    let sink = Arc::clone(&seen);
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info.payload().downcast_ref::<String>();
        if message.is_some_and(|m| m.contains("binary_hinge: label 0 at [0, 0]")) {
            *sink.lock().unwrap() = info.location().map(|l| (l.file().to_string(), l.line()));
        }
    }));
    let tape = Tape::new();
    let z = tape.leaf(zeros(1, 1));
    let expected = line!() + 2; // the `binary_hinge` call, as rustfmt lays it out
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        binary_hinge(z, &zeros(1, 1)).item()
    }));
    std::panic::set_hook(previous);
    assert!(outcome.is_err());
    let (file, line) = seen.lock().unwrap().clone().expect("the panic was seen");
    assert!(file.ends_with("losses.rs"), "{file}");
    assert_eq!(line, expected);
}
