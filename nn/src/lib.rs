//! Neural-network building blocks composed from [`autograd`] operations.
//!
//! Every layer, loss and regularizer in this crate is written with tape ops
//! only — there is no hand-written backward pass here — so each is checked
//! by the [`gradcheck`] crate for free.
//!
//! * [`Module`] is anything with a forward pass and named parameters;
//!   [`Sequential`] chains modules.
//! * Every forward pass runs in a [`Ctx`]: the tape, the training or
//!   evaluation [`Mode`] (which every layer honours) and, only if dropout
//!   needs one, a random-number generator (`Ctx::train(&tape).with_seed(0)`).
//! * [`Module::forward`] takes `&self`: a model is evaluated through a
//!   shared reference, as [`predict()`] and [`accuracy()`] do (why, in
//!   [`module`]). Errors land at the caller: every panicking function has
//!   a `try_` form returning [`autograd::Error`] naming the layer or loss.
//! * [`check`] runs the gradient checker over a module's parameters.
//! * [`checkpoint`]: [`save()`] / [`load()`] a model (parameters and batch
//!   norm's running statistics) and whole training runs, as safetensors.
//! * [`losses`] are the notes' data losses (SVM, softmax, logistic,
//!   regression), each the batch mean as a 1×1 node, with validated labels.
//! * [`regularize`] records L2, L1 and elastic-net penalties as a loss term
//!   separate from the data loss.
//! * [`init`] draws initial weights by the notes' named schemes (He,
//!   calibrated, sparse, …).
//! * [`layers`]: affine, activations, PReLU, maxout, a single neuron,
//!   batch norm and dropout.
//! * [`Mlp`] builds a fully connected network from its layer sizes.
//! * [`optim`]: optimizers (SGD, momentum, Nesterov, Adagrad, RMSprop,
//!   Adam), learning-rate schedules, max-norm, Polyak averaging, and
//!   L-BFGS for full-batch problems.
//! * [`ensemble`]: averaging members' class probabilities, and the notes'
//!   four ways to get members (seeds, top-k, checkpoints, Polyak).
//! * [`train`]: the training loop ([`train::Trainer`]: epochs, evaluation,
//!   best-by-validation parameters, early stopping, bit-exact resume),
//!   divergence detection, the notes' sanity checks before learning and
//!   babysitting numbers, and the metrics file.
//!
//! # Literals in generic code: `F::of`
//!
//! Layers are generic over `f32` and `f64` through [`autograd::Float`]. A
//! literal in a formula is written `F::of(0.5)`, which turns an `f64`
//! constant into `F` — not `F::from(0.5).unwrap()`:
//!
//! ```
//! use autograd::{Float, Tape, Var};
//!
//! /// ½‖x‖² + 1, for either float type.
//! fn energy<'t, F: Float>(x: Var<'t, F>) -> Var<'t, F> {
//!     (x.sum_squares() * F::of(0.5)).add_scalar(F::of(1.0))
//! }
//! let tape = Tape::<f32>::new();
//! assert_eq!(energy(tape.leaf(ndarray::array![[2.0_f32]])).item(), 3.0);
//! let tape = Tape::<f64>::new();
//! assert_eq!(energy(tape.leaf(ndarray::array![[2.0_f64]])).item(), 3.0);
//! ```
//!
//! # A training step, end to end
//!
//! [`optim::train_step`] runs the forward closure on a reset tape,
//! back-propagates, resets the tape again (so it no longer shares the
//! weights) and lets the optimizer update every parameter in place — no
//! weight copied, no gradient cloned.
//!
//! ```
//! use autograd::Tape;
//! use ndarray::array;
//! use nn::optim::{Sgd, SgdConfig, train_step};
//! use nn::{Ctx, Mlp, Module, Penalty, Regularizer, losses};
//! use rand::SeedableRng;
//!
//! let mut rng = rand::rngs::StdRng::seed_from_u64(0);
//! let mut net = Mlp::<f64>::builder(&[2, 16, 3]).dropout(0.9).build(&mut rng).unwrap();
//! let x = array![[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8], [0.0, -0.4]];
//! let labels = [0, 1, 2, 1];
//! let reg = Regularizer::new(Penalty::l2(1e-3)); // biases are not decayed
//! let mut sgd = Sgd::new(SgdConfig { lr: 0.5 }).unwrap(); // vanilla SGD
//! let mut tape = Tape::new(); // one tape, reset every step
//!
//! let mut first = None;
//! for _ in 0..50 {
//!     train_step(&mut tape, &mut net, &mut sgd, Some(&mut rng), |net, ctx| {
//!         let scores = net.forward(ctx, ctx.tape().constant(x.clone()));
//!         let data_loss = losses::softmax_cross_entropy(scores, &labels);
//!         first.get_or_insert(data_loss.item());
//!         data_loss + reg.loss(ctx, &net.params())
//!     });
//! }
//! let tape = Tape::new();
//! let scores = net.forward(&mut Ctx::eval(&tape), tape.constant(x.clone()));
//! let last = losses::softmax_cross_entropy(scores, &labels).item();
//! assert!(last < 0.1 * first.unwrap(), "{last}");
//! assert_eq!(nn::accuracy(&net, &x, &labels), 1.0); // evaluation through `&net`
//! ```

pub mod check;
pub mod checkpoint;
pub mod ctx;
pub mod data;
pub mod ensemble;
pub mod init;
pub mod layers;
pub mod losses;
pub mod mlp;
pub mod module;
pub mod optim;
pub mod predict;
pub mod preprocess;
pub mod regularize;
pub mod search;
pub mod sequential;
pub mod train;

pub use checkpoint::{CheckpointError, load, save};
pub use mlp::{Mlp, MlpBuilder};
pub use module::{Ctx, DynRng, Mode, Module};
pub use predict::{accuracy, predict, try_accuracy, try_predict};
pub use regularize::{Penalty, Regularizer};
pub use sequential::Sequential;
