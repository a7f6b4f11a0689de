//! [`run_local`]: runs planned trials as worker processes on this machine,
//! `workers` at a time, appending each finished trial to the results file.
//!
//! * **Resume.** A trial whose config hash already has a record is skipped;
//!   a trial that was in flight when an earlier run was killed has none, so
//!   it runs again. A killed run loses at most the trials in flight.
//! * **One writer.** Only the coordinator (the thread that called
//!   `run_local`) appends; worker processes report over their stdout
//!   ([`worker`](super::worker) has the protocol).
//! * **Failures are final, by default.** A worker that crashes, exits
//!   non-zero or prints no outcome becomes a `Failed` record carrying its
//!   stderr tail, and is not retried — neither in this run nor on resume: a
//!   config that fails (out of memory, a bad combination) would most likely
//!   fail again and spend the budget. [`RunOptions::retry_failed`] re-runs,
//!   on resume, the trials whose latest record is `Failed`; the new record
//!   is appended and supersedes the old ([`Loaded::latest`]).
//!
//! [`Loaded::latest`]: super::Loaded::latest

use std::collections::{HashSet, VecDeque};
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Instant;

use super::error::TrialsError;
use super::record::{TrialOutcome, TrialRecord, TrialStatus};
use super::results::{ResultsFile, TornTail};
use super::spec::TrialSpec;
use super::worker::outcome_in;

/// How many stderr lines of a crashed worker its record keeps.
const STDERR_TAIL_LINES: usize = 20;

/// How [`run_local`] runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOptions {
    /// Worker processes at a time (default: the number of cores,
    /// `std::thread::available_parallelism`).
    pub workers: usize,
    /// Re-run trials whose latest record is `Failed` (default: no).
    pub retry_failed: bool,
}

impl Default for RunOptions {
    /// ```
    /// let o = nn::search::trials::RunOptions::default();
    /// assert!(o.workers >= 1 && !o.retry_failed);
    /// ```
    fn default() -> Self {
        Self {
            workers: std::thread::available_parallelism().map_or(1, |n| n.get()),
            retry_failed: false,
        }
    }
}

/// A finished trial, as the progress callback sees it.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// Its record, already appended to the results file.
    pub record: &'a TrialRecord,
    /// Trials finished in this run so far, this one included.
    pub finished: usize,
    /// Trials this run runs (the plan minus the skipped ones).
    pub to_run: usize,
}

/// What [`run_local`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RunSummary {
    /// Distinct trials in the plan (by config hash).
    pub planned: usize,
    /// Of those, already finished in the results file.
    pub skipped: usize,
    /// Run now.
    pub ran: usize,
    /// Of those run now, how many failed.
    pub failed: usize,
    /// A half-written last line from a killed earlier run, cut off.
    pub torn_tail: Option<TornTail>,
}

