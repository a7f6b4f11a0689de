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

pub mod check;
pub mod init;
pub mod layers;
pub mod losses;
pub mod mlp;
pub mod module;
pub mod regularize;
pub mod sequential;

pub use mlp::{Mlp, MlpBuilder};
pub use module::{Ctx, DynRng, Mode, Module};
pub use regularize::{Penalty, Regularizer};
pub use sequential::Sequential;
