//! [`train_step`]: the training loop's body, written so that the obvious
//! loop is the fast one — no parameter copied, no gradient cloned.

use autograd::{Float, Tape, Var};

use super::{Optimizer, ParamGrads};
use crate::{Ctx, DynRng, Module};

/// One training step: resets `tape`, runs `forward` in a fresh training
/// [`Ctx`] over it (drawing dropout masks from `rng`; `None` for a model
/// without dropout), back-propagates the loss it returns, collects the
/// gradients of `model`'s parameters, resets the tape again (so it no
/// longer shares any parameter's buffer) and lets `optimizer` update the
/// parameters in place. Returns the loss.
///
/// Because the tape is reset before the update, no parameter is copied
/// (copy-on-write finds the buffer unshared), and the gradients are read
/// where the backward pass left them. The tape keeps its allocation
/// between steps; pass the same one every time.
///
/// Backward is [`Tape::backward_and_reset`]: the tape is reset right after
/// it anyway, so the sweep consumes the recording, freeing each activation
/// as soon as it has no reader left and keeping only the leaves' gradients
/// — a lower peak than `backward` then `reset`, with the same gradients bit
/// for bit.
///
/// ```
/// use autograd::Tape;
/// use ndarray::array;
/// use nn::optim::{Sgd, SgdConfig, train_step};
/// use nn::{Module, losses, layers::Affine};
///
/// let mut net = Affine::from_values("fc", array![[0.0], [0.0]], array![[0.0]]).unwrap();
/// let mut sgd = Sgd::new(SgdConfig { lr: 0.1 }).unwrap();
/// let mut tape = Tape::new();
/// let (x, y) = (array![[1.0, 2.0]], array![[1.0]]);
/// let mut losses_seen = Vec::new();
/// for _ in 0..2 {
///     // Write the closure inline: its signature is then inferred from
///     // `train_step`'s (a closure stored in a `let` first is not).
///     let loss = train_step(&mut tape, &mut net, &mut sgd, None, |net, ctx| {
///         let out = net.forward(ctx, ctx.tape().constant(x.clone()));
///         losses::l2_regression(out, &y)
///     });
///     losses_seen.push(loss);
/// }
/// let (first, second) = (losses_seen[0], losses_seen[1]);
/// assert!(second < first);
/// ```
pub fn train_step<F, M, O>(
    tape: &mut Tape<F>,
    model: &mut M,
    optimizer: &mut O,
    rng: Option<DynRng<'_>>,
    forward: impl for<'t> FnOnce(&mut M, &mut Ctx<'t, '_, F>) -> Var<'t, F>,
) -> F
where
    F: Float,
    M: Module<F> + ?Sized,
    O: Optimizer<F> + ?Sized,
{
    tape.reset();
    let (loss, root, keys) = {
        // The one place a training context is made for a step.
        let mut ctx = match rng {
            Some(rng) => Ctx::train(tape).with_rng(rng),
            None => Ctx::train(tape),
        };
        let loss = forward(model, &mut ctx);
        let keys = ParamGrads::leaf_keys(&ctx, &model.params());
        (loss.item(), loss.key(), keys)
    };
    // Also releases the tape's share of every parameter.
    let grads = ParamGrads::with_keys(tape.backward_and_reset(root), &model.params(), keys);
    optimizer.step(&mut model.params_mut(), &grads);
    loss
}
