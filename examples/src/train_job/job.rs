//! [`run`]: data, preprocessing, sanity checks, training with progress and
//! checkpoints, evaluation and the artifact directory.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use autograd::Var;
use nn::checkpoint::{RunDir, TrainingCheckpoint};
use nn::data::Dataset;
use nn::optim::schedule::Exponential;
use nn::optim::{Adam, AdamConfig, Optimizer, State};
use nn::train::{
    EpochEnd, Progress as RunProgress, SanityResult, TrainAccuracy, TrainConfig, Trainer,
    metrics_io, sanity,
};
use nn::{Mlp, Module, Penalty, Regularizer, losses};

use super::args::Args;
use super::progress::Progress;
use super::recipe::{Prepared, build, optimizer, prepare};
use crate::report::{RunSummary, write_run_report};

/// What a run ends with.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Sanity check results.
    pub sanity: Vec<SanityResult>,
    /// Accuracy of the best-by-validation model on train, val and test.
    pub train_acc: f64,
    /// Validation accuracy.
    pub val_acc: f64,
    /// Test accuracy.
    pub test_acc: f64,
    /// Seconds for the whole run.
    pub seconds: f64,
    /// The artifact directory.
    pub dir: PathBuf,
}

fn softmax<'t>(s: Var<'t, f32>, y: &[usize]) -> Var<'t, f32> {
    losses::softmax_cross_entropy(s, y)
}

fn softmax64<'t>(s: Var<'t, f64>, y: &[usize]) -> Var<'t, f64> {
    losses::softmax_cross_entropy(s, y)
}

/// The notes' four checks before learning, on `train`.
fn sanity_checks(
    args: &Args,
    sizes: &[usize],
    train: &Dataset<f32>,
    y: &[usize],
) -> Result<Vec<SanityResult>, String> {
    let n = train.len().min(200);
    let x = train
        .features()
        .slice_axis(ndarray::Axis(0), ndarray::Slice::from(..n))
        .to_owned();
    let classes = train.classes();
    // Loss at chance: the same net with weights shrunk 1000×.
    let mut small = build::<f32>(args, sizes, true)?;
    for p in small.params_mut() {
        p.update(|v| v.mapv_inplace(|w| w * 1e-3));
    }
    let chance = sanity::chance_loss(
        &small,
        &x,
        &y[..n],
        softmax,
        sanity::softmax_chance(classes),
        0.01,
    );
    let net = build::<f32>(args, sizes, true)?;
    let reg = sanity::reg_increases_loss(
        &net,
        &x,
        &y[..n],
        softmax,
        |l| Regularizer::new(Penalty::l2(l)),
        &[0.0, 1e-2, 1e-1, 1.0],
    );
    let tiny = 20.min(train.len());
    let mut copy = build::<f32>(args, sizes, true)?;
    let mut adam = Adam::new(AdamConfig {
        lr: 1e-2,
        ..Default::default()
    })
    .map_err(|e| e.to_string())?;
    let x20 = x
        .slice_axis(ndarray::Axis(0), ndarray::Slice::from(..tiny))
        .to_owned();
    let overfit = sanity::overfits_tiny(
        &mut copy,
        &mut adam,
        &x20,
        &y[..tiny],
        softmax,
        200,
        args.seed,
    );
    // Gradient check in f64 on the same architecture, after 5 steps.
    let mut net64 = build::<f64>(args, sizes, true)?;
    let x64 = x
        .slice_axis(ndarray::Axis(0), ndarray::Slice::from(..8.min(n)))
        .mapv(f64::from);
    let y8 = &y[..8.min(n)];
    let mut adam64 = Adam::new(AdamConfig {
        lr: 1e-3,
        ..Default::default()
    })
    .map_err(|e| e.to_string())?;
    let _ = sanity::overfits_tiny(&mut net64, &mut adam64, &x64, y8, softmax64, 5, args.seed);
    let reg64 = Regularizer::new(Penalty::l2(args.reg));
    let grad = sanity::gradient_check(&*net64, &x64, y8, softmax64, &reg64, 4);
    Ok(vec![chance, reg, overfit, grad])
}

