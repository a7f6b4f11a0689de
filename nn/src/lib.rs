//! Neural-network building blocks composed from [`autograd`] operations.
//!
//! Every layer, loss and regularizer in this crate is written with tape ops
//! only — there is no hand-written backward pass here — so each is checked
//! by the [`gradcheck`] crate for free.
//!
//! * [`Module`] is anything with a forward pass and named parameters;
//!   [`Sequential`] chains modules.
//! * Every forward pass runs in a [`Ctx`]: the tape, the training or
//!   evaluation [`Mode`] (which every layer honours) and the RNG that
//!   dropout draws from.
//! * [`check`] runs the gradient checker over a module's parameters.
//! * [`losses`] are the notes' data losses (SVM, softmax, logistic,
//!   regression), each the batch mean as a 1×1 node, with validated labels.
//! * [`regularize`] records L2, L1 and elastic-net penalties as a loss term
//!   separate from the data loss.
//! * [`init`] draws initial weights by the notes' named schemes (He,
//!   calibrated, sparse, …).
//! * [`layers`]: affine, activations, PReLU, maxout, a single neuron,
//!   batch norm and dropout.
//! * [`Mlp`] builds a fully connected network from its layer sizes.
//!
//! # A training step, end to end
//!
//! ```
//! use autograd::Tape;
//! use ndarray::array;
//! use nn::init::Init;
//! use nn::layers::Activation;
//! use nn::{Ctx, Mlp, Module, Penalty, Regularizer, losses};
//! use rand::SeedableRng;
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(0);
//! let mut net = Mlp::<f64>::new(&[2, 16, 3], Activation::ReLU, Init::He, &mut rng);
//! let x = array![[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [0.0, -0.4]];
//! let labels = [0, 1, 2, 1];
//! let reg = Regularizer::new(Penalty::l2(1e-3)); // biases are not decayed
//!
//! let mut first = None;
//! for _ in 0..50 {
//!     let tape = Tape::new();
//!     let mut ctx = Ctx::train(&tape, &mut rng);
//!     let scores = net.forward(&mut ctx, tape.constant(x.clone()));
//!     let data_loss = losses::softmax_cross_entropy(scores, &labels);
//!     let loss = data_loss + reg.loss(&mut ctx, &net.params());
//!     first.get_or_insert(data_loss.item());
//!     let grads = loss.backward();
//!     // Look the gradients up before `params_mut` borrows the net.
//!     let steps: Vec<_> = net.params().iter().map(|p| ctx.grad(&grads, p).unwrap().clone()).collect();
//!     for (p, g) in net.params_mut().into_iter().zip(steps) {
//!         p.update(|w| w.scaled_add(-0.5, &g)); // vanilla SGD
//!     }
//! }
//! let tape = Tape::new();
//! let scores = net.forward(&mut Ctx::eval(&tape), tape.constant(x));
//! let last = losses::softmax_cross_entropy(scores, &labels).item();
//! assert!(last < 0.1 * first.unwrap(), "{last}");
//! ```

pub mod check;
pub mod init;
pub mod layers;
pub mod losses;
pub mod mlp;
pub mod module;
pub mod optim;
pub mod regularize;
pub mod sequential;

pub use mlp::{Mlp, MlpBuilder};
pub use module::{Ctx, DynRng, Mode, Module};
pub use regularize::{Penalty, Regularizer};
pub use sequential::Sequential;
