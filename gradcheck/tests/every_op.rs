//! The gradient of EVERY registered op, checked on random inputs.
//!
//! Enumerates `autograd::registry::all_ops()`, so registering an op in
//! autograd adds it here. For each op: 256 proptest cases away from kinks
//! (normwise error ≤ 1e-7 per tensor, every row passing, no kink crossed)
//! and, for ops with a kink, 256 kink-biased cases (every row passes, or
//! comes back `KinkCrossed` / `Subgradient`). Plus random small graphs.

use autograd::registry::{Kink, OpSpec, all_ops};
use gradcheck::strategies::{Placement, graph, op_inputs};
use gradcheck::{GradCheck, Report, Verdict};
use std::cell::Cell;

use ndarray::Array2;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};

const CASES: u32 = 256;
const MAX_SIDE: usize = 4;
const NORMWISE: f64 = 1e-7;

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/proptest-regressions/every_op.txt"
        )))),
        ..Config::default()
    })
}

fn check_op(spec: OpSpec, inputs: &[Array2<f64>]) -> Report {
    let names = ["a", "b", "c", "d"];
    let named: Vec<(&str, Array2<f64>)> = inputs
        .iter()
        .enumerate()
        .map(|(i, x)| (names[i], x.clone()))
        .collect();
    GradCheck::new().check(&named, |_, x, _| (spec.apply)(x))
}

#[test]
fn every_op_away_from_kinks() {
    let mut problems = Vec::new();
    let mut worst = (0.0_f64, "");
    for spec in all_ops() {
        let op_worst = Cell::new(0.0_f64);
        let result = runner(CASES).run(
            &op_inputs(spec, Placement::AwayFromKinks, MAX_SIDE),
            |inputs| {
                let report = check_op(spec, &inputs);
                let nw = report.worst_normwise();
                op_worst.set(op_worst.get().max(nw));
                prop_assert!(
                    report.kinks().next().is_none(),
                    "{}: crossed a kink away from kinks\n{}",
                    spec.name,
                    report
                );
                prop_assert!(report.passed(), "{}\n{}", spec.name, report);
                prop_assert!(
                    nw <= NORMWISE,
                    "{}: normwise {nw:e} > {NORMWISE:e}\n{}",
                    spec.name,
                    report
                );
                Ok(())
            },
        );
        let op_worst = op_worst.get();
        println!(
            "{:<16} {CASES} cases, worst normwise {op_worst:.2e}",
            spec.name
        );
        if op_worst > worst.0 {
            worst = (op_worst, spec.name);
        }
        if let Err(e) = result {
            problems.push(format!("{}: {e}", spec.name));
        }
    }
    println!(
        "worst normwise error over all ops: {:.2e} ({})",
        worst.0, worst.1
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn every_kinked_op_on_kinks() {
    let mut problems = Vec::new();
    let mut kinked = 0;
    for spec in all_ops().into_iter().filter(|s| s.kink != Kink::None) {
        kinked += 1;
        let (crossed, subgradient) = (Cell::new(0usize), Cell::new(0usize));
        let result = runner(CASES).run(&op_inputs(spec, Placement::OnKinks, MAX_SIDE), |inputs| {
            let report = check_op(spec, &inputs);
            for r in &report.rows {
                match r.verdict {
                    Verdict::KinkCrossed => crossed.set(crossed.get() + 1),
                    Verdict::Subgradient => subgradient.set(subgradient.get() + 1),
                    Verdict::Pass | Verdict::Fail => {}
                }
            }
            prop_assert!(report.passed(), "{}\n{}", spec.name, report);
            Ok(())
        });
        let (crossed, subgradient) = (crossed.get(), subgradient.get());
        println!(
            "{:<16} {CASES} kink-biased cases: {subgradient} subgradient rows, {crossed} KinkCrossed rows",
            spec.name
        );
        if let Err(e) = result {
            problems.push(format!("{}: {e}", spec.name));
        } else if crossed + subgradient == 0 {
            problems.push(format!(
                "{}: kink-biased inputs never crossed a kink",
                spec.name
            ));
        }
    }
    println!("{kinked} ops with kinks");
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn random_graphs_of_registered_ops() {
    let result = runner(128).run(&graph(4), |g| {
        let inputs = g.named_inputs();
        let named: Vec<(&str, Array2<f64>)> = inputs
            .iter()
            .map(|(n, v)| (n.as_str(), v.clone()))
            .collect();
        let report = GradCheck::new().check(&named, |_, x, _| g.apply(x));
        prop_assert!(report.passed(), "{:?}\n{}", g, report);
        prop_assert!(report.worst_normwise() <= 1e-5, "{:?}\n{}", g, report);
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
