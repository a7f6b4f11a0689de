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

pub mod check;
pub mod losses;
pub mod module;
pub mod regularize;
pub mod sequential;

pub use module::{Ctx, DynRng, Mode, Module};
pub use regularize::{Penalty, Regularizer};
pub use sequential::Sequential;
