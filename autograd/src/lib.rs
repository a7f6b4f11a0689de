//! A readable reverse-mode automatic differentiation engine over 2-D
//! [`ndarray`] matrices.
//!
//! # A short tour
//!
//! Operations append nodes to a [`Tape`] as they run (a Wengert list);
//! [`Var`] handles are `Copy`, so math reads like math:
//!
//! ```
//! use autograd::Tape;
//! use ndarray::array;
//!
//! let tape = Tape::new();
//! let x = tape.constant(array![[1.0, 2.0]]);        // data: no gradient
//! let w = tape.leaf(array![[0.5], [-1.0]]);        // weights: gradient wanted
//! let b = tape.leaf(array![[0.1]]);
//! let loss = (x.matmul(w) + b).relu().sum();        // relu(1·0.5 − 2·1 + 0.1) = 0
//! let grads = loss.backward();                     // one reverse sweep
//! assert_eq!(grads[w], array![[0.0], [0.0]]);      // relu'(−1.4) = 0
//! assert!(grads.get(x).is_none());                 // never computed
//! ```
//!
//! * Ops live one per file in `ops/`, each with its formula, local
//!   derivative, kink rule and tests; [`registry::all_ops`] lists them.
//! * [`ties`] is the single place deciding derivatives at kinks and ties.
//! * [`decisions`] records which branch every branching op took, so a
//!   gradient checker can tell a crossed kink from a bug.

#![warn(missing_docs)]

pub mod decisions;
mod display;
mod dot;
mod error;
mod float;
pub mod gradients;
pub mod op;
mod operators;
mod ops;
mod param;
pub mod registry;
pub mod shape;
mod tape;
pub mod ties;
mod var;

pub use error::{Error, Result};
pub use float::Float;
pub use gradients::Gradients;
pub use op::{BackwardCtx, Op};
pub use ops::reduce::Over;
pub use param::Param;
pub use shape::Shape;
pub use tape::{NodeId, Tape};
pub use var::Var;
