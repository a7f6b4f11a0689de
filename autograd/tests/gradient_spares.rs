//! The backward sweep's small gradient buffers: a dropped `Gradients`
//! hands its small buffers back in node order, and the next sweep writes
//! its fresh gradients into them (`Op::backward_into`). These tests pin
//! that it happens, that it never changes a bit, and that the buffers are
//! accounted for and released like the rest of the thread's cache.
//!
//! Each test runs on its own thread (libtest's default), so each starts
//! with an empty cache. The registry-wide test runs every registered op's
//! backward twice, the second time into the first one's buffers.

use autograd::registry::{Domain, all_ops};
use autograd::{BackwardCtx, Gradients, NodeKey, Op, Result, Shape, Tape, Var};
use ndarray::{Array2, array};

#[path = "support/cases.rs"]
mod cases;

use cases::{Rng, shape_sets};

/// y = 3x, with a `backward_into` that always declines: the sweep must
/// put the offered buffer back and call `backward`.
struct Triple;

impl Op<f64> for Triple {
    fn name(&self) -> &'static str {
        "triple"
    }
    fn output_shape(&self, inputs: &[Shape]) -> Result<Shape> {
        Ok(inputs[0])
    }
    fn forward(&mut self, inputs: &[&Array2<f64>]) -> Array2<f64> {
        inputs[0] * 3.0
    }
    fn backward(&self, ctx: &BackwardCtx<'_, f64>, _wrt: usize) -> Array2<f64> {
        ctx.upstream * 3.0
    }
    fn backward_into(
        &self,
        _ctx: &BackwardCtx<'_, f64>,
        _wrt: usize,
        _out: &mut Array2<f64>,
    ) -> bool {
        false
    }
}

fn input(rows: usize, k: f64) -> Array2<f64> {
    Array2::from_shape_fn((rows, 3), |(i, j)| (i as f64 * 0.7 - j as f64 * k).sin())
}

/// A W1-like chain with a declining custom op, a broadcast bias and a
/// reduction: every node (leaves first, the loss last) and the loss.
fn record(tape: &Tape<f64>, rows: usize) -> (Vec<Var<'_, f64>>, Var<'_, f64>) {
    let x = tape.leaf(input(rows, 0.5));
    let w = tape.leaf(input(rows, -1.5));
    let b = tape.leaf(array![[0.1, -0.2, 0.3]]);
    let mut nodes = vec![x, w, b];
    let mut h = x;
    for i in 0..10 {
        h = match i % 5 {
            0 => h * w,
            1 => h + b, // broadcast: b's gradient is a reduction
            2 => tape.try_apply(Triple, &[h]).unwrap(),
            3 => h - w,
            _ => h.tanh(),
        };
        nodes.push(h);
    }
    let square = h * h;
    let loss = square.sum();
    nodes.extend([square, loss]);
    (nodes, loss)
}

/// Which backward sweep [`gradients`] runs.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Sweep {
    /// `Var::backward`: every node's gradient kept.
    Plain,
    /// `Var::backward_leaves`: interior gradients freed as it goes.
    Leaves,
    /// `Tape::backward_and_reset`: values freed as well.
    Consume,
}

/// Every node's gradient (`None` where the sweep keeps none).
fn gradients(tape: &mut Tape<f64>, rows: usize, sweep: Sweep) -> Vec<Option<Array2<f64>>> {
    tape.reset();
    if sweep == Sweep::Consume {
        let (keys, root): (Vec<NodeKey>, NodeKey) = {
            let (nodes, loss) = record(tape, rows);
            (nodes.iter().map(|v| v.key()).collect(), loss.key())
        };
        let grads = tape.backward_and_reset(root);
        return keys.iter().map(|&k| grads.get_by_key(k).cloned()).collect();
    }
    let (nodes, loss) = record(tape, rows);
    let grads = match sweep {
        Sweep::Leaves => loss.backward_leaves(),
        _ => loss.backward(),
    };
    nodes.iter().map(|&v| grads.get(v).cloned()).collect()
}

