//! Checkpoints: a model's parameters and buffers, and a training run's
//! whole state, in [safetensors](https://github.com/huggingface/safetensors)
//! files that PyTorch's, NumPy's or any reference loader can read.
//!
//! # What is saved
//!
//! * [`save`](crate::save()) / [`load`](crate::load()): a model's
//!   parameters ([`Module::params`](crate::Module::params)) and its
//!   non-learned state ([`Module::named_buffers`](crate::Module::named_buffers):
//!   batch norm's running mean and variance), so a reloaded model predicts
//!   exactly as before. Tensor names are `param/{i}:{name}` and
//!   `buffer/{j}:{name}` (position and name; see [`model`]).
//! * [`TrainingCheckpoint`]: the model plus any number of named
//!   [`State`](crate::optim::State)s (optimizer, schedule, fitted
//!   preprocessing) as `state/{key}/…` tensors with their scalars in the
//!   metadata, written [exactly](format_f64); epoch, step, seed and the
//!   config (JSON) in the metadata. There is no RNG state: epoch `e` draws
//!   from [`epoch_rng`]`(seed, e)`, which the trainer must use (see
//!   [`seed`]). [`RunDir`] keeps `last.safetensors` and `best.safetensors`.
//!
//! # File layout
//!
//! The safetensors format (layout in [`file`](mod@file)): 8-byte little-endian
//! header length, JSON header (`dtype`, `shape`, `data_offsets` per tensor
//! and a `__metadata__` string map), raw little-endian data. Arrays are
//! 2-D, `F32` or `F64` as the model. The metadata carries `nn.format`
//! (`model/1` or `training/1`), `nn.model` (the model's description, for
//! people) and `nn.crc32`, a CRC-32 of the metadata and tensors: it detects
//! corruption, not tampering.
//!
//! # Writing: atomic
//!
//! A temporary file in the same directory, `fsync`, `rename` over the
//! target, `fsync` of the directory ([`atomic`]): a `kill -9` at any
//! instant leaves the old file or the new one, whole (tested by killing a
//! saving child process hundreds of times, `nn/tests/checkpoint_kill.rs`);
//! the `fsync`s extend that to a power loss.
//!
//! # Loading: validated first
//!
//! The checksum, the format tag, every tensor's name, dtype and shape
//! against the model (a missing, extra, mis-shaped or wrong-dtype tensor is
//! a [`CheckpointError`] naming it) and every metadata entry are checked
//! before the model is touched: on an error the model is unchanged.

pub mod atomic;
mod crc32;
mod error;
pub mod file;
pub mod model;
mod run_dir;
pub mod seed;
mod training;

pub use atomic::{temp_files, write_atomic};
pub use error::CheckpointError;
pub use model::{buffer_tensor_name, load, param_tensor_name, save};
pub use run_dir::{BEST, LAST, RunDir};
pub use seed::{epoch_rng, epoch_seed};
pub use training::{TrainingCheckpoint, format_f64, parse_f64};
