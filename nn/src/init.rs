//! Weight initializers, named after the CS231n notes' section on them.
//!
//! A layer's weight matrix `W` is `fan_in × fan_out` (inputs are rows of the
//! batch, so `y = x·W`): column `j` holds the incoming weights of unit `j`.
//! Every scheme draws from a caller-supplied RNG, so a seeded RNG gives the
//! same network every run.
//!
//! | scheme | `W[i,j]` | notes |
//! |---|---|---|
//! | [`Init::Zeros`] | `0` | the symmetry pitfall: every unit computes the same thing forever |
//! | [`Init::SmallRandom`] | `0.01·N(0,1)` | fine for small nets; signals shrink in deep ones |
//! | [`Init::Calibrated`] | `N(0,1)/√fan_in` | output variance ≈ input variance (linear units) |
//! | [`Init::He`] | `N(0,1)·√(2/fan_in)` | the default: calibrated for ReLU, which zeroes half its inputs |
//! | [`Init::Sparse`] | `0.01·N(0,1)` on `c` random rows of each column, else `0` | breaks symmetry with fixed fan-in |
//!
//! Biases are constants ([`BiasInit`]): `0` is the usual choice; `0.01`
//! nudges every ReLU into its active region at the start (the notes report
//! no consistent benefit).

use autograd::{Error, Float, Result};
use ndarray::Array2;
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

/// How to draw a layer's `fan_in × fan_out` weight matrix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Init {
    /// All zeros. **A pitfall, kept to demonstrate it**: every unit of the
    /// layer computes the same output and receives the same gradient, so
    /// the units stay identical after any number of updates (no symmetry
    /// breaking).
    Zeros,
    /// `0.01·N(0,1)`: small random numbers. Works for shallow nets, but in a
    /// deep net the activations (and so the gradients) shrink towards zero
    /// layer after layer.
    SmallRandom,
    /// `N(0,1)/√fan_in`: each unit's output has roughly the variance of its
    /// inputs, whatever the fan-in (variance calibration).
    Calibrated,
    /// `N(0,1)·√(2/fan_in)` (He et al. 2015): calibration for ReLU units,
    /// which zero half their inputs and so halve the variance. The
    /// recommended default for ReLU networks.
    #[default]
    He,
    /// Each unit (column) connected to exactly `connections` inputs chosen
    /// at random, with small-Gaussian weights `0.01·N(0,1)` as the notes
    /// prescribe; every other weight is 0. Symmetry is broken by the random
    /// connectivity, and a unit's fan-in no longer depends on the layer
    /// size.
    Sparse {
        /// Non-zero weights per column, `1 ≤ connections ≤ fan_in`
        /// (the notes suggest as few as 10).
        connections: usize,
    },
}

impl Init {
    /// A `fan_in × fan_out` weight matrix drawn from `rng`.
    ///
    /// ```
    /// use nn::init::Init;
    /// use rand::SeedableRng;
    ///
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
    /// let w = Init::He.weights::<f64, _>(3, 4, &mut rng).unwrap();
    /// assert_eq!(w.dim(), (3, 4));
    /// let sparse = Init::Sparse { connections: 2 }.weights::<f64, _>(5, 4, &mut rng).unwrap();
    /// for col in sparse.columns() {
    ///     assert_eq!(col.iter().filter(|&&w| w != 0.0).count(), 2);
    /// }
    /// // more connections than inputs is an error, not a panic
    /// assert!(Init::Sparse { connections: 6 }.weights::<f64, _>(5, 4, &mut rng).is_err());
    /// ```
    ///
    /// # Errors
    /// [`Error::Argument`] if either size is 0, or if a sparse scheme asks
    /// for 0 or more than `fan_in` connections.
    pub fn weights<F: Float, R: Rng + ?Sized>(
        &self,
        fan_in: usize,
        fan_out: usize,
        rng: &mut R,
    ) -> Result<Array2<F>> {
        check_sizes("Init::weights", fan_in, fan_out)?;
        // Every entry is N(0,1) times a per-scheme scale (sparse aside).
        let gaussian = |rng: &mut R, scale: f64| -> Array2<F> {
            Array2::from_shape_simple_fn((fan_in, fan_out), || F::of(scale * normal(rng)))
        };
        let n = fan_in as f64;
        Ok(match *self {
            Init::Zeros => Array2::zeros((fan_in, fan_out)),
            Init::SmallRandom => gaussian(rng, 0.01),
            Init::Calibrated => gaussian(rng, 1.0 / n.sqrt()),
            Init::He => gaussian(rng, (2.0 / n).sqrt()),
            Init::Sparse { connections } => sparse(fan_in, fan_out, connections, rng)?,
        })
    }

    /// A short name for summaries: `"he"`, `"sparse(10)"`, ….
    ///
    /// ```
    /// assert_eq!(nn::init::Init::Sparse { connections: 10 }.name(), "sparse(10)");
    /// ```
    pub fn name(&self) -> String {
        match self {
            Init::Zeros => "zeros".into(),
            Init::SmallRandom => "small-random".into(),
            Init::Calibrated => "calibrated".into(),
            Init::He => "he".into(),
            Init::Sparse { connections } => format!("sparse({connections})"),
        }
    }
}

/// The constant every bias starts at. `BiasInit::default()` is 0.
///
/// ```
/// use nn::init::BiasInit;
/// let b = BiasInit::RELU_NUDGE.values::<f32>(3);
/// assert_eq!(b, ndarray::array![[0.01_f32, 0.01, 0.01]]);
/// assert_eq!(BiasInit::default(), BiasInit::ZERO);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct BiasInit(pub f64);

impl BiasInit {
    /// All biases 0: the common choice (the weights already break symmetry).
    pub const ZERO: BiasInit = BiasInit(0.0);
    /// All biases 0.01, so ReLU units start active and receive gradient;
    /// the notes say it is unclear whether this helps.
    pub const RELU_NUDGE: BiasInit = BiasInit(0.01);

    /// A `1 × fan_out` row filled with the constant.
    pub fn values<F: Float>(&self, fan_out: usize) -> Array2<F> {
        Array2::from_elem((1, fan_out), F::of(self.0))
    }
}

/// One standard-normal draw.
fn normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    StandardNormal.sample(rng)
}

/// Rejects empty layers, naming the caller.
pub(crate) fn check_sizes(op: &'static str, fan_in: usize, fan_out: usize) -> Result<()> {
    if fan_in == 0 || fan_out == 0 {
        return Err(Error::argument(
            op,
            format!("sizes must be positive, got fan_in = {fan_in}, fan_out = {fan_out}"),
        ));
    }
    Ok(())
}

/// [`Init::Sparse`]: `connections` distinct random rows per column.
fn sparse<F: Float, R: Rng + ?Sized>(
    fan_in: usize,
    fan_out: usize,
    connections: usize,
    rng: &mut R,
) -> Result<Array2<F>> {
    if connections == 0 || connections > fan_in {
        return Err(Error::argument(
            "Init::Sparse",
            format!("connections must be in 1..={fan_in} (the fan-in), got {connections}"),
        ));
    }
    let mut w = Array2::zeros((fan_in, fan_out));
    for j in 0..fan_out {
        for i in rand::seq::index::sample(rng, fan_in, connections) {
            // Redraw an exact 0 (probability ~0, but then the promised
            // count of connections would be off by one).
            let mut v = 0.0;
            while v == 0.0 {
                v = 0.01 * normal(rng);
            }
            w[[i, j]] = F::of(v);
        }
    }
    Ok(w)
}
