//! W1, small-op overhead: a 1000-node chain on 4×4 matrices (cycling
//! `h ⊙ w`, `h + b`, `tanh h`), forward + backward, on the tape and by hand.
//! Throughput is reported per node; the ratio tape / hand is the overhead.

use std::hint::black_box;

use autograd::{Float, Tape};
use benches::chain;
use benches::data::SplitMix;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const NODES: usize = 1000;

fn bench_type<F: Float>(c: &mut Criterion) {
    let mut rng = SplitMix::new(42);
    let (x, w, b) = (
        rng.matrix::<F>(4, 4, 1.0),
        rng.matrix(4, 4, 1.0),
        rng.matrix(4, 4, 0.5),
    );
    let mut group = c.benchmark_group(format!("W1 chain of {NODES} 4x4 nodes/{}", F::NAME));
    group.throughput(Throughput::Elements(NODES as u64));
    let mut tape = Tape::new();
    group.bench_function("tape", |bench| {
        bench.iter(|| black_box(chain::on_tape(&mut tape, &x, &w, &b, NODES)))
    });
    group.bench_function("by hand", |bench| {
        bench.iter(|| black_box(chain::by_hand(&x, &w, &b, NODES)))
    });
    group.finish();
}

fn w1(c: &mut Criterion) {
    bench_type::<f32>(c);
    bench_type::<f64>(c);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = w1
}
criterion_main!(benches);
