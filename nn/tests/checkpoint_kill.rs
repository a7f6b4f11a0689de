//! `kill -9` during a save never leaves a corrupt or missing checkpoint
//! (issue 12).
//!
//! The test re-runs its own binary as a child that saves two alternating
//! versions (A, B) of a training checkpoint to a run directory's `best` and
//! `last` files, forever; the parent SIGKILLs it (`Child::kill`) after a
//! random delay, many times. After each kill both files must exist (the
//! parent made the first save), load, pass validation (checksum, names,
//! shapes) and equal A or B exactly. Temporary files a kill leaves are
//! counted (the kill landed mid-write), must be ignored by loading, and
//! are removed by the next save.
//!
//! `NN_CKPT_KILLS` sets the number of kills (default 200, ~10 s in debug);
//! run more by hand: `NN_CKPT_KILLS=2000 cargo test -p nn --test checkpoint_kill`.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use autograd::Float;
use ndarray::Array2;
use nn::checkpoint::{RunDir, TrainingCheckpoint, temp_files, write_atomic};
use nn::optim::State;
use nn::{Mlp, Module};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// Set (to the run directory) in the child process.
const CHILD_ENV: &str = "NN_CKPT_KILL_CHILD_DIR";
/// The longest time the child saves before it is killed, in µs.
const MAX_DELAY_US: u64 = 20_000;
/// What the child prints when it starts saving.
const READY: &str = "NN_CKPT_CHILD_SAVING";
/// The child's test name.
const CHILD: &str = "child_saves_alternating_versions_until_killed";

fn model() -> Mlp<f64> {
    Mlp::<f64>::builder(&[32, 128, 32])
        .batch_norm(true)
        .build(&mut StdRng::seed_from_u64(0))
        .unwrap()
}

/// Version `v` (1 = A, 2 = B): every parameter, buffer and the optimizer
/// array filled with `v`, epoch `v`.
fn version(v: u64) -> (Mlp<f64>, TrainingCheckpoint<f64>) {
    let mut net = model();
    let x = v as f64;
    for p in net.params_mut() {
        p.update(|w| w.fill(x));
    }
    let buffers: Vec<Array2<f64>> = net
        .buffers()
        .iter()
        .map(|b| Array2::from_elem(b.dim(), x))
        .collect();
    net.set_buffers(&buffers).unwrap();
    let mut optim = State::new("sgd_momentum");
    optim
        .arrays
        .insert("0:fc1.W/v".into(), Array2::from_elem((32, 128), x));
    optim.scalars.insert("t".into(), x);
    let mut ckpt = TrainingCheckpoint::new(7, serde_json::json!({ "version": v }));
    ckpt.epoch = v;
    ckpt.step = 100 * v;
    ckpt.states.insert("optim".into(), optim);
    (net, ckpt)
}

/// The child: saves A, B, A, B, … (each to `best`, then `last`, as
/// [`RunDir::save`] does) until killed. Each version is encoded once up
/// front, so the loop spends its time in the file writes a kill can
/// interrupt; it prints [`READY`] when the first save starts.
#[test]
#[ignore = "run by kill_9_during_saves_never_leaves_a_corrupt_or_missing_checkpoint"]
fn child_saves_alternating_versions_until_killed() {
    let dir = std::env::var(CHILD_ENV).expect("run by the parent test, which sets the directory");
    let run = RunDir::create(dir).unwrap();
    let bytes = [1, 2].map(|v| {
        let (net, ckpt) = version(v);
        ckpt.to_bytes(&net).unwrap()
    });
    // The harness may have printed `test … ... ` without a newline first.
    println!("\n{READY}");
    std::io::stdout().flush().unwrap();
    for i in 0.. {
        write_atomic(&run.best_path(), &bytes[i % 2]).unwrap();
        write_atomic(&run.last_path(), &bytes[i % 2]).unwrap();
    }
}

/// Loads `path` and checks it is exactly version A or B.
fn check_whole(path: &Path, expected: &[(Vec<u64>, TrainingCheckpoint<f64>); 2]) {
    let mut net = model();
    let ckpt = match TrainingCheckpoint::<f64>::load(&mut net, path) {
        Ok(c) => c,
        Err(e) => panic!("{}: {e}", path.display()),
    };
    let (bits, want) = &expected[(ckpt.epoch - 1) as usize];
    assert_eq!(&ckpt, want, "{}", path.display());
    assert_eq!(&fingerprint(&net), bits, "{}", path.display());
}

fn fingerprint<F: Float>(net: &Mlp<F>) -> Vec<u64> {
    let params = net.params().into_iter().flat_map(|p| {
        p.value()
            .iter()
            .map(|v| v.as_f64().to_bits())
            .collect::<Vec<_>>()
    });
    params
        .chain(
            net.buffers()
                .iter()
                .flat_map(|b| b.iter().map(|v| v.as_f64().to_bits()).collect::<Vec<_>>()),
        )
        .collect()
}

#[test]
fn kill_9_during_saves_never_leaves_a_corrupt_or_missing_checkpoint() {
    let kills: usize = std::env::var("NN_CKPT_KILLS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let dir = std::env::temp_dir().join(format!("nn-ckpt-kill-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let run = RunDir::create(&dir).unwrap();
    let expected = [1, 2].map(|v| {
        let (net, ckpt) = version(v);
        (fingerprint(&net), ckpt)
    });
    let (net, ckpt) = version(1);
    run.save(&ckpt, &net, true).unwrap(); // the first completed save

    let exe = std::env::current_exe().unwrap();
    let mut rng = StdRng::seed_from_u64(12);
    let (mut mid_write, start) = (0, Instant::now());
    for _ in 0..kills {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                CHILD,
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD_ENV, &dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Wait until it saves (the harness prints its own lines first), then
        // let it run for up to a few save cycles.
        let out = BufReader::new(child.stdout.take().unwrap());
        let ready = out
            .lines()
            .map_while(Result::ok)
            .any(|line| line.contains(READY));
        assert!(ready, "the child did not start saving");
        std::thread::sleep(Duration::from_micros(rng.random_range(0..MAX_DELAY_US)));
        child.kill().unwrap(); // SIGKILL on Unix
        let status = child.wait().unwrap();
        assert!(!status.success(), "the child stopped by itself: {status}");
        if !temp_files(&run.last_path()).is_empty() || !temp_files(&run.best_path()).is_empty() {
            mid_write += 1;
        }
        check_whole(&run.last_path(), &expected);
        check_whole(&run.best_path(), &expected);
    }
    eprintln!(
        "{kills} kills, {mid_write} mid-write (a temporary file was left), {:.1} s",
        start.elapsed().as_secs_f64()
    );
    assert!(
        kills < 20 || mid_write > 0,
        "no kill landed mid-write: the test tested nothing"
    );
    // The next save removes the leftovers.
    run.save(&ckpt, &net, true).unwrap();
    assert!(temp_files(&run.last_path()).is_empty() && temp_files(&run.best_path()).is_empty());
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names, ["best.safetensors", "last.safetensors"]);
    std::fs::remove_dir_all(&dir).unwrap();
}