/// Runs every trial of `plan` not yet finished in the results file at
/// `results`, each as the process `command(spec)` builds (the runner sets
/// its stdin, stdout and stderr to pipes), `options.workers` at a time.
/// `progress` is called after each trial's record is appended.
///
/// ```
/// use nn::search::trials::{RunOptions, TrialSpec, read_results, run_local};
/// # #[cfg(unix)] {
/// let dir = std::env::temp_dir().join(format!("nn-doc-run-local-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let results = dir.join("results.jsonl");
/// let plan: Vec<TrialSpec> = (0..3)
///     .map(|i| TrialSpec::new(i, 1, serde_json::json!({"x": i})).unwrap())
///     .collect();
/// // A stand-in worker: reads its spec line, reports a fixed metric.
/// let worker = |_: &TrialSpec| {
///     let mut c = std::process::Command::new("sh");
///     c.args(["-c", r#"read spec; echo '{"status":"ok","metrics":{"loss":0.5}}'"#]);
///     c
/// };
/// let opts = RunOptions { workers: 2, ..RunOptions::default() };
/// let summary = run_local(&results, &plan, &opts, worker, |_| {}).unwrap();
/// assert_eq!((summary.ran, summary.failed), (3, 0));
/// let again = run_local(&results, &plan, &opts, worker, |_| {}).unwrap();
/// assert_eq!((again.skipped, again.ran), (3, 0)); // resumed: nothing left to do
/// assert_eq!(read_results(&results).unwrap().records.len(), 3);
/// std::fs::remove_dir_all(&dir).unwrap();
/// # }
/// ```
///
/// # Errors
/// [`TrialsError`] if the results file cannot be read (corrupt in the
/// middle) or appended to; trials still running then finish, but no more
/// start. A failing *trial* is not an error: it becomes a `Failed` record.
pub fn run_local<C, P>(
    results: &Path,
    plan: &[TrialSpec],
    options: &RunOptions,
    command: C,
    mut progress: P,
) -> Result<RunSummary, TrialsError>
where
    C: Fn(&TrialSpec) -> Command + Sync,
    P: FnMut(Progress<'_>),
{
    let mut file = ResultsFile::open(results)?;
    let mut summary = RunSummary {
        torn_tail: file.loaded().torn_tail,
        ..RunSummary::default()
    };
    let mut seen = HashSet::new();
    let mut queue = VecDeque::new();
    for spec in plan {
        if !seen.insert(spec.hash.as_str()) {
            continue; // the same config planned twice runs once
        }
        summary.planned += 1;
        if file.loaded().is_done(&spec.hash, options.retry_failed) {
            summary.skipped += 1;
        } else {
            queue.push_back(spec);
        }
    }
    let to_run = queue.len();
    let queue = Mutex::new(queue);
    let (tx, rx) = mpsc::channel::<TrialRecord>();
    let mut error = None;
    std::thread::scope(|s| {
        for _ in 0..options.workers.max(1).min(to_run) {
            let (tx, queue, command) = (tx.clone(), &queue, &command);
            s.spawn(move || {
                while let Some(spec) = next(queue) {
                    if tx.send(run_one(spec, command(spec))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for record in rx {
            if error.is_some() {
                continue; // let the trials in flight finish; record nothing more
            }
            if let Err(e) = file.append(&record) {
                error = Some(e);
                lock(&queue).clear();
                continue;
            }
            summary.ran += 1;
            if matches!(record.status, TrialStatus::Failed { .. }) {
                summary.failed += 1;
            }
            progress(Progress {
                record: &record,
                finished: summary.ran,
                to_run,
            });
        }
    });
    match error {
        Some(e) => Err(e),
        None => Ok(summary),
    }
}

fn lock<'q, 's>(
    queue: &'q Mutex<VecDeque<&'s TrialSpec>>,
) -> std::sync::MutexGuard<'q, VecDeque<&'s TrialSpec>> {
    // A panic elsewhere cannot leave the queue half-updated: recover it.
    queue
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn next<'s>(queue: &Mutex<VecDeque<&'s TrialSpec>>) -> Option<&'s TrialSpec> {
    lock(queue).pop_front()
}

/// Runs one worker process to its end and makes its record.
fn run_one(spec: &TrialSpec, mut command: Command) -> TrialRecord {
    let start = Instant::now();
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match command.spawn() {
        Ok(c) => c,
        Err(e) => {
            let outcome = TrialOutcome::failed(format!("could not start the worker: {e}"));
            return TrialRecord::new(spec, outcome, start.elapsed().as_secs_f64());
        }
    };
    // Held open until the worker exits: its end-of-file tells the worker
    // that this process died (see `worker`).
    let mut stdin = child.stdin.take();
    if let Some(pipe) = stdin.as_mut() {
        // A worker that exits without reading its spec is judged by its exit.
        let _ = writeln!(pipe, "{}", spec.to_json()).and_then(|()| pipe.flush());
    }
    let (stdout, stderr, status) = std::thread::scope(|s| {
        let mut err_pipe = child.stderr.take();
        let err = s.spawn(move || drain(err_pipe.as_mut()));
        let out = drain(child.stdout.take().as_mut());
        let status = child.wait();
        (out, err.join().unwrap_or_default(), status)
    });
    drop(stdin);
    let wall = start.elapsed().as_secs_f64();
    let outcome = match status {
        Ok(status) => judge(status, &stdout, &stderr),
        Err(e) => TrialOutcome::failed(format!("could not wait for the worker: {e}")),
    };
    TrialRecord::new(spec, outcome, wall)
}

fn drain(pipe: Option<&mut impl Read>) -> String {
    let mut bytes = Vec::new();
    if let Some(p) = pipe {
        let _ = p.read_to_end(&mut bytes);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The outcome of a worker that exited with `status`.
fn judge(status: ExitStatus, stdout: &str, stderr: &str) -> TrialOutcome {
    if !status.success() {
        let tail = tail(stderr);
        // A backtrace can push a Rust panic's message out of the tail.
        let panic = panic_message(stderr)
            .filter(|p| !tail.contains(p.as_str()))
            .map(|p| format!("\n{p}\n…"))
            .unwrap_or_default();
        return TrialOutcome::failed(format!(
            "the worker exited with {status}; stderr tail:{panic}\n{tail}"
        ));
    }
    match outcome_in(stdout) {
        Some(Ok(outcome)) => outcome,
        Some(Err(e)) => TrialOutcome::failed(format!("the worker's outcome line is invalid: {e}")),
        None => TrialOutcome::failed(format!(
            "the worker exited 0 without printing an outcome line; stderr tail:\n{}",
            tail(stderr)
        )),
    }
}

/// The last [`STDERR_TAIL_LINES`] lines of `text`.
fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(STDERR_TAIL_LINES)..].join("\n")
}

/// The last Rust panic report in `stderr`: its `thread '…' panicked at`
/// line and the message lines after it (up to the backtrace or note).
fn panic_message(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines.iter().rposition(|l| l.contains("panicked at"))?;
    let end = lines[start + 1..]
        .iter()
        .position(|l| l.starts_with("stack backtrace:") || l.starts_with("note: "))
        .map_or(lines.len(), |i| start + 1 + i);
    Some(lines[start..end.min(start + 10)].join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_last_lines() {
        let text: String = (0..30).map(|i| format!("l{i}\n")).collect();
        let t = tail(&text);
        assert!(t.starts_with("l10\n") && t.ends_with("l29"), "{t}");
        assert_eq!(tail(""), "");
    }

    #[test]
    fn a_panic_message_is_found_above_its_backtrace() {
        let frames: String = (0..40).map(|i| format!("  {i}: frame\n")).collect();
        let stderr = format!(
            "log\nthread 'main' panicked at src/x.rs:1:2:\nboom\nstack backtrace:\n{frames}"
        );
        let p = panic_message(&stderr).unwrap();
        assert_eq!(p, "thread 'main' panicked at src/x.rs:1:2:\nboom");
        let status = failing_status();
        let msg = judge(status, "", &stderr)
            .status
            .message()
            .unwrap()
            .to_string();
        assert!(msg.contains("boom") && msg.ends_with("39: frame"), "{msg}");
    }

    #[cfg(unix)]
    fn failing_status() -> ExitStatus {
        std::os::unix::process::ExitStatusExt::from_raw(101 << 8)
    }

    #[cfg(not(unix))]
    fn failing_status() -> ExitStatus {
        std::os::windows::process::ExitStatusExt::from_raw(101)
    }
}
