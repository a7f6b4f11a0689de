//! Second order for every registered op: a Hessian–vector product built
//! through `grad_graph` must match centered finite differences of the
//! first-order gradient.
//!
//! For each op `f` with inputs `x` (shapes from its [`ShapeRule`], values
//! from its [`Domain`]) and a fixed random weight `V` of the output's shape,
//! let `s(x) = Σ V ⊙ f(x)`. With a random direction `u` (one matrix per
//! input), the graph gives `H u` as `∂⟨∇s, u⟩/∂x`; the reference is
//! `(∇s(x + h·u) − ∇s(x − h·u)) / 2h`, each `∇s` from the ordinary
//! first-order `backward_with(V)`. The two compare normwise:
//! `‖a − n‖∞ / max(1, ‖n‖∞) ≤ 1e-6` with `h = 1e-5`.
//!
//! For linear and piecewise-linear ops that Hessian is 0, which a graph
//! backward that forgot to stay differentiable in its upstream gradient
//! would also give. So each op is also checked on `s = Σ V ⊙ f(x)²`, whose
//! Hessian `2 Jᵀ diag(V) J + …` is non-zero for all of them.
//!
//! Being driven by [`all_ops`], the suite covers a new op the moment it is
//! registered: a smooth op without a graph backward fails here.

use autograd::registry::{Domain, Kink, OpSpec, all_ops};
use autograd::{Tape, Var};
use ndarray::Array2;

#[path = "support/cases.rs"]
mod cases;

use cases::shape_sets;

/// Step for the centered differences: its O(h²) truncation and O(ε/h)
/// rounding errors are both ≈ 1e-10 here, far inside the tolerance.
const H: f64 = 1e-5;
/// Normwise tolerance on `‖a − n‖∞ / max(1, ‖n‖∞)`.
const TOL: f64 = 1e-6;
/// Random restarts per shape configuration.
const SEEDS: u64 = 3;

/// Smooth ops still waiting for a graph backward (none today). An entry
/// here must still lack support — the test fails once it gains it, so the
/// list cannot go stale.
const PENDING: &[&str] = &[];

/// A tiny deterministic generator (SplitMix64), so the suite needs no
/// dependency and every run sees the same inputs.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[lo, hi)`.
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        lo + (hi - lo) * unit
    }

    fn matrix(&mut self, (rows, cols): (usize, usize), lo: f64, hi: f64) -> Array2<f64> {
        Array2::from_shape_fn((rows, cols), |_| self.uniform(lo, hi))
    }

    /// A value inside `domain`, kept clear of its edges (and of the
    /// op's kinks) so that `x ± h·u` stays where the op is smooth.
    fn in_domain(&mut self, domain: Domain, kinks: &[f64]) -> f64 {
        loop {
            let x = match domain {
                Domain::Real => self.uniform(-2.0, 2.0),
                Domain::Positive => self.uniform(0.5, 2.5),
                Domain::NonZero => {
                    let magnitude = self.uniform(0.5, 2.0);
                    if self.next_u64() & 1 == 0 {
                        magnitude
                    } else {
                        -magnitude
                    }
                }
            };
            if kinks.iter().all(|k| (x - k).abs() >= 0.1) {
                return x;
            }
        }
    }
}

fn inputs(spec: &OpSpec, shapes: &[(usize, usize)], rng: &mut Rng) -> Vec<Array2<f64>> {
    let kinks: &[f64] = match spec.kink {
        Kink::At(points) => points,
        Kink::None | Kink::Ties => &[],
    };
    spec.domains
        .iter()
        .zip(shapes)
        .enumerate()
        .map(|(i, (&domain, &shape))| {
            let avoid = if i == 0 { kinks } else { &[] };
            Array2::from_shape_fn(shape, |_| rng.in_domain(domain, avoid))
        })
        .collect()
}

/// `f(x)`, or `f(x)²` (elementwise) when `squared`.
fn objective<'t>(spec: &OpSpec, leaves: &[Var<'t, f64>], squared: bool) -> Var<'t, f64> {
    let y = (spec.apply)(leaves);
    if squared { y * y } else { y }
}

/// The first-order gradient of `Σ V ⊙ f(x)` (or `f(x)²`) with respect to
/// each input.
fn gradient(spec: &OpSpec, xs: &[Array2<f64>], v: &Array2<f64>, squared: bool) -> Vec<Array2<f64>> {
    let tape = Tape::new();
    let leaves: Vec<Var<'_, f64>> = xs.iter().map(|x| tape.leaf(x.clone())).collect();
    let grads = objective(spec, &leaves, squared).backward_with(v.clone());
    leaves
        .iter()
        .map(|&l| {
            grads
                .get(l)
                .cloned()
                .unwrap_or_else(|| Array2::zeros(l.shape().dim()))
        })
        .collect()
}

/// What happened when asking an op for its Hessian–vector product.
enum Hvp {
    /// `H u`, one matrix per input.
    Done(Vec<Array2<f64>>),
    /// `grad_graph` reported that a node has no graph backward.
    Unsupported(String),
}

