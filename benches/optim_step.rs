//! One optimizer step for a 3072×100 f32 parameter (CIFAR's first affine
//! layer in the notes), for each `nn::optim` optimizer, beside the same
//! update hand-written as one loop over the same kind of buffers — the
//! floor. Target: every optimizer ≤ 1.1× its floor (ratios are measured in
//! pairs by `paired`; criterion's absolute times are here).

use std::hint::black_box;

use benches::optim::{self, Floor, Setup};
use criterion::{Criterion, criterion_group, criterion_main};

fn steps(c: &mut Criterion) {
    for name in optim::NAMES {
        let mut group = c.benchmark_group(format!("optimizer step 3072x100/f32 {name}"));
        let mut setup = Setup::<f32>::new(3072, 100);
        let mut opt = optim::optimizer::<f32>(name);
        group.bench_function("optimizer", |b| {
            b.iter(|| setup.step(black_box(opt.as_mut())))
        });
        let g = setup.gradient().to_vec();
        let mut floor = Floor::new(name, setup.param.value().as_slice().expect("row-major"));
        group.bench_function("hand loop", |b| b.iter(|| floor.step(black_box(&g))));
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = steps
}
criterion_main!(benches);
