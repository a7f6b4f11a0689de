//! [`PReLU`]: the parametric rectifier, a leaky ReLU whose negative-side
//! slope is learned (He et al. 2015).
//!
//! * Forward: `y[i,j] = x[i,j]` for `x[i,j] > 0`, `a_j·x[i,j]` otherwise,
//!   with `a` either one slope shared by every column (1×1) or one per
//!   column (1×n).
//! * Backward (autograd's `prelu` op): `∂y/∂x = 1` or `a`; `∂y/∂a = 0` or
//!   `x`, summed over the rows (and columns, when shared). At `x = 0` the
//!   slope side is taken: `∂y/∂x = a`, `∂y/∂a = 0`.
//! * Parameter: `"{name}.a"`, initially 0.25 (PyTorch's default).
//! * Same in training and evaluation.

use autograd::{Error, Float, Param, Result, Var};
use ndarray::Array2;

use crate::module::{Ctx, Module};

/// PyTorch's initial slope.
const INITIAL_SLOPE: f64 = 0.25;

/// A rectifier with a learnable negative-side slope.
#[derive(Clone, Debug)]
pub struct PReLU<F: Float> {
    a: Param<F>,
}

impl<F: Float> PReLU<F> {
    /// One slope shared by every column (1×1), starting at 0.25.
    ///
    /// ```
    /// use nn::layers::PReLU;
    /// use nn::Module;
    /// let act = PReLU::<f64>::shared("act");
    /// assert_eq!(act.param_count(), 1);
    /// assert_eq!(act.slope().value()[[0, 0]], 0.25);
    /// ```
    pub fn shared(name: &str) -> Self {
        PReLU {
            a: Param::new(
                format!("{name}.a"),
                Array2::from_elem((1, 1), F::of(INITIAL_SLOPE)),
            ),
        }
    }

    /// One slope per column for inputs with `width` columns (1×width),
    /// each starting at 0.25.
    ///
    /// ```
    /// use nn::layers::PReLU;
    /// use nn::Module;
    /// let act = PReLU::<f32>::per_column("act", 4);
    /// assert_eq!(act.param_count(), 4);
    /// assert_eq!(act.slope().name(), "act.a");
    /// ```
    ///
    /// # Panics
    /// If `width` is 0 (see [`PReLU::try_per_column`]).
    #[track_caller]
    pub fn per_column(name: &str, width: usize) -> Self {
        match Self::try_per_column(name, width) {
            Ok(layer) => layer,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`PReLU::per_column`], returning an error for `width = 0`.
    ///
    /// ```
    /// use nn::layers::PReLU;
    /// assert_eq!(
    ///     PReLU::<f64>::try_per_column("act", 0).unwrap_err().to_string(),
    ///     "PReLU: width must be positive, got 0"
    /// );
    /// ```
    ///
    /// # Errors
    /// [`Error::Argument`] for `width = 0`.
    pub fn try_per_column(name: &str, width: usize) -> Result<Self> {
        if width == 0 {
            return Err(Error::argument("PReLU", "width must be positive, got 0"));
        }
        Self::from_slope(name, Array2::from_elem((1, width), F::of(INITIAL_SLOPE)))
    }

    /// A layer with the given slopes: 1×1 (shared) or 1×n (per column).
    ///
    /// ```
    /// use autograd::Tape;
    /// use ndarray::array;
    /// use nn::layers::PReLU;
    /// use nn::{Ctx, Module};
    ///
    /// let act = PReLU::from_slope("act", array![[0.5, 0.25]]).unwrap();
    /// let tape = Tape::new();
    /// let y = act.forward(&mut Ctx::eval(&tape), tape.constant(array![[-2.0, 4.0], [2.0, -4.0]]));
    /// assert_eq!(y.value(), array![[-1.0, 4.0], [2.0, -1.0]]);
    /// assert!(PReLU::from_slope("act", array![[0.5], [0.1]]).is_err()); // not a row
    /// ```
    ///
    /// # Errors
    /// [`Error::Shape`] if `slope` is not a non-empty single row.
    pub fn from_slope(name: &str, slope: Array2<F>) -> Result<Self> {
        if slope.nrows() != 1 || slope.ncols() == 0 {
            return Err(Error::shape(
                "PReLU",
                format!(
                    "the slope must be 1×1 or 1×n, got {}×{}",
                    slope.nrows(),
                    slope.ncols()
                ),
            ));
        }
        Ok(PReLU {
            a: Param::new(format!("{name}.a"), slope),
        })
    }

    /// The slope parameter `a`.
    pub fn slope(&self) -> &Param<F> {
        &self.a
    }
}

impl<F: Float> Module<F> for PReLU<F> {
    /// # Errors
    /// [`Error::Shape`] if the slope is 1×n and `x` does not have n columns.
    fn try_forward<'t>(&self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Result<Var<'t, F>> {
        x.try_prelu(ctx.param(&self.a))
    }
    fn params(&self) -> Vec<&Param<F>> {
        vec![&self.a]
    }
    fn params_mut(&mut self) -> Vec<&mut Param<F>> {
        vec![&mut self.a]
    }
    fn describe(&self) -> String {
        match self.a.shape().cols {
            1 => format!("prelu shared ({})", self.a.name()),
            n => format!("prelu ×{n} ({})", self.a.name()),
        }
    }
}
