//! The trainer: reproducibility, early stopping, best parameters,
//! divergence, resume, taps and the metrics file.

#[path = "train/support.rs"]
mod support;

use nn::checkpoint::{RunDir, TrainingCheckpoint};
use nn::optim::schedule::Exponential;
use nn::optim::{Adam, AdamConfig, Optimizer, Sgd, SgdConfig, State};
use nn::train::{
    EpochRecord, LayerProbe, Progress, TrainAccuracy, TrainConfig, TrainError, Trainer, metrics_io,
};
use nn::{Module, Penalty, Regularizer};
use support::{digits_split, net, softmax};

fn config(epochs: u32) -> TrainConfig {
    TrainConfig {
        epochs,
        batch_size: 64,
        seed: 5,
        ..Default::default()
    }
}

fn values(m: &nn::Mlp<f32>) -> Vec<ndarray::Array2<f32>> {
    m.params().iter().map(|p| p.value().clone()).collect()
}

fn timeless(epochs: &[EpochRecord]) -> Vec<EpochRecord> {
    epochs
        .iter()
        .cloned()
        .map(|mut e| {
            e.seconds = 0.0;
            e
        })
        .collect()
}

fn adam(lr: f64) -> Adam<f32> {
    Adam::new(AdamConfig {
        lr,
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn same_seed_gives_a_bitwise_identical_run() {
    let (train, val) = digits_split();
    let run = || {
        let mut m = net(32, true, 1);
        let mut t = Trainer::new(config(3)).regularizer(Regularizer::new(Penalty::l2(1e-3)));
        let r = t
            .fit(&mut m, &mut adam(1e-2), &train, &val, softmax, |_| Ok(()))
            .unwrap();
        (values(&m), r.steps, timeless(&r.epochs))
    };
    let (a, b) = (run(), run());
    assert_eq!(a, b);
    assert!(a.2[2].val_acc > 0.8, "{}", a.2[2].val_acc);
    assert!(a.1.iter().all(|s| s.reg_loss > 0.0));
}

#[test]
fn patience_stops_early_and_the_best_parameters_come_back() {
    let (train, val) = digits_split();
    let mut m = net(16, false, 2);
    // lr 0: epoch 0 is the best and nothing after it improves.
    let mut t = Trainer::new(TrainConfig {
        patience: Some(2),
        ..config(10)
    });
    let r = t
        .fit(
            &mut m,
            &mut Sgd::new(SgdConfig { lr: 0.0 }).unwrap(),
            &train,
            &val,
            softmax,
            |_| Ok(()),
        )
        .unwrap();
    assert!(r.stopped_early);
    assert_eq!(r.epochs.len(), 3);
    assert_eq!(r.progress.best.as_ref().unwrap().epoch, 0);

    let mut m = net(16, false, 2);
    let mut t = Trainer::new(config(4));
    let r = t
        .fit(&mut m, &mut adam(1e-2), &train, &val, softmax, |_| Ok(()))
        .unwrap();
    let best = r.progress.best.unwrap();
    let top = r.epochs.iter().map(|e| e.val_acc).fold(0.0, f64::max);
    assert_eq!(best.val_acc, top);
    assert_eq!(values(&m), best.params);
}

#[test]
fn sgd_with_lr_1e3_stops_by_step_2_naming_step_loss_norm_and_parameter() {
    let (train, val) = digits_split();
    let mut m = net(256, false, 0);
    let mut t = Trainer::new(config(2));
    let e = t
        .fit(
            &mut m,
            &mut Sgd::new(SgdConfig { lr: 1e3 }).unwrap(),
            &train,
            &val,
            softmax,
            |_| Ok(()),
        )
        .unwrap_err();
    let TrainError::Diverged {
        step,
        ref worst_param,
        ..
    } = e
    else {
        panic!("{e}")
    };
    assert!(step <= 1, "{e}");
    assert!(worst_param.0.starts_with("fc"), "{e}");
    let msg = e.to_string();
    println!("{msg}");
    for part in ["step", "loss", "gradient norm", "worst parameter"] {
        assert!(msg.contains(part), "{msg}");
    }
    // A normal run never trips it.
    let mut m = net(256, true, 0);
    let mut t = Trainer::new(config(3)).regularizer(Regularizer::new(Penalty::l2(1e-4)));
    assert!(
        t.fit(&mut m, &mut adam(1e-3), &train, &val, softmax, |_| Ok(()))
            .is_ok()
    );
}

#[test]
fn resuming_at_epoch_2_ends_bit_for_bit_where_the_uninterrupted_run_does() {
    let (train, val) = digits_split();
    let cfg = |epochs| TrainConfig {
        restore_best: false,
        ..config(epochs)
    };
    let sched = || Exponential::new(1e-3, 0.1).unwrap();
    let mut full = net(32, true, 3);
    Trainer::new(cfg(4))
        .schedule(sched())
        .fit(
            &mut full,
            &mut adam(1e-3),
            &train,
            &val,
            softmax,
            |_| Ok(()),
        )
        .unwrap();

    let dir = std::env::temp_dir().join(format!("nn-train-resume-{}", std::process::id()));
    let run = RunDir::create(&dir).unwrap();
    let mut first = net(32, true, 3);
    let mut opt = adam(1e-3);
    Trainer::new(cfg(2))
        .schedule(sched())
        .fit(&mut first, &mut opt, &train, &val, softmax, |end| {
            let mut ck = TrainingCheckpoint::new(5, serde_json::json!({}));
            ck.epoch = end.progress.epoch.into();
            ck.states.insert(
                "optimizer".into(),
                end.optimizer.export(&end.model.params()),
            );
            let mut s = State::new("exponential");
            s.scalars = end.schedule.unwrap().scalars();
            ck.states.insert("schedule".into(), s);
            ck.states.insert("progress".into(), end.progress.export());
            run.save(&ck, end.model, end.is_best)
                .map_err(|e| e.to_string())
        })
        .unwrap();

    let mut resumed = net(32, true, 99); // different init: everything comes from the file
    let ck = run.load_last(&mut resumed).unwrap().unwrap();
    let mut opt = adam(1e-3);
    opt.restore(&resumed.params(), &ck.states["optimizer"])
        .unwrap();
    let mut best = net(32, true, 99);
    run.load_best(&mut best).unwrap().unwrap();
    let best = Some((values(&best), vec![]));
    let mut t = Trainer::new(cfg(4))
        .schedule(sched())
        .resume(Progress::restore(&ck.states["progress"], best));
    t.schedule_mut()
        .unwrap()
        .set_scalars(&ck.states["schedule"].scalars);
    let r = t
        .fit(&mut resumed, &mut opt, &train, &val, softmax, |_| Ok(()))
        .unwrap();
    assert_eq!(r.epochs.len(), 2);
    assert_eq!(values(&resumed), values(&full));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn taps_name_every_layer_and_count_dead_relus() {
    let (train, val) = digits_split();
    let mut m = net(16, true, 4);
    let r = Trainer::new(config(1))
        .fit(&mut m, &mut adam(1e-3), &train, &val, softmax, |_| Ok(()))
        .unwrap();
    let e = &r.epochs[0];
    let names: Vec<&str> = e.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["fc1", "relu1", "dropout1", "fc2"]);
    let relu = &e.layers[1];
    assert!(relu.dead_fraction.is_some_and(|d| (0.0..=1.0).contains(&d)));
    assert!(e.layers[0].dead_fraction.is_none());
    // The default probe is the epoch's last training batch: what is left
    // after the full batches of 64.
    let last_rows = match train.len() % 64 {
        0 => 64,
        r => r,
    } as u64;
    assert_eq!(
        relu.activation_hist.counts.iter().sum::<u64>(),
        last_rows * 16
    );
    assert!(relu.activation.min >= 0.0 && relu.gradient.std > 0.0);
    let names: Vec<&str> = e.update_ratios.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["fc1.W", "fc1.b", "fc2.W", "fc2.b"]);
    assert!(
        e.update_ratios
            .iter()
            .all(|(_, r)| *r > 0.0 && r.is_finite())
    );
}

#[test]
fn the_metrics_file_has_one_parsable_object_per_record() {
    let (train, val) = digits_split();
    let mut m = net(16, false, 4);
    let r = Trainer::new(config(2))
        .fit(&mut m, &mut adam(1e-3), &train, &val, softmax, |_| Ok(()))
        .unwrap();
    let mut out = Vec::new();
    metrics_io::write_jsonl(&mut out, &[], &r.steps, &r.epochs).unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), r.steps.len() + 2);
    assert_eq!(lines[0]["kind"], "step");
    assert_eq!(lines[0]["data_loss"].as_f64(), Some(r.steps[0].data_loss));
    let last = &lines[lines.len() - 1];
    assert_eq!(last["kind"], "epoch");
    assert_eq!(last["val_acc"].as_f64(), Some(r.epochs[1].val_acc));
    assert_eq!(last["layers"][1]["name"], "relu1");
    assert_eq!(
        last["update_ratios"]["fc1.W"].as_f64(),
        Some(r.epochs[1].update_ratios[0].1)
    );
}

