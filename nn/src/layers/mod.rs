//! Layers: each a [`Module`](crate::Module) composed from tape ops, one per
//! file, with its formula at the top of the file.
//!
//! * [`Affine`] — fully connected, `y = x·W + b`.
//! * [`Activation`] — sigmoid, tanh, ReLU, leaky ReLU (no parameters).
//! * [`PReLU`] — ReLU with a learned negative-side slope.
//! * [`Maxout`] — the maximum of `k` affine pieces.
//! * [`Neuron`] — one unit: a binary logistic classifier or SVM.
//! * [`BatchNorm`] — normalizes each column over the batch (training) or
//!   with running statistics (evaluation).
//! * [`Dropout`] — inverted dropout (training only).
//!
//! Parameters are named `"{layer name}.{parameter}"` (`"fc1.W"`), so
//! gradient-check reports and summaries say which layer a number belongs
//! to.

pub mod activation;
pub mod affine;
pub mod batch_norm;
pub mod dropout;
pub mod maxout;
pub mod neuron;
pub mod prelu;

pub use activation::Activation;
pub use affine::Affine;
pub use batch_norm::BatchNorm;
pub use dropout::Dropout;
pub use maxout::Maxout;
pub use neuron::{Neuron, NeuronOutput};
pub use prelu::PReLU;
