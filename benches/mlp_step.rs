//! W2, an MLP training step (forward, backward, SGD — on the tape through
//! `nn::optim::Sgd`) for 3072-100-10 at
//! batch 256 and 784-512-512-10 at batch 128: on the tape, by hand, and the
//! step's GEMMs alone. The ratio tape / GEMMs-only is the overhead of
//! everything that is not a matrix product.

use std::hint::black_box;

use autograd::{Float, Tape};
use benches::mlp::{self, GemmBuffers, Mlp, Pick};
use criterion::{Criterion, criterion_group, criterion_main};
use nn::optim::{Sgd, SgdConfig};

fn bench_net<F: Float>(c: &mut Criterion, sizes: &[usize], batch: usize) {
    let (x, labels) = mlp::batch::<F>(sizes, batch);
    let (lr, reg) = (F::of(1e-3), F::of(1e-4));
    let name: Vec<String> = sizes.iter().map(usize::to_string).collect();
    let mut group = c.benchmark_group(format!("W2 {} batch {batch}/{}", name.join("-"), F::NAME));

    let mut net = Mlp::<F>::new(sizes, 1);
    let mut tape = Tape::new();
    let mut sgd = Sgd::new(SgdConfig { lr: lr.as_f64() }).expect("a valid rate");
    group.bench_function("tape step", |bench| {
        bench.iter(|| {
            black_box(mlp::tape_step(
                &mut tape, &mut net, &x, &labels, reg, &mut sgd,
            ))
        })
    });
    let mut net = Mlp::<F>::new(sizes, 1);
    group.bench_function("hand step", |bench| {
        bench.iter(|| {
            let grads = mlp::hand_grads(&net, &x, &labels, reg);
            mlp::sgd(&mut net, &grads, lr);
            black_box(grads.loss)
        })
    });
    let net = Mlp::<F>::new(sizes, 1);
    let mut buffers = GemmBuffers::new(&net, batch);
    group.bench_function("GEMMs only", |bench| {
        bench.iter(|| mlp::gemms_only(&net, &x, black_box(&mut buffers), Pick::Engine))
    });
    group.finish();
}

fn w2(c: &mut Criterion) {
    bench_net::<f32>(c, &[3072, 100, 10], 256);
    bench_net::<f64>(c, &[3072, 100, 10], 256);
    bench_net::<f32>(c, &[784, 512, 512, 10], 128);
    bench_net::<f64>(c, &[784, 512, 512, 10], 128);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(4));
    targets = w2
}
criterion_main!(benches);
