//! Parameters: named matrices that live *outside* any tape.
//!
//! A tape is rebuilt every training step, but weights persist. A [`Param`]
//! shares its storage with the tape leaf made from it (no copy per step) and
//! is updated copy-on-write: if a tape still holds the old value when you
//! update, the update writes to a fresh buffer, so gradients computed on that
//! tape stay consistent with the values they were computed from.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use ndarray::Array2;

use crate::{Error, Float, Result, Shape};

/// A named, shareable, updatable matrix of weights.
///
/// ```
/// use autograd::{Param, Tape};
/// use ndarray::array;
///
/// let mut w = Param::new("w", array![[1.0, 2.0]]);
/// let grad = {
///     let tape = Tape::new();
///     let wv = tape.param(&w);
///     let loss = (wv * wv).sum();
///     loss.backward()[wv].clone()
/// };
/// w.update(|v| v.scaled_add(-0.5, &grad)); // one SGD step
/// assert_eq!(*w.value(), array![[0.0, 0.0]]);
/// ```
#[derive(Clone)]
pub struct Param<F: Float> {
    id: ParamId,
    name: Arc<str>,
    value: Arc<Array2<F>>,
}

/// The identity of a [`Param`]: unique per [`Param::new`], shared by its
/// clones. Lets a model find the tape leaf it made for a parameter without
/// comparing names (two layers may both call a weight `"W"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ParamId(u64);

/// Source of fresh [`ParamId`]s.
static NEXT_PARAM_ID: AtomicU64 = AtomicU64::new(0);

impl<F: Float> Param<F> {
    /// A parameter called `name` with initial `value`.
    pub fn new(name: impl Into<Arc<str>>, value: Array2<F>) -> Self {
        Param {
            id: ParamId(NEXT_PARAM_ID.fetch_add(1, Ordering::Relaxed)),
            name: name.into(),
            value: Arc::new(value),
        }
    }

    /// Its identity, shared by clones and distinct from every other
    /// parameter's.
    ///
    /// ```
    /// use autograd::Param;
    /// use ndarray::array;
    /// let a = Param::new("W", array![[1.0]]);
    /// let b = Param::new("W", array![[1.0]]);
    /// assert_eq!(a.id(), a.clone().id());
    /// assert_ne!(a.id(), b.id());
    /// ```
    pub fn id(&self) -> ParamId {
        self.id
    }

    /// Its name (shown in tape listings and gradient-check reports).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its current value.
    pub fn value(&self) -> &Array2<F> {
        &self.value
    }

    /// Its shape.
    pub fn shape(&self) -> Shape {
        Shape::of(&self.value)
    }

    /// Mutates the value in place (copy-on-write if a tape still shares it).
    ///
    /// # Panics
    /// If `f` changes the value's shape (a parameter's shape never
    /// changes; the panic names the caller's line, and the parameter is then
    /// left holding what `f` wrote).
    #[track_caller]
    pub fn update(&mut self, f: impl FnOnce(&mut Array2<F>)) {
        let old = self.shape();
        f(Arc::make_mut(&mut self.value));
        let new = self.shape();
        if new != old {
            panic!(
                "Param::update: {:?} is {old}, the update made it {new}",
                &*self.name
            );
        }
    }

    /// Replaces the value, which must have the parameter's shape (a layer
    /// built for one shape would otherwise fail far from this line).
    ///
    /// # Panics
    /// If the shapes differ (see [`Param::try_set`]); the parameter keeps
    /// its old value.
    #[track_caller]
    pub fn set(&mut self, value: Array2<F>) {
        if let Err(e) = self.try_set(value) {
            panic!("{e}");
        }
    }

    /// [`Param::set`], returning a shape error naming the parameter and
    /// both shapes if `value`'s shape differs; the parameter is unchanged.
    ///
    /// ```
    /// use autograd::Param;
    /// use ndarray::array;
    /// let mut w = Param::new("w", array![[1.0, 2.0]]);
    /// w.try_set(array![[3.0, 4.0]]).unwrap();
    /// let e = w.try_set(array![[1.0], [2.0]]).unwrap_err();
    /// assert_eq!(e.to_string(), "Param::set: \"w\" is 1×2, the new value is 2×1");
    /// assert_eq!(*w.value(), array![[3.0, 4.0]]);
    /// ```
    pub fn try_set(&mut self, value: Array2<F>) -> Result<()> {
        let (old, new) = (self.shape(), Shape::of(&value));
        if old != new {
            return Err(Error::shape(
                "Param::set",
                format!("{:?} is {old}, the new value is {new}", &*self.name),
            ));
        }
        self.value = Arc::new(value);
        Ok(())
    }

    pub(crate) fn shared(&self) -> (Arc<str>, Arc<Array2<F>>) {
        (Arc::clone(&self.name), Arc::clone(&self.value))
    }
}

impl<F: Float> fmt::Debug for Param<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Param({:?}, {})", self.name, self.shape())
    }
}
