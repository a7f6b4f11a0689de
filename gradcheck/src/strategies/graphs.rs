//! Random small graphs composed of registered ops.
//!
//! A graph is a chain: input 0 flows through up to `max_ops` ops; each op
//! that needs a second argument gets a fresh input shaped by its
//! [`ShapeRule`]. The structure is resolved once, at generation time, on the
//! generated values: an op whose domain the running value violates, whose
//! kink the running value sits near, or that would blow values up, is
//! skipped. Replaying the resolved chain ([`RandomGraph::apply`]) then never
//! branches on values, so `x ± h` runs exactly the same graph.

use std::fmt;

use autograd::registry::{Domain, Kink, OpSpec, ShapeRule, all_ops};
use autograd::{Shape, Tape, Var};
use ndarray::Array2;
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};

use crate::eval::Rng;

/// A resolved random graph and its inputs.
#[derive(Clone)]
pub struct RandomGraph {
    /// The inputs: `inputs[0]` is the chain's start, the rest are side
    /// arguments in order of use.
    pub inputs: Vec<Array2<f64>>,
    /// The ops in order, each with the index of its side input (if any).
    pub steps: Vec<(OpSpec, Option<usize>)>,
}

impl RandomGraph {
    /// Records the graph on `tape` given one `Var` per input.
    ///
    /// # Panics
    /// If `inputs` does not hold one `Var` per input (at the caller's line).
    #[track_caller]
    pub fn apply<'t>(&self, inputs: &[Var<'t, f64>]) -> Var<'t, f64> {
        if inputs.len() != self.inputs.len() {
            panic!(
                "RandomGraph::apply: the graph has {} inputs, got {} Vars",
                self.inputs.len(),
                inputs.len()
            );
        }
        let mut cur = inputs[0];
        for (spec, side) in &self.steps {
            let args: Vec<Var<'t, f64>> = match side {
                Some(i) => vec![cur, inputs[*i]],
                None => vec![cur],
            };
            cur = (spec.apply)(&args);
        }
        cur
    }

    /// Input names `x0, x1, …` paired with the values, ready for
    /// [`crate::GradCheck::check`].
    pub fn named_inputs(&self) -> Vec<(String, Array2<f64>)> {
        self.inputs
            .iter()
            .enumerate()
            .map(|(i, v)| (format!("x{i}"), v.clone()))
            .collect()
    }
}

impl fmt::Debug for RandomGraph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "x0{}", Shape::of(&self.inputs[0]))?;
        for (spec, side) in &self.steps {
            match side {
                Some(i) => write!(
                    f,
                    " → {}(·, x{i}{})",
                    spec.name,
                    Shape::of(&self.inputs[*i])
                )?,
                None => write!(f, " → {}", spec.name)?,
            }
        }
        write!(f, "; inputs {:?}", self.inputs)
    }
}

fn draw(rng: &mut Rng, shape: Shape, domain: Domain) -> Array2<f64> {
    Array2::from_shape_simple_fn(shape.dim(), || {
        let x: f64 = rng.random_range(-2.0..2.0);
        match domain {
            Domain::Real => x,
            Domain::Positive => 0.2 + x.abs(),
            Domain::NonZero => x.signum() * (0.2 + x.abs()),
        }
    })
}

fn side_shape(rule: ShapeRule, cur: Shape, rng: &mut Rng) -> Option<Shape> {
    let d = |rng: &mut Rng| rng.random_range(1..=3usize);
    Some(match rule {
        ShapeRule::Unary | ShapeRule::ColumnGroups(_) => return None,
        ShapeRule::Broadcast => match rng.random_range(0..4) {
            0 => cur,
            1 => Shape::new(1, cur.cols),
            2 => Shape::new(cur.rows, 1),
            _ => Shape::new(1, 1),
        },
        ShapeRule::MatMul => Shape::new(cur.cols, d(rng)),
        ShapeRule::RowParam => Shape::new(1, cur.cols),
        ShapeRule::SameRows => Shape::new(cur.rows, d(rng)),
    })
}

fn acceptable(value: &Array2<f64>, domain: Domain, kink: Kink) -> bool {
    value.iter().all(|&x| {
        let in_domain = match domain {
            Domain::Real => true,
            Domain::Positive => x > 0.1,
            Domain::NonZero => x.abs() > 0.1,
        };
        let off_kink = match kink {
            Kink::At(ks) => ks.iter().all(|k| (x - k).abs() > 0.01),
            Kink::None | Kink::Ties => true,
        };
        in_domain && off_kink && x.is_finite() && x.abs() < 1e3
    })
}

/// Resolves a chain from op choices and a seed (see the module docs).
fn resolve(start: Shape, choices: &[(prop::sample::Index, u64)], seed: u64) -> RandomGraph {
    let ops = all_ops();
    let mut rng = Rng::seed_from_u64(seed);
    let mut inputs = vec![draw(&mut rng, start, Domain::Real)];
    let mut steps = Vec::new();
    let mut cur = inputs[0].clone();
    for (pick, side_seed) in choices {
        let spec = ops[pick.index(ops.len())];
        let shape = Shape::of(&cur);
        if let ShapeRule::ColumnGroups(k) = spec.shapes
            && (k == 0 || !shape.cols.is_multiple_of(k))
        {
            continue;
        }
        if !acceptable(&cur, spec.domains[0], spec.kink) {
            continue;
        }
        let mut side_rng = Rng::seed_from_u64(*side_seed);
        let side = side_shape(spec.shapes, shape, &mut side_rng).map(|s| {
            draw(
                &mut side_rng,
                s,
                spec.domains.get(1).copied().unwrap_or(Domain::Real),
            )
        });
        let tape = Tape::new();
        let mut args = vec![tape.constant(cur.clone())];
        if let Some(s) = &side {
            args.push(tape.constant(s.clone()));
        }
        let out = (spec.apply)(&args).value();
        if out.is_empty() || !out.iter().all(|x| x.is_finite() && x.abs() < 1e3) {
            continue;
        }
        let side_index = side.map(|s| {
            inputs.push(s);
            inputs.len() - 1
        });
        steps.push((spec, side_index));
        cur = out;
    }
    RandomGraph { inputs, steps }
}

/// Random chains of up to `max_ops` registered ops from a start of sides
/// up to 3. Shrinks by dropping ops.
///
/// ```
/// use gradcheck::{GradCheck, strategies};
/// use proptest::prelude::*;
///
/// proptest!(ProptestConfig::with_cases(8), |(g in strategies::graph(3))| {
///     let inputs = g.named_inputs();
///     let named: Vec<(&str, _)> = inputs.iter().map(|(n, v)| (n.as_str(), v.clone())).collect();
///     let report = GradCheck::new().check(&named, |_, x, _| g.apply(x));
///     prop_assert!(report.passed(), "{:?}\n{}", g, report);
/// });
/// ```
///
/// # Panics
/// If `max_ops` is 0 (at the caller's line): a graph has at least one op.
#[track_caller]
pub fn graph(max_ops: usize) -> impl Strategy<Value = RandomGraph> {
    if max_ops == 0 {
        panic!("strategies::graph(0): a graph has 1..=max_ops ops, so max_ops must be at least 1");
    }
    (
        (1..=3usize, 1..=3usize),
        proptest::collection::vec((any::<prop::sample::Index>(), any::<u64>()), 1..=max_ops),
        any::<u64>(),
    )
        .prop_map(|((r, c), choices, seed)| resolve(Shape::new(r, c), &choices, seed))
}
