//! Trials as processes, results as an append-only file (issue 13).
//!
//! A search plans [`TrialSpec`]s (a JSON object config each, identified by
//! the hash of its canonical JSON) and runs each as **one process**: the
//! config goes in on the worker's stdin, one JSON outcome comes out on its
//! stdout ([`worker`] has the protocol), and the coordinator appends one
//! [`TrialRecord`] line to the results file ([`ResultsFile`]).
//!
//! * [`run_local`]: `N` worker processes on this machine (default: the
//!   number of cores); rerunning the same command resumes — finished
//!   trials (by config hash) are skipped, the ones in flight when it was
//!   killed run again.
//! * [`write_job_file`], [`run_trial_from_job`] (`--trial N`) and
//!   [`collect`]: the same trials across machines, through GNU parallel, a
//!   Slurm job array or a Kubernetes Indexed Job
//!   (`docs/search-multi-machine.md`).
//!
//! # The results file (JSON Lines)
//!
//! One line per finished trial, appended whole (one `write_all` + `fsync`);
//! a half-written last line (a kill mid-append) is ignored and cut off by
//! the next writer, a corrupt line elsewhere is an error naming it. Later
//! lines supersede earlier ones of the same `hash` (a retried failure).
//!
//! | field | type | meaning |
//! |---|---|---|
//! | `hash` | string, 16 hex digits | FNV-1a 64 of the config's canonical JSON: the trial's identity ([`config_hash`]) |
//! | `index` | integer | the trial's number in the search (unique across stages) |
//! | `stage` | integer | the coarse-to-fine stage that planned it (not part of the identity) |
//! | `config` | object | the hyperparameters, as given to the worker |
//! | `status` | `"ok"`, `"failed"`, `"diverged"` | how it ended |
//! | `message` | string or null | why it failed (a crash: the worker's stderr tail) or diverged |
//! | `metrics` | object | what the worker measured (`{}` when it failed) |
//! | `wall_seconds` | number | the worker's start to its exit |
//! | `checkpoint` | string or null | where the worker saved its model |
//! | `host` | string or null | the machine that ran it |
//!
//! ```
//! use nn::search::trials::{TrialRecord, read_results};
//! let line = r#"{"hash":"00000000000000ab","index":0,"stage":1,"config":{"lr":0.1},"status":"ok","message":null,"metrics":{"val_acc":0.9},"wall_seconds":1.5,"checkpoint":null,"host":"node1"}"#;
//! let dir = std::env::temp_dir().join(format!("nn-doc-trials-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! std::fs::write(dir.join("results.jsonl"), format!("{line}\n")).unwrap();
//! let loaded = read_results(&dir.join("results.jsonl")).unwrap();
//! assert_eq!(loaded.records[0].metrics["val_acc"], 0.9);
//! assert_eq!(loaded.records[0].host.as_deref(), Some("node1"));
//! std::fs::remove_dir_all(&dir).unwrap();
//! ```

mod error;
mod job;
mod record;
mod results;
mod runner;
mod spec;
pub mod worker;

pub use error::TrialsError;
pub use job::{
    CollectSummary, collect, read_job_file, results_path, run_trial_from_job, trial_result_path,
    write_job_file,
};
pub use record::{TrialOutcome, TrialRecord, TrialStatus};
pub use results::{Loaded, ResultsFile, TornTail, read_results};
pub use runner::{Progress, RunOptions, RunSummary, run_local};
pub use spec::{TrialSpec, canonical_json, config_hash};
