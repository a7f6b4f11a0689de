//! What the search tries: the digits net's search space, and each stage's
//! trials planned from the results so far.
//!
//! **Stage 1 (coarse)** samples the wide [`space`] (random, a grid of two
//! values per numeric hyperparameter, or Bayesian optimization, which
//! starts random) and trains each trial for a few epochs. **Stage 2
//! (fine)** narrows every range around the best stage-1 trials
//! (`nn::search::narrow`: the top 25 %, at least 3, spanned in unit
//! coordinates, widened by 5 % each side, at least 10 % wide) and trains
//! longer. A plan is a pure function of the flags and of the finished
//! stage-1 results, so rerunning a command plans exactly the same trials
//! and the runner skips the finished ones.

use nn::search::trials::{TrialRecord, TrialSpec, TrialStatus};
use nn::search::{
    BayesConfig, BayesOpt, Config, Direction, GridSearch, NarrowRule, RandomSearch, SearchSpace,
    Strategy, Trial, narrow,
};
use serde_json::Value;

use super::args::{Args, StrategyKind};

/// Config keys fixed by the stage rather than searched.
pub const FIXED: [&str; 3] = ["epochs", "seed", "augment"];

/// The digits net's search space: learning rate and L2 strength
/// log-uniform, dropout keep probability uniform, hidden width
/// log-integer, the update rule categorical.
///
/// ```
/// let s = examples::search_job::plan::space();
/// assert_eq!(s.len(), 5);
/// assert!(s.param("lr").unwrap().dist.is_log());
/// ```
pub fn space() -> SearchSpace {
    SearchSpace::builder()
        .log_uniform("lr", 1e-4, 1e-1)
        .log_uniform("reg", 1e-6, 1e-1)
        .uniform("keep", 0.5, 1.0)
        .log_int("hidden", 16, 512)
        .categorical("optimizer", &["adam", "nesterov"])
        .build()
        .expect("a valid space")
}

/// The narrowing rule between stages (maximizing validation accuracy).
pub fn rule() -> NarrowRule {
    NarrowRule {
        direction: Direction::Maximize,
        ..NarrowRule::default()
    }
}

/// A finished record as a search `Trial`: its searched hyperparameters
/// (the fixed keys dropped) and its validation accuracy (NaN if it did
/// not finish well).
pub fn trial_of(record: &TrialRecord) -> Option<Trial> {
    let mut json = record.config.clone();
    if let Value::Object(map) = &mut json {
        for k in FIXED {
            map.remove(k);
        }
    }
    let config = Config::from_json(&json).ok()?;
    let objective = match record.status {
        TrialStatus::Ok => record.metrics["val_acc"].as_f64().unwrap_or(f64::NAN),
        _ => f64::NAN,
    };
    Some(Trial { config, objective })
}

/// Stage `stage` (1 or 2)'s trials; stage 2 needs stage 1's finished
/// records (`stage1`). Indices run on across stages.
///
/// # Errors
/// Stage 2 without a finished stage-1 trial to narrow around.
pub fn plan(args: &Args, stage: usize, stage1: &[TrialRecord]) -> Result<Vec<TrialSpec>, String> {
    let wide = space();
    let (configs, epochs, first_index) = if stage == 1 {
        let configs = match args.strategy {
            StrategyKind::Random => {
                RandomSearch::new(args.seed).ask(&wide, &[], args.coarse_trials)
            }
            // The whole grid (2 × 2 × 2 × 2 × 2 categories = 32), whatever
            // --coarse-trials says: a partial grid would be biased.
            StrategyKind::Grid => GridSearch::new(2).configs(&wide),
            StrategyKind::Bayes => bayes(args).ask(&wide, &[], args.coarse_trials),
        };
        (configs, args.coarse_epochs, 0)
    } else {
        let trials: Vec<Trial> = stage1.iter().filter_map(trial_of).collect();
        let fine = narrow(&wide, &trials, &rule()).map_err(|e| e.to_string())?;
        let seed = args.seed.wrapping_add(1);
        let configs = match args.strategy {
            StrategyKind::Bayes => bayes(args).ask(&fine, &trials, args.fine_trials),
            _ => RandomSearch::new(seed).ask(&fine, &[], args.fine_trials),
        };
        (configs, args.fine_epochs, plan(args, 1, &[])?.len())
    };
    configs
        .into_iter()
        .enumerate()
        .map(|(i, c)| {
            let mut json = c.to_json();
            if let Value::Object(map) = &mut json {
                map.insert("epochs".into(), epochs.into());
                map.insert("seed".into(), args.seed.into());
                map.insert("augment".into(), (!args.no_augment).into());
            }
            TrialSpec::new(first_index + i, stage, json).map_err(|e| e.to_string())
        })
        .collect()
}

fn bayes(args: &Args) -> BayesOpt {
    BayesOpt::new(BayesConfig {
        seed: args.seed,
        direction: Direction::Maximize,
        ..BayesConfig::default()
    })
}
