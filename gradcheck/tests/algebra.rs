//! Algebraic properties of every registered op's backward, independent of
//! finite differences: gradient shapes equal input shapes; backward is
//! linear in the upstream gradient; a zero upstream gives exactly zero input
//! gradients; for tie-splitting ops (`Kink::Ties`) the input gradients sum to
//! the upstream gradient even at ties.

use autograd::Tape;
use autograd::registry::{Kink, OpSpec, all_ops};
use gradcheck::strategies::{Placement, matrix_in, op_inputs};
use ndarray::Array2;
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, TestRunner};

const CASES: u32 = 64;

/// Input gradients of `spec` at `inputs` for `upstream` (zeros where none).
fn grads(
    spec: OpSpec,
    inputs: &[Array2<f64>],
    upstream: Option<&Array2<f64>>,
) -> (Array2<f64>, Vec<Array2<f64>>) {
    let tape = Tape::new();
    let vars: Vec<_> = inputs.iter().map(|x| tape.leaf(x.clone())).collect();
    let y = (spec.apply)(&vars);
    let up = upstream
        .cloned()
        .unwrap_or_else(|| Array2::zeros(y.shape().dim()));
    let g = y.backward_with(up);
    let out = vars
        .iter()
        .zip(inputs)
        .map(|(&v, x)| g.get(v).cloned().unwrap_or_else(|| Array2::zeros(x.dim())))
        .collect();
    (y.value(), out)
}

fn output_shape(spec: OpSpec, inputs: &[Array2<f64>]) -> (usize, usize) {
    grads(spec, inputs, None).0.dim()
}

/// Inputs plus two upstream gradients and two coefficients.
fn case(
    spec: OpSpec,
    placement: Placement,
) -> impl Strategy<Value = (Vec<Array2<f64>>, Array2<f64>, Array2<f64>, f64, f64)> {
    op_inputs(spec, placement, 4).prop_flat_map(move |inputs| {
        let shape = output_shape(spec, &inputs);
        (
            Just(inputs),
            matrix_in(shape, autograd::registry::Domain::Real),
            matrix_in(shape, autograd::registry::Domain::Real),
            -2.0..2.0f64,
            -2.0..2.0f64,
        )
    })
}

fn for_every_op(
    placement: Placement,
    filter: impl Fn(&OpSpec) -> bool,
    property: impl Fn(
        OpSpec,
        Vec<Array2<f64>>,
        Array2<f64>,
        Array2<f64>,
        f64,
        f64,
    ) -> Result<(), TestCaseError>,
) -> usize {
    let mut n = 0;
    for spec in all_ops().into_iter().filter(|s| filter(s)) {
        n += 1;
        let mut runner = TestRunner::new(Config {
            cases: CASES,
            failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/proptest-regressions/algebra.txt"
            )))),
            ..Config::default()
        });
        if let Err(e) = runner.run(&case(spec, placement), |(x, u, v, a, b)| {
            property(spec, x, u, v, a, b)
        }) {
            panic!("{}: {e}", spec.name);
        }
    }
    n
}

#[test]
fn gradient_shapes_equal_input_shapes() {
    for_every_op(
        Placement::AwayFromKinks,
        |_| true,
        |spec, x, u, _, _, _| {
            let (_, g) = grads(spec, &x, Some(&u));
            for (gi, xi) in g.iter().zip(&x) {
                prop_assert_eq!(gi.dim(), xi.dim(), "{}", spec.name);
            }
            Ok(())
        },
    );
}

#[test]
fn backward_is_linear_in_the_upstream_gradient() {
    for_every_op(
        Placement::AwayFromKinks,
        |_| true,
        |spec, x, u, v, a, b| {
            let (_, gu) = grads(spec, &x, Some(&u));
            let (_, gv) = grads(spec, &x, Some(&v));
            let mix = &u * a + &v * b;
            let (_, gm) = grads(spec, &x, Some(&mix));
            for ((gu, gv), gm) in gu.iter().zip(&gv).zip(&gm) {
                let expect = gu * a + gv * b;
                let scale = 1.0 + expect.iter().fold(0.0_f64, |m, e| m.max(e.abs()));
                let err = (&expect - gm).iter().fold(0.0_f64, |m, e| m.max(e.abs()));
                prop_assert!(
                    err <= 1e-12 * scale,
                    "{}: linearity error {err:e}",
                    spec.name
                );
            }
            Ok(())
        },
    );
}

#[test]
fn zero_upstream_gives_exactly_zero_gradients() {
    for placement in [Placement::AwayFromKinks, Placement::OnKinks] {
        for_every_op(
            placement,
            |_| true,
            |spec, x, _, _, _, _| {
                let (_, g) = grads(spec, &x, None);
                for gi in &g {
                    prop_assert!(gi.iter().all(|&e| e == 0.0), "{}: {gi:?}", spec.name);
                }
                Ok(())
            },
        );
    }
}

#[test]
fn tied_gradients_sum_to_the_upstream() {
    let n = for_every_op(
        Placement::OnKinks,
        |s| s.kink == Kink::Ties,
        |spec, x, u, _, _, _| {
            let (_, g) = grads(spec, &x, Some(&u));
            let total: f64 = g.iter().map(|gi| gi.sum()).sum();
            prop_assert!(
                (total - u.sum()).abs() <= 1e-12 * (1.0 + u.sum().abs()),
                "{}: {total} vs {}",
                spec.name,
                u.sum()
            );
            Ok(())
        },
    );
    if n == 0 {
        println!("no op with Kink::Ties is registered yet: nothing to check");
    }
}
