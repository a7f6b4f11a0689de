//! [`State`]: what an optimizer, a schedule or an average needs to carry on
//! exactly where it stopped, as named arrays plus named scalars.
//!
//! Everything that changes during training and is not a parameter lives
//! here when exported: Adam's moments, step counts, a schedule's epoch
//! counter, L-BFGS's curvature pairs, a Polyak average. A checkpoint saves
//! the `State` beside the parameters; a resumed run rebuilds the optimizer
//! with the same hyperparameters and calls its `restore`, and continues bit
//! for bit. Per-parameter entries are keyed by the parameter's position in
//! the model's [`params`](crate::Module::params) list and its name
//! (`"3:W/m"`), never by a [`ParamId`](autograd::ParamId), which is only
//! unique within one process.

use std::collections::BTreeMap;

use autograd::Float;
use ndarray::Array2;

/// Named arrays and scalars that restore an optimizer, schedule or average
/// to the exact point it was exported at.
///
/// ```
/// use nn::optim::State;
/// use ndarray::array;
///
/// let mut s = State::<f32>::new("adam");
/// s.scalars.insert("t".into(), 3.0);
/// s.arrays.insert("0:W/m".into(), array![[0.5]]);
/// assert_eq!(s.kind, "adam");
/// assert_eq!(s.scalar("t"), Some(3.0));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct State<F: Float> {
    /// What exported it (`"sgd"`, `"adam"`, `"step_decay"`, …); `restore`
    /// refuses a state of another kind.
    pub kind: String,
    /// Scalars: step counts, the current learning rate, a schedule's best
    /// metric. Stored as `f64`, which holds every `f32` and every count
    /// below 2⁵³ exactly.
    pub scalars: BTreeMap<String, f64>,
    /// Arrays: per-parameter moments and caches, curvature pairs, averages.
    pub arrays: BTreeMap<String, Array2<F>>,
}

impl<F: Float> State<F> {
    /// An empty state of the given kind.
    pub fn new(kind: impl Into<String>) -> Self {
        State {
            kind: kind.into(),
            scalars: BTreeMap::new(),
            arrays: BTreeMap::new(),
        }
    }

    /// The scalar called `name`, if present.
    pub fn scalar(&self, name: &str) -> Option<f64> {
        self.scalars.get(name).copied()
    }

    /// The array called `name`, if present.
    pub fn array(&self, name: &str) -> Option<&Array2<F>> {
        self.arrays.get(name)
    }
}