/// The `train` binary's `main`: parses `argv`, runs, and returns the exit
/// code — 0, or 2 with clap's message (bad flag) or `error: …` on stderr
/// (bad value, bad file, failed run). `--help` prints usage and gives 0.
pub fn main_with<I, T>(argv: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    crate::cli_main(argv, |args: &Args| run(args).map(drop))
}

/// Runs the whole job; an `Err` is a message for the user (exit code 2).
///
/// # Errors
/// Bad flags' values, unreadable data, I/O errors, divergence.
pub fn run(args: &Args) -> Result<Outcome, String> {
    let start = Instant::now();
    args.validate()?;
    let data = prepare(args)?;
    let sizes = data.sizes(&args.hidden);
    let Prepared {
        name,
        feature_shape,
        prep,
        train,
        val,
        test,
        ytr,
        yva,
        yte,
    } = data;
    let dir = args.out_dir();
    let run_dir = RunDir::create(&dir).map_err(|e| e.to_string())?;
    let config = serde_json::json!({
        "data": args.data.as_ref().map_or("digits (embedded)".into(), |p| p.display().to_string()),
        "sizes": sizes, "epochs": args.epochs, "lr": args.lr, "lr_decay": args.lr_decay,
        "optimizer": format!("{:?}", args.optimizer).to_lowercase(), "reg": args.reg,
        "dropout_keep": args.dropout, "batch_size": args.batch_size, "seed": args.seed,
        "patience": args.patience, "preprocessing": format!("{:?} (fitted on train)", args.preprocess).to_lowercase(), "init": "He", "augment": if args.no_augment { "none" } else { "one-pixel shifts to the 8 neighbours (9x train)" },
        "split": "stratified 0.7/0.15/0.15, split seed 0",
    });
    let config_text = serde_json::to_string_pretty(&config).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("config.json"), &config_text)
        .map_err(|e| format!("{}: {e}", dir.display()))?;

    let sanity = if args.resume {
        Vec::new()
    } else {
        sanity_checks(args, &sizes, &train, &ytr)?
    };
    if !args.quiet {
        for r in &sanity {
            println!("{}", sanity::line(r));
        }
    }

    let mut model = build::<f32>(args, &sizes, true)?;
    let mut opt = optimizer::<f32>(args.optimizer, args.lr)?;
    let schedule = Exponential::new(args.lr, args.lr_decay).map_err(|e| e.to_string())?;
    let mut trainer = Trainer::new(TrainConfig {
        epochs: args.epochs,
        batch_size: args.batch_size,
        seed: args.seed,
        patience: args.patience,
        // Evaluated, not counted while training: with dropout and shifted
        // copies the running count lags, and the report's train-vs-validation
        // chart is read for overfitting (2048 rows cost ~1 ms an epoch here).
        train_accuracy: TrainAccuracy::Evaluated { rows: 2048 },
        ..Default::default()
    })
    .regularizer(Regularizer::new(Penalty::l2(args.reg)))
    .schedule(schedule);
    if args.resume {
        let Some(ckpt) = run_dir.load_last(&mut model).map_err(|e| e.to_string())? else {
            return Err(format!(
                "--resume: no {} yet",
                run_dir.last_path().display()
            ));
        };
        let get = |k: &str| {
            ckpt.states
                .get(k)
                .ok_or(format!("--resume: the checkpoint has no {k} state"))
        };
        opt.restore(&model.params(), get("optimizer")?)
            .map_err(|e| e.to_string())?;
        if let Some(s) = trainer.schedule_mut() {
            s.set_scalars(&get("schedule")?.scalars);
        }
        let mut best = build::<f32>(args, &sizes, true)?;
        let best_vals = run_dir
            .load_best(&mut best)
            .map_err(|e| e.to_string())?
            .map(|_| {
                let p = best.params().iter().map(|p| p.value().clone()).collect();
                let b = best.named_buffers().into_iter().map(|(_, b)| b).collect();
                (p, b)
            });
        trainer = trainer.resume(RunProgress::restore(get("progress")?, best_vals));
    }
    let done = trainer.progress().epoch;
    let progress = Progress::new(args.quiet, args.epochs, done);
    let prep_state = prep.export();
    let report = trainer
        .fit(
            &mut model,
            &mut *opt,
            &train,
            &val,
            softmax,
            |end: &EpochEnd<'_, f32, Mlp<f32>, dyn Optimizer<f32>>| {
                progress.epoch(end.record, args.epochs);
                for w in end.warnings {
                    progress.warn(w);
                }
                let mut ckpt = TrainingCheckpoint::new(args.seed, config.clone());
                ckpt.epoch = end.progress.epoch.into();
                ckpt.step = end.progress.step;
                ckpt.states.insert(
                    "optimizer".into(),
                    end.optimizer.export(&end.model.params()),
                );
                if let Some(s) = end.schedule {
                    let mut st = State::new(s.kind());
                    st.scalars = s.scalars();
                    ckpt.states.insert("schedule".into(), st);
                }
                ckpt.states.insert("progress".into(), end.progress.export());
                ckpt.states.insert("standardize".into(), prep_state.clone());
                run_dir
                    .save(&ckpt, end.model, end.is_best)
                    .map_err(|e| e.to_string())
            },
        )
        .map_err(|e| e.to_string());
    progress.finish();
    let report = report?;

    let acc = |x: &Dataset<f32>, y: &[usize]| {
        nn::try_accuracy(&model, x.features(), y).map_err(|e| e.to_string())
    };
    let (train_acc, val_acc, test_acc) = (acc(&train, &ytr)?, acc(&val, &yva)?, acc(&test, &yte)?);
    let mut file = OpenOptions::new()
        .create(true)
        .append(args.resume)
        .write(true)
        .truncate(!args.resume)
        .open(dir.join("metrics.jsonl"))
        .map_err(|e| format!("{}: {e}", dir.display()))?;
    metrics_io::write_jsonl(&mut file, &sanity, &report.steps, &report.epochs)
        .and_then(|()| file.flush())
        .map_err(|e| e.to_string())?;
    let seconds = start.elapsed().as_secs_f64();
    let table = vec![
        (
            "train accuracy".to_string(),
            format!("{:.2}%", 100.0 * train_acc),
        ),
        (
            "validation accuracy".to_string(),
            format!("{:.2}%", 100.0 * val_acc),
        ),
        (
            "test accuracy".to_string(),
            format!("{:.2}%", 100.0 * test_acc),
        ),
        ("wall time".to_string(), format!("{seconds:.2} s")),
    ];
    let w1 = model.params()[0].value().mapv(f64::from);
    let shape = &feature_shape;
    let first_layer = (shape.len() == 2).then(|| (&w1, [shape[0], shape[1]]));
    let title = format!("{}: {:?} MLP, seed {}", name, sizes, args.seed);
    write_run_report(
        &dir,
        &RunSummary {
            title: &title,
            config_json: &config_text,
            steps: &report.steps,
            epochs: &report.epochs,
            sanity: &sanity,
            first_layer,
            final_table: &table,
        },
    )
    .map_err(|e| format!("report: {e}"))?;
    if !args.quiet {
        for w in report.warnings.iter().rev().take(3) {
            println!("warning: {w}");
        }
    }
    println!(
        "train {:.2}%  validation {:.2}%  test {:.2}%  ({} epochs, {seconds:.2} s, artifacts in {})",
        100.0 * train_acc,
        100.0 * val_acc,
        100.0 * test_acc,
        report.progress.epoch,
        dir.display()
    );
    Ok(Outcome {
        sanity,
        train_acc,
        val_acc,
        test_acc,
        seconds,
        dir,
    })
}
