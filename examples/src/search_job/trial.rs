//! One search trial: a JSON config → the `train` example's recipe
//! ([`crate::train_job::recipe`]) → the validation metrics, and the best
//! model saved for the ensembles.
//!
//! A config is a JSON object; every key is optional and falls back to the
//! `train` example's default. An unknown key is an error, so a typo in a
//! search space cannot silently train the default.
//!
//! | key | type | `train` flag |
//! |---|---|---|
//! | `lr` | number | `--lr` |
//! | `lr_decay` | number | `--lr-decay` |
//! | `reg` | number | `--reg` |
//! | `keep` | number | `--dropout` (keep probability) |
//! | `hidden` | integer | `--hidden` (one hidden layer) |
//! | `optimizer` | `"adam"`, `"nesterov"`, `"sgd"` | `--optimizer` |
//! | `epochs`, `seed`, `batch_size` | integer | the same flags |
//! | `augment` | bool | the opposite of `--no-augment` |

use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Parser;
use nn::search::trials::{TrialOutcome, TrialSpec, TrialStatus};
use nn::train::{LayerProbe, TrainConfig, TrainError, Trainer};
use nn::{Penalty, Regularizer, losses};
use serde_json::{Value, json};

use crate::train_job::{Args, OptimizerKind, build, optimizer, prepare};

/// The `train` flags a trial config sets (see the module doc).
///
/// ```
/// let a = examples::search_job::args_for(&serde_json::json!({"lr": 0.01, "hidden": 32})).unwrap();
/// assert_eq!((a.lr, a.hidden.clone()), (0.01, vec![32]));
/// let e = examples::search_job::args_for(&serde_json::json!({"learning_rate": 0.01})).unwrap_err();
/// assert!(e.contains("unknown key `learning_rate`"), "{e}");
/// ```
///
/// # Errors
/// A config that is not an object, an unknown key, a value of the wrong
/// type or one the `train` example refuses.
pub fn args_for(config: &Value) -> Result<Args, String> {
    let mut a = Args::try_parse_from(["train", "--quiet"]).map_err(|e| e.to_string())?;
    let obj = config
        .as_object()
        .ok_or_else(|| format!("a trial config must be a JSON object, not {config}"))?;
    for (key, v) in obj {
        let num = || {
            v.as_f64()
                .ok_or_else(|| format!("`{key}` must be a number, not {v}"))
        };
        let int = || {
            v.as_u64()
                .ok_or_else(|| format!("`{key}` must be a non-negative integer, not {v}"))
        };
        let small = |n: u64| u32::try_from(n).map_err(|_| format!("`{key}` = {n} is too large"));
        match key.as_str() {
            "lr" => a.lr = num()?,
            "lr_decay" => a.lr_decay = num()?,
            "reg" => a.reg = num()?,
            "keep" => a.dropout = num()?,
            "hidden" => a.hidden = vec![int()? as usize],
            "epochs" => a.epochs = small(int()?)?,
            "seed" => a.seed = int()?,
            "batch_size" => a.batch_size = int()? as usize,
            "augment" => {
                a.no_augment = !v
                    .as_bool()
                    .ok_or_else(|| format!("`augment` must be true or false, not {v}"))?
            }
            "optimizer" => {
                a.optimizer = match v.as_str() {
                    Some("adam") => OptimizerKind::Adam,
                    Some("nesterov") => OptimizerKind::Nesterov,
                    Some("sgd") => OptimizerKind::Sgd,
                    _ => {
                        return Err(format!(
                            "`optimizer` must be adam, nesterov or sgd, not {v}"
                        ));
                    }
                }
            }
            other => return Err(format!("unknown key `{other}` in the trial config")),
        }
    }
    if a.hidden.contains(&0) {
        return Err("`hidden` must be at least 1".into());
    }
    a.validate()?;
    Ok(a)
}

/// Where trial `index`'s best model is saved under `models`.
pub fn model_path(models: &Path, index: usize) -> PathBuf {
    models.join(format!("trial-{index:04}.safetensors"))
}

/// Runs one trial: trains with the config, keeps the best-by-validation
/// parameters, saves them under `models` (if given) and reports
/// `val_acc`, `val_loss`, `train_acc` (counted while training),
/// `best_epoch`, `epochs_run` and `seconds`. Divergence is a `diverged`
/// outcome, anything else that fails a `failed` one: never a panic.
pub fn run_trial(spec: &TrialSpec, models: Option<&Path>) -> TrialOutcome {
    match try_run(spec, models) {
        Ok(o) => o,
        Err(Failure::Diverged(message)) => TrialOutcome {
            status: TrialStatus::Diverged { message },
            metrics: json!({}),
            checkpoint: None,
        },
        Err(Failure::Other(message)) => TrialOutcome::failed(message),
    }
}

enum Failure {
    Diverged(String),
    Other(String),
}

fn try_run(spec: &TrialSpec, models: Option<&Path>) -> Result<TrialOutcome, Failure> {
    let start = Instant::now();
    let args = args_for(&spec.config).map_err(Failure::Other)?;
    let data = prepare(&args).map_err(Failure::Other)?;
    let sizes = data.sizes(&args.hidden);
    let mut model = build::<f32>(&args, &sizes, true).map_err(Failure::Other)?;
    let mut opt = optimizer::<f32>(args.optimizer, args.lr).map_err(Failure::Other)?;
    let schedule = nn::optim::schedule::Exponential::new(args.lr, args.lr_decay)
        .map_err(|e| Failure::Other(e.to_string()))?;
    let mut trainer = Trainer::new(TrainConfig {
        epochs: args.epochs,
        batch_size: args.batch_size,
        seed: args.seed,
        layer_probe: LayerProbe::Off,
        ..Default::default()
    })
    .regularizer(Regularizer::new(Penalty::l2(args.reg)))
    .schedule(schedule);
    let report = trainer
        .fit(
            &mut model,
            &mut *opt,
            &data.train,
            &data.val,
            softmax,
            |_| Ok(()),
        )
        .map_err(|e| match e {
            TrainError::Diverged { .. } => Failure::Diverged(e.to_string()),
            other => Failure::Other(other.to_string()),
        })?;
    let best = report
        .progress
        .best
        .as_ref()
        .ok_or_else(|| Failure::Other("no epoch was run".into()))?;
    let last = report.epochs.last();
    let checkpoint = match models {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| Failure::Other(format!("{}: {e}", dir.display())))?;
            let path = model_path(dir, spec.index);
            nn::save(&model, &path).map_err(|e| Failure::Other(e.to_string()))?;
            Some(path.display().to_string())
        }
        None => None,
    };
    Ok(TrialOutcome {
        status: TrialStatus::Ok,
        metrics: json!({
            "val_acc": best.val_acc,
            "val_loss": best.val_loss,
            "best_epoch": best.epoch,
            "train_acc": last.map_or(0.0, |e| e.train_acc),
            "epochs_run": report.epochs.len(),
            "seconds": start.elapsed().as_secs_f64(),
        }),
        checkpoint,
    })
}

fn softmax<'t>(s: autograd::Var<'t, f32>, y: &[usize]) -> autograd::Var<'t, f32> {
    losses::softmax_cross_entropy(s, y)
}
