//! The metrics file: JSON Lines, one object per line, each with a `"kind"`.
//!
//! | kind | fields |
//! |---|---|
//! | `"sanity"` | `name`, `passed`, `detail` |
//! | `"step"` | `step`, `epoch`, `data_loss`, `reg_loss`, `lr` |
//! | `"epoch"` | `epoch`, `step`, `lr`, `train_loss`, `reg_loss`, `train_acc`, `val_loss`, `val_acc`, `seconds`, `update_ratios` (object name → ratio), `layers` (array of `{name, activation, gradient, dead_fraction, activation_hist, gradient_hist}`, each summary `{mean, std, min, max}`, each histogram `{edges, counts}`) |
//!
//! Non-finite numbers are written as `null` (JSON has no NaN).

use std::io::{self, Write};

use serde_json::{Value, json};

use super::metrics::{EpochRecord, Histogram, SanityResult, StepRecord, Summary};

fn summary(s: &Summary) -> Value {
    json!({"mean": s.mean, "std": s.std, "min": s.min, "max": s.max})
}

fn hist(h: &Histogram) -> Value {
    json!({"edges": h.edges, "counts": h.counts})
}

/// A sanity result as one JSON object.
pub fn sanity_json(r: &SanityResult) -> Value {
    json!({"kind": "sanity", "name": r.name, "passed": r.passed, "detail": r.detail})
}

/// A step record as one JSON object.
pub fn step_json(r: &StepRecord) -> Value {
    json!({"kind": "step", "step": r.step, "epoch": r.epoch, "data_loss": r.data_loss,
           "reg_loss": r.reg_loss, "lr": r.lr})
}

/// An epoch record as one JSON object.
///
/// ```
/// let r = nn::train::EpochRecord { epoch: 3, val_acc: 0.5, ..Default::default() };
/// let v = nn::train::metrics_io::epoch_json(&r);
/// assert_eq!((v["kind"].as_str(), v["epoch"].as_u64()), (Some("epoch"), Some(3)));
/// ```
pub fn epoch_json(r: &EpochRecord) -> Value {
    let ratios: serde_json::Map<String, Value> = r
        .update_ratios
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    let layers: Vec<Value> = r
        .layers
        .iter()
        .map(|l| {
            json!({"name": l.name, "activation": summary(&l.activation), "gradient": summary(&l.gradient),
                   "dead_fraction": l.dead_fraction, "activation_hist": hist(&l.activation_hist),
                   "gradient_hist": hist(&l.gradient_hist)})
        })
        .collect();
    json!({"kind": "epoch", "epoch": r.epoch, "step": r.step, "lr": r.lr, "train_loss": r.train_loss,
           "reg_loss": r.reg_loss, "train_acc": r.train_acc, "val_loss": r.val_loss, "val_acc": r.val_acc,
           "seconds": r.seconds, "update_ratios": ratios, "layers": layers})
}

/// Writes the sanity results, steps and epochs, one JSON object per line.
///
/// ```
/// use nn::train::{SanityResult, StepRecord};
/// let mut out = Vec::new();
/// let s = [SanityResult { name: "loss at chance".into(), passed: true, detail: "ok".into() }];
/// let steps = [StepRecord { step: 0, epoch: 0, data_loss: 2.3, reg_loss: 0.0, lr: 1e-3 }];
/// nn::train::metrics_io::write_jsonl(&mut out, &s, &steps, &[]).unwrap();
/// let lines: Vec<serde_json::Value> = String::from_utf8(out).unwrap().lines()
///     .map(|l| serde_json::from_str(l).unwrap()).collect();
/// assert_eq!(lines[1]["kind"], "step");
/// assert_eq!(lines[1]["data_loss"], 2.3);
/// ```
///
/// # Errors
/// Any write error.
pub fn write_jsonl(
    out: &mut impl Write,
    sanity: &[SanityResult],
    steps: &[StepRecord],
    epochs: &[EpochRecord],
) -> io::Result<()> {
    let lines = sanity
        .iter()
        .map(sanity_json)
        .chain(steps.iter().map(step_json))
        .chain(epochs.iter().map(epoch_json));
    for v in lines {
        serde_json::to_writer(&mut *out, &v)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}
