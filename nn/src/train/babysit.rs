//! The notes' babysitting numbers, cheap enough to leave on: per-layer
//! activation and gradient statistics with histograms and the fraction of
//! dead ReLU units, measured on a probe batch once per epoch
//! ([`layer_stats`]), and the update/weight ratio ‖Δw‖/‖w‖ of an epoch's
//! last step ([`update_ratios`], [`ratio_warnings`]).
//!
//! Per-layer values need the intermediate outputs, which a [`Module`]'s
//! forward does not expose: [`Taps`] is the minimal API for that. Its
//! default method returns no taps, so any module joins with one line
//! (`impl Taps<f32> for MyNet {}`); [`Sequential`] and [`Mlp`] return every
//! layer's output, named after the affine layer it follows (`fc1`,
//! `relu1`, `dropout1`, `fc2`).

use autograd::{Float, Param, Result, Tape, Var};
use ndarray::Array2;

use super::metrics::{Histogram, LayerStats, Summary};
use crate::{Ctx, Mlp, Module, Sequential};

/// Bins of every histogram.
pub const BINS: usize = 20;

/// The healthy band of ‖Δw‖/‖w‖: the notes' ≈1e-3, within a factor 100
/// either way; outside it [`ratio_warnings`] names the parameter.
pub const RATIO_BAND: (f64, f64) = (1e-5, 1e-1);

/// A forward pass's output and, per layer, its name and output.
pub type Tapped<'t, F> = (Var<'t, F>, Vec<(String, Var<'t, F>)>);

/// A module whose forward pass can also return its layers' outputs.
pub trait Taps<F: Float>: Module<F> {
    /// The output and, per layer, its name and output. Default: no taps.
    ///
    /// # Errors
    /// The module's forward error.
    fn forward_taps<'t>(&self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Result<Tapped<'t, F>> {
        Ok((self.try_forward(ctx, x)?, Vec::new()))
    }
}

impl<F: Float> Taps<F> for Sequential<F> {
    fn forward_taps<'t>(
        &self,
        ctx: &mut Ctx<'t, '_, F>,
        mut x: Var<'t, F>,
    ) -> Result<Tapped<'t, F>> {
        let mut taps = Vec::with_capacity(self.len());
        let mut block = String::new();
        for layer in self.layers() {
            x = layer.try_forward(ctx, x)?;
            let name = match layer.params().first() {
                // "fc1.W" names the block "fc1"; its followers are "relu1"…
                Some(p) => {
                    let base = p.name().split('.').next().unwrap_or(p.name());
                    block = base
                        .trim_start_matches(|c: char| !c.is_ascii_digit())
                        .into();
                    base.to_string()
                }
                None => {
                    let word = layer.describe();
                    let word = word.split([' ', '(']).next().unwrap_or("layer");
                    format!("{word}{block}")
                }
            };
            taps.push((name, x));
        }
        Ok((x, taps))
    }
}

impl<F: Float> Taps<F> for Mlp<F> {
    fn forward_taps<'t>(&self, ctx: &mut Ctx<'t, '_, F>, x: Var<'t, F>) -> Result<Tapped<'t, F>> {
        (**self).forward_taps(ctx, x)
    }
}

/// Mean, population standard deviation, min and max of `values`.
///
/// ```
/// let s = nn::train::babysit::summarize([1.0, 3.0].into_iter());
/// assert_eq!((s.mean, s.std, s.min, s.max), (2.0, 1.0, 1.0, 3.0));
/// ```
pub fn summarize(values: impl Iterator<Item = f64> + Clone) -> Summary {
    let (mut n, mut sum, mut min, mut max) = (0usize, 0.0, f64::INFINITY, f64::NEG_INFINITY);
    for v in values.clone() {
        n += 1;
        sum += v;
        min = min.min(v);
        max = max.max(v);
    }
    if n == 0 {
        return Summary::default();
    }
    let mean = sum / n as f64;
    let var = values.map(|v| (v - mean) * (v - mean)).sum::<f64>() / n as f64;
    Summary {
        mean,
        std: var.sqrt(),
        min,
        max,
    }
}

