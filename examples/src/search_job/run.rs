//! The `search` command: the local coordinator (both stages, worker
//! processes, resume), the cluster steps (`--write-job`, `--job … --trial
//! N`, `collect`), and the end of a search — the best configuration,
//! border warnings, the top-k ensemble and `report.html`.

use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::time::Instant;

use nn::search::trials::{
    self, RunOptions, TrialRecord, TrialSpec, TrialStatus, read_results, results_path, run_local,
    run_trial_from_job, worker, write_job_file,
};
use nn::search::{Direction, border_warnings};

use super::args::{Args, Command};
use super::ensemble::{EnsembleRow, top_k_ensemble};
use super::plan::{plan, space, trial_of};
use super::report::write_search_report;
use super::trial::run_trial;

/// What a finished search reports.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Every planned trial's latest record, in index order.
    pub records: Vec<TrialRecord>,
    /// The best trial by validation accuracy.
    pub best: TrialRecord,
    /// Hyperparameters whose best value sits near an edge of the range.
    pub warnings: Vec<String>,
    /// The top-k ensemble on the test split.
    pub ensemble: EnsembleRow,
    /// Seconds for the whole command.
    pub seconds: f64,
    /// The report page.
    pub report: PathBuf,
}

/// The `search` binary's `main`: parses `argv`, runs, returns the exit
/// code (0; 2 with a message for a bad flag, file or failed search).
pub fn main_with<I, T>(argv: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    crate::cli_main(argv, dispatch)
}

fn models_dir(out: &Path) -> PathBuf {
    out.join("models")
}

/// Runs the mode the flags select.
///
/// # Errors
/// A message for the user.
pub fn dispatch(args: &Args) -> Result<(), String> {
    args.validate()?;
    if args.worker {
        let models = models_dir(&args.out);
        return worker::serve(|spec| run_trial(spec, Some(&models))).map_err(|e| e.to_string());
    }
    if let Some(Command::Collect { out }) = &args.command {
        let s = trials::collect(out).map_err(|e| e.to_string())?;
        println!(
            "collected {} per-trial results, {} new, into {}",
            s.found,
            s.appended,
            results_path(out).display()
        );
        return Ok(());
    }
    if let (Some(job), Some(n)) = (&args.job, args.trial) {
        let models = models_dir(&args.out);
        let r = run_trial_from_job(job, n, &args.out, |spec| run_trial(spec, Some(&models)))
            .map_err(|e| e.to_string())?;
        println!("trial {} ({}): {}", r.index, r.status.name(), r.metrics);
        return Ok(());
    }
    if let Some(job) = &args.write_job {
        let (stage, specs) = next_stage(args)?.ok_or(
            "every stage has finished: run the search command without --write-job for the report",
        )?;
        write_job_file(job, &specs).map_err(|e| e.to_string())?;
        println!(
            "stage {stage}: {} trials written to {} (run each with --job {} --trial N, N = 0..{}, then collect)",
            specs.len(),
            job.display(),
            job.display(),
            specs.len() - 1
        );
        return Ok(());
    }
    let outcome = run(args)?;
    print_outcome(&outcome, args.quiet);
    Ok(())
}

/// What the results file says is finished: a spec's latest record, unless
/// it failed and `--retry-failed` asks to run it again.
fn results(args: &Args) -> Result<impl Fn(&TrialSpec) -> Option<TrialRecord>, String> {
    let loaded = read_results(&results_path(&args.out)).map_err(|e| e.to_string())?;
    let retry = args.retry_failed;
    Ok(move |s: &TrialSpec| {
        loaded
            .is_done(&s.hash, retry)
            .then(|| loaded.latest(&s.hash).cloned())
            .flatten()
    })
}

/// The stages the flags ask for.
fn stages(args: &Args) -> &'static [usize] {
    if args.fine_trials == 0 { &[1] } else { &[1, 2] }
}

/// The first plan with an unfinished trial (its stage and specs).
fn next_stage(args: &Args) -> Result<Option<(usize, Vec<TrialSpec>)>, String> {
    let done = results(args)?;
    for &stage in stages(args) {
        let specs = plan(args, stage, &done)?;
        if specs.iter().any(|s| done(s).is_none()) {
            return Ok(Some((stage, specs)));
        }
    }
    Ok(None)
}

