//! The `search` example's logic, in the library so tests can run it:
//! flags ([`args`]), the space and each stage's plan ([`plan`]), one trial
//! ([`trial`]), the coordinator and the cluster steps ([`mod@run`]), the top-k
//! ensemble ([`ensemble`]) and the search's `report.html` ([`report`]).

pub mod args;
pub mod ensemble;
pub mod plan;
pub mod report;
pub mod run;
pub mod trial;

pub use args::{Args, Command, StrategyKind};
pub use run::{Outcome, dispatch, main_with, run};
pub use trial::{args_for, model_path, run_trial};
