//! The search's last step, the notes' "top few models" ensemble: the k
//! best trials by validation accuracy, reloaded from their saved models,
//! their class probabilities averaged on the test split
//! (`nn::ensemble`), against the members alone.

use std::fmt::Write;

use nn::search::trials::{TrialRecord, TrialStatus};

use super::run::val_acc;
use super::trial::args_for;
use crate::train_job::{build, prepare};

/// The top-k ensemble's numbers on the test split.
#[derive(Debug, Clone, PartialEq)]
pub struct EnsembleRow {
    /// Per member: trial index, validation accuracy, test accuracy.
    pub members: Vec<(usize, f64, f64)>,
    /// The members' mean test accuracy.
    pub mean_member: f64,
    /// The best member's test accuracy.
    pub best_member: f64,
    /// The test accuracy of the averaged probabilities.
    pub ensemble: f64,
}

impl EnsembleRow {
    /// The table the example prints.
    pub fn table(&self) -> String {
        let mut s = format!(
            "top-{} ensemble on the test split (class probabilities averaged):\n  member trials:",
            self.members.len()
        );
        for (i, v, t) in &self.members {
            let _ = write!(s, " #{i} (val {:.2}%, test {:.2}%)", 100.0 * v, 100.0 * t);
        }
        let _ = write!(
            s,
            "\n  members' mean {:.2}%  best member {:.2}%  ensemble {:.2}%",
            100.0 * self.mean_member,
            100.0 * self.best_member,
            100.0 * self.ensemble
        );
        s
    }
}

/// Reloads the `k` best finished trials with a saved model and evaluates
/// them, alone and averaged, on the test split.
///
/// # Errors
/// No finished trial with a model, an unreadable model, a data error.
pub fn top_k_ensemble(records: &[TrialRecord], k: usize) -> Result<EnsembleRow, String> {
    let mut ranked: Vec<&TrialRecord> = records
        .iter()
        .filter(|r| r.status == TrialStatus::Ok && r.checkpoint.is_some())
        .collect();
    ranked.sort_by(|a, b| {
        val_acc(b)
            .total_cmp(&val_acc(a))
            .then(a.index.cmp(&b.index))
    });
    ranked.truncate(k);
    let first = ranked.first().ok_or("no finished trial saved a model")?;
    // Every trial of a search shares the data preparation (same split,
    // same augmentation flag), so the test split is prepared once.
    let data = prepare(&args_for(&first.config)?)?;
    let mut probs = Vec::with_capacity(ranked.len());
    for r in &ranked {
        let args = args_for(&r.config)?;
        let mut model = build::<f32>(&args, &data.sizes(&args.hidden), true)?;
        let path = r.checkpoint.as_deref().unwrap_or_default();
        nn::load(&mut model, std::path::Path::new(path))
            .map_err(|e| format!("trial {}: {e}", r.index))?;
        probs.push(
            nn::ensemble::member_probs(&model, data.test.features()).map_err(|e| e.to_string())?,
        );
    }
    let e = nn::ensemble::evaluate(&probs, &data.yte).map_err(|e| e.to_string())?;
    Ok(EnsembleRow {
        members: ranked
            .iter()
            .zip(&e.members)
            .map(|(r, &t)| (r.index, val_acc(r), t))
            .collect(),
        mean_member: e.mean_member(),
        best_member: e.best_member(),
        ensemble: e.ensemble,
    })
}
