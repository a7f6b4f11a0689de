//! Schedules, max-norm and Polyak averaging: hand-computed values, state
//! round trips, and composition with an optimizer.

use autograd::Param;
use ndarray::array;
use nn::layers::Affine;
use nn::optim::schedule::{Direction, Exponential, InverseTime, Plateau, Schedule, StepDecay};
use nn::optim::*;
use nn::{Ctx, Module};

fn rates(s: &mut impl Schedule, epochs: usize) -> Vec<f64> {
    (0..epochs)
        .map(|_| {
            let lr = s.learning_rate();
            s.advance();
            lr
        })
        .collect()
}

#[test]
fn closed_form_schedules_match_their_formulas() {
    // ×0.1 every 2 epochs from 1.
    let mut step = StepDecay::new(1.0, 0.1, 2).unwrap();
    let got = rates(&mut step, 5);
    let want = [1.0, 1.0, 0.1, 0.1, 0.1f64.powi(2)];
    assert_eq!(got, want);
    // 0.5·e^(−0.2t)
    let mut exp = Exponential::new(0.5, 0.2).unwrap();
    let got = rates(&mut exp, 4);
    let want: Vec<f64> = (0..4).map(|t| 0.5 * (-0.2 * t as f64).exp()).collect();
    assert_eq!(got, want);
    assert_eq!(got[0], 0.5);
    // 0.3/(1 + 0.5t): 0.3, 0.2, 0.15, 0.12
    let mut inv = InverseTime::new(0.3, 0.5).unwrap();
    let got = rates(&mut inv, 4);
    for (g, w) in got.iter().zip([0.3, 0.2, 0.15, 0.12]) {
        assert!((g - w).abs() < 1e-15, "{g} vs {w}");
    }
}

#[test]
fn plateau_halves_after_patience_and_stops_at_the_floor() {
    // Min mode (a validation loss), patience 2, factor 0.5, floor 0.03.
    let mut s = Plateau::new(0.1, 0.5, 2, 0.03, Direction::Min).unwrap();
    let mut seen = Vec::new();
    for loss in [
        1.0,
        0.8,
        0.8,
        0.9,
        0.85,
        0.7,
        0.75,
        f64::NAN,
        0.71,
        0.72,
        0.73,
        0.74,
    ] {
        s.observe(loss);
        s.advance();
        seen.push(s.learning_rate());
    }
    // 0.8 (bad 1), 0.9 (bad 2), 0.85 (bad 3 > 2: halve to 0.05);
    // 0.7 improves; 0.75, NaN, 0.71: halve to 0.025 → floor 0.03;
    // 0.72, 0.73, 0.74: stays at the floor.
    let want = [
        0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.03, 0.03, 0.03, 0.03,
    ];
    assert_eq!(seen, want);
    assert_eq!(s.best(), 0.7);
}

#[test]
fn schedules_restore_their_counters() {
    let mut a = Plateau::new(0.1, 0.5, 0, 0.0, Direction::Max).unwrap();
    for acc in [0.5, 0.4, 0.6] {
        a.observe(acc);
        a.advance();
    }
    let mut b = Plateau::new(0.1, 0.5, 0, 0.0, Direction::Max).unwrap();
    b.restore(&a.export::<f32>()).unwrap();
    assert_eq!(a, b);
    let mut s = StepDecay::new(1.0, 0.5, 1).unwrap();
    s.advance();
    let mut t = StepDecay::new(1.0, 0.5, 1).unwrap();
    t.restore(&s.export::<f64>()).unwrap();
    assert_eq!(t.learning_rate(), 0.5);
    assert!(matches!(
        t.restore(&a.export::<f64>()),
        Err(StateError::WrongKind { .. })
    ));
}

#[test]
fn a_schedule_drives_any_optimizer() {
    let mut opts: Vec<Box<dyn Optimizer<f64>>> = vec![
        Box::new(Sgd::new(SgdConfig::default()).unwrap()),
        Box::new(Adam::new(AdamConfig::default()).unwrap()),
    ];
    for opt in &mut opts {
        let mut s = InverseTime::new(0.2, 1.0).unwrap();
        s.advance();
        opt.set_learning_rate(s.learning_rate()).unwrap();
        assert_eq!(opt.learning_rate(), 0.1);
        assert_eq!(opt.export(&[]).scalar("lr"), Some(0.1));
    }
}

#[test]
fn max_norm_constrains_each_neurons_incoming_weights_a_column_of_affine_w() {
    // Affine 2 → 3: W is 2×3, neuron j's incoming weights are column j.
    let w = array![[6.0f64, 0.1, 0.0], [8.0, 0.2, -5.0]];
    let mut net = Affine::from_values("fc", w, array![[0.0, 0.0, 0.0]]).unwrap();
    let mut params = net.params_mut();
    MaxNorm::new(5.0).unwrap().apply(&mut params[..1]);
    // Column 0 (norm 10) → ×0.5; column 1 (norm √0.05) untouched; column 2
    // (norm exactly 5) on the sphere: untouched.
    assert_eq!(
        net.weight().value(),
        &array![[3.0, 0.1, 0.0], [4.0, 0.2, -5.0]]
    );
    // A layer's output for neuron 0 scales with it.
    let tape = autograd::Tape::new();
    let y = net.forward(&mut Ctx::eval(&tape), tape.constant(array![[1.0, 1.0]]));
    assert_eq!(y.value()[[0, 0]], 7.0);
}

#[test]
fn polyak_averages_swaps_and_restores() {
    let mut w = Param::new("w", array![[1.0f64, -1.0]]);
    let mut ema = Polyak::new(0.75).unwrap();
    ema.update(&[&w]); // avg = [1, −1]
    w.set(array![[3.0, 1.0]]);
    ema.update(&[&w]); // avg = 0.75·[1, −1] + 0.25·[3, 1] = [1.5, −0.5]
    w.set(array![[5.0, 3.0]]);
    ema.update(&[&w]); // avg = 0.75·[1.5, −0.5] + 0.25·[5, 3] = [2.375, 0.375]
    assert_eq!(ema.average(&w).unwrap(), &array![[2.375, 0.375]]);

    let before = w.value().as_ptr();
    ema.swap(&mut [&mut w]);
    assert!(ema.is_swapped());
    assert_eq!(w.value(), &array![[2.375, 0.375]]);
    ema.swap(&mut [&mut w]);
    assert_eq!(w.value(), &array![[5.0, 3.0]]);
    assert_eq!(
        w.value().as_ptr(),
        before,
        "swapping moves buffers, never copies"
    );

    // Export, restore onto a fresh parameter (new ParamId, same name and position).
    let state = ema.export(&[&w]);
    let fresh = Param::new("w", array![[0.0, 0.0]]);
    let mut again = Polyak::new(0.75).unwrap();
    again.restore(&[&fresh], &state).unwrap();
    assert_eq!(again.average(&fresh).unwrap(), &array![[2.375, 0.375]]);
    let renamed = Param::new("v", array![[0.0, 0.0]]);
    assert!(matches!(
        again.restore(&[&renamed], &state),
        Err(StateError::UnknownParam { .. })
    ));
}

#[test]
#[should_panic(expected = "polyak: update while the averages are swapped in")]
fn polyak_refuses_to_average_the_averages() {
    let mut w = Param::new("w", array![[1.0f32]]);
    let mut ema = Polyak::new(0.5).unwrap();
    ema.update(&[&w]);
    ema.swap(&mut [&mut w]);
    ema.update(&[&w]);
}
