//! NaN in, NaN out, for every registered op (`registry::all_ops`, so an op
//! added later is covered the day it is registered).
//!
//! For each op, valid random inputs are generated from its `ShapeRule` and
//! `Domain`s (several shape combinations where the rule allows
//! broadcasting). For each element `e` of each input, the output elements
//! that *depend* on `e` are found by moving `e` far (`±3`, `±10³`; scaled
//! for positive and non-zero domains) and seeing which outputs change; that
//! is the exact dependence set, found without knowing the op (a relu at a
//! negative input, a non-maximal entry of a max, do change the output once
//! moved far enough, while entries `pick` or `slice_cols` ignore never do).
//! Then `e` is set to NaN, and the output must be NaN at exactly those
//! elements: every output that depends on the NaN is NaN (nothing hides
//! it, e.g. `relu(NaN) = 0`), and no other output is (nothing leaks
//! across independent elements, e.g. rows of a matmul or lanes of a max).
//! For an elementwise op that is "NaN exactly at the corresponding output
//! element".
//!
//! The gradient side (a NaN derivative at a NaN input, exact 0 for a zero
//! upstream) is pinned in `ties.rs` and by
//! `gradient_at_a_nan_is_not_a_silent_zero_and_a_zero_upstream_stays_zero`.

use autograd::registry::{Domain, OpSpec, ShapeRule, all_ops};
use autograd::{Tape, Var};
use ndarray::Array2;

/// SplitMix64: deterministic, dependency-free inputs.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A value inside `domain`, away from its edges.
    fn value(&mut self, domain: Domain) -> f64 {
        let u = self.next();
        match domain {
            Domain::Real => 2.0 * u - 1.0,
            Domain::Positive => 0.5 + 1.5 * u,
            Domain::NonZero => {
                let m = 0.5 + 1.5 * u;
                if self.next() < 0.5 { -m } else { m }
            }
        }
    }
}

/// Input shape combinations valid under `rule`.
fn shapes(rule: ShapeRule) -> Vec<Vec<(usize, usize)>> {
    match rule {
        ShapeRule::Unary => vec![vec![(3, 4)]],
        ShapeRule::Broadcast => vec![
            vec![(3, 4), (3, 4)],
            vec![(3, 4), (1, 4)],
            vec![(3, 1), (3, 4)],
            vec![(3, 1), (1, 4)],
            vec![(1, 1), (3, 4)],
        ],
        ShapeRule::MatMul => vec![vec![(3, 4), (4, 2)]],
        ShapeRule::ColumnGroups(k) => vec![vec![(3, 2 * k)]],
        ShapeRule::RowParam => vec![vec![(3, 4), (1, 4)], vec![(3, 4), (1, 1)]],
        ShapeRule::SameRows => vec![vec![(3, 2), (3, 3)]],
    }
}

/// Values to move an entry `v` of `domain` to, far enough to cross any
/// kink or change any maximum, staying inside the domain.
fn moves(v: f64, domain: Domain) -> [f64; 4] {
    match domain {
        Domain::Real => [v + 3.0, v - 3.0, 1e3, -1e3],
        Domain::Positive => [v * 3.0, v / 3.0, 1e3, 1e-3],
        Domain::NonZero => [v * 3.0, v / 3.0, v * 1e3, v * 1e-3],
    }
}

/// The op's output on `inputs` (leaves, so gradients can be asked for).
fn run(spec: &OpSpec, inputs: &[Array2<f64>]) -> Array2<f64> {
    let tape = Tape::new();
    let vars: Vec<Var<'_, f64>> = inputs.iter().map(|a| tape.leaf(a.clone())).collect();
    (spec.apply)(&vars).value()
}

/// Output elements whose value differs (bitwise) between `a` and `b`.
fn changed(a: &Array2<f64>, b: &Array2<f64>) -> Vec<bool> {
    a.iter()
        .zip(b)
        .map(|(x, y)| x.to_bits() != y.to_bits())
        .collect()
}

