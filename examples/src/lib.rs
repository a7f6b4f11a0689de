//! Shared helpers for the example programs: the CS231n toy datasets and
//! small evaluation utilities.

use ndarray::{Array2, ArrayView2};
use rand::{RngExt, SeedableRng, rngs::StdRng};
use rand_distr::{Distribution, Normal};

/// The notes' spiral dataset: `classes` arms of `per_class` points in 2-D,
/// not linearly separable. Returns (points `n × 2`, labels).
///
/// Arm `j` has radius `r ∈ [0, 1]` and angle `t = 4j + 4r + 0.2·N(0,1)`.
///
/// ```
/// let (x, y) = examples::spiral(100, 3, 0);
/// assert_eq!(x.dim(), (300, 2));
/// assert_eq!(y.iter().filter(|&&c| c == 2).count(), 100);
/// ```
pub fn spiral(per_class: usize, classes: usize, seed: u64) -> (Array2<f64>, Vec<usize>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let noise = Normal::new(0.0, 0.2).expect("valid standard deviation");
    let n = per_class * classes;
    let mut x = Array2::zeros((n, 2));
    let mut y = Vec::with_capacity(n);
    for class in 0..classes {
        for i in 0..per_class {
            let row = class * per_class + i;
            let r = i as f64 / (per_class.max(2) - 1) as f64;
            let t = 4.0 * class as f64 + 4.0 * r + noise.sample(&mut rng);
            x[[row, 0]] = r * t.sin();
            x[[row, 1]] = r * t.cos();
            y.push(class);
        }
    }
    (x, y)
}

/// `rows × cols` entries drawn from `scale · N(0, 1)`.
pub fn gaussian(rows: usize, cols: usize, scale: f64, rng: &mut StdRng) -> Array2<f64> {
    let normal = Normal::new(0.0, 1.0).expect("valid standard deviation");
    Array2::from_shape_simple_fn((rows, cols), || scale * normal.sample(rng))
}

/// A seeded RNG (the examples are reproducible).
pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// A uniform index in `0..n`.
pub fn index(rng: &mut StdRng, n: usize) -> usize {
    rng.random_range(0..n)
}

/// The fraction of rows whose largest score is at the label.
///
/// ```
/// use ndarray::array;
/// let scores = array![[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]];
/// assert_eq!(examples::accuracy(scores.view(), &[1, 0, 0]), 2.0 / 3.0);
/// ```
pub fn accuracy(scores: ArrayView2<'_, f64>, labels: &[usize]) -> f64 {
    let correct = scores
        .rows()
        .into_iter()
        .zip(labels)
        .filter(|(row, label)| argmax(row.iter().copied()) == **label)
        .count();
    correct as f64 / labels.len() as f64
}

fn argmax(values: impl Iterator<Item = f64>) -> usize {
    values
        .enumerate()
        .fold((0, f64::NEG_INFINITY), |best, (i, v)| {
            if v > best.1 { (i, v) } else { best }
        })
        .0
}

pub mod ensembles;
/// The examples' `main`: parses `argv` into `A`, runs `job`, and returns
/// the exit code — 0; clap's code (2) with its message for a bad flag, 0
/// after `--help`; 2 with `error: …` on stderr when `job` fails (a bad
/// value, a bad file, a failed run). Never a panic for bad input.
///
/// ```
/// #[derive(clap::Parser)]
/// struct A { #[arg(long)] n: u32 }
/// let ok = examples::cli_main(["x", "--n", "3"], |a: &A| if a.n > 0 { Ok(()) } else { Err("n = 0".into()) });
/// assert_eq!(ok, 0);
/// assert_eq!(examples::cli_main(["x", "--n", "0"], |a: &A| if a.n > 0 { Ok(()) } else { Err("n = 0".into()) }), 2);
/// assert_eq!(examples::cli_main(["x", "--bogus"], |_: &A| Ok(())), 2);
/// ```
pub fn cli_main<A, I, T>(argv: I, job: impl FnOnce(&A) -> Result<(), String>) -> i32
where
    A: clap::Parser,
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args = match A::try_parse_from(argv) {
        Ok(a) => a,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    match job(&args) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            2
        }
    }
}

pub mod optimizers;
pub mod report;
pub mod search_job;
pub mod train_job;
