//! [`GradCheck`]: the builder users configure, and the driver that turns a
//! model and its inputs into a [`Report`].

use autograd::Param;
use ndarray::Array2;
use rand::{RngExt, SeedableRng};

use crate::eval::{Bound, Eval, Model, Rng, output_shape, scalarization_weights};
use crate::numeric::{DEFAULT_STEP, DEFAULT_SWEEP, min_step};
use crate::probe::{Dir, Prober};
use crate::report::{CheckKind, NothingChecked, Probe, Report};
use crate::tolerances::Tolerances;
use crate::{lint, raw_values};

/// Which entries to probe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Every entry of every input (the default; cost: 2 forward passes per entry).
    Every,
    /// A seeded random sample of up to `k` entries of *every* input, so no
    /// parameter goes unchecked however large the others are.
    Sample(usize),
    /// `n` seeded random unit directions `v` over all inputs at once,
    /// comparing `⟨∇L, v⟩` with `(L(x+hv) − L(x−hv)) / 2h`.
    Directions(usize),
}

/// A configured gradient check. Cheap to build; reuse it for many models.
///
/// ```
/// use gradcheck::GradCheck;
/// use ndarray::array;
///
/// let w = array![[0.5, -1.0], [2.0, 0.3]];
/// let b = array![[0.1, -0.2]];
/// let x = array![[1.0, 2.0], [-1.0, 0.5], [0.3, 0.3]];
/// let report = GradCheck::new()
///     .step(1e-6)
///     .seed(7)
///     .check(&[("W", w), ("b", b)], |tape, p, _rng| {
///         (tape.constant(x.clone()).matmul(p[0]) + p[1]).relu()
///     });
/// report.assert_ok();
/// assert_eq!(report.tensors().len(), 3); // W, b and the shift probe
/// println!("{report}");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GradCheck {
    pub(crate) step: f64,
    pub(crate) mode: Mode,
    pub(crate) seed: u64,
    pub(crate) tol: Tolerances,
    pub(crate) sweep: Option<Vec<f64>>,
    pub(crate) shift: bool,
}

impl Default for GradCheck {
    fn default() -> Self {
        Self::new()
    }
}

impl GradCheck {
    /// Every entry, step [`DEFAULT_STEP`], seed 0, default [`Tolerances`],
    /// no step sweep, with the shift probe.
    pub fn new() -> Self {
        GradCheck {
            step: DEFAULT_STEP,
            mode: Mode::Every,
            seed: 0,
            tol: Tolerances::default(),
            sweep: None,
            shift: true,
        }
    }

    /// The finite-difference step `h` (default [`DEFAULT_STEP`] = 1e-6).
    ///
    /// A positive step too small for the inputs' magnitude (below
    /// [`min_step`]) is refused when the check runs: the report then says
    /// "nothing was checked" and recommends a step.
    ///
    /// # Panics
    /// If `h` is not positive and finite (at the caller's line).
    #[track_caller]
    pub fn step(mut self, h: f64) -> Self {
        if !(h > 0.0 && h.is_finite()) {
            panic!(
                "GradCheck::step: h must be positive and finite, got {h} \
                 (1e-6·max(1, |x|) is typical for f64 inputs x)"
            );
        }
        self.step = h;
        self
    }

    /// Probe every entry of every input ([`Mode::Every`]).
    pub fn every(mut self) -> Self {
        self.mode = Mode::Every;
        self
    }

    /// Probe a seeded sample of up to `k` entries of every input ([`Mode::Sample`]).
    pub fn sample(mut self, k: usize) -> Self {
        self.mode = Mode::Sample(k);
        self
    }

    /// Probe `n` random directions ([`Mode::Directions`]).
    pub fn directions(mut self, n: usize) -> Self {
        self.mode = Mode::Directions(n);
        self
    }

    /// The seed for the model's RNG, the scalarization weights, the sample
    /// and the directions (default 0). Same seed, same report.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Replaces every threshold.
    pub fn tolerances(mut self, tol: Tolerances) -> Self {
        self.tol = tol;
        self
    }

