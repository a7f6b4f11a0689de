//! More than one machine: a job file of planned trials, each run by its
//! position (`--trial N`) into its own result file, then [`collect`]ed into
//! the results file. `docs/search-multi-machine.md` has the recipes (GNU
//! parallel, Slurm job array, Kubernetes Indexed Job).
//!
//! The search directory `out` (`--out DIR`) holds:
//!
//! | path | written by | what |
//! |---|---|---|
//! | `results.jsonl` | the coordinator / `collect` only | the results file ([`results_path`]) |
//! | `results/trial-0007.json` | the worker of the trial with index 7 | its [`TrialRecord`], one JSON line, written atomically ([`trial_result_path`]) |
//!
//! A job file is JSON Lines, one [`TrialSpec::to_json`] per line; `--trial
//! N` is the N-th line counted from 0, so an array job runs `0..lines`.
//! The per-trial file is named by the spec's *index*, unique across the
//! stages of a search, so the stages' job files never overwrite each
//! other's results.

use std::fs::File;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use serde_json::Value;

use super::error::TrialsError;
use super::record::{TrialOutcome, TrialRecord, TrialStatus};
use super::results::{Lines, ResultsFile, TornTail, parse_lines};
use super::spec::TrialSpec;
use crate::checkpoint::write_atomic;

/// The results file of search directory `out`: `out/results.jsonl`.
pub fn results_path(out: &Path) -> PathBuf {
    out.join("results.jsonl")
}

/// Where the worker of `spec` writes its record:
/// `out/results/trial-{index:04}.json`.
///
/// ```
/// # use nn::search::trials::{TrialSpec, trial_result_path};
/// let spec = TrialSpec::new(7, 1, serde_json::json!({})).unwrap();
/// assert!(trial_result_path("out".as_ref(), &spec).ends_with("results/trial-0007.json"));
/// ```
pub fn trial_result_path(out: &Path, spec: &TrialSpec) -> PathBuf {
    out.join("results")
        .join(format!("trial-{:04}.json", spec.index))
}

/// Writes `specs` as a job file at `path`, atomically
/// ([`write_atomic`]): a reader sees the old job file or the new one.
///
/// ```
/// use nn::search::trials::{TrialSpec, read_job_file, write_job_file};
/// let path = std::env::temp_dir().join(format!("nn-doc-job-{}.jsonl", std::process::id()));
/// let specs = vec![TrialSpec::new(0, 1, serde_json::json!({"lr": 0.1})).unwrap()];
/// write_job_file(&path, &specs).unwrap();
/// assert_eq!(read_job_file(&path).unwrap(), specs);
/// std::fs::remove_file(&path).unwrap();
/// ```
///
/// # Errors
/// [`TrialsError::Write`] if the file cannot be written.
pub fn write_job_file(path: &Path, specs: &[TrialSpec]) -> Result<(), TrialsError> {
    let mut text = String::new();
    for spec in specs {
        text.push_str(&spec.to_json().to_string());
        text.push('\n');
    }
    Ok(write_atomic(path, text.as_bytes())?)
}

/// Reads a job file.
///
/// # Errors
/// [`TrialsError::Io`] if it cannot be read; [`TrialsError::Corrupt`]
/// naming the line that is not a spec (or whose hash is not its config's),
/// or an unfinished last line (job files are written whole).
pub fn read_job_file(path: &Path) -> Result<Vec<TrialSpec>, TrialsError> {
    let bytes = std::fs::read(path).map_err(|e| TrialsError::io("read", path, e))?;
    let Lines { values, torn, .. } = parse_lines(&bytes, path)?;
    let corrupt = |line, detail: String| TrialsError::Corrupt {
        path: path.to_path_buf(),
        line,
        detail,
    };
    if let Some(t) = torn {
        return Err(corrupt(
            t.line,
            "the line has no newline: a job file is written whole".into(),
        ));
    }
    values
        .iter()
        .map(|(line, v)| TrialSpec::from_json(v).map_err(|e| corrupt(*line, e.to_string())))
        .collect()
}

/// The worker's run of trial `trial` (0-based line) of the job file `job`:
/// runs `run` on it (a panic becomes a `Failed` record) and writes its
/// record to [`trial_result_path`] atomically — even when the same trial
/// runs twice at once, each write is whole and the last one stays. If that file already holds
/// this trial's record and it did not fail, the trial is not run again and
/// that record is returned — so re-submitting a whole array job re-runs
/// only the unfinished and failed trials.
///
/// ```
/// use nn::search::trials::{TrialOutcome, TrialSpec, run_trial_from_job, write_job_file};
/// let out = std::env::temp_dir().join(format!("nn-doc-trial-{}", std::process::id()));
/// std::fs::create_dir_all(&out).unwrap();
/// let specs: Vec<TrialSpec> = (0..2)
///     .map(|i| TrialSpec::new(i, 1, serde_json::json!({"x": i})).unwrap())
///     .collect();
/// write_job_file(&out.join("job.jsonl"), &specs).unwrap();
/// let run = |s: &TrialSpec| TrialOutcome::ok(serde_json::json!({"y": s.config["x"]}));
/// let r = run_trial_from_job(&out.join("job.jsonl"), 1, &out, run).unwrap();
/// assert_eq!(r.metrics["y"], 1);
/// assert!(out.join("results/trial-0001.json").exists());
/// std::fs::remove_dir_all(&out).unwrap();
/// ```
///
/// # Errors
/// [`TrialsError::NoSuchTrial`] if the job file has no line `trial`; read
/// and write errors.
pub fn run_trial_from_job(
    job: &Path,
    trial: usize,
    out: &Path,
    run: impl FnOnce(&TrialSpec) -> TrialOutcome,
) -> Result<TrialRecord, TrialsError> {
    let specs = read_job_file(job)?;
    let Some(spec) = specs.get(trial) else {
        return Err(TrialsError::NoSuchTrial {
            path: job.to_path_buf(),
            trial,
            count: specs.len(),
        });
    };
    let path = trial_result_path(out, spec);
    if let Ok(done) = read_trial_result(&path)
        && done.hash == spec.hash
        && !matches!(done.status, TrialStatus::Failed { .. })
    {
        return Ok(done);
    }
    let dir = path.parent().unwrap_or(out);
    std::fs::create_dir_all(dir).map_err(|e| TrialsError::io("create", dir, e))?;
    let start = Instant::now();
    let outcome = match catch_unwind(AssertUnwindSafe(|| run(spec))) {
        Ok(o) => o,
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)");
            TrialOutcome::failed(format!("the trial panicked: {message}"))
        }
    };
    let record = TrialRecord::new(spec, outcome, start.elapsed().as_secs_f64());
    let mut line = record.to_json().to_string();
    line.push('\n');
    write_shared(&path, line.as_bytes())?;
    Ok(record)
}

