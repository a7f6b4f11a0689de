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
