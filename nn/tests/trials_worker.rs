//! The local runner and its workers (issue 13): a worker that crashes,
//! panics, exits non-zero, prints no outcome or reports a failure becomes a
//! `Failed` record (with its stderr tail), failures are final unless
//! `retry_failed`, and resume skips finished trials.

#[path = "trials/support.rs"]
mod support;

use nn::search::trials::{RunOptions, TrialStatus, read_results, run_local};
use serde_json::json;

fn options(retry_failed: bool) -> RunOptions {
    RunOptions {
        workers: 2,
        retry_failed,
    }
}

fn message(status: &TrialStatus) -> &str {
    match status {
        TrialStatus::Failed { message } => message,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn failing_workers_become_failed_records_with_their_stderr_tail() {
    let dir = support::scratch("fail");
    let results = dir.join("results.jsonl");
    let mut plan = support::plan(2, 0, json!({}));
    for (i, fail) in ["exit", "panic", "silent", "reported"].iter().enumerate() {
        plan.extend(support::plan(1, 0, json!({"fail": fail, "x": 10 + i})));
        plan.last_mut().unwrap().index = 2 + i;
    }
    let mut seen = Vec::new();
    let summary = run_local(
        &results,
        &plan,
        &options(false),
        |_| support::worker_command(),
        |p| seen.push((p.record.index, p.finished, p.to_run)),
    )
    .unwrap();
    assert_eq!((summary.planned, summary.ran, summary.failed), (6, 6, 4));
    assert_eq!(seen.len(), 6);
    assert!(seen.iter().all(|&(_, _, to_run)| to_run == 6));
    let mut finished: Vec<usize> = seen.iter().map(|s| s.1).collect();
    finished.sort();
    assert_eq!(finished, [1, 2, 3, 4, 5, 6]);

    let loaded = read_results(&results).unwrap();
    let by_index = |i: usize| loaded.records.iter().find(|r| r.index == i).unwrap();
    assert_eq!(by_index(0).status, TrialStatus::Ok);
    assert_eq!(by_index(1).metrics["y"], 1.0);
    let exit = message(&by_index(2).status);
    assert!(exit.contains("exit status: 3"), "{exit}");
    assert!(exit.contains("boom: trial 2 gave up"), "{exit}");
    let panic = message(&by_index(3).status);
    assert!(
        panic.contains("the fake worker panics on trial 3"),
        "{panic}"
    );
    let silent = message(&by_index(4).status);
    assert!(
        silent.contains("without printing an outcome line"),
        "{silent}"
    );
    assert_eq!(message(&by_index(5).status), "the fake reported a failure");
    assert!(loaded.records.iter().all(|r| r.wall_seconds > 0.0));

    // Resume: everything is finished, failures included, by default…
    let again = run_local(
        &results,
        &plan,
        &options(false),
        |_| support::worker_command(),
        |_| {},
    )
    .unwrap();
    assert_eq!((again.skipped, again.ran), (6, 0));
    // …and `retry_failed` re-runs exactly the four failures (they fail again).
    let retry = run_local(
        &results,
        &plan,
        &options(true),
        |_| support::worker_command(),
        |_| {},
    )
    .unwrap();
    assert_eq!((retry.skipped, retry.ran, retry.failed), (2, 4, 4));
    assert_eq!(read_results(&results).unwrap().records.len(), 10);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_worker_that_cannot_start_is_a_failed_record() {
    let dir = support::scratch("nostart");
    let results = dir.join("results.jsonl");
    let plan = support::plan(1, 0, json!({}));
    let missing = || std::process::Command::new(dir.join("no-such-worker"));
    let summary = run_local(&results, &plan, &options(false), |_| missing(), |_| {}).unwrap();
    assert_eq!(summary.failed, 1);
    let loaded = read_results(&results).unwrap();
    let m = message(&loaded.records[0].status);
    assert!(m.contains("could not start the worker"), "{m}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_same_config_planned_twice_runs_once() {
    let dir = support::scratch("dup");
    let results = dir.join("results.jsonl");
    let mut plan = support::plan(2, 0, json!({}));
    let mut twin = plan[0].clone();
    twin.index = 2;
    twin.stage = 2; // the stage is not part of the identity
    plan.push(twin);
    let summary = run_local(
        &results,
        &plan,
        &options(false),
        |_| support::worker_command(),
        |_| {},
    )
    .unwrap();
    assert_eq!((summary.planned, summary.ran), (2, 2));
    assert_eq!(read_results(&results).unwrap().records.len(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
}
