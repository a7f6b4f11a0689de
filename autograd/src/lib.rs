//! A readable reverse-mode automatic differentiation engine over 2-D
//! [`ndarray`] matrices, written to be read alongside the CS231n notes on
//! backpropagation.
//!
//! # A short tour
//!
//! Operations append nodes to a [`Tape`] as they run (*define-by-run*: the
//! tape is a Wengert list). [`Var`] handles are `Copy`, so math reads like
//! math. Here is a two-layer network, `loss = Σ relu(x·W1 + b1)·W2`:
//!
//! ```
//! use autograd::Tape;
//! use ndarray::array;
//!
//! let tape = Tape::new();
//! let x = tape.constant(array![[1.0, 2.0]]);                 // data: no gradient
//! let w1 = tape.named_leaf("W1", array![[1.0, -1.0], [0.5, 1.0]]);
//! let b1 = tape.named_leaf("b1", array![[0.0, -4.0]]);
//! let w2 = tape.named_leaf("W2", array![[3.0], [5.0]]);
//!
//! let h = (x.matmul(w1) + b1).relu();                        // relu([2, 1] + [0, −4]) = [2, 0]
//! let loss = h.matmul(w2).sum();                             // 2·3 + 0·5 = 6
//! assert_eq!(loss.item(), 6.0);
//!
//! let grads = loss.backward();                               // one reverse sweep
//! assert_eq!(grads[w2], array![[2.0], [0.0]]);               // hᵀ
//! assert_eq!(grads[b1], array![[3.0, 0.0]]);                 // W2ᵀ ⊙ relu'; the dead unit gets 0
//! assert_eq!(grads[w1], array![[3.0, 0.0], [6.0, 0.0]]);     // xᵀ · ∂loss/∂(x·W1)
//! assert!(grads.get(x).is_none());                           // never computed
//!
//! println!("{tape}");                                        // the Wengert list:
//! assert_eq!(tape.to_string(), "\
//! %0 = constant        [1×2]  no grad
//! %1 = leaf \"W1\"       [2×2]
//! %2 = leaf \"b1\"       [1×2]
//! %3 = leaf \"W2\"       [2×1]
//! %4 = matmul(%0, %1)  [1×2]
//! %5 = add(%4, %2)     [1×2]
//! %6 = relu(%5)        [1×2]
//! %7 = matmul(%6, %3)  [1×1]
//! %8 = sum[all](%7)    [1×1]");
//! ```
//!
//! `{tape:#}` adds the source line of every node, and [`Tape::to_dot`] draws
//! the graph (with gradients) for Graphviz.
//!
//! # Where to look next
//!
//! * **Ops** live one per file in `ops/`, each with its formula, local
//!   derivative, kink rule and hand-computed tests; [`registry::all_ops`]
//!   lists them, and the `gradcheck` crate checks every one it lists.
//! * **Kinks and ties** (relu at 0, equal maxima) are decided in exactly one
//!   place, [`ties`], following PyTorch's conventions.
//! * **Decision logs**: with [`Tape::record_decisions`] on, every branching
//!   op records which branch each element took ([`Tape::decision_logs`]), so
//!   a gradient checker can tell a finite difference that crossed a kink
//!   ([`decisions::crossings`]) from a wrong derivative.
//! * **Custom ops**: implement [`Op`] (forward plus one vector–Jacobian
//!   product per input) and record it with [`Tape::try_apply`].
//! * **Parameters** ([`Param`]) live outside the tape and are shared into it
//!   without copying; [`Tape::reset`] empties the tape between steps.
//!   [`Tape::backward_and_reset`] does backward and that reset in one,
//!   freeing each recorded value as soon as the sweep is past its last
//!   reader ([`Op::backward_reads`]): a lower peak for a training step.
//! * **`f32` or `f64`**: everything is generic over [`Float`]. Train in
//!   `f32` for speed; check gradients in `f64`, where finite differences are
//!   accurate enough to mean something.
//!
//! See `ARCHITECTURE.md` at the repository root for the invariants the code
//! keeps.

#![warn(missing_docs)]

pub mod anomaly;
mod consume;
pub mod decisions;
mod display;
mod dot;
mod dot_legend;
mod error;
mod float;
pub mod gemm;
pub mod gradients;
mod held;
pub mod higher_order;
mod kernels;
mod node;
mod node_id;
pub mod op;
mod operators;
mod ops;
mod param;
mod pool;
pub mod registry;
pub mod shape;
mod spec;
mod sweep_buffers;
mod tape;
pub mod threads;
pub mod ties;
mod var;
pub mod vmath;
mod wide;

pub use dot::DotOptions;
pub use error::{Error, Produced, Result, WrongShape};
pub use float::Float;
pub use float::{cached_bytes, release_cached_buffers};
pub use gradients::{Gradients, NodeKey};
pub use op::{BackwardCtx, GraphCtx, Op, Reads};
pub use ops::reduce::Over;
pub use param::{Param, ParamId};
pub use pool::MAX_CACHED_BYTES;
pub use shape::Shape;
pub use tape::{NodeId, Tape};
pub use threads::{fork_join, set_threads, threads};
pub use var::Var;
pub use wide::{set_wide_loops, wide_loops};
