//! The notes' babysitting numbers, cheap enough to leave on: per-layer
//! activation and gradient statistics with histograms and the fraction of
//! dead ReLU units, measured once per epoch on the epoch's last training
//! batch as it was trained ([`stats_of_taps`], no extra pass) or on a
//! probe batch in evaluation mode ([`layer_stats`]), and the update/weight ratio ‖Δw‖/‖w‖ of an epoch's
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

/// Mean, population standard deviation, min and max of `values` (NaN
/// makes the mean and deviation NaN; min and max skip it).
///
/// Four independent lanes per pass, so the loops vectorize: the trainer
/// runs this on every layer's values and gradients each epoch.
///
/// ```
/// let s = nn::train::babysit::summarize(&[1.0, 3.0]);
/// assert_eq!((s.mean, s.std, s.min, s.max), (2.0, 1.0, 1.0, 3.0));
/// let s = nn::train::babysit::summarize(&[-2.0, 0.0, 1.0, 5.0, 6.0]);
/// assert_eq!((s.mean, s.min, s.max), (2.0, -2.0, 6.0));
/// assert!((s.std - 3.03315017762062).abs() < 1e-14); // sqrt(46 / 5)
/// ```
pub fn summarize(values: &[f64]) -> Summary {
    if values.is_empty() {
        return Summary::default();
    }
    let (mut sum, mut min, mut max) = ([0.0; 4], [f64::INFINITY; 4], [f64::NEG_INFINITY; 4]);
    let chunks = values.chunks_exact(4);
    let tail = chunks.remainder();
    // Comparisons rather than `f64::min`/`max` (cheaper); both skip NaN.
    let mut add = |i: usize, v: f64| {
        sum[i] += v;
        min[i] = if v < min[i] { v } else { min[i] };
        max[i] = if v > max[i] { v } else { max[i] };
    };
    for c in chunks {
        for (i, &v) in c.iter().enumerate() {
            add(i, v);
        }
    }
    for (i, &v) in tail.iter().enumerate() {
        add(i, v);
    }
    let n = values.len() as f64;
    let mean = (sum[0] + sum[1] + (sum[2] + sum[3])) / n;
    let mut sq = [0.0; 4];
    let chunks = values.chunks_exact(4);
    let tail = chunks.remainder();
    for c in chunks {
        for i in 0..4 {
            sq[i] += (c[i] - mean) * (c[i] - mean);
        }
    }
    for (i, &v) in tail.iter().enumerate() {
        sq[i] += (v - mean) * (v - mean);
    }
    let var = (sq[0] + sq[1] + (sq[2] + sq[3])) / n;
    Summary {
        mean,
        std: var.sqrt(),
        min: min.iter().copied().fold(f64::INFINITY, f64::min),
        max: max.iter().copied().fold(f64::NEG_INFINITY, f64::max),
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
/// let h = histogram(&v, &summarize(&v));
/// assert_eq!(h.counts.iter().sum::<u64>(), 4);
/// assert_eq!((h.counts[0], h.counts[19]), (1, 2)); // the last bin keeps its right edge
///
/// // 999 small values and one outlier: the bins follow the bulk.
/// let v: Vec<f64> = (0..999).map(|i| (i % 7) as f64 * 1e-5).chain([1.0]).collect();
/// let h = histogram(&v, &summarize(&v));
/// assert!(*h.edges.last().unwrap() < 0.2);
/// assert_eq!(h.counts.iter().sum::<u64>(), 1000);
/// assert!(*h.counts.last().unwrap() >= 1); // the outlier is in the end bin
/// ```
pub fn histogram(values: &[f64], s: &Summary) -> Histogram {
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
    // Bin i·width ≤ v − lo < (i+1)·width; clamped so out-of-range values
    // land in the end bins (`as usize` saturates, and maps NaN to 0).
    let per_unit = if width > 0.0 { 1.0 / width } else { 0.0 };
    let last = (bins - 1) as f64;
    // (Plain comparisons rather than `f64::max`/`min` and an `i32`
    // conversion: cheaper per value, and the trainer bins every layer's
    // values each epoch. NaN never gets here.)
    let bin = |v: f64| {
        let t = (v - lo) * per_unit;
        let t = if t > 0.0 { t } else { 0.0 };
        (if t < last { t } else { last }) as i32 as usize
    };
    if s.min.is_finite() && s.max.is_finite() && s.mean.is_finite() {
        // No NaN (it would make the mean NaN) and no ∞: no test per value.
        for &v in values {
            counts[bin(v)] += 1;
        }
    } else {
        for &v in values.iter().filter(|v| v.is_finite()) {
            counts[bin(v)] += 1;
        }
    }
    Histogram { edges, counts }
}

/// Per-layer statistics of `model` on the probe batch `(x, labels)` in
/// evaluation mode: one extra forward and backward pass (see
/// [`LayerProbe::Rows`](super::LayerProbe::Rows)).
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
    Ok(stats_of_taps(&taps, &grads))
}

/// Per-layer statistics of a pass that has already run: each tap's values
/// and ∂loss/∂tap (from `grads`), with histograms, and for ReLU layers the
/// fraction of units that are zero on every row of the batch (dead units).
/// The trainer calls it on an epoch's last training step
/// ([`LayerProbe::LastBatch`](super::LayerProbe::LastBatch)), which costs
/// no extra forward or backward pass.
pub fn stats_of_taps<F: Float>(
    taps: &[(String, Var<'_, F>)],
    grads: &autograd::Gradients<F>,
) -> Vec<LayerStats> {
    let mut stats = Vec::with_capacity(taps.len());
    let mut buf = Vec::new();
    let mut summary_of = |a: &Array2<F>| {
        buf.clear();
        match a.as_slice_memory_order() {
            Some(v) => buf.extend(v.iter().map(|v| v.as_f64())),
            None => buf.extend(a.iter().map(|v| v.as_f64())),
        }
        let s = summarize(&buf);
        (s, histogram(&buf, &s))
    };
    for (name, var) in taps {
        let value = var.value();
        let (activation, activation_hist) = summary_of(&value);
        let (gradient, gradient_hist) = grads.get(*var).map(&mut summary_of).unwrap_or_default();
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
            name: name.clone(),
            activation,
            gradient,
            dead_fraction,
            activation_hist,
            gradient_hist,
        });
    }
    stats
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
