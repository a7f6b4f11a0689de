//! The machinery every update rule shares: per-parameter state created on
//! first use and keyed by [`ParamId`], the step driver (clipping factor,
//! decay factor, step counts, the layout check), export and restore. An
//! optimizer file supplies only its [`Rule`]: hyperparameters, state slot
//! names and the fused per-element loop.

use std::collections::HashMap;

use smallvec::SmallVec;

use autograd::{Float, Param, ParamId};
use ndarray::Array2;

use super::error::{ConfigError, StateError, check};
use super::{Options, ParamGrads, State, clip};

/// The per-step numbers a rule's loop reads, already converted to `F`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Knobs<F> {
    /// The learning rate.
    pub lr: F,
    /// `1 − lr·λ` (λ: decoupled weight decay), computed in `f64`; exactly 1
    /// without decay.
    pub keep: F,
    /// The clipping factor `s`; exactly 1 when not clipping.
    pub scale: F,
}

/// An update rule: its name, the state arrays it keeps per parameter, and
/// one fused pass over a parameter.
pub(crate) trait Rule: Clone + std::fmt::Debug + Sync {
    /// The optimizer's name and its state's kind.
    const NAME: &'static str;
    /// Names of the per-parameter state arrays (`["m", "v"]`), each as long
    /// as the parameter and zero before the first update.
    const SLOTS: &'static [&'static str];
    /// Updates `x` (the parameter, row-major) from `g` (its gradient, same
    /// layout) and `slots`; `t` is this parameter's step count, 1 on its
    /// first update. Elementwise: element `i` of the result depends only on
    /// element `i` of each operand, so `step` may run it on two halves at
    /// once ([`update_split`]) without changing a bit.
    fn update<F: Float>(&self, k: Knobs<F>, t: u64, x: &mut [F], g: &[F], slots: &mut [&mut [F]]);
}

/// A parameter's state arrays as slices (no rule keeps more than two).
type SlotViews<'a, F> = SmallVec<[&'a mut [F]; 2]>;

/// `rule.update` over the whole parameter, or over its two halves at once
/// on the engine's threads when [`autograd::set_threads`] allows and the
/// parameter is long enough ([`autograd::threads::par_cut`]): the W2
/// benchmark's 784×512 weight is 400k values, a pass worth splitting.
fn update_split<F: Float, R: Rule>(
    rule: &R,
    k: Knobs<F>,
    t: u64,
    x: &mut [F],
    g: &[F],
    slots: &mut [&mut [F]],
) {
    let Some(mid) = autograd::threads::par_cut(x.len()) else {
        return rule.update(k, t, x, g, slots);
    };
    let (g1, g2) = g[..x.len()].split_at(mid);
    let (x1, x2) = x.split_at_mut(mid);
    let (mut s1, mut s2): (SlotViews<'_, F>, SlotViews<'_, F>) =
        slots.iter_mut().map(|s| s.split_at_mut(mid)).unzip();
    autograd::fork_join(
        || rule.update(k, t, x1, g1, &mut s1),
        || rule.update(k, t, x2, g2, &mut s2),
    );
}

/// One parameter's state: its step count and the rule's arrays.
#[derive(Clone, Debug)]
struct Slot<F> {
    t: u64,
    arrays: Vec<Vec<F>>,
}

/// A [`Rule`] plus the shared state and options: what each optimizer type
/// wraps.
#[derive(Clone, Debug)]
pub(crate) struct Core<F: Float, R: Rule> {
    pub rule: R,
    lr: f64,
    options: Options,
    slots: HashMap<ParamId, Slot<F>>,
}

impl<F: Float, R: Rule> Core<F, R> {
    pub fn new(rule: R, lr: f64) -> Result<Self, ConfigError> {
        Ok(Core {
            rule,
            lr: check::non_negative(R::NAME, "lr", lr)?,
            options: Options::default(),
            slots: HashMap::new(),
        })
    }

    pub fn with_options(mut self, options: Options) -> Result<Self, ConfigError> {
        self.options = options.checked(R::NAME)?;
        Ok(self)
    }

    pub fn learning_rate(&self) -> f64 {
        self.lr
    }

    pub fn set_learning_rate(&mut self, lr: f64) -> Result<(), ConfigError> {
        self.lr = check::non_negative(R::NAME, "lr", lr)?;
        Ok(())
    }

    #[track_caller]
    pub fn step(&mut self, params: &mut [&mut Param<F>], grads: &ParamGrads<F>) {
        let scale = match self.options.clip_norm {
            Some(c) => {
                let present = params
                    .iter()
                    .enumerate()
                    .filter_map(|(i, p)| grads.lookup(i, p));
                clip::scale(c, clip::global_norm(present))
            }
            None => 1.0,
        };
        let knobs = Knobs {
            lr: F::of(self.lr),
            keep: F::of(1.0 - self.lr * self.options.weight_decay),
            scale: F::of(scale),
        };
        for (i, p) in params.iter_mut().enumerate() {
            let Some(g) = grads.lookup(i, p) else {
                continue; // no gradient: untouched, state does not advance
            };
            if g.dim() != p.value().dim() {
                panic!(
                    "{}: the gradient given for parameter {:?} is {}×{}, the parameter is {}",
                    R::NAME,
                    p.name(),
                    g.nrows(),
                    g.ncols(),
                    p.shape()
                );
            }
            let len = g.len();
            let slot = self.slots.entry(p.id()).or_insert_with(|| Slot {
                t: 0,
                arrays: vec![vec![F::zero(); len]; R::SLOTS.len()],
            });
            slot.t += 1;
            // A gradient is row-major in practice; a transposed one is read
            // through a temporary copy rather than misread.
            let g = g.as_standard_layout();
            let rule = &self.rule;
            p.update(|x| {
                if !x.is_standard_layout() {
                    *x = x.as_standard_layout().into_owned(); // once: stays row-major
                }
                let (Some(x), Some(g)) = (x.as_slice_mut(), g.as_slice()) else {
                    unreachable!("both are in standard layout");
                };
                let mut slots: SlotViews<'_, F> =
                    slot.arrays.iter_mut().map(Vec::as_mut_slice).collect();
                update_split(rule, knobs, slot.t, x, g, &mut slots);
            });
        }
    }

