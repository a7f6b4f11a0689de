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

/// Stage `stage` (1 or 2)'s trials so far; `done` holds the finished
/// records (any stage) the plan may depend on. Indices run on across
/// stages.
///
/// Random and grid search plan a whole stage at once. Bayesian
/// optimization learns from each result, so it plans a stage in rounds of
/// `workers` trials: round r asks the optimizer given every finished
/// trial of the rounds before it. The plan returned ends with the first
/// round that is not finished yet — run it, and plan again. Since the
/// optimizer is a pure function of the trials it is given, replaying the
/// rounds from the results file reproduces the same plan, so a killed
/// search resumes where it was.
///
/// # Errors
/// Stage 2 without a finished stage-1 trial to narrow around.
pub fn plan(
    args: &Args,
    stage: usize,
    done: &dyn Fn(&TrialSpec) -> Option<TrialRecord>,
) -> Result<Vec<TrialSpec>, String> {
    let wide = space();
    let (space, history, budget, epochs, first_index) = if stage == 1 {
        (wide, Vec::new(), args.coarse_trials, args.coarse_epochs, 0)
    } else {
        let stage1 = complete(args, 1, done)?;
        let trials: Vec<Trial> = stage1
            .iter()
            .filter_map(|s| done(s).and_then(|r| trial_of(&r)))
            .collect();
        let fine = narrow(&wide, &trials, &rule()).map_err(|e| e.to_string())?;
        (
            fine,
            trials,
            args.fine_trials,
            args.fine_epochs,
            stage1.len(),
        )
    };
    let spec = |i: usize, c: Config| {
        let mut json = c.to_json();
        if let Value::Object(map) = &mut json {
            map.insert("epochs".into(), epochs.into());
            map.insert("seed".into(), args.seed.into());
            map.insert("augment".into(), (!args.no_augment).into());
        }
        TrialSpec::new(first_index + i, stage, json).map_err(|e| e.to_string())
    };
    let seed = args.seed.wrapping_add(stage as u64 - 1);
    let configs = match args.strategy {
        // The whole grid (2 × 2 × 2 × 2 × 2 categories = 32) in stage 1,
        // whatever --coarse-trials says: a partial grid would be biased.
        StrategyKind::Grid if stage == 1 => GridSearch::new(2).configs(&space),
        StrategyKind::Random | StrategyKind::Grid => {
            RandomSearch::new(seed).ask(&space, &[], budget)
        }
        StrategyKind::Bayes => {
            let round = args.workers.unwrap_or_else(default_workers).max(1);
            let mut specs: Vec<TrialSpec> = Vec::new();
            let mut seen = history;
            while specs.len() < budget {
                let n = round.min(budget - specs.len());
                let batch = bayes(args, stage).ask(&space, &seen, n);
                for c in batch {
                    specs.push(spec(specs.len(), c)?);
                }
                let tail = &specs[specs.len() - n..];
                let finished: Vec<Trial> = tail
                    .iter()
                    .filter_map(|s| done(s).and_then(|r| trial_of(&r)))
                    .collect();
                if finished.len() < n {
                    return Ok(specs); // this round is still running
                }
                seen.extend(finished);
            }
            return Ok(specs);
        }
    };
    configs
        .into_iter()
        .enumerate()
        .map(|(i, c)| spec(i, c))
        .collect()
}

/// Stage `stage`'s whole plan, or an error if it is not finished.
fn complete(
    args: &Args,
    stage: usize,
    done: &dyn Fn(&TrialSpec) -> Option<TrialRecord>,
) -> Result<Vec<TrialSpec>, String> {
    let specs = plan(args, stage, done)?;
    let budget = if stage == 1 {
        args.coarse_trials
    } else {
        args.fine_trials
    };
    let whole = specs.len() >= budget || (args.strategy == StrategyKind::Grid && stage == 1);
    if whole && specs.iter().all(|s| done(s).is_some()) {
        Ok(specs)
    } else {
        Err(format!("stage {stage} has not finished"))
    }
}

/// The number of cores (the runner's default worker count).
pub fn default_workers() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn bayes(args: &Args, stage: usize) -> BayesOpt {
    BayesOpt::new(BayesConfig {
        seed: args.seed.wrapping_add(stage as u64 - 1),
        direction: Direction::Maximize,
        ..BayesConfig::default()
    })
}
