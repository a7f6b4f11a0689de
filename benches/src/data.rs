//! Deterministic pseudo-random matrices for benchmarks (no RNG dependency:
//! the values only need to be reproducible and spread out).

use autograd::Float;
use ndarray::Array2;

/// SplitMix64: a tiny, well-mixed generator, enough for benchmark inputs.
#[derive(Debug, Clone)]
pub struct SplitMix(u64);

impl SplitMix {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [−1, 1).
    pub fn symmetric(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 52) as f64 - 1.0
    }

    /// A `rows × cols` matrix with entries uniform in [−scale, scale).
    pub fn matrix<F: Float>(&mut self, rows: usize, cols: usize, scale: f64) -> Array2<F> {
        Array2::from_shape_simple_fn((rows, cols), || F::of(scale * self.symmetric()))
    }

    /// `n` labels in `0..classes`.
    pub fn labels(&mut self, n: usize, classes: usize) -> Vec<usize> {
        (0..n)
            .map(|_| (self.next_u64() % classes as u64) as usize)
            .collect()
    }
}
