//! W2, an MLP training step: forward, backward and an SGD update for a
//! ReLU network with softmax cross-entropy and L2 on the weights — on the
//! tape, by hand, and as its GEMMs alone (the floor no implementation can
//! beat, since every other op is memory-bound and small beside them).

use std::sync::Arc;

use autograd::gemm::{self, Backend, Factor};
use autograd::{Float, Gradients, NodeKey, Param, Tape, Var};
use ndarray::{Array2, Axis, Zip};
use nn::optim::{Optimizer, ParamGrads};

use crate::data::SplitMix;

/// A fully connected ReLU network: `weights[i]` is `sizes[i] × sizes[i+1]`,
/// `biases[i]` is `1 × sizes[i+1]`.
#[derive(Debug, Clone)]
pub struct Mlp<F: Float> {
    /// Weight matrices, input side first.
    pub weights: Vec<Param<F>>,
    /// Bias rows.
    pub biases: Vec<Param<F>>,
}

impl<F: Float> Mlp<F> {
    /// He-scaled uniform weights and small biases, from a fixed seed.
    pub fn new(sizes: &[usize], seed: u64) -> Self {
        let mut rng = SplitMix::new(seed);
        let mut weights = Vec::new();
        let mut biases = Vec::new();
        for (i, pair) in sizes.windows(2).enumerate() {
            // Uniform on [−a, a] has variance a²/3; a = √(6/fan_in) gives He's 2/fan_in.
            let scale = (6.0 / pair[0] as f64).sqrt();
            weights.push(Param::new(
                format!("W{}", i + 1),
                rng.matrix(pair[0], pair[1], scale),
            ));
            biases.push(Param::new(
                format!("b{}", i + 1),
                rng.matrix(1, pair[1], 0.01),
            ));
        }
        Mlp { weights, biases }
    }
}

/// The W2 batch every bench uses for `sizes` at `batch` rows: inputs in
/// [−1, 1) and labels over the last layer's classes, from seed 7.
pub fn batch<F: Float>(sizes: &[usize], batch: usize) -> (Arc<Array2<F>>, Vec<usize>) {
    let mut rng = SplitMix::new(7);
    let classes = *sizes.last().expect("sizes");
    let x = Arc::new(rng.matrix::<F>(batch, sizes[0], 1.0));
    (x, rng.labels(batch, classes))
}

/// Loss and the gradients of every weight and bias.
#[derive(Debug, Clone)]
pub struct StepGrads<F: Float> {
    /// Data loss + ½λ Σ‖W‖².
    pub loss: F,
    /// ∂L/∂W for each layer.
    pub weights: Vec<Array2<F>>,
    /// ∂L/∂b for each layer.
    pub biases: Vec<Array2<F>>,
}

/// Forward and backward on the tape (reset first; left reset afterwards so
/// the parameters are no longer shared and SGD updates them in place):
/// the loss, the gradients, and the node ids of the weights and biases.
/// With `consume`, backward is [`Tape::backward_and_reset`] (activations
/// freed during the sweep, only the leaves' gradients kept).
fn forward_backward<F: Float>(
    tape: &mut Tape<F>,
    mlp: &Mlp<F>,
    x: &Arc<Array2<F>>,
    labels: &[usize],
    reg: F,
    consume: bool,
) -> (F, Gradients<F>, Vec<NodeKey>, Vec<NodeKey>) {
    tape.reset();
    if consume {
        let (loss, root, w, b) = {
            let (loss, w, b) = record(tape, mlp, x, labels, reg);
            (loss.item(), loss.key(), w, b)
        };
        return (loss, tape.backward_and_reset(root), w, b);
    }
    let result = {
        let (loss, w, b) = record(tape, mlp, x, labels, reg);
        (loss.item(), loss.backward(), w, b)
    };
    tape.reset();
    result
}

