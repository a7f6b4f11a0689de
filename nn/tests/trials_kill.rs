//! Kill the search coordinator at random moments, rerun it, repeat until
//! it finishes: every planned trial ends in the results file exactly once,
//! and no line is ever corrupt (issue 13).
//!
//! The test re-runs its own executable as the coordinator
//! ([`child_coordinator`]), which runs the plan with
//! `nn::search::trials::run_local` and the fake worker of
//! `trials/support.rs` (this executable again, one process per trial). The
//! parent SIGKILLs the coordinator after a random delay; its workers notice
//! their stdin closing and exit ([`killed_coordinators_leave_no_worker_running`]
//! checks that on workers that would otherwise sleep for ten minutes).
//!
//! The kill lands after 0–2 finished trials (the coordinator prints a line
//! per trial) plus 0–4 ms, so the kill count hardly depends on the
//! machine's speed. `NN_TRIALS_PLAN` sets the number of trials (default
//! 300: about 140 kills in ~5 s in debug on 2 cores); run more by hand:
//! `NN_TRIALS_PLAN=2000 cargo test -p nn --test trials_kill -- --nocapture`.

#[path = "trials/support.rs"]
mod support;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nn::search::trials::{RunOptions, TrialSpec, read_results, run_local};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Set (to the search directory) in the coordinator process.
const COORD_ENV: &str = "NN_TRIALS_KILL_COORD_DIR";
/// What the coordinator prints once it starts.
const READY: &str = "NN_TRIALS_COORDINATOR_READY";
/// What the coordinator prints after each finished trial.
const DONE: &str = "NN_TRIALS_TRIAL_DONE";
/// The longest the parent waits after the chosen trial before the kill, µs.
const MAX_DELAY_US: u64 = 4_000;

/// The plan: trial i sleeps a pseudo-random 0–4 ms (`extra` merged in).
fn kill_plan(n: usize, extra: serde_json::Value) -> Vec<TrialSpec> {
    let mut plan = support::plan(n, 0, extra);
    for (i, spec) in plan.iter_mut().enumerate() {
        let mut config = spec.config.clone();
        config["sleep_us"] = ((i as u64 * 2_654_435_761) % 4_000).into();
        *spec = TrialSpec::new(i, 1, config).unwrap();
    }
    plan
}

fn plan_size() -> usize {
    std::env::var("NN_TRIALS_PLAN")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300)
}

/// The coordinator: runs the plan (from the env) with 4 workers.
#[test]
#[ignore = "run by the kill tests"]
fn child_coordinator() {
    let dir = std::env::var(COORD_ENV).expect("run by the parent test, which sets the directory");
    let dir = Path::new(&dir);
    let plan: Vec<TrialSpec> = nn::search::trials::read_job_file(&dir.join("job.jsonl")).unwrap();
    println!("\n{READY}");
    std::io::stdout().flush().unwrap();
    let opts = RunOptions {
        workers: 4,
        ..RunOptions::default()
    };
    run_local(
        &dir.join("results.jsonl"),
        &plan,
        &opts,
        |_| support::worker_command(),
        |_| {
            println!("\n{DONE}");
            std::io::stdout().flush().unwrap();
        },
    )
    .unwrap();
}

/// Starts the coordinator on `dir`, waits until it has finished `trials`
/// trials (or exited), and returns it with its stdout drained from then on
/// (a closed pipe would fail the harness's last print).
fn start_coordinator(dir: &Path, trials: usize) -> Child {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_coordinator",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(COORD_ENV, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let ready = lines
        .by_ref()
        .map_while(Result::ok)
        .any(|line| line.contains(READY));
    assert!(ready, "the coordinator did not start");
    for _ in 0..trials {
        if !lines
            .by_ref()
            .map_while(Result::ok)
            .any(|l| l.contains(DONE))
        {
            break; // it exited: nothing left to run
        }
    }
    std::thread::spawn(move || lines.for_each(drop));
    child
}