/// [`BINS`] equal bins over `mean ± 4·std`, clipped to `[s.min, s.max]`
/// (one bin if that range is empty). Gradients are heavy-tailed: spread
/// from min to max, a few outliers put almost every value in one bin and
/// the picture shows nothing. Values outside the range are counted in the
/// end bins, so the counts still sum to the number of finite values.
///
/// ```
/// use nn::train::babysit::{histogram, summarize};
/// let v = [0.0, 0.5, 1.0, 1.0];
/// let h = histogram(v.into_iter(), &summarize(v.into_iter()));
/// assert_eq!(h.counts.iter().sum::<u64>(), 4);
/// assert_eq!((h.counts[0], h.counts[19]), (1, 2)); // the last bin keeps its right edge
///
/// // 999 small values and one outlier: the bins follow the bulk.
/// let v: Vec<f64> = (0..999).map(|i| (i % 7) as f64 * 1e-5).chain([1.0]).collect();
/// let h = histogram(v.iter().copied(), &summarize(v.iter().copied()));
/// assert!(*h.edges.last().unwrap() < 0.2);
/// assert_eq!(h.counts.iter().sum::<u64>(), 1000);
/// assert!(*h.counts.last().unwrap() >= 1); // the outlier is in the end bin
/// ```
pub fn histogram(values: impl Iterator<Item = f64>, s: &Summary) -> Histogram {
    let lo = if s.std.is_finite() {
        (s.mean - 4.0 * s.std).max(s.min)
    } else {
        s.min
    };
    let hi = if s.std.is_finite() {
        (s.mean + 4.0 * s.std).min(s.max)
    } else {
        s.max
    };
    let bins = if hi > lo { BINS } else { 1 };
    let width = (hi - lo) / bins as f64;
    let edges = (0..=bins).map(|i| lo + width * i as f64).collect();
    let mut counts = vec![0u64; bins];
    for v in values.filter(|v| v.is_finite()) {
        let i = if width > 0.0 {
            (((v - lo) / width).max(0.0) as usize).min(bins - 1)
        } else {
            0
        };
        counts[i] += 1;
    }
    Histogram { edges, counts }
}

/// Per-layer statistics of `model` on the probe batch `(x, labels)` in
/// evaluation mode: each tap's values and ∂loss/∂tap, with histograms, and
/// for ReLU layers the fraction of units that are zero on every row.
///
/// # Errors
/// The model's forward error.
pub fn layer_stats<F, M, L>(
    model: &M,
    x: &Array2<F>,
    labels: &[usize],
    loss: &L,
) -> Result<Vec<LayerStats>>
where
    F: Float,
    M: Taps<F> + ?Sized,
    L: for<'t> Fn(Var<'t, F>, &[usize]) -> Var<'t, F>,
{
    let tape = Tape::new();
    let mut ctx = Ctx::eval(&tape);
    let (out, taps) = model.forward_taps(&mut ctx, tape.constant(x.clone()))?;
    let grads = loss(out, labels).backward();
    let mut stats = Vec::with_capacity(taps.len());
    for (name, var) in taps {
        let value = var.value();
        let vals = value.iter().map(|v| v.as_f64());
        let activation = summarize(vals.clone());
        let activation_hist = histogram(vals, &activation);
        let (gradient, gradient_hist) = match grads.get(var) {
            Some(g) => {
                let gs = g.iter().map(|v| v.as_f64());
                let s = summarize(gs.clone());
                (s, histogram(gs, &s))
            }
            None => Default::default(),
        };
        let dead_fraction = name.starts_with("relu").then(|| {
            let cols = value.ncols().max(1);
            let dead = value
                .columns()
                .into_iter()
                .filter(|c| c.iter().all(|&v| v <= F::zero()))
                .count();
            dead as f64 / cols as f64
        });
        stats.push(LayerStats {
            name,
            activation,
            gradient,
            dead_fraction,
            activation_hist,
            gradient_hist,
        });
    }
    Ok(stats)
}

/// ‖after − before‖/‖before‖ per parameter (∞ for a zero `before` that moved).
///
/// ```
/// use autograd::Param;
/// use ndarray::array;
/// let p = Param::new("W", array![[3.0, 4.5]]); // after the update
/// let r = nn::train::babysit::update_ratios(&[array![[3.0, 4.0]]], &[&p]);
/// assert_eq!(r, [("W".to_string(), 0.1)]); // ‖(0, 0.5)‖ / ‖(3, 4)‖
/// ```
pub fn update_ratios<F: Float>(before: &[Array2<F>], after: &[&Param<F>]) -> Vec<(String, f64)> {
    before
        .iter()
        .zip(after)
        .map(|(b, p)| {
            let (mut d2, mut w2) = (0.0, 0.0);
            for (&old, &new) in b.iter().zip(p.value()) {
                let (old, new) = (old.as_f64(), new.as_f64());
                d2 += (new - old) * (new - old);
                w2 += old * old;
            }
            let ratio = if w2 > 0.0 {
                (d2 / w2).sqrt()
            } else if d2 > 0.0 {
                f64::INFINITY
            } else {
                0.0
            };
            (p.name().to_string(), ratio)
        })
        .collect()
}

/// A warning for each ratio outside [`RATIO_BAND`], naming the parameter.
///
/// ```
/// let w = nn::train::babysit::ratio_warnings(&[("fc1.W".into(), 1e-3), ("fc2.W".into(), 0.5)]);
/// assert_eq!(w, ["update/weight ratio of fc2.W is 5.0e-1, far from 1e-3 (learning rate too high?)"]);
/// ```
pub fn ratio_warnings(ratios: &[(String, f64)]) -> Vec<String> {
    ratios
        .iter()
        .filter(|(_, r)| !(RATIO_BAND.0..=RATIO_BAND.1).contains(r))
        .map(|(name, r)| {
            let hint = if *r > RATIO_BAND.1 {
                "too high"
            } else {
                "too low"
            };
            format!(
                "update/weight ratio of {name} is {r:.1e}, far from 1e-3 (learning rate {hint}?)"
            )
        })
        .collect()
}