/// Both stages on this machine (skipping finished trials), then the
/// summary, the ensemble and the report.
///
/// # Errors
/// An I/O error, or a stage in which no trial finished.
pub fn run(args: &Args) -> Result<Outcome, String> {
    let start = Instant::now();
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let options = RunOptions {
        workers: args.workers.unwrap_or(RunOptions::default().workers),
        retry_failed: args.retry_failed,
    };
    let worker_command = |_: &TrialSpec| {
        let mut c = Process::new(&exe);
        c.arg("--worker").arg("--out").arg(&args.out);
        c
    };
    let mut all = Vec::new();
    for &stage in stages(args) {
        // A plan grows round by round for Bayesian optimization; random and
        // grid search plan the stage in one go (one pass of this loop).
        let specs = loop {
            let specs = plan(args, stage, &results(args)?)?;
            let summary = run_local(
                &results_path(&args.out),
                &specs,
                &options,
                worker_command,
                |p| {
                    if !args.quiet {
                        println!("{}", progress_line(stage, &p));
                    }
                },
            )
            .map_err(|e| e.to_string())?;
            if !args.quiet && summary.skipped > 0 && summary.ran == 0 {
                println!(
                    "stage {stage}: {} trials already finished, skipped",
                    summary.skipped
                );
            }
            let again = plan(args, stage, &results(args)?)?;
            if again == specs {
                break specs;
            }
            if summary.ran == 0 {
                return Err(format!(
                    "stage {stage}: the plan does not advance (failing trials?)"
                ));
            }
        };
        let done = results(args)?;
        all.extend(specs.iter().filter_map(&done));
    }
    all.sort_by_key(|r| r.index);
    let ok = |r: &&TrialRecord| r.status == TrialStatus::Ok;
    let best = all
        .iter()
        .filter(ok)
        .max_by(|a, b| val_acc(a).total_cmp(&val_acc(b)))
        .cloned()
        .ok_or("no trial finished: see the messages in results.jsonl")?;
    let trials: Vec<_> = all.iter().filter_map(trial_of).collect();
    let warnings: Vec<String> = border_warnings(&space(), &trials, Direction::Maximize)
        .iter()
        .map(ToString::to_string)
        .collect();
    let ensemble = top_k_ensemble(&all, args.top_k)?;
    let best_json = serde_json::to_string_pretty(&best.config).map_err(|e| e.to_string())?;
    nn::checkpoint::write_atomic(&args.out.join("best_config.json"), best_json.as_bytes())
        .map_err(|e| e.to_string())?;
    let seconds = start.elapsed().as_secs_f64();
    let report = write_search_report(&args.out, &all, &best, &warnings, &ensemble, seconds)
        .map_err(|e| format!("{}: {e}", args.out.display()))?;
    Ok(Outcome {
        records: all,
        best,
        warnings,
        ensemble,
        seconds,
        report,
    })
}

/// A record's validation accuracy (NaN if it has none).
pub fn val_acc(r: &TrialRecord) -> f64 {
    r.metrics["val_acc"].as_f64().unwrap_or(f64::NAN)
}

fn progress_line(stage: usize, p: &trials::Progress<'_>) -> String {
    let r = p.record;
    let what = match &r.status {
        TrialStatus::Ok => format!("val {:.2}%", 100.0 * val_acc(r)),
        other => format!("{}: {}", other.name(), other.message().unwrap_or_default()),
    };
    format!(
        "stage {stage} trial {:>3} [{}/{}] {what}  {}  ({:.1} s)",
        r.index,
        p.finished,
        p.to_run,
        brief(&r.config),
        r.wall_seconds
    )
}

fn print_outcome(o: &Outcome, quiet: bool) {
    let ok = o
        .records
        .iter()
        .filter(|r| r.status == TrialStatus::Ok)
        .count();
    if !quiet {
        println!();
    }
    println!(
        "{} trials ({ok} finished well); best validation accuracy {:.2}% (trial {}, stage {}):",
        o.records.len(),
        100.0 * val_acc(&o.best),
        o.best.index,
        o.best.stage
    );
    println!("  {}", brief(&o.best.config));
    if o.warnings.is_empty() {
        println!("no best value sits near an edge of its range");
    }
    for w in &o.warnings {
        println!("warning: {w}");
    }
    println!("{}", o.ensemble.table());
    println!("{:.1} s; report: {}", o.seconds, o.report.display());
}

/// A config in one short line: the searched keys, numbers to 3 digits
/// (`hidden=330 keep=0.861 lr=0.0105 optimizer=adam reg=7.62e-5`).
///
/// ```
/// let c = serde_json::json!({"lr": 0.010527, "hidden": 330, "optimizer": "adam", "epochs": 3});
/// assert_eq!(examples::search_job::run::brief(&c), "hidden=330 lr=0.0105 optimizer=adam");
/// ```
pub fn brief(config: &serde_json::Value) -> String {
    let Some(map) = config.as_object() else {
        return config.to_string();
    };
    map.iter()
        .filter(|(k, _)| !super::plan::FIXED.contains(&k.as_str()))
        .map(|(k, v)| match v {
            serde_json::Value::Number(n) if n.is_f64() => {
                format!(
                    "{k}={}",
                    nn::search::config::short(n.as_f64().unwrap_or(f64::NAN))
                )
            }
            serde_json::Value::String(s) => format!("{k}={s}"),
            other => format!("{k}={other}"),
        })
        .collect::<Vec<_>>()
        .join(" ")
}
