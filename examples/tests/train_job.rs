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