#[test]
fn a_sweep_writes_into_the_buffers_the_last_gradients_left() {
    let tape = Tape::<f64>::new();
    let (nodes, loss) = record(&tape, 4);
    let first = loss.backward();
    let freed = buffers(&first, &nodes);
    drop(first);
    let second = loss.backward();
    let missed: Vec<usize> = nodes
        .iter()
        .enumerate()
        .filter(|&(_, &v)| !freed.contains(&second.get(v).expect("all need one").as_ptr()))
        .map(|(k, _)| k)
        .collect();
    // Not written into a spare: b's gradient (a reduction), the inputs of
    // the two `Triple`s (which decline) and the input `h + b` broadcasts
    // (declined: broadcast), `square`'s (from `sum`, which has no
    // `backward_into`), and the loss's seed, which `backward` makes.
    assert_eq!(
        missed,
        [2, 4, 8, 9, 13, 14],
        "nodes whose gradient was allocated"
    );
}

#[test]
fn written_into_spares_or_not_the_gradients_have_the_same_bits() {
    let mut tape = Tape::new();
    let want4 = gradients(&mut tape, 4, Sweep::Plain);
    autograd::release_cached_buffers();
    let want2 = gradients(&mut tape, 2, Sweep::Plain);
    // Same shapes (every buffer on top fits), other shapes (none fits:
    // each goes to the cache), back again, and the sweeps that free
    // gradients (and values) as they go and reuse them at once.
    use Sweep::{Consume, Leaves, Plain};
    for (rows, sweep) in [
        (4, Plain),
        (4, Plain),
        (2, Plain),
        (4, Plain),
        (4, Leaves),
        (4, Leaves),
        (2, Leaves),
        (4, Consume),
        (4, Consume),
        (2, Consume),
        (4, Plain),
        (2, Leaves),
    ] {
        let got = gradients(&mut tape, rows, sweep);
        let want = if rows == 4 { &want4 } else { &want2 };
        if sweep == Plain {
            assert_eq!(&got, want, "rows {rows}");
        } else {
            // Only the leaves keep a gradient there.
            assert_eq!(got[..3], want[..3], "rows {rows}, {sweep:?}");
            assert!(got[3..].iter().all(Option::is_none), "{sweep:?}");
        }
    }
}

#[test]
fn the_spares_count_as_cached_and_are_released() {
    let tape = Tape::<f64>::new();
    let (_, loss) = record(&tape, 4);
    assert_eq!(autograd::cached_bytes::<f64>(), 0);
    drop(loss.backward());
    let cached = autograd::cached_bytes::<f64>();
    // At least the 13 fresh 4×3 gradients of the chain, 96 bytes each.
    assert!(cached >= 13 * 96, "{cached} bytes cached");
    autograd::release_cached_buffers();
    assert_eq!(autograd::cached_bytes::<f64>(), 0);
}

#[test]
fn consuming_steps_do_not_pile_buffers_up() {
    let mut tape = Tape::<f64>::new();
    let mut cached = Vec::new();
    for _ in 0..6 {
        drop(gradients(&mut tape, 4, Sweep::Consume));
        cached.push(autograd::cached_bytes::<f64>());
    }
    assert_eq!(
        cached[2], cached[5],
        "a step takes back what the last one gave: {cached:?}"
    );
}

