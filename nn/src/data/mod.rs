//! Data sets, loaders, splits and mini-batches.
//!
//! The notes' "Setting up the data" in one paragraph: hold out a test set
//! and touch it once, at the end; tune hyperparameters on a validation set
//! split from the training data (stratified, so each class appears in
//! every part in its proportion); fit any preprocessing — mean, scale,
//! PCA — on the training part only and apply it unchanged to the others;
//! then train on shuffled mini-batches, reshuffling every epoch. This
//! module covers everything but the preprocessing: a [`Dataset`] (an N×D
//! feature matrix, class or attribute labels, the class count and the
//! shape of one example), loaders for the common file formats, the
//! embedded [`digits`], a seeded stratified [`Split`] and seeded
//! [`Batches`]. Features are kept in their raw scale (pixels 0–255,
//! digits 0–16); scaling them is preprocessing's job.
//!
//! | Loader | Files | Feature shape | Entry points |
//! |---|---|---|---|
//! | [`csv`] | numeric CSV, label column by index or name, optional header | `[D]` or as given | `csv::load(path, &opts)`, `csv::from_bytes` |
//! | [`idx`] | MNIST / Fashion-MNIST IDX images + labels, raw or `.gz` | `[28, 28]` | `idx::load(images, labels)`, `idx::from_bytes` |
//! | [`cifar`] | CIFAR-10 binary batches, one file or a directory | `[3, 32, 32]` | `cifar::load(path)`, `cifar::from_bytes` |
//! | [`digits`] | UCI digits, compiled in (CC BY 4.0) | `[8, 8]` | `digits::load()` |
//!
//! Every loader reports a [`DataError`] naming the file and what is wrong;
//! hostile input (truncated, wrong magic, dimensions that overflow or
//! exceed the file, labels out of range, empty files, directories) is an
//! error, never a panic, and nothing is allocated from a header before the
//! header is checked against the real length and a documented limit.
//!
//! ```
//! use nn::data::{Batches, Fractions, Split, digits};
//!
//! let all = digits::load::<f32>();
//! let split = Split::stratified(&all, Fractions::default(), 0).unwrap();
//! let mut batches = Batches::new(&split.train, 64, 0).unwrap();
//! let batch = batches.next_batch().unwrap();
//! assert_eq!((batch.x.nrows(), batch.x.ncols(), batch.labels.len()), (64, 64, 64));
//! ```

pub mod batches;
pub mod cifar;
pub mod csv;
pub mod dataset;
pub mod digits;
pub mod error;
mod file;
pub mod idx;
pub mod kfold;
pub mod split;

pub use batches::{Batch, Batches};
pub use dataset::{Dataset, Labels};
pub use error::DataError;
pub use kfold::{Fold, KFold};
pub use split::{Fractions, Split};