    pub fn export(&self, params: &[&Param<F>]) -> State<F> {
        let mut state = State::new(R::NAME);
        state.scalars.insert("lr".into(), self.lr);
        for (i, p) in params.iter().enumerate() {
            let Some(slot) = self.slots.get(&p.id()) else {
                continue;
            };
            let prefix = format!("{i}:{}", p.name());
            state.scalars.insert(format!("{prefix}/t"), slot.t as f64);
            for (name, values) in R::SLOTS.iter().zip(&slot.arrays) {
                let array = Array2::from_shape_vec(p.value().raw_dim(), values.clone())
                    .expect("a slot is as long as its parameter");
                state.arrays.insert(format!("{prefix}/{name}"), array);
            }
        }
        state
    }

    pub fn restore(&mut self, params: &[&Param<F>], state: &State<F>) -> Result<(), StateError> {
        let slots = restore_slots(R::NAME, R::SLOTS, params, state)?;
        let lr = state.scalar("lr").ok_or_else(|| StateError::Missing {
            kind: R::NAME.into(),
            entry: "lr".into(),
        })?;
        self.lr = lr;
        self.slots = slots;
        Ok(())
    }
}

/// Rebuilds per-parameter slots from `state`, checking kind, positions,
/// names and shapes before anything is replaced.
fn restore_slots<F: Float>(
    kind: &'static str,
    names: &[&str],
    params: &[&Param<F>],
    state: &State<F>,
) -> Result<HashMap<ParamId, Slot<F>>, StateError> {
    if state.kind != kind {
        return Err(StateError::WrongKind {
            expected: kind.into(),
            found: state.kind.clone(),
        });
    }
    let unknown = |entry: &str| StateError::UnknownParam {
        kind: kind.into(),
        entry: entry.into(),
    };
    let mut slots = HashMap::new();
    for (entry, &t) in &state.scalars {
        let Some(prefix) = entry.strip_suffix("/t") else {
            continue;
        };
        let p = param_at(params, prefix).ok_or_else(|| unknown(entry))?;
        let mut arrays = Vec::with_capacity(names.len());
        for name in names {
            let entry = format!("{prefix}/{name}");
            let a = state.array(&entry).ok_or_else(|| StateError::Missing {
                kind: kind.into(),
                entry: entry.clone(),
            })?;
            if a.dim() != p.value().dim() {
                return Err(StateError::Shape {
                    kind: kind.into(),
                    entry,
                    expected: p.value().dim(),
                    found: a.dim(),
                });
            }
            arrays.push(a.iter().copied().collect());
        }
        slots.insert(
            p.id(),
            Slot {
                t: t as u64,
                arrays,
            },
        );
    }
    for entry in state.arrays.keys() {
        let prefix = entry.rsplit_once('/').map_or(entry.as_str(), |(p, _)| p);
        if !state.scalars.contains_key(&format!("{prefix}/t")) {
            return Err(unknown(entry));
        }
    }
    Ok(slots)
}

/// The parameter a `"position:name"` prefix names, if the list has it.
pub(crate) fn param_at<'p, F: Float>(
    params: &[&'p Param<F>],
    prefix: &str,
) -> Option<&'p Param<F>> {
    let (i, name) = prefix.split_once(':')?;
    let p = *params.get(i.parse::<usize>().ok()?)?;
    (p.name() == name).then_some(p)
}

/// Implements [`Optimizer`](super::Optimizer) for a wrapper
/// `$ty { core: Core<F, $rule> }` by delegating to its core.
macro_rules! delegate_optimizer {
    ($ty:ident, $rule:ty) => {
        impl<F: autograd::Float> $crate::optim::Optimizer<F> for $ty<F> {
            fn name(&self) -> &'static str {
                <$rule as $crate::optim::core::Rule>::NAME
            }
            fn learning_rate(&self) -> f64 {
                self.core.learning_rate()
            }
            fn set_learning_rate(&mut self, lr: f64) -> Result<(), $crate::optim::ConfigError> {
                self.core.set_learning_rate(lr)
            }
            #[track_caller]
            fn step(
                &mut self,
                params: &mut [&mut autograd::Param<F>],
                grads: &$crate::optim::ParamGrads<F>,
            ) {
                self.core.step(params, grads)
            }
            fn export(&self, params: &[&autograd::Param<F>]) -> $crate::optim::State<F> {
                self.core.export(params)
            }
            fn restore(
                &mut self,
                params: &[&autograd::Param<F>],
                state: &$crate::optim::State<F>,
            ) -> Result<(), $crate::optim::StateError> {
                self.core.restore(params, state)
            }
        }
    };
}
pub(crate) use delegate_optimizer;
