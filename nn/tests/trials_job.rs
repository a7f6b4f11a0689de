//! More than one machine, locally (issue 13): every trial of a job file run
//! by index (`--trial N`) as its own process, in shuffled order, some
//! twice and some concurrently, then `collect`: every trial ends in the
//! results file exactly once, and collecting again adds nothing.

#[path = "trials/support.rs"]
mod support;

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use nn::search::trials::{
    TrialOutcome, TrialSpec, TrialsError, collect, read_results, results_path, run_trial_from_job,
    trial_result_path, write_job_file,
};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use serde_json::json;

/// Set in the `--trial N` child: `job;N;out`.
const TRIAL_ENV: &str = "NN_TRIALS_JOB_TRIAL";

/// The `--trial N` worker, as the search binary runs it on a cluster node.
#[test]
#[ignore = "run by trial_by_index_then_collect_records_every_trial_exactly_once"]
fn child_runs_one_trial_by_index() {
    let arg = std::env::var(TRIAL_ENV).expect("run by the parent test");
    let [job, n, out] = arg.split(';').collect::<Vec<_>>()[..] else {
        panic!("bad {TRIAL_ENV}: {arg}");
    };
    run_trial_from_job(
        job.as_ref(),
        n.parse().unwrap(),
        out.as_ref(),
        support::fake,
    )
    .unwrap();
}

fn spawn_trial(job: &Path, n: usize, out: &Path) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_runs_one_trial_by_index", "--ignored"])
        .env(
            TRIAL_ENV,
            format!("{};{n};{}", job.display(), out.display()),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn trial_by_index_then_collect_records_every_trial_exactly_once() {
    let out = support::scratch("job");
    let job = out.join("job.jsonl");
    let plan = support::plan(16, 2_000, json!({}));
    write_job_file(&job, &plan).unwrap();
    // Every index once, a third of them twice, shuffled; run 4 at a time.
    let mut order: Vec<usize> = (0..plan.len()).chain((0..plan.len()).step_by(3)).collect();
    order.shuffle(&mut StdRng::seed_from_u64(5));
    for batch in order.chunks(4) {
        let children: Vec<Child> = batch.iter().map(|&n| spawn_trial(&job, n, &out)).collect();
        for c in children {
            let out = c.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "{err}");
        }
    }
    for spec in &plan {
        assert!(
            trial_result_path(&out, spec).exists(),
            "trial {}",
            spec.index
        );
    }
    let first = collect(&out).unwrap();
    assert_eq!((first.found, first.appended), (plan.len(), plan.len()));
    let again = collect(&out).unwrap();
    assert_eq!((again.found, again.appended), (plan.len(), 0));

    let loaded = read_results(&results_path(&out)).unwrap();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for r in &loaded.records {
        *count.entry(r.hash.as_str()).or_default() += 1;
        assert_eq!(r.metrics["y"], r.config["x"].as_f64().unwrap().powi(2));
    }
    assert_eq!(loaded.records.len(), plan.len());
    assert!(plan.iter().all(|s| count[s.hash.as_str()] == 1));
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn one_trial_run_many_times_at_once_leaves_one_whole_result() {
    // A requeued array task racing its first run. Regression: with
    // `checkpoint::write_atomic`, each writer removed the others' temporary
    // files first, so their renames failed (ENOENT).
    let out = support::scratch("job-race");
    let job = out.join("job.jsonl");
    let plan = support::plan(1, 0, json!({}));
    write_job_file(&job, &plan).unwrap();
    let children: Vec<Child> = (0..8).map(|_| spawn_trial(&job, 0, &out)).collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        let log = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{log}");
    }
    assert_eq!(collect(&out).unwrap().appended, 1);
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn a_finished_trial_is_not_run_again_but_a_failed_one_is_and_collect_takes_the_rerun() {
    let out = support::scratch("job-rerun");
    let job = out.join("job.jsonl");
    let plan = support::plan(2, 0, json!({}));
    write_job_file(&job, &plan).unwrap();
    let ok = |s: &TrialSpec| TrialOutcome::ok(json!({"run": s.index}));
    let first = run_trial_from_job(&job, 0, &out, ok).unwrap();
    let again = run_trial_from_job(&job, 0, &out, |_| panic!("must not run again")).unwrap();
    assert_eq!(again, first);

    // A panicking trial becomes a Failed record with the panic message…
    let failed = run_trial_from_job(&job, 1, &out, |_| panic!("out of memory")).unwrap();
    assert_eq!(failed.status.name(), "failed");
    assert!(failed.status.message().unwrap().contains("out of memory"));
    assert_eq!(collect(&out).unwrap().appended, 2);
    // …which a re-run replaces, and collect appends the new record once.
    let rerun = run_trial_from_job(&job, 1, &out, ok).unwrap();
    assert_eq!(rerun.status.name(), "ok");
    assert_eq!(collect(&out).unwrap().appended, 1);
    assert_eq!(collect(&out).unwrap().appended, 0);
    let loaded = read_results(&results_path(&out)).unwrap();
    assert_eq!(loaded.records.len(), 3);
    assert_eq!(loaded.latest(&plan[1].hash).unwrap(), &rerun);
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn a_trial_index_past_the_job_file_is_a_typed_error() {
    let out = support::scratch("job-range");
    let job = out.join("job.jsonl");
    write_job_file(&job, &support::plan(3, 0, json!({}))).unwrap();
    let e = run_trial_from_job(&job, 3, &out, support::fake).unwrap_err();
    assert!(
        matches!(
            e,
            TrialsError::NoSuchTrial {
                trial: 3,
                count: 3,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("no trial 3"), "{e}");
    std::fs::remove_dir_all(&out).unwrap();
}
