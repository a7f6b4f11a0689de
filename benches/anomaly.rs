//! Anomaly mode's cost: the W1 chain and a W2-sized MLP step with
//! `detect_anomalies` off and on. Off must cost nothing measurable (compare
//! "off" here with W1/W2's "tape"); on must stay within 2× of off.
//!
//! When on, every forward output and every backward gradient is scanned
//! for NaN/±Inf, and the backward pass gives up its fused in-place
//! accumulation so each op's own contribution can be checked.

use std::hint::black_box;
use std::sync::Arc;

use autograd::Tape;
use benches::data::SplitMix;
use benches::{chain, mlp};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const NODES: usize = 1000;

fn w1(c: &mut Criterion) {
    let mut rng = SplitMix::new(42);
    let (x, w, b) = (
        rng.matrix::<f32>(4, 4, 1.0),
        rng.matrix(4, 4, 1.0),
        rng.matrix(4, 4, 0.5),
    );
    let mut group = c.benchmark_group(format!("anomaly mode/W1 chain of {NODES} 4x4 nodes/f32"));
    group.throughput(Throughput::Elements(NODES as u64));
    for on in [false, true] {
        let mut tape = Tape::new();
        tape.detect_anomalies(on);
        group.bench_function(if on { "on" } else { "off" }, |bench| {
            bench.iter(|| black_box(chain::on_tape(&mut tape, &x, &w, &b, NODES)))
        });
    }
    group.finish();
}

fn w2(c: &mut Criterion) {
    let (sizes, batch) = ([3072, 100, 10], 256);
    let mut rng = SplitMix::new(7);
    let net = mlp::Mlp::<f32>::new(&sizes, 1);
    let x = Arc::new(rng.matrix::<f32>(batch, sizes[0], 1.0));
    let labels = rng.labels(batch, sizes[2]);
    let mut group = c.benchmark_group("anomaly mode/W2 3072-100-10 b256 forward+backward/f32");
    for on in [false, true] {
        let mut tape = Tape::new();
        tape.detect_anomalies(on);
        group.bench_function(if on { "on" } else { "off" }, |bench| {
            bench.iter(|| black_box(mlp::tape_grads(&mut tape, &net, &x, &labels, 1e-3)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = w1, w2
}
criterion_main!(benches);
