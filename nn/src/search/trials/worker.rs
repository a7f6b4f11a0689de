//! The worker's side of the local runner's protocol ([`run_local`]).
//!
//! A worker is a process the runner starts for one trial. It:
//!
//! 1. reads **one line** of stdin: the [`TrialSpec`] as JSON
//!    ([`TrialSpec::to_json`]) — and must not read stdin to its end: the
//!    runner keeps stdin open while the worker runs;
//! 2. trains, writing any logs to **stderr** (its tail becomes the message
//!    of a crashed trial);
//! 3. prints its [`TrialOutcome`] as one JSON line to stdout and exits 0.
//!    The runner takes the *last stdout line that is a JSON object*, so
//!    other stdout lines (a test harness's) are tolerated.
//!
//! A crash, a panic or a non-zero exit becomes a
//! [`TrialStatus::Failed`](super::TrialStatus) record with the stderr tail.
//!
//! **No orphans.** [`read_spec_from_stdin`] (so [`serve`]) starts a
//! watchdog thread that reads the rest of stdin and exits the process with
//! [`ORPHANED_EXIT_CODE`] at end-of-file. The runner holds the write end
//! until the worker exits, so end-of-file means the coordinator died
//! (killed, even by SIGKILL: the kernel closes its pipes), and the worker
//! follows it instead of running on unobserved.
//!
//! [`run_local`]: super::run_local

use std::io::{BufRead, Read, Write};

use serde_json::Value;

use super::error::TrialsError;
use super::record::TrialOutcome;
use super::spec::TrialSpec;

/// The exit code of a worker whose coordinator died (`EX_TEMPFAIL`).
pub const ORPHANED_EXIT_CODE: i32 = 75;

/// Reads the trial spec from stdin's first line and starts the orphan
/// watchdog (see the [module doc](self)).
///
/// # Errors
/// [`TrialsError::Io`] if stdin cannot be read; [`TrialsError::Invalid`]
/// if the line is not a spec.
pub fn read_spec_from_stdin() -> Result<TrialSpec, TrialsError> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| TrialsError::io("read the trial spec from", "stdin", e))?;
    let value: Value = serde_json::from_str(&line).map_err(|e| TrialsError::Invalid {
        detail: format!("stdin's first line is not a trial spec: {e}"),
    })?;
    let spec = TrialSpec::from_json(&value)?;
    std::thread::spawn(|| {
        let mut sink = [0_u8; 256];
        let mut stdin = std::io::stdin().lock();
        // Returns only at end-of-file (or a read error): the coordinator is gone.
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        std::process::exit(ORPHANED_EXIT_CODE);
    });
    Ok(spec)
}

/// Prints `outcome` as one JSON line to stdout and flushes it.
///
/// ```
/// nn::search::trials::worker::report(&nn::search::trials::TrialOutcome::ok(serde_json::json!({"acc": 1.0})));
/// ```
pub fn report(outcome: &TrialOutcome) {
    let mut out = std::io::stdout().lock();
    // The harness may have left a line unfinished: start a fresh one.
    let _ = writeln!(out, "\n{}", outcome.to_json());
    let _ = out.flush();
}

/// The whole worker: [`read_spec_from_stdin`], `run` it, [`report`].
///
/// ```no_run
/// // In the search binary, when started with the worker flag:
/// use nn::search::trials::{TrialOutcome, worker};
/// worker::serve(|spec| {
///     let lr = spec.config["lr"].as_f64().unwrap_or(1e-3);
///     TrialOutcome::ok(serde_json::json!({"val_acc": 1.0 - lr}))
/// }).unwrap();
/// ```
///
/// # Errors
/// As [`read_spec_from_stdin`].
pub fn serve(run: impl FnOnce(&TrialSpec) -> TrialOutcome) -> Result<(), TrialsError> {
    let spec = read_spec_from_stdin()?;
    report(&run(&spec));
    Ok(())
}

/// The outcome in a worker's stdout: its last line that is a JSON object.
pub(crate) fn outcome_in(stdout: &str) -> Option<Result<TrialOutcome, TrialsError>> {
    stdout.lines().rev().find_map(|line| {
        let v: Value = serde_json::from_str(line.trim()).ok()?;
        v.is_object().then(|| TrialOutcome::from_json(&v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outcome_is_the_last_json_object_line() {
        let out = "running 1 test\n{\"status\":\"ok\",\"metrics\":{\"a\":1}}\ntest x ... ok\n";
        let o = outcome_in(out).unwrap().unwrap();
        assert_eq!(o.metrics["a"], 1);
        assert!(outcome_in("no json here\n[1, 2]\n").is_none());
        assert!(outcome_in("{\"status\":\"weird\"}").unwrap().is_err());
    }
}
