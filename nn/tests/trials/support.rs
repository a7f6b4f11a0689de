//! Shared by the `trials_*` tests: a fake worker and scratch directories.
//!
//! The worker is this very test executable, re-run as
//! `<test exe> --exact support::fake_worker --ignored --nocapture` with
//! [`WORKER_ENV`] set: [`fake_worker`] then serves one trial through
//! `nn::search::trials::worker::serve`, like the search example's worker
//! mode. The harness's own stdout lines are tolerated by the runner (it
//! takes the last JSON-object line). What the fake does is read from the
//! trial's config:
//!
//! | key | effect |
//! |---|---|
//! | `x` (number) | reported metrics `{"x": x, "y": x²}` |
//! | `sleep_us` | sleeps that long first |
//! | `pid_dir` | writes its pid to `pid_dir/<index>.pid` first |
//! | `hang: true` | sleeps 10 minutes (only the orphan watchdog ends it) |
//! | `fail` | `"exit"`: prints to stderr, exits 3; `"panic"`: panics; `"silent"`: exits 0 printing nothing; `"reported"`: reports a failure |

#![allow(dead_code)] // each test file uses a different part

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use nn::search::trials::{TrialOutcome, TrialSpec, worker};

/// Set in a worker process.
pub const WORKER_ENV: &str = "NN_TRIALS_FAKE_WORKER";

#[test]
#[ignore = "a worker process that the trials tests start"]
fn fake_worker() {
    if std::env::var_os(WORKER_ENV).is_none() {
        return; // run by hand with --ignored: nothing to serve
    }
    worker::serve(fake).unwrap();
}

/// The fake trial (table in the module doc).
pub fn fake(spec: &TrialSpec) -> TrialOutcome {
    let c = &spec.config;
    if let Some(dir) = c["pid_dir"].as_str() {
        let path = PathBuf::from(dir).join(format!("{}.pid", spec.index));
        std::fs::write(path, std::process::id().to_string()).unwrap();
    }
    if c["hang"] == true {
        std::thread::sleep(Duration::from_secs(600));
    }
    std::thread::sleep(Duration::from_micros(c["sleep_us"].as_u64().unwrap_or(0)));
    match c["fail"].as_str() {
        Some("exit") => {
            eprintln!("boom: trial {} gave up", spec.index);
            std::process::exit(3);
        }
        Some("panic") => panic!("the fake worker panics on trial {}", spec.index),
        Some("silent") => std::process::exit(0),
        Some("reported") => TrialOutcome::failed("the fake reported a failure"),
        _ => {
            let x = c["x"].as_f64().unwrap_or(0.0);
            TrialOutcome::ok(serde_json::json!({"x": x, "y": x * x}))
        }
    }
}

/// The command that runs one trial in [`fake_worker`].
pub fn worker_command() -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args([
        "--exact",
        "support::fake_worker",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .env(WORKER_ENV, "1");
    c
}

/// An empty scratch directory unique to this process and `tag`.
pub fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nn-trials-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `n` specs with configs `{"x": i, "sleep_us": …}` merged with `extra`.
pub fn plan(n: usize, sleep_us: u64, extra: serde_json::Value) -> Vec<TrialSpec> {
    (0..n)
        .map(|i| {
            let mut config = serde_json::json!({"x": i, "sleep_us": sleep_us});
            for (k, v) in extra.as_object().unwrap() {
                config[k] = v.clone();
            }
            TrialSpec::new(i, 1, config).unwrap()
        })
        .collect()
}
