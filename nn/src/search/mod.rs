//! Hyperparameter search (issue 13).
//!
//! * [`trials`]: each trial one process — a JSON config in, one JSON line
//!   appended to an append-only results file out; crash-safe resume, a
//!   local multi-process runner, and job files plus `--trial N` / `collect`
//!   for running trials across machines.

pub mod trials;
