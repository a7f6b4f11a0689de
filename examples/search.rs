//! A coarse-to-fine hyperparameter search on the digits net, each trial
//! its own process, then an ensemble of the top models (the notes'
//! "Hyperparameter optimization" and "Model ensembles").
//!
//! ```sh
//! cargo run --release --example search                  # both stages, N = cores workers
//! cargo run --release --example search -- --help        # flags; cluster steps in docs/search-multi-machine.md
//! ```
//!
//! Rerunning the same command resumes: finished trials are skipped.

fn main() {
    std::process::exit(examples::search_job::main_with(std::env::args_os()));
}
