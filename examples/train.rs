//! The main job: trains an MLP on the embedded digits (or `--data`) with
//! the notes' recipe — standardization fitted on train, He init, the four
//! sanity checks first, Adam (or Nesterov) with exponential decay, L2 and
//! dropout — shows progress, writes the artifact directory (`config.json`,
//! `metrics.jsonl`, `best`/`last` checkpoints, the report) and prints
//! train/validation/test accuracy and wall time.
//!
//! ```sh
//! cargo run --release --example train
//! cargo run --release --example train -- --seed 2 --epochs 60 --hidden 128,128
//! ```
//!
//! Bad flags exit with clap's message (code 2); a bad file or a failed run
//! prints `error: …` and exits with code 2.

fn main() {
    std::process::exit(examples::train_job::main_with(std::env::args_os()));
}
