//! The `train` example's job with tiny settings: artifacts, resume, and
//! clean failures (bad flags, bad data) with a non-zero exit, never a panic.

use std::path::PathBuf;

use clap::Parser;
use examples::train_job::{Args, run};

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("train-job-{name}-{}", std::process::id()))
}

fn args(extra: &[&str]) -> Args {
    let base = [
        "train",
        "--quiet",
        "--epochs",
        "2",
        "--hidden",
        "16",
        "--no-augment",
    ];
    Args::try_parse_from(base.iter().chain(extra)).unwrap()
}

#[test]
fn a_tiny_run_writes_every_artifact_and_resumes() {
    let dir = tmp("artifacts");
    let out = run(&args(&["--out", dir.to_str().unwrap()])).unwrap();
    assert_eq!(out.sanity.len(), 4);
    assert!(out.sanity.iter().all(|r| r.passed), "{:?}", out.sanity);
    assert!(out.test_acc > 0.5, "{}", out.test_acc);
    for f in [
        "config.json",
        "metrics.jsonl",
        "best.safetensors",
        "last.safetensors",
        "report.html",
    ] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let metrics = std::fs::read_to_string(dir.join("metrics.jsonl")).unwrap();
    let epochs = metrics
        .lines()
        .filter(|l| l.contains("\"kind\":\"epoch\""))
        .count();
    assert_eq!(epochs, 2);
    // Resume to 3 epochs: one more epoch appended.
    let mut more = args(&["--out", dir.to_str().unwrap(), "--resume"]);
    more.epochs = 3;
    run(&more).unwrap();
    let metrics = std::fs::read_to_string(dir.join("metrics.jsonl")).unwrap();
    assert_eq!(
        metrics
            .lines()
            .filter(|l| l.contains("\"kind\":\"epoch\""))
            .count(),
        3
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The example's `--resume` continues bit for bit: 2 epochs, then resumed
/// to 4, ends with the same parameters, metrics and test accuracy as 4
/// epochs in one go (dropout, augmentation and the schedule included).
#[test]
fn resuming_through_the_example_equals_an_uninterrupted_run() {
    let (whole, split) = (tmp("whole"), tmp("split"));
    let base = |dir: &PathBuf, epochs: u32, extra: &[&str]| {
        let mut a = Args::try_parse_from(
            [
                "train",
                "--quiet",
                "--hidden",
                "16",
                "--out",
                dir.to_str().unwrap(),
            ]
            .iter()
            .chain(extra),
        )
        .unwrap();
        a.epochs = epochs;
        a
    };
    let one_go = run(&base(&whole, 4, &[])).unwrap();
    run(&base(&split, 2, &[])).unwrap();
    let resumed = run(&base(&split, 4, &["--resume"])).unwrap();
    assert_eq!(one_go.test_acc, resumed.test_acc);
    assert_eq!(one_go.val_acc, resumed.val_acc);
    let params = |dir: &PathBuf| {
        let mut m = nn::Mlp::<f32>::builder(&[64, 16, 10])
            .dropout(0.9)
            .build(&mut <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(0))
            .unwrap();
        let run_dir = nn::checkpoint::RunDir::create(dir).unwrap();
        run_dir.load_last(&mut m).unwrap().unwrap();
        nn::Module::params(&m)
            .iter()
            .map(|p| p.value().clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(params(&whole), params(&split));
    // The epoch records agree too, wall time aside.
    let epochs = |dir: &PathBuf| -> Vec<serde_json::Value> {
        std::fs::read_to_string(dir.join("metrics.jsonl"))
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .filter(|v| v["kind"] == "epoch")
            .map(|mut v| {
                v["seconds"] = serde_json::Value::Null;
                v
            })
            .collect()
    };
    assert_eq!(epochs(&whole), epochs(&split));
    assert_eq!(epochs(&whole).len(), 4);
    std::fs::remove_dir_all(&whole).unwrap();
    std::fs::remove_dir_all(&split).unwrap();
}

#[test]
fn bad_flags_and_bad_files_are_errors_not_panics() {
    assert!(Args::try_parse_from(["train", "--epochs", "many"]).is_err());
    assert!(Args::try_parse_from(["train", "--optimizer", "lbfgs"]).is_err());
    let dir = tmp("bad");
    let e = run(&args(&[
        "--data",
        "/no/such/file.csv",
        "--out",
        dir.to_str().unwrap(),
    ]))
    .unwrap_err();
    assert!(e.contains("/no/such/file.csv"), "{e}");
    let e = run(&args(&["--resume", "--out", dir.to_str().unwrap()])).unwrap_err();
    assert!(e.contains("last.safetensors"), "{e}");
    let e = run(&args(&["--dropout", "1.5", "--out", dir.to_str().unwrap()])).unwrap_err();
    assert!(e.contains("1.5"), "{e}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn main_returns_exit_code_2_for_a_bad_flag_or_file_and_0_for_help() {
    use examples::train_job::main_with;
    assert_eq!(main_with(["train", "--bogus"]), 2);
    assert_eq!(main_with(["train", "--lr", "-1"]), 2);
    assert_eq!(main_with(["train", "--quiet", "--data", "/no/such.csv"]), 2);
    assert_eq!(main_with(["train", "--help"]), 0);
}

#[test]
fn a_csv_file_sets_the_input_size_and_the_classes() {
    let dir = tmp("csv");
    std::fs::create_dir_all(&dir).unwrap();
    // 3 classes, 5 features: class k has feature k at 3, the rest noise-free 0.
    let mut text = String::new();
    for i in 0..60 {
        let k = i % 3;
        let row: Vec<String> = (0..5)
            .map(|j| {
                if j == k {
                    "3".into()
                } else {
                    format!("{}", (i * j) % 2)
                }
            })
            .collect();
        text.push_str(&format!("{k},{}\n", row.join(",")));
    }
    let csv = dir.join("toy.csv");
    std::fs::write(&csv, text).unwrap();
    let out = dir.join("run");
    let mut a = args(&[
        "--data",
        csv.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    a.epochs = 60; // one step per epoch: 42 training rows
    a.lr = 0.02;
    let done = run(&a).unwrap();
    let config = std::fs::read_to_string(out.join("config.json")).unwrap();
    let sizes: serde_json::Value = serde_json::from_str(&config).unwrap();
    assert_eq!(sizes["sizes"], serde_json::json!([5, 16, 3]));
    assert!(done.test_acc > 0.5, "{}", done.test_acc);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Piped (as in CI), the real binary prints one plain line per epoch on
/// stdout and no progress bar on stderr; in a terminal (a pseudo-terminal
/// from `script`, where installed) it draws the bar and no epoch lines.
#[test]
fn progress_is_lines_when_piped_and_a_bar_in_a_terminal() {
    let exe = std::env::current_exe().unwrap();
    let bin = exe
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join("examples/train");
    assert!(bin.is_file(), "{} not built", bin.display());
    let dir = tmp("progress");
    let flags = [
        "--epochs",
        "3",
        "--hidden",
        "16",
        "--no-augment",
        "--out",
        dir.to_str().unwrap(),
    ];
    let out = std::process::Command::new(&bin)
        .args(flags)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with("epoch ")).collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(lines[2].starts_with("epoch 3/3: loss "), "{}", lines[2]);
    assert!(
        !stderr.contains('\u{1b}') && !stderr.contains("epoch "),
        "{stderr}"
    );
    if std::path::Path::new("/usr/bin/script").is_file() {
        let cmd = format!("{} {}", bin.display(), flags.join(" "));
        let out = std::process::Command::new("/usr/bin/script")
            .args(["-qec", &cmd, "/dev/null"])
            .output()
            .unwrap();
        let tty = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{tty}");
        assert!(tty.contains("epoch 3/3 loss"), "no bar in {tty}");
        assert!(
            !tty.contains("epoch 1/3:"),
            "a plain line beside the bar: {tty}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