#[test]
fn killed_and_resumed_search_records_every_trial_exactly_once() {
    let dir = support::scratch("kill");
    let plan = kill_plan(plan_size(), serde_json::json!({}));
    nn::search::trials::write_job_file(&dir.join("job.jsonl"), &plan).unwrap();
    let results = dir.join("results.jsonl");
    let mut rng = StdRng::seed_from_u64(13);
    let (mut kills, mut torn, mut runs, start) = (0, 0, 0, Instant::now());
    loop {
        runs += 1;
        assert!(runs < 2_000, "the search never finished");
        // Kill after 0, 1 or 2 finished trials and a few ms: mostly with
        // trials in flight, sometimes before any finished.
        let mut child = start_coordinator(&dir, rng.random_range(0..3));
        std::thread::sleep(Duration::from_micros(rng.random_range(0..MAX_DELAY_US)));
        let killed = child.try_wait().unwrap().is_none();
        if killed {
            child.kill().unwrap(); // SIGKILL on Unix
            kills += 1;
        }
        let status = child.wait().unwrap();
        assert!(
            killed || status.success(),
            "the coordinator failed: {status}"
        );
        // After every run, killed or not, the file reads: no corrupt line.
        let loaded = match read_results(&results) {
            Ok(l) => l,
            Err(e) => panic!("after run {runs}: {e}"),
        };
        torn += usize::from(loaded.torn_tail.is_some());
        if status.success() {
            break;
        }
    }
    let loaded = read_results(&results).unwrap();
    let mut count: HashMap<&str, usize> = HashMap::new();
    for r in &loaded.records {
        *count.entry(r.hash.as_str()).or_default() += 1;
        assert_eq!(r.status.name(), "ok", "{r:?}");
        assert_eq!(r.metrics["y"], r.config["x"].as_f64().unwrap().powi(2));
    }
    for spec in &plan {
        assert_eq!(
            count.get(spec.hash.as_str()),
            Some(&1),
            "trial {}",
            spec.index
        );
    }
    assert_eq!(loaded.records.len(), plan.len());
    assert!(loaded.torn_tail.is_none());
    eprintln!(
        "{} trials, {kills} kills ({torn} left a half-written last line), {runs} runs, {:.1} s",
        plan.len(),
        start.elapsed().as_secs_f64()
    );
    assert!(
        plan.len() < 100 || kills >= 50,
        "only {kills} kills: the test tested little"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Whether process `pid` is still running (not gone, not a zombie).
#[cfg(target_os = "linux")]
fn running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state follows the parenthesised command name.
        Ok(stat) => !stat
            .rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => false,
    }
}

#[cfg(target_os = "linux")]
#[test]
fn killed_coordinators_leave_no_worker_running() {
    let dir = support::scratch("orphans");
    let pids = dir.join("pids");
    std::fs::create_dir_all(&pids).unwrap();
    let plan = kill_plan(3, serde_json::json!({"hang": true, "pid_dir": pids}));
    nn::search::trials::write_job_file(&dir.join("job.jsonl"), &plan).unwrap();
    let mut child = start_coordinator(&dir, 0);
    // Wait until all three workers are up (each writes its pid, then hangs).
    let deadline = Instant::now() + Duration::from_secs(60);
    let read_pids = || -> Vec<u32> {
        (0..3)
            .filter_map(|i| std::fs::read_to_string(pids.join(format!("{i}.pid"))).ok())
            .filter_map(|s| s.parse().ok())
            .collect()
    };
    while read_pids().len() < 3 {
        assert!(Instant::now() < deadline, "the workers did not start");
        std::thread::sleep(Duration::from_millis(10));
    }
    let workers = read_pids();
    assert!(workers.iter().all(|&p| running(p)), "a worker ended early");
    child.kill().unwrap();
    child.wait().unwrap();
    // Hanging workers end only through the watchdog: within seconds, not 10 min.
    let deadline = Instant::now() + Duration::from_secs(20);
    while workers.iter().any(|&p| running(p)) {
        assert!(
            Instant::now() < deadline,
            "workers outlived their coordinator: {workers:?}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(
        read_results(&dir.join("results.jsonl"))
            .unwrap()
            .records
            .is_empty()
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