#[test]
fn every_output_that_depends_on_a_nan_is_nan_and_no_other() {
    let mut rng = Rng(7);
    let mut checked = 0;
    for spec in all_ops() {
        for dims in shapes(spec.shapes) {
            let inputs: Vec<Array2<f64>> = dims
                .iter()
                .zip(spec.domains)
                .map(|(&dim, &d)| Array2::from_shape_simple_fn(dim, || rng.value(d)))
                .collect();
            let base = run(&spec, &inputs);
            assert!(
                base.iter().all(|v| v.is_finite()),
                "{}: finite inputs gave {base}",
                spec.name
            );
            for (k, domain) in spec.domains.iter().enumerate() {
                let mut depends_somewhere = false;
                for at in 0..inputs[k].len() {
                    let pos = (at / inputs[k].ncols(), at % inputs[k].ncols());
                    let mut depends = vec![false; base.len()];
                    for to in moves(inputs[k][pos], *domain) {
                        let mut moved = inputs.to_vec();
                        moved[k][pos] = to;
                        for (d, c) in depends.iter_mut().zip(changed(&base, &run(&spec, &moved))) {
                            *d |= c;
                        }
                    }
                    depends_somewhere |= depends.iter().any(|&d| d);
                    let mut poisoned = inputs.to_vec();
                    poisoned[k][pos] = f64::NAN;
                    let out = run(&spec, &poisoned);
                    let nan: Vec<bool> = out.iter().map(|v| v.is_nan()).collect();
                    assert_eq!(
                        nan, depends,
                        "{} with shapes {dims:?}: NaN at input {k} {pos:?} gave\n{out}\n\
                         (NaN expected exactly where the output depends on it: {depends:?})",
                        spec.name
                    );
                    checked += 1;
                }
                assert!(
                    depends_somewhere,
                    "{} with shapes {dims:?}: no output depends on input {k}; the test \
                     cannot see NaN propagation",
                    spec.name
                );
            }
        }
    }
    assert!(checked > 500, "only {checked} cases");
}

/// For every op and input: with a NaN input, a zero upstream gives exactly
/// zero gradients (invariant 5; matrix products excepted), and a non-zero upstream does not give the
/// NaN entry a silent 0 gradient (relu, abs, maximum, max, maxout used to).
#[test]
fn gradient_at_a_nan_is_not_a_silent_zero_and_a_zero_upstream_stays_zero() {
    let mut rng = Rng(11);
    let mut failures = Vec::new();
    for spec in all_ops() {
        let dims = &shapes(spec.shapes)[0];
        let inputs: Vec<Array2<f64>> = dims
            .iter()
            .zip(spec.domains)
            .map(|(&dim, &d)| Array2::from_shape_simple_fn(dim, || rng.value(d)))
            .collect();
        for k in 0..inputs.len() {
            let mut poisoned = inputs.clone();
            poisoned[k][(0, 0)] = f64::NAN;
            let tape = Tape::new();
            let vars: Vec<Var<'_, f64>> = poisoned.iter().map(|a| tape.leaf(a.clone())).collect();
            let y = (spec.apply)(&vars);
            let zero = Array2::zeros(y.shape().dim());
            let g = y.backward_with(zero);
            // A matrix product's backward is a GEMM and follows IEEE
            // (0·NaN = NaN), as BLAS and PyTorch do: invariant 5 is about
            // masks (elementwise ops, reductions, softmax), not GEMMs.
            let gemm = matches!(spec.shapes, ShapeRule::MatMul);
            for v in vars.iter().filter(|_| !gemm) {
                if let Some(g) = g.get(*v)
                    && !g.iter().all(|&x| x == 0.0)
                {
                    failures.push(format!(
                        "{}: a zero upstream gave {g} with input {k} NaN",
                        spec.name
                    ));
                }
            }
            let ones = Array2::ones(y.shape().dim());
            let out_nan = y.value().iter().any(|v| v.is_nan());
            let g = y.backward_with(ones);
            if out_nan && let Some(gk) = g.get(vars[k]) {
                // NaN for ops whose derivative reads the input (relu, max,
                // exp, …); a constant for those whose derivative does not
                // (add: 1; mul: the other operand). Never a silent 0.
                if gk[(0, 0)] == 0.0 {
                    failures.push(format!(
                        "{}: the NaN input {k} reaches a NaN output but its gradient is 0",
                        spec.name
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
