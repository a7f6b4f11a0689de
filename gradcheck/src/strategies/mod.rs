//! [`proptest`] strategies for property-testing gradients (feature
//! `proptest`, on by default).
//!
//! * [`shapes`] — shapes including the degenerate 1×1, 1×n and n×1, pairs
//!   that broadcast, and the input shapes of every [`ShapeRule`];
//! * [`values`] — matrices within an op's [`Domain`], placed either well
//!   away from its kinks or exactly on (and just beside) them
//!   ([`Placement`]), and the complete inputs of any registered op;
//! * [`graphs`] — small random graphs composed of registered ops.
//!
//! Everything is driven by [`autograd::registry::all_ops`], so a newly
//! registered op is covered without touching this crate.
//!
//! ```
//! use gradcheck::{GradCheck, strategies};
//! use proptest::prelude::*;
//! use proptest::test_runner::{Config, TestRunner};
//!
//! let relu = autograd::registry::all_ops().into_iter().find(|s| s.name == "relu").unwrap();
//! let mut runner = TestRunner::new(Config { failure_persistence: None, ..Config::with_cases(8) });
//! runner
//!     .run(&strategies::op_inputs(relu, strategies::Placement::OnKinks, 3), |inputs| {
//!         let named: Vec<(&str, _)> = inputs.iter().map(|x| ("x", x.clone())).collect();
//!         let report = GradCheck::new().check(&named, |_, x, _| (relu.apply)(x));
//!         prop_assert!(report.passed(), "{}", report);
//!         Ok(())
//!     })
//!     .unwrap();
//! ```
//!
//! [`ShapeRule`]: autograd::registry::ShapeRule
//! [`Domain`]: autograd::registry::Domain

pub mod graphs;
pub mod shapes;
pub mod values;

pub use graphs::{RandomGraph, graph};
pub use shapes::{broadcast_pair, dim, shape, shapes_for};
pub use values::{Placement, matrix_for, matrix_in, op_inputs};
