//! The `search` example's logic: trials ([`trial`]) run as processes by
//! `nn::search::trials`, planned coarse to fine from a search space.

pub mod trial;

pub use trial::{args_for, model_path, run_trial};