    /// On failure, re-measure at each of `steps` to tell a wrong gradient
    /// from a bad step (see [`crate::numeric::DEFAULT_SWEEP`]).
    ///
    /// # Panics
    /// If `steps` is empty or one is not positive and finite (at the
    /// caller's line).
    #[track_caller]
    pub fn sweep(mut self, steps: &[f64]) -> Self {
        if steps.is_empty() {
            panic!("GradCheck::sweep: no steps given (try gradcheck::numeric::DEFAULT_SWEEP)");
        }
        if let Some(h) = steps.iter().find(|h| !(**h > 0.0 && h.is_finite())) {
            panic!("GradCheck::sweep: every step must be positive and finite, got {h}");
        }
        self.sweep = Some(steps.to_vec());
        self
    }

    /// [`GradCheck::sweep`] over [`DEFAULT_SWEEP`].
    pub fn sweep_default(self) -> Self {
        self.sweep(DEFAULT_SWEEP)
    }

    /// Whether to add the uniform-shift probe ([`Probe::Shift`]; default on).
    pub fn shift(mut self, on: bool) -> Self {
        self.shift = on;
        self
    }

    /// The configured tolerances.
    pub fn tol(&self) -> &Tolerances {
        &self.tol
    }

    /// Checks `model` at the named `inputs`. The model receives one `Var` per
    /// input, in order, and an RNG re-seeded identically before every
    /// evaluation; its output may have any shape (it is scalarized with
    /// fixed random weights).
    ///
    /// A check that would probe nothing (no inputs, an empty input or
    /// output, `sample(0)`, `directions(0)`, a step below [`min_step`])
    /// returns a report that does not pass and says why
    /// ([`NothingChecked`]).
    ///
    /// # Panics
    /// If the model's output changes shape between evaluations (at the
    /// caller's line); panics inside the model are the model's own.
    #[track_caller]
    pub fn check<M: Model>(&self, inputs: &[(&str, Array2<f64>)], model: M) -> Report {
        let names = inputs.iter().map(|(n, _)| n.to_string()).collect();
        let values = inputs.iter().map(|(_, v)| v.clone()).collect();
        self.run(names, values, &model, CheckKind::FirstOrder)
    }

    /// [`GradCheck::check`] with [`Param`]s, named by [`Param::name`].
    ///
    /// # Panics
    /// As [`GradCheck::check`].
    #[track_caller]
    pub fn check_params<M: Model>(&self, params: &[&Param<f64>], model: M) -> Report {
        let names = params.iter().map(|p| p.name().to_string()).collect();
        let values = params.iter().map(|p| p.value().clone()).collect();
        self.run(names, values, &model, CheckKind::FirstOrder)
    }

    /// Why a check of `values` with this configuration would probe
    /// nothing, if so (the output shape is tested separately: it needs an
    /// evaluation).
    fn refusal(&self, names: &[String], values: &[Array2<f64>]) -> Option<NothingChecked> {
        if values.is_empty() {
            return Some(NothingChecked::NoInputs);
        }
        if let Some((name, v)) = names.iter().zip(values).find(|(_, v)| v.is_empty()) {
            return Some(NothingChecked::EmptyInput {
                name: name.clone(),
                shape: v.dim(),
            });
        }
        match self.mode {
            Mode::Sample(0) => return Some(NothingChecked::EmptySample),
            Mode::Directions(0) => return Some(NothingChecked::NoDirections),
            Mode::Every | Mode::Sample(_) | Mode::Directions(_) => {}
        }
        // The largest finite magnitude decides the smallest usable step.
        let mut largest = (0.0, 0, (0, 0));
        for (input, v) in values.iter().enumerate() {
            for ((r, c), &x) in v.indexed_iter() {
                if x.is_finite() && x.abs() > f64::abs(largest.0) {
                    largest = (x, input, (r, c));
                }
            }
        }
        let (value, input, entry) = largest;
        let min = min_step(value);
        (self.step < min).then(|| NothingChecked::StepTooSmall {
            step: self.step,
            name: names[input].clone(),
            entry,
            value,
            min,
            suggested: DEFAULT_STEP * value.abs().max(1.0),
        })
    }