#[test]
fn polyak_averages_are_evaluated_and_restored_while_training_uses_the_raw_weights() {
    let (train, val) = digits_split();
    let run = |polyak: Option<f64>| {
        let mut m = net(32, false, 6);
        let mut t = Trainer::new(config(3));
        if let Some(d) = polyak {
            t = t.polyak(d).unwrap();
        }
        let mut seen = false;
        let r = t
            .fit(&mut m, &mut adam(1e-2), &train, &val, softmax, |end| {
                seen |= end.polyak.is_some();
                Ok(())
            })
            .unwrap();
        (values(&m), r, seen)
    };
    let (plain, plain_r, seen) = run(None);
    assert!(!seen);
    let (avg, r, seen) = run(Some(0.9));
    assert!(seen);
    // The raw trajectory is the same (same steps); what is evaluated and kept differs.
    assert_eq!(r.steps, plain_r.steps);
    assert_ne!(avg, plain);
    assert_eq!(avg, r.progress.best.as_ref().unwrap().params);
    assert!(r.epochs[2].val_acc > 0.8, "{}", r.epochs[2].val_acc);
    assert!(Trainer::<f32>::new(config(1)).polyak(1.5).is_err());
}

#[test]
fn an_evaluated_probe_measures_the_first_rows_in_evaluation_mode() {
    let (train, val) = digits_split();
    let mut m = net(16, true, 4);
    let cfg = TrainConfig {
        layer_probe: LayerProbe::Rows(50),
        ..config(1)
    };
    let r = Trainer::new(cfg)
        .fit(&mut m, &mut adam(1e-3), &train, &val, softmax, |_| Ok(()))
        .unwrap();
    let relu = &r.epochs[0].layers[1];
    assert_eq!(relu.activation_hist.counts.iter().sum::<u64>(), 50 * 16);
    let off = TrainConfig {
        layer_probe: LayerProbe::Off,
        ..config(1)
    };
    let r = Trainer::new(off)
        .fit(&mut m, &mut adam(1e-3), &train, &val, softmax, |_| Ok(()))
        .unwrap();
    assert!(r.epochs[0].layers.is_empty());
}

/// With a model that does not move (learning rate 0) and no dropout, the
/// running accuracy counted over the epoch's batches is exactly the
/// evaluated accuracy on the whole training set — and it is not a constant:
/// different initializations give different values.
#[test]
fn running_training_accuracy_counts_every_example_once() {
    let (train, val) = digits_split();
    let run = |accuracy, seed| {
        let mut m = net(16, false, seed);
        let cfg = TrainConfig {
            train_accuracy: accuracy,
            ..config(1)
        };
        let mut sgd = Sgd::new(SgdConfig { lr: 0.0 }).unwrap();
        let r = Trainer::new(cfg)
            .fit(&mut m, &mut sgd, &train, &val, softmax, |_| Ok(()))
            .unwrap();
        r.epochs[0].train_acc
    };
    let running = run(TrainAccuracy::Running, 4);
    let evaluated = run(TrainAccuracy::Evaluated { rows: usize::MAX }, 4);
    assert_eq!(running, evaluated);
    assert_ne!(running, run(TrainAccuracy::Running, 5));
    assert!(running > 0.0 && running < 0.5, "{running}"); // an untrained net
}
