//! [`Polyak`]: an exponential moving average of the parameters, kept beside
//! training and swapped in for evaluation.

use std::collections::HashMap;

use autograd::{Float, Param, ParamId};
use ndarray::Array2;

use super::State;
use super::core::param_at;
use super::error::{ConfigError, StateError, check};

/// Polyak averaging as an exponential moving average: after each
/// [`update`](Self::update), per element,
///
/// ```text
/// avg ← d·avg + (1 − d)·x        (d, 1 − d computed in f64, rounded to F)
/// ```
///
/// starting from `avg = x` at a parameter's first update (so there is no
/// bias toward zero to correct). [`swap`](Self::swap) exchanges each
/// parameter's value with its average — evaluate, then swap back; two swaps
/// restore both exactly (values are moved, not recomputed).
///
/// ```
/// use autograd::Param;
/// use ndarray::array;
/// use nn::optim::Polyak;
///
/// let mut w = Param::new("w", array![[0.0]]);
/// let mut ema = Polyak::new(0.5).unwrap();
/// ema.update(&[&w]); // avg = 0
/// w.set(array![[4.0]]);
/// ema.update(&[&w]); // avg = 0.5·0 + 0.5·4
/// ema.swap(&mut [&mut w]);
/// assert_eq!(w.value(), &array![[2.0]]);
/// ema.swap(&mut [&mut w]);
/// assert_eq!(w.value(), &array![[4.0]]);
/// ```
#[derive(Clone, Debug)]
pub struct Polyak<F: Float> {
    decay: f64,
    averages: HashMap<ParamId, Array2<F>>,
    swapped: bool,
}

impl<F: Float> Polyak<F> {
    /// An average with decay `d` in [0, 1) (0.999 is common; larger averages
    /// over more steps).
    pub fn new(decay: f64) -> Result<Self, ConfigError> {
        Ok(Polyak {
            decay: check::unit("polyak", "decay", decay)?,
            averages: HashMap::new(),
            swapped: false,
        })
    }

    /// Folds the current values of `params` into their averages.
    ///
    /// # Panics
    /// While swapped (the parameters hold the averages): swap back first.
    #[track_caller]
    pub fn update(&mut self, params: &[&Param<F>]) {
        if self.swapped {
            panic!("polyak: update while the averages are swapped in; call swap again first");
        }
        let (d, d1) = (F::of(self.decay), F::of(1.0 - self.decay));
        for p in params {
            let x = p.value();
            match self.averages.get_mut(&p.id()) {
                Some(avg) => avg.zip_mut_with(x, |a, &v| *a = d * *a + d1 * v),
                None => {
                    self.averages.insert(p.id(), x.clone());
                }
            }
        }
    }

    /// Exchanges each parameter's value with its average (parameters never
    /// averaged are left alone). Call again to swap back.
    pub fn swap(&mut self, params: &mut [&mut Param<F>]) {
        for p in params.iter_mut() {
            if let Some(avg) = self.averages.get_mut(&p.id()) {
                p.update(|v| std::mem::swap(v, avg));
            }
        }
        self.swapped = !self.swapped;
    }

    /// True between a [`swap`](Self::swap) and the next.
    pub fn is_swapped(&self) -> bool {
        self.swapped
    }

    /// `param`'s average, if it has one.
    pub fn average(&self, param: &Param<F>) -> Option<&Array2<F>> {
        self.averages.get(&param.id())
    }

    /// The averages (`"i:name/avg"`) and whether they are swapped in.
    pub fn export(&self, params: &[&Param<F>]) -> State<F> {
        let mut state = State::new("polyak");
        state
            .scalars
            .insert("swapped".into(), f64::from(u8::from(self.swapped)));
        for (i, p) in params.iter().enumerate() {
            if let Some(avg) = self.averages.get(&p.id()) {
                state
                    .arrays
                    .insert(format!("{i}:{}/avg", p.name()), avg.clone());
            }
        }
        state
    }

    /// Replaces the averages by those in `state`.
    pub fn restore(&mut self, params: &[&Param<F>], state: &State<F>) -> Result<(), StateError> {
        let kind = "polyak";
        if state.kind != kind {
            return Err(StateError::WrongKind {
                expected: kind.into(),
                found: state.kind.clone(),
            });
        }
        let swapped = state.scalar("swapped").ok_or_else(|| StateError::Missing {
            kind: kind.into(),
            entry: "swapped".into(),
        })?;
        let mut averages = HashMap::new();
        for (entry, avg) in &state.arrays {
            let p = entry
                .strip_suffix("/avg")
                .and_then(|prefix| param_at(params, prefix))
                .ok_or_else(|| StateError::UnknownParam {
                    kind: kind.into(),
                    entry: entry.clone(),
                })?;
            if avg.dim() != p.value().dim() {
                return Err(StateError::Shape {
                    kind: kind.into(),
                    entry: entry.clone(),
                    expected: p.value().dim(),
                    found: avg.dim(),
                });
            }
            averages.insert(p.id(), avg.clone());
        }
        self.averages = averages;
        self.swapped = swapped != 0.0;
        Ok(())
    }
}