    #[track_caller]
    pub(crate) fn run<M: Model + ?Sized>(
        &self,
        names: Vec<String>,
        values: Vec<Array2<f64>>,
        model: &M,
        kind: CheckKind,
    ) -> Report {
        let refused = |why| Report {
            unchecked: Some(why),
            step: self.step,
            kind,
            ..Report::default()
        };
        if let Some(why) = self.refusal(&names, &values) {
            return refused(why);
        }
        let shape = output_shape(model, self.seed, &values);
        if shape.0 * shape.1 == 0 {
            return refused(NothingChecked::EmptyOutput { shape });
        }
        let bound = Bound {
            model,
            rng_seed: self.seed,
            weights: scalarization_weights(shape, self.seed),
        };
        let analytic = bound.analytic(&names, &values);
        let base_eval = Eval {
            loss: analytic.loss,
            logs: analytic.logs,
        };
        let prober = Prober {
            bound: &bound,
            base: &values,
            base_eval: &base_eval,
            step: self.step,
            sweep: self.sweep.as_deref(),
            tol: &self.tol,
        };
        let grads = &analytic.grads;
        // Every direction first, then the probes: a plain loop (no closure)
        // keeps `#[track_caller]` pointing at the user's line.
        let mut dirs: Vec<(Dir, &str, Probe)> = Vec::new();
        let mut rng = Rng::seed_from_u64(self.seed.wrapping_add(0x9e37_79b9));
        match self.mode {
            Mode::Every | Mode::Sample(_) => {
                for (input, (name, v)) in names.iter().zip(&values).enumerate() {
                    let (rows_n, cols_n) = v.dim();
                    let len = rows_n * cols_n;
                    let picks: Vec<usize> = match self.mode {
                        Mode::Sample(k) if k < len => {
                            let mut s = rand::seq::index::sample(&mut rng, len, k).into_vec();
                            // A NaN or ∞ in the tape gradient is always
                            // probed, sampled or not: it must fail the check.
                            if let Some(g) = &grads[input] {
                                s.extend(
                                    g.iter()
                                        .enumerate()
                                        .filter(|(_, x)| !x.is_finite())
                                        .map(|(i, _)| i),
                                );
                            }
                            s.sort_unstable();
                            s.dedup();
                            s
                        }
                        _ => (0..len).collect(),
                    };
                    for i in picks {
                        let (r, c) = (i / cols_n, i % cols_n);
                        dirs.push((Dir::Entry { input, r, c }, name, Probe::Entry(r, c)));
                    }
                }
            }
            Mode::Directions(n) => {
                for k in 0..n {
                    let v: Vec<Array2<f64>> = values
                        .iter()
                        .map(|x| {
                            Array2::from_shape_simple_fn(x.dim(), || rng.random_range(-1.0..1.0))
                        })
                        .collect();
                    dirs.push((Dir::Vector(unit(v)), "directions", Probe::Direction(k)));
                }
            }
        }
        if self.shift {
            let ones = values.iter().map(|x| Array2::ones(x.dim())).collect();
            dirs.push((Dir::Vector(unit(ones)), "directions", Probe::Shift));
        }
        let mut rows = Vec::with_capacity(dirs.len());
        for (dir, param, p) in &dirs {
            let a = dir.analytic(grads);
            rows.push(prober.probe(dir, param, *p, a));
        }
        let mut warnings = Vec::new();
        raw_values::raw_value_warnings(&self.tol, analytic.loss, &names, grads, &mut warnings);
        Report {
            rows,
            lints: lint::lint(&names, grads),
            warnings,
            loss: analytic.loss,
            step: self.step,
            unchecked: None,
            kind,
        }
    }
}

/// Scales a direction to unit 2-norm over all inputs.
fn unit(mut v: Vec<Array2<f64>>) -> Vec<Array2<f64>> {
    let norm = v
        .iter()
        .map(|a| a.iter().map(|x| x * x).sum::<f64>())
        .sum::<f64>()
        .sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|a| a.mapv_inplace(|x| x / norm));
    }
    v
}