/// The forward pass of [`forward_backward`], recorded on `tape`: the loss
/// node and the keys of the weights and biases.
fn record<'t, F: Float>(
    tape: &'t Tape<F>,
    mlp: &Mlp<F>,
    x: &Arc<Array2<F>>,
    labels: &[usize],
    reg: F,
) -> (Var<'t, F>, Vec<NodeKey>, Vec<NodeKey>) {
    let ws: Vec<_> = mlp.weights.iter().map(|w| tape.param(w)).collect();
    let bs: Vec<_> = mlp.biases.iter().map(|b| tape.param(b)).collect();
    let mut h = tape.constant_arc(Arc::clone(x));
    for (i, (&w, &b)) in ws.iter().zip(&bs).enumerate() {
        h = h.matmul(w) + b;
        if i + 1 < ws.len() {
            h = h.relu();
        }
    }
    let data_loss = -h.log_softmax().pick(labels).mean();
    let squares = ws
        .iter()
        .map(|w| w.sum_squares())
        .reduce(|a, b| a + b)
        .expect("at least one layer");
    let loss = data_loss + squares * (F::of(0.5) * reg);
    let ids = |vs: &[Var<'_, F>]| vs.iter().map(|v| v.key()).collect::<Vec<NodeKey>>();
    (loss, ids(&ws), ids(&bs))
}

/// Forward and backward on the tape, returning owned gradients (to compare
/// with [`hand_grads`]).
pub fn tape_grads<F: Float>(
    tape: &mut Tape<F>,
    mlp: &Mlp<F>,
    x: &Arc<Array2<F>>,
    labels: &[usize],
    reg: F,
) -> StepGrads<F> {
    let (loss, mut grads, w_ids, b_ids) = forward_backward(tape, mlp, x, labels, reg, false);
    let mut take = |ids: Vec<NodeKey>| -> Vec<Array2<F>> {
        ids.into_iter()
            .map(|id| grads.take_by_key(id).expect("every parameter is used"))
            .collect()
    };
    let weights = take(w_ids);
    let biases = take(b_ids);
    StepGrads {
        loss,
        weights,
        biases,
    }
}

/// One training step as a user writes it: forward, backward, and the
/// optimizer's step (`nn::optim`) reading each gradient where backward left
/// it, with the tape already reset so every parameter is updated in place.
/// Dropping the gradients afterwards hands every gradient buffer back to
/// autograd's cache, so the next step's weight gradients reuse them instead
/// of allocating (and page-faulting in) megabytes of fresh memory. Returns
/// the loss.
pub fn tape_step<F: Float>(
    tape: &mut Tape<F>,
    mlp: &mut Mlp<F>,
    x: &Arc<Array2<F>>,
    labels: &[usize],
    reg: F,
    optimizer: &mut dyn Optimizer<F>,
) -> F {
    step(tape, mlp, x, labels, reg, optimizer, false)
}

/// [`tape_step`] with [`Tape::backward_and_reset`]: each activation is
/// freed as soon as the sweep no longer reads it, and only the parameters'
/// gradients are kept (bit for bit those of `tape_step`).
pub fn tape_step_consuming<F: Float>(
    tape: &mut Tape<F>,
    mlp: &mut Mlp<F>,
    x: &Arc<Array2<F>>,
    labels: &[usize],
    reg: F,
    optimizer: &mut dyn Optimizer<F>,
) -> F {
    step(tape, mlp, x, labels, reg, optimizer, true)
}

#[allow(clippy::too_many_arguments)] // a step's inputs and the mode
fn step<F: Float>(
    tape: &mut Tape<F>,
    mlp: &mut Mlp<F>,
    x: &Arc<Array2<F>>,
    labels: &[usize],
    reg: F,
    optimizer: &mut dyn Optimizer<F>,
    consume: bool,
) -> F {
    let (loss, grads, w_ids, b_ids) = forward_backward(tape, mlp, x, labels, reg, consume);
    let mut keyed = ParamGrads::new(grads);
    let params = mlp.weights.iter().zip(w_ids);
    for (p, key) in params.chain(mlp.biases.iter().zip(b_ids)) {
        keyed.insert(p, key);
    }
    let mut params: Vec<&mut Param<F>> = mlp
        .weights
        .iter_mut()
        .chain(mlp.biases.iter_mut())
        .collect();
    optimizer.step(&mut params, &keyed);
    loss
}

/// The same forward and backward written by hand with ndarray.
pub fn hand_grads<F: Float>(mlp: &Mlp<F>, x: &Array2<F>, labels: &[usize], reg: F) -> StepGrads<F> {
    let layers = mlp.weights.len();
    // Forward, keeping each layer's input (post-ReLU activations).
    let mut inputs: Vec<Array2<F>> = Vec::with_capacity(layers);
    let mut h = x.clone();
    for (i, (w, b)) in mlp.weights.iter().zip(&mlp.biases).enumerate() {
        let mut z = h.dot(w.value());
        z += b.value();
        inputs.push(h);
        if i + 1 < layers {
            z.mapv_inplace(|v| v.max(F::zero()));
        }
        h = z;
    }
    // Softmax cross-entropy: dscores = (softmax − onehot) / n.
    let n = F::from_usize(x.nrows()).expect("batch size fits");
    let mut data_loss = F::zero();
    for (mut row, &label) in h.axis_iter_mut(Axis(0)).zip(labels) {
        let max = row.fold(F::neg_infinity(), |m, &v| m.max(v));
        row.mapv_inplace(|v| (v - max).exp());
        let total = row.sum();
        data_loss -= (row[label] / total).ln();
        row.mapv_inplace(|v| v / total / n);
        row[label] -= F::one() / n;
    }
    let squares: F = mlp
        .weights
        .iter()
        .map(|w| w.value().iter().fold(F::zero(), |a, &v| a + v * v))
        .sum();
    let loss = data_loss / n + F::of(0.5) * reg * squares;
    // Backward.
    let mut dh = h;
    let mut weights = Vec::with_capacity(layers);
    let mut biases = Vec::with_capacity(layers);
    for i in (0..layers).rev() {
        let w = mlp.weights[i].value();
        let input = &inputs[i];
        let mut dw = input.t().dot(&dh);
        dw.scaled_add(reg, w);
        biases.push(dh.sum_axis(Axis(0)).insert_axis(Axis(0)));
        weights.push(dw);
        if i > 0 {
            let mut dinput = dh.dot(&w.t());
            Zip::from(&mut dinput).and(input).for_each(|d, &a| {
                if a <= F::zero() {
                    *d = F::zero();
                }
            });
            dh = dinput;
        }
    }
    weights.reverse();
    biases.reverse();
    StepGrads {
        loss,
        weights,
        biases,
    }
}

/// One SGD step `θ ← θ − lr·∂L/∂θ`.
pub fn sgd<F: Float>(mlp: &mut Mlp<F>, grads: &StepGrads<F>, lr: F) {
    let params = mlp.weights.iter_mut().chain(mlp.biases.iter_mut());
    for (p, g) in params.zip(grads.weights.iter().chain(&grads.biases)) {
        p.update(|v| v.scaled_add(-lr, g));
    }
}

/// Preallocated outputs for [`gemms_only`].
#[derive(Debug)]
pub struct GemmBuffers<F: Float> {
    activations: Vec<Array2<F>>,
    deltas: Vec<Array2<F>>,
    weight_grads: Vec<Array2<F>>,
}

impl<F: Float> GemmBuffers<F> {
    /// Buffers for `mlp` at batch size `batch`.
    pub fn new(mlp: &Mlp<F>, batch: usize) -> Self {
        let outs = || {
            mlp.weights
                .iter()
                .map(|w| Array2::zeros((batch, w.shape().cols)))
                .collect::<Vec<_>>()
        };
        GemmBuffers {
            activations: outs(),
            deltas: mlp
                .weights
                .iter()
                .map(|w| Array2::zeros((batch, w.shape().rows)))
                .collect(),
            weight_grads: mlp
                .weights
                .iter()
                .map(|w| Array2::zeros(w.shape().dim()))
                .collect(),
        }
    }
}

/// Which GEMM backend each of [`gemms_only`]'s products runs on.
#[derive(Debug, Clone, Copy)]
pub enum Pick<'a> {
    /// The engine's own rule (`autograd::gemm::choose`), as the tape runs.
    Engine,
    /// One backend for every product.
    All(Backend),
    /// Product `i` (in [`each_gemm`]'s order) on `backends[i]`.
    PerCall(&'a [Backend]),
}

/// One product of the step: its index in the step, its factors and output.
pub type GemmCall<'a, F> = (usize, Factor<'a, F>, Factor<'a, F>, &'a mut Array2<F>);