/// `H u` for `s = Σ V ⊙ f(x)` (or `f(x)²`), by differentiating the
/// gradient nodes.
fn hvp(
    spec: &OpSpec,
    xs: &[Array2<f64>],
    v: &Array2<f64>,
    u: &[Array2<f64>],
    squared: bool,
) -> Hvp {
    let tape = Tape::new();
    let leaves: Vec<Var<'_, f64>> = xs.iter().map(|x| tape.leaf(x.clone())).collect();
    let s = (objective(spec, &leaves, squared) * tape.constant(v.clone())).sum();
    let grads = match s.grad_graph(&leaves) {
        Ok(g) => g,
        Err(e) => return Hvp::Unsupported(e.to_string()),
    };
    let dot = grads
        .iter()
        .zip(u)
        .map(|(&g, u)| (g * tape.constant(u.clone())).sum())
        .reduce(|a, b| a + b)
        .expect("every op has an input");
    let second = dot.backward();
    Hvp::Done(
        leaves
            .iter()
            .map(|&l| {
                second
                    .get(l)
                    .cloned()
                    .unwrap_or_else(|| Array2::zeros(l.shape().dim()))
            })
            .collect(),
    )
}

fn max_abs(a: &Array2<f64>) -> f64 {
    a.iter().fold(0.0, |m, x| m.max(x.abs()))
}

/// The worst normwise error over both objectives, all shape
/// configurations and seeds, or the unsupported message.
fn check(spec: &OpSpec) -> Result<f64, String> {
    let mut worst = 0.0_f64;
    for squared in [false, true] {
        worst = worst.max(check_objective(spec, squared)?);
    }
    Ok(worst)
}

fn check_objective(spec: &OpSpec, squared: bool) -> Result<f64, String> {
    let mut worst = 0.0_f64;
    for (c, shapes) in shape_sets(spec.shapes).iter().enumerate() {
        for seed in 0..SEEDS {
            let mut rng = Rng(0x5EC0_0D0D_u64 ^ ((c as u64) << 32) ^ seed);
            let xs = inputs(spec, shapes, &mut rng);
            let out = {
                let tape = Tape::new();
                let leaves: Vec<_> = xs.iter().map(|x| tape.constant(x.clone())).collect();
                (spec.apply)(&leaves).shape().dim()
            };
            let v = rng.matrix(out, -1.0, 1.0);
            let u: Vec<Array2<f64>> = xs.iter().map(|x| rng.matrix(x.dim(), -1.0, 1.0)).collect();

            let analytic = match hvp(spec, &xs, &v, &u, squared) {
                Hvp::Done(a) => a,
                Hvp::Unsupported(message) => return Err(message),
            };
            let shifted = |sign: f64| -> Vec<Array2<f64>> {
                xs.iter()
                    .zip(&u)
                    .map(|(x, u)| x + &(u * (sign * H)))
                    .collect()
            };
            let plus = gradient(spec, &shifted(1.0), &v, squared);
            let minus = gradient(spec, &shifted(-1.0), &v, squared);
            let numeric: Vec<Array2<f64>> = plus
                .iter()
                .zip(&minus)
                .map(|(p, m)| (p - m) / (2.0 * H))
                .collect();

            let diff = analytic
                .iter()
                .zip(&numeric)
                .map(|(a, n)| max_abs(&(a - n)))
                .fold(0.0, f64::max);
            let scale = numeric.iter().map(max_abs).fold(1.0, f64::max);
            let error = diff / scale;
            assert!(
                error.is_finite(),
                "{}: non-finite error with shapes {shapes:?} (squared: {squared})",
                spec.name
            );
            worst = worst.max(error);
        }
    }
    Ok(worst)
}

/// Runs [`check`] on every op `select` picks and collects the failures.
fn run(select: impl Fn(&OpSpec) -> bool) -> Vec<String> {
    let mut failures = Vec::new();
    for spec in all_ops().iter().filter(|s| select(s)) {
        let pending = PENDING.contains(&spec.name);
        match check(spec) {
            Ok(worst) => {
                eprintln!("{:<16} worst HVP error {worst:.2e}", spec.name);
                if worst > TOL {
                    failures.push(format!("{}: error {worst:.2e} > {TOL:e}", spec.name));
                }
                if pending {
                    failures.push(format!(
                        "{}: supports grad_graph now; remove it from PENDING",
                        spec.name
                    ));
                }
            }
            Err(message) if pending => {
                eprintln!("{:<16} pending: {message}", spec.name);
            }
            Err(message) => failures.push(format!("{}: {message}", spec.name)),
        }
    }
    failures
}

#[test]
fn smooth_ops_hessian_vector_products_match_finite_differences() {
    let smooth = |s: &OpSpec| s.kink == Kink::None;
    assert!(
        all_ops().iter().filter(|s| smooth(s)).count() >= 15,
        "the registry lost its smooth ops"
    );
    let failures = run(smooth);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The piecewise ops are smooth away from their kinks and ties, where the
/// second derivative is 0 but the gradient still flows through the
/// upstream: the same check applies with inputs kept off the kinks (random
/// inputs tie with probability 0).
#[test]
fn piecewise_ops_match_finite_differences_away_from_kinks() {
    let failures = run(|s| s.kink != Kink::None);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_generator_respects_domains_and_kinks() {
    let mut rng = Rng(7);
    for _ in 0..1000 {
        assert!(rng.in_domain(Domain::Positive, &[]) >= 0.5);
        assert!(rng.in_domain(Domain::NonZero, &[]).abs() >= 0.5);
        assert!(rng.in_domain(Domain::Real, &[0.0]).abs() >= 0.1);
    }
}
