//! W1, small-op overhead: a chain of `n` nodes on small matrices cycling
//! `h ⊙ w`, `h + b`, `tanh(h)` with `w`, `b` leaves and loss `Σ h`.
//! With 4×4 matrices the arithmetic is trivial, so the time is the cost of
//! recording and sweeping the tape.

use autograd::{Float, Tape};
use ndarray::{Array2, Zip};

/// The op applied at position `i` of the chain.
fn step_kind(i: usize) -> usize {
    i % 3
}

/// Forward and backward on the tape; returns (∂L/∂w, ∂L/∂b). The tape is
/// reset first, so a benchmark loop reuses its allocation. The sweep is
/// [`Var::backward`](autograd::Var::backward), which keeps every node's
/// gradient.
pub fn on_tape<F: Float>(
    tape: &mut Tape<F>,
    x: &Array2<F>,
    w: &Array2<F>,
    b: &Array2<F>,
    nodes: usize,
) -> (Array2<F>, Array2<F>) {
    on_tape_with(tape, x, w, b, nodes, false)
}

/// [`on_tape`] with [`Var::backward_leaves`](autograd::Var::backward_leaves),
/// the sweep for a caller who wants only the leaves' gradients (as here):
/// each node's gradient is freed as soon as its backward has run.
pub fn on_tape_leaves<F: Float>(
    tape: &mut Tape<F>,
    x: &Array2<F>,
    w: &Array2<F>,
    b: &Array2<F>,
    nodes: usize,
) -> (Array2<F>, Array2<F>) {
    on_tape_with(tape, x, w, b, nodes, true)
}

fn on_tape_with<F: Float>(
    tape: &mut Tape<F>,
    x: &Array2<F>,
    w: &Array2<F>,
    b: &Array2<F>,
    nodes: usize,
    leaves_only: bool,
) -> (Array2<F>, Array2<F>) {
    tape.reset();
    let x = tape.constant(x.clone());
    let (w, b) = (tape.leaf(w.clone()), tape.leaf(b.clone()));
    let mut h = x;
    for i in 0..nodes {
        h = match step_kind(i) {
            0 => h * w,
            1 => h + b,
            _ => h.tanh(),
        };
    }
    let loss = h.sum();
    let mut grads = if leaves_only {
        loss.backward_leaves()
    } else {
        loss.backward()
    };
    (
        grads.take(w).expect("w is used"),
        grads.take(b).expect("b is used"),
    )
}

/// The same computation written by hand with ndarray: the floor.
pub fn by_hand<F: Float>(
    x: &Array2<F>,
    w: &Array2<F>,
    b: &Array2<F>,
    nodes: usize,
) -> (Array2<F>, Array2<F>) {
    // Forward, keeping what backward needs: the input of each `⊙ w` and the
    // output of each tanh.
    let mut saved: Vec<Array2<F>> = Vec::with_capacity(nodes);
    let mut h = x.clone();
    for i in 0..nodes {
        h = match step_kind(i) {
            0 => {
                let next = &h * w;
                saved.push(h);
                next
            }
            1 => h + b,
            _ => {
                let t = h.mapv(F::tanh);
                saved.push(t.clone());
                t
            }
        };
    }
    // Backward.
    let mut dh = Array2::from_elem(h.dim(), F::one());
    let mut dw = Array2::zeros(w.dim());
    let mut db = Array2::zeros(b.dim());
    for i in (0..nodes).rev() {
        match step_kind(i) {
            0 => {
                let input = saved.pop().expect("saved in forward");
                dw += &(&dh * &input);
                dh *= w;
            }
            1 => db += &dh,
            _ => {
                let t = saved.pop().expect("saved in forward");
                Zip::from(&mut dh)
                    .and(&t)
                    .for_each(|d, &t| *d *= F::one() - t * t);
            }
        }
    }
    (dw, db)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::SplitMix;

    #[test]
    fn tape_and_hand_agree() {
        let mut rng = SplitMix::new(1);
        let (x, w, b) = (
            rng.matrix::<f64>(4, 4, 1.0),
            rng.matrix(4, 4, 1.0),
            rng.matrix(4, 4, 0.5),
        );
        let mut tape = Tape::new();
        let (tw, tb) = on_tape(&mut tape, &x, &w, &b, 300);
        let (hw, hb) = by_hand(&x, &w, &b, 300);
        for (t, h) in tw.iter().zip(&hw).chain(tb.iter().zip(&hb)) {
            assert!((t - h).abs() <= 1e-12 * (1.0 + h.abs()), "{t} vs {h}");
        }
        // Twice, so the second sweep writes into the first one's buffers.
        for _ in 0..2 {
            assert_eq!(
                on_tape_leaves(&mut tape, &x, &w, &b, 300),
                (tw.clone(), tb.clone())
            );
        }
    }
}