/// Distinguishes temporary files of writes within one process.
static NEXT_TEMP: AtomicU64 = AtomicU64::new(0);

/// Replaces `path` with `bytes` atomically, like [`write_atomic`], but
/// safe with *concurrent* writers of the same file (one trial run twice at
/// once: a requeued cluster job, a shared directory): every writer's
/// temporary file has its own name (host, pid, counter) and no writer
/// removes another's, so each rename puts a whole file in place and the
/// last one wins. [`write_atomic`] clears leftover temporary files first,
/// which would delete a concurrent writer's file before its rename. A
/// killed writer's `.trial-….tmp-…` file stays; [`collect`] skips it.
fn write_shared(path: &Path, bytes: &[u8]) -> Result<(), TrialsError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("trial");
    let host = std::env::var("HOSTNAME").unwrap_or_default();
    let n = NEXT_TEMP.fetch_add(1, Ordering::Relaxed);
    let temp = dir.join(format!(".{name}.tmp-{host}-{}-{n}", std::process::id()));
    let written = (|| {
        let mut file = File::create_new(&temp).map_err(|e| TrialsError::io("create", &temp, e))?;
        file.write_all(bytes)
            .and_then(|()| file.sync_all())
            .map_err(|e| TrialsError::io("write", &temp, e))?;
        std::fs::rename(&temp, path).map_err(|e| TrialsError::io("rename", path, e))
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
        return written;
    }
    let synced = File::open(dir).and_then(|d| d.sync_all());
    synced.map_err(|e| TrialsError::io("fsync the directory", dir, e))
}

/// Reads one per-trial result file.
fn read_trial_result(path: &Path) -> Result<TrialRecord, TrialsError> {
    let text = std::fs::read_to_string(path).map_err(|e| TrialsError::io("read", path, e))?;
    let corrupt = |detail: String| TrialsError::Corrupt {
        path: path.to_path_buf(),
        line: 1,
        detail,
    };
    let v: Value = serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))?;
    TrialRecord::from_json(&v).map_err(|e| corrupt(e.to_string()))
}

/// What [`collect`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CollectSummary {
    /// Per-trial result files read.
    pub found: usize,
    /// Of those, appended to the results file now.
    pub appended: usize,
    /// A half-written last line of the results file, cut off.
    pub torn_tail: Option<TornTail>,
}

/// Appends to `out`'s results file every per-trial result it does not
/// hold yet. A result is appended if the results file has no record of
/// its trial, or only a `Failed` one that differs from it (the trial was
/// re-run). Idempotent: a second `collect` appends nothing.
///
/// ```
/// use nn::search::trials::{TrialOutcome, TrialSpec, collect, run_trial_from_job, write_job_file};
/// let out = std::env::temp_dir().join(format!("nn-doc-collect-{}", std::process::id()));
/// std::fs::create_dir_all(&out).unwrap();
/// let specs = vec![TrialSpec::new(0, 1, serde_json::json!({"x": 0})).unwrap()];
/// write_job_file(&out.join("job.jsonl"), &specs).unwrap();
/// run_trial_from_job(&out.join("job.jsonl"), 0, &out, |_| TrialOutcome::ok(serde_json::json!({}))).unwrap();
/// assert_eq!(collect(&out).unwrap().appended, 1);
/// assert_eq!(collect(&out).unwrap().appended, 0); // idempotent
/// std::fs::remove_dir_all(&out).unwrap();
/// ```
///
/// # Errors
/// [`TrialsError::Corrupt`] naming a per-trial file (or results-file line)
/// that is not a record; read and write errors.
pub fn collect(out: &Path) -> Result<CollectSummary, TrialsError> {
    let mut file = ResultsFile::open(&results_path(out))?;
    let mut summary = CollectSummary {
        torn_tail: file.loaded().torn_tail,
        ..CollectSummary::default()
    };
    let dir = out.join("results");
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                // `.trial-….tmp-…` files are interrupted atomic writes: skipped.
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("trial-") && n.ends_with(".json"))
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(TrialsError::io("list", dir, e)),
    };
    paths.sort();
    for path in paths {
        let record = read_trial_result(&path)?;
        summary.found += 1;
        let append = match file.loaded().latest(&record.hash) {
            None => true,
            Some(old) => matches!(old.status, TrialStatus::Failed { .. }) && *old != record,
        };
        if append {
            file.append(&record)?;
            summary.appended += 1;
        }
    }
    Ok(summary)
}
