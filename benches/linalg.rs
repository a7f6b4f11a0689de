//! faer vs nalgebra on the decomposition `nn::preprocess` needs: the
//! symmetric eigendecomposition (and, for reference, the SVD) of a 784×784
//! covariance in f64 — the size of an MNIST image's covariance.
//!
//! The covariance is that of 2000 rows made of 40 latent factors with
//! decaying scales plus isotropic noise, so the spectrum has a few large
//! eigenvalues, a tail and a noise floor, like image data. Before timing,
//! both crates' eigenvalues are checked against each other, so a fast wrong
//! answer cannot win. Both run on one thread: faer is built without its
//! `rayon` feature, as `nn` uses it (reproducible results, no thread pool on
//! a shared machine), and nalgebra has no parallel path.

use std::hint::black_box;

use benches::data::SplitMix;
use criterion::{Criterion, criterion_group, criterion_main};
use ndarray::Array2;

const ROWS: usize = 2000;
const DIM: usize = 784;
const LATENT: usize = 40;

/// The covariance (1/N)·XcᵀXc of structured random rows.
fn covariance() -> Array2<f64> {
    let mut rng = SplitMix::new(784);
    let z = rng.matrix::<f64>(ROWS, LATENT, 1.0);
    let mut mixing = rng.matrix::<f64>(LATENT, DIM, 1.0);
    for (k, mut row) in mixing.rows_mut().into_iter().enumerate() {
        row *= 0.9_f64.powi(k as i32); // decaying factor scales
    }
    let x = z.dot(&mixing) + rng.matrix::<f64>(ROWS, DIM, 0.1);
    let mean = x.mean_axis(ndarray::Axis(0)).unwrap();
    let xc = &x - &mean;
    xc.t().dot(&xc) / ROWS as f64
}

fn to_faer(c: &Array2<f64>) -> faer::Mat<f64> {
    faer::Mat::from_fn(c.nrows(), c.ncols(), |i, j| c[[i, j]])
}

fn to_nalgebra(c: &Array2<f64>) -> nalgebra::DMatrix<f64> {
    nalgebra::DMatrix::from_fn(c.nrows(), c.ncols(), |i, j| c[[i, j]])
}

/// Both crates' eigenvalues, sorted ascending, agree to 1e-9 relative.
fn check_agreement(c: &Array2<f64>) {
    let f = to_faer(c).self_adjoint_eigen(faer::Side::Lower).unwrap();
    let mut fs: Vec<f64> = (0..DIM).map(|i| f.S()[i]).collect();
    let n = nalgebra::SymmetricEigen::new(to_nalgebra(c));
    let mut ns: Vec<f64> = n.eigenvalues.iter().copied().collect();
    fs.sort_by(f64::total_cmp);
    ns.sort_by(f64::total_cmp);
    let top = fs[DIM - 1];
    for (a, b) in fs.iter().zip(&ns) {
        assert!(
            (a - b).abs() <= 1e-9 * top,
            "eigenvalues disagree: {a} vs {b}"
        );
    }
    eprintln!(
        "linalg: eigenvalues agree (largest {top:.4}, smallest {:.3e})",
        fs[0]
    );
}

fn eigen(c: &mut Criterion) {
    let cov = covariance();
    check_agreement(&cov);
    let mut group = c.benchmark_group("symmetric eigendecomposition 784x784 f64");
    let fm = to_faer(&cov);
    group.bench_function("faer self_adjoint_eigen", |b| {
        b.iter(|| black_box(fm.self_adjoint_eigen(faer::Side::Lower).unwrap()))
    });
    let nm = to_nalgebra(&cov);
    group.bench_function("nalgebra SymmetricEigen", |b| {
        b.iter(|| black_box(nalgebra::SymmetricEigen::new(nm.clone())))
    });
    group.finish();

    let mut group = c.benchmark_group("SVD 784x784 f64");
    group.bench_function("faer svd", |b| b.iter(|| black_box(fm.svd().unwrap())));
    group.bench_function("nalgebra SVD", |b| {
        b.iter(|| black_box(nalgebra::SVD::new(nm.clone(), true, true)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(5));
    targets = eigen
}
criterion_main!(benches);