/// Calls `f` on each of the step's matrix products in order: `L` forward
/// (`H·W`), then per layer from the top the weight gradient (`Hᵀ·dZ`) and,
/// except for the first layer, the input gradient (`dZ·Wᵀ`) — the GEMMs,
/// shapes and layouts of the tape's step.
pub fn each_gemm<F: Float>(
    mlp: &Mlp<F>,
    x: &Array2<F>,
    buf: &mut GemmBuffers<F>,
    mut f: impl FnMut(GemmCall<'_, F>),
) {
    let layers = mlp.weights.len();
    let mut call = 0;
    for i in 0..layers {
        let (before, rest) = buf.activations.split_at_mut(i);
        let input = if i == 0 { x } else { &before[i - 1] };
        f((
            call,
            Factor::plain(input),
            Factor::plain(mlp.weights[i].value()),
            &mut rest[0],
        ));
        call += 1;
    }
    for i in (0..layers).rev() {
        // Stand-in upstream gradient: this layer's output buffer has the right shape.
        let upstream = &buf.activations[i];
        let input = if i == 0 { x } else { &buf.activations[i - 1] };
        f((
            call,
            Factor::transposed(input),
            Factor::plain(upstream),
            &mut buf.weight_grads[i],
        ));
        call += 1;
        if i > 0 {
            f((
                call,
                Factor::plain(upstream),
                Factor::transposed(mlp.weights[i].value()),
                &mut buf.deltas[i],
            ));
            call += 1;
        }
    }
}

/// Only the step's matrix products (see [`each_gemm`]), on the backends
/// `pick` names. The floor for W2.
pub fn gemms_only<F: Float>(mlp: &Mlp<F>, x: &Array2<F>, buf: &mut GemmBuffers<F>, pick: Pick<'_>) {
    each_gemm(mlp, x, buf, |(i, a, b, c)| match pick {
        Pick::Engine => gemm::product_into(a, b, c, false),
        Pick::All(backend) => gemm::product_with(backend, a, b, c, false),
        Pick::PerCall(backends) => gemm::product_with(backends[i], a, b, c, false),
    });
}

/// The faster backend for each of the step's products, measured now:
/// `rounds` rounds, each timing every product once per backend in
/// alternation; the backend with the lower median wins. The "best per
/// shape" GEMM bound is [`gemms_only`] with these.
pub fn fastest_backends<F: Float>(
    mlp: &Mlp<F>,
    x: &Array2<F>,
    buf: &mut GemmBuffers<F>,
    rounds: usize,
) -> Vec<Backend> {
    const BACKENDS: [Backend; 2] = [Backend::MatrixMultiply, Backend::Faer];
    let mut times: Vec<[Vec<f64>; 2]> = Vec::new();
    for round in 0..rounds {
        each_gemm(mlp, x, buf, |(i, a, b, c)| {
            if times.len() <= i {
                times.push([Vec::new(), Vec::new()]);
            }
            for k in 0..2 {
                let which = (round + k) % 2;
                let start = std::time::Instant::now();
                gemm::product_with(BACKENDS[which], a, b, c, false);
                times[i][which].push(start.elapsed().as_secs_f64());
            }
        });
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    times
        .iter_mut()
        .map(|[mm, fa]| {
            if median(fa) < median(mm) {
                Backend::Faer
            } else {
                Backend::MatrixMultiply
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tape_and_hand_agree_and_sgd_lowers_the_loss() {
        let mut rng = SplitMix::new(3);
        let mut mlp = Mlp::<f64>::new(&[12, 7, 5, 3], 9);
        let x = Arc::new(rng.matrix(8, 12, 1.0));
        let labels = rng.labels(8, 3);
        let mut tape = Tape::new();
        let t = tape_grads(&mut tape, &mlp, &x, &labels, 1e-2);
        let h = hand_grads(&mlp, &x, &labels, 1e-2);
        assert!((t.loss - h.loss).abs() < 1e-12, "{} vs {}", t.loss, h.loss);
        for (a, b) in t
            .weights
            .iter()
            .chain(&t.biases)
            .zip(h.weights.iter().chain(&h.biases))
        {
            for (p, q) in a.iter().zip(b) {
                assert!((p - q).abs() < 1e-12, "{p} vs {q}");
            }
        }
        for _ in 0..20 {
            let g = tape_grads(&mut tape, &mlp, &x, &labels, 1e-2);
            sgd(&mut mlp, &g, 0.5);
        }
        assert!(tape_grads(&mut tape, &mlp, &x, &labels, 1e-2).loss < t.loss);
    }

    #[test]
    fn tape_step_with_the_sgd_optimizer_is_tape_grads_then_sgd_bit_for_bit() {
        let mut rng = SplitMix::new(5);
        let mut a = Mlp::<f32>::new(&[10, 6, 4], 2);
        let mut b = Mlp::<f32>::new(&[10, 6, 4], 2);
        let x = Arc::new(rng.matrix(5, 10, 1.0));
        let labels = rng.labels(5, 4);
        let mut tape = Tape::new();
        let mut optimizer = nn::optim::Sgd::new(nn::optim::SgdConfig { lr: 0.1 }).unwrap();
        for _ in 0..3 {
            let loss = tape_step(&mut tape, &mut a, &x, &labels, 1e-3, &mut optimizer);
            let g = tape_grads(&mut tape, &b, &x, &labels, 1e-3);
            sgd(&mut b, &g, 0.1);
            assert_eq!(loss, g.loss);
        }
        for (p, q) in a
            .weights
            .iter()
            .chain(&a.biases)
            .zip(b.weights.iter().chain(&b.biases))
        {
            assert_eq!(p.value(), q.value());
        }
    }

    #[test]
    fn tape_step_consuming_is_tape_step_bit_for_bit() {
        let mut rng = SplitMix::new(6);
        let mut a = Mlp::<f64>::new(&[10, 6, 5, 4], 2);
        let mut b = Mlp::<f64>::new(&[10, 6, 5, 4], 2);
        let x = Arc::new(rng.matrix(5, 10, 1.0));
        let labels = rng.labels(5, 4);
        let (mut tape_a, mut tape_b) = (Tape::new(), Tape::new());
        let mut opt_a = nn::optim::Sgd::new(nn::optim::SgdConfig { lr: 0.1 }).unwrap();
        let mut opt_b = nn::optim::Sgd::new(nn::optim::SgdConfig { lr: 0.1 }).unwrap();
        for _ in 0..3 {
            let la = tape_step_consuming(&mut tape_a, &mut a, &x, &labels, 1e-3, &mut opt_a);
            let lb = tape_step(&mut tape_b, &mut b, &x, &labels, 1e-3, &mut opt_b);
            assert_eq!(la.to_bits(), lb.to_bits());
        }
        for (p, q) in a
            .weights
            .iter()
            .chain(&a.biases)
            .zip(b.weights.iter().chain(&b.biases))
        {
            let bits = |p: &Param<f64>| p.value().iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(p), bits(q));
        }
    }
}
