//! The `search` example end to end, through its binary with tiny settings:
//! a local search and its resume, the cluster path (`--write-job`,
//! `--trial N`, `collect`) giving the same results, a search killed at
//! random moments, and clean failures.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use examples::search_job::run_trial;
use nn::search::trials::{TrialSpec, TrialStatus, read_results, results_path};

const TINY: [&str; 11] = [
    "--coarse-trials",
    "4",
    "--coarse-epochs",
    "1",
    "--fine-trials",
    "2",
    "--fine-epochs",
    "1",
    "--top-k",
    "2",
    "--no-augment",
];

fn bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples/search");
    assert!(bin.is_file(), "{} not built", bin.display());
    bin
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("search-job-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

fn search(out: &Path, extra: &[&str]) -> Output {
    Command::new(bin())
        .args(TINY)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Validation accuracy by trial hash; panics on a hash recorded twice.
fn by_hash(out: &Path) -> BTreeMap<String, f64> {
    let loaded = read_results(&results_path(out)).unwrap();
    let mut m = BTreeMap::new();
    for r in &loaded.records {
        assert_eq!(r.status, TrialStatus::Ok, "{r:?}");
        let acc = r.metrics["val_acc"].as_f64().unwrap();
        assert!(
            m.insert(r.hash.clone(), acc).is_none(),
            "trial {} twice",
            r.index
        );
    }
    m
}

#[test]
fn a_search_reports_and_a_rerun_skips_every_finished_trial() {
    let out = tmp("local");
    let first = search(&out, &[]);
    assert!(first.status.success(), "{}", text(&first));
    let t = text(&first);
    assert!(t.contains("6 trials (6 finished well)"), "{t}");
    assert!(t.contains("top-2 ensemble on the test split"), "{t}");
    let results = by_hash(&out);
    assert_eq!(results.len(), 6);
    let best: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("best_config.json")).unwrap())
            .unwrap();
    assert_eq!(best["epochs"], 1);
    let page = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert_eq!(
        page.matches("<svg").count(),
        5,
        "one scatter per hyperparameter"
    );
    assert!(page.contains("Top-2 ensemble") && page.contains("stage 2"));
    assert_eq!(std::fs::read_dir(out.join("models")).unwrap().count(), 6);

    let again = search(&out, &[]);
    let t = text(&again);
    assert!(again.status.success(), "{t}");
    assert!(
        t.contains("stage 1: 4 trials already finished, skipped"),
        "{t}"
    );
    assert!(
        t.contains("stage 2: 2 trials already finished, skipped"),
        "{t}"
    );
    assert_eq!(by_hash(&out), results);
    std::fs::remove_dir_all(&out).unwrap();
}

/// The cluster recipe's three steps, run by hand: each trial by index
/// (out of order, one twice), `collect`, the next stage, `collect` — the
/// same trials, each once, with bit-identical results to a local search.
#[test]
fn the_cluster_path_gives_the_local_results_each_trial_once() {
    let (local, cluster) = (tmp("cl-local"), tmp("cl-cluster"));
    assert!(search(&local, &["--quiet"]).status.success());
    std::fs::create_dir_all(&cluster).unwrap();
    let job = cluster.join("job.jsonl");
    let job_s = job.to_str().unwrap();
    for (stage, order) in [(1, vec!["3", "1", "0", "2", "1"]), (2, vec!["1", "0"])] {
        let o = search(&cluster, &["--write-job", job_s]);
        assert!(o.status.success(), "{}", text(&o));
        assert!(
            text(&o).starts_with(&format!("stage {stage}: ")),
            "{}",
            text(&o)
        );
        for n in order {
            let o = search(&cluster, &["--job", job_s, "--trial", n]);
            assert!(o.status.success(), "{}", text(&o));
        }
        let o = Command::new(bin())
            .args(["collect", "--out", cluster.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
    }
    let o = search(&cluster, &["--write-job", job_s]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("every stage has finished"),
        "{}",
        text(&o)
    );
    assert_eq!(by_hash(&cluster), by_hash(&local));
    // The local command over the collected results only reports.
    let o = search(&cluster, &[]);
    assert!(text(&o).contains("stage 2: 2 trials already finished, skipped"));
    assert_eq!(by_hash(&cluster), by_hash(&local));
    std::fs::remove_dir_all(&local).unwrap();
    std::fs::remove_dir_all(&cluster).unwrap();
}

/// SIGKILL the search at pseudo-random moments, rerun, until it finishes:
/// every planned trial ends in the results exactly once.
#[test]
fn a_search_killed_at_random_moments_resumes_with_every_trial_once() {
    let out = tmp("kill");
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let (mut kills, mut progressed) = (0, Vec::new());
    for _ in 0..40 {
        let mut child = Command::new(bin())
            .args(TINY)
            .arg("--quiet")
            .arg("--out")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1);
        std::thread::sleep(Duration::from_millis(100 + (state >> 33) % 1500));
        if child.try_wait().unwrap().is_some() {
            break;
        }
        child.kill().unwrap();
        child.wait().unwrap();
        kills += 1;
        progressed.push(read_results(&results_path(&out)).map_or(0, |l| l.records.len()));
    }
    let done = search(&out, &[]);
    assert!(done.status.success(), "{}", text(&done));
    assert_eq!(by_hash(&out).len(), 6);
    assert!(kills >= 1, "the search was never interrupted");
    println!("killed {kills} times; trials recorded after each kill: {progressed:?}");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn bad_flags_and_files_exit_2_with_a_message() {
    let out = tmp("bad");
    let o = search(&out, &["--workers", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("--workers must be at least 1"),
        "{}",
        text(&o)
    );
    let o = search(&out, &["--trial", "1"]);
    assert_eq!(o.status.code(), Some(2), "--trial needs --job");
    let missing = out.join("missing.jsonl");
    let o = search(&out, &["--job", missing.to_str().unwrap(), "--trial", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o).contains("error:") && text(&o).contains("missing.jsonl"));
    let _ = std::fs::remove_dir_all(&out);
}

/// A trial that diverges is recorded as such (with the trainer's message),
/// one with a bad key as a failure: never a panic.
#[test]
fn diverging_and_misconfigured_trials_are_outcomes_not_panics() {
    let spec = |c| TrialSpec::new(0, 1, c).unwrap();
    let diverged = run_trial(
        &spec(
            serde_json::json!({"lr": 1000.0, "optimizer": "sgd", "epochs": 1,
                                  "augment": false, "hidden": 16, "keep": 1.0}),
        ),
        None,
    );
    match &diverged.status {
        TrialStatus::Diverged { message } => {
            assert!(message.contains("training diverged at step"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    let bad = run_trial(&spec(serde_json::json!({"learning_rate": 0.1})), None);
    assert!(
        matches!(&bad.status, TrialStatus::Failed { message } if message.contains("unknown key"))
    );
}