#[test]
fn every_registered_op_writes_the_bits_of_backward_into_a_spare() {
    // Each op, each shape set, with and without one input's gradient
    // started before the op's backward; `backward`, `backward_leaves` and
    // `backward_and_reset` each run twice (the second time into the first
    // one's buffers) and give the bits of a `backward` that allocated every
    // gradient.
    let mut rng = Rng(28);
    let (mut cases, mut written) = (0, 0);
    for spec in all_ops() {
        for shapes in shape_sets(spec.shapes) {
            let values = rng.inputs(&shapes, spec.domains);
            // `fan`: one input also feeds `Σ x²`, so its gradient is started
            // when the sweep reaches the op and the other's is not (the
            // one-pass pair of `backward_pair_in_place`).
            for fan in std::iter::once(None).chain((0..values.len()).map(Some)) {
                let tape = Tape::new();
                let inputs: Vec<Var<'_, f64>> =
                    values.iter().map(|v| tape.leaf(v.clone())).collect();
                let y = (spec.apply)(&inputs);
                let weights = rng.matrix(y.shape().dim(), Domain::Real);
                let mut loss = (y * tape.constant(weights.clone())).sum();
                if let Some(k) = fan {
                    loss = loss + inputs[k].square().sum();
                }
                let mut nodes = inputs.clone();
                nodes.push(y);
                // The reference: `backward` with nothing cached, so each
                // gradient is a fresh allocation written by `backward`.
                autograd::release_cached_buffers();
                let reference = loss.backward();
                let reference: Vec<Array2<f64>> =
                    inputs.iter().map(|&x| reference[x].clone()).collect();
                for leaves_only in [false, true] {
                    let sweep = || {
                        if leaves_only {
                            loss.backward_leaves()
                        } else {
                            loss.backward()
                        }
                    };
                    // With an empty cache every gradient is allocated; dropped,
                    // they wait on the small stack for the second sweep.
                    autograd::release_cached_buffers();
                    let first = sweep();
                    let want: Vec<Option<Array2<f64>>> =
                        nodes.iter().map(|&v| first.get(v).cloned()).collect();
                    let freed = buffers(&first, &nodes);
                    drop(first);
                    let second = sweep();
                    for (k, want) in reference.iter().enumerate() {
                        assert!(
                            same_bits(&second[inputs[k]], want),
                            "{} {shapes:?} input {k} against `backward`, fan {fan:?}, \
                             leaves only: {leaves_only}",
                            spec.name
                        );
                    }
                    for (k, (&v, want)) in nodes.iter().zip(&want).enumerate() {
                        let got = second.get(v);
                        match (got, want) {
                            (Some(g), Some(w)) => {
                                assert!(
                                    same_bits(g, w),
                                    "{} {shapes:?} node {k}, leaves only: {leaves_only}\n{g}\n{w}",
                                    spec.name
                                );
                                written += usize::from(freed.contains(&g.as_ptr()));
                            }
                            (None, None) => {}
                            _ => panic!("{} {shapes:?} node {k}: {got:?} vs {want:?}", spec.name),
                        }
                    }
                    cases += 1;
                }
                // The consuming sweep, twice (the second with the first's
                // spares), on the same graph recorded afresh.
                for _ in 0..2 {
                    let mut consumed = Tape::new();
                    let (keys, root) = {
                        let xs: Vec<Var<'_, f64>> =
                            values.iter().map(|v| consumed.leaf(v.clone())).collect();
                        let y = (spec.apply)(&xs);
                        let mut loss = (y * consumed.constant(weights.clone())).sum();
                        if let Some(k) = fan {
                            loss = loss + xs[k].square().sum();
                        }
                        let keys: Vec<NodeKey> = xs.iter().map(|x| x.key()).collect();
                        (keys, loss.key())
                    };
                    let grads = consumed.backward_and_reset(root);
                    for (k, want) in reference.iter().enumerate() {
                        let got = grads.get_by_key(keys[k]).expect("a leaf's gradient");
                        assert!(
                            same_bits(got, want),
                            "{} {shapes:?} input {k}, consuming, fan {fan:?}",
                            spec.name
                        );
                    }
                }
            }
        }
    }
    assert!(cases > 100, "only {cases} cases");
    // Every elementwise op's input gradient at least (the ops without
    // `backward_into` allocate theirs).
    assert!(
        written > 60,
        "only {written} gradients written into a spare"
    );
}

/// Bitwise equality, NaN included.
fn same_bits(a: &Array2<f64>, b: &Array2<f64>) -> bool {
    a.dim() == b.dim() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

/// Where each of `nodes`' gradients in `grads` lives.
fn buffers(grads: &Gradients<f64>, nodes: &[Var<'_, f64>]) -> Vec<*const f64> {
    nodes
        .iter()
        .filter_map(|&v| grads.get(v))
        .map(|g| g.as_ptr())
        .collect()
}
