//! The notes' four kinds of model ensemble on the digits — different
//! initializations, the top-k of a random search, checkpoints of one run,
//! a Polyak average — each measured against its members on the test
//! split over several seeds. The logic is in `examples/src/ensembles/`.
//!
//! Run with `cargo run --release -p examples --example ensembles`
//! (`-- --help` lists the flags: seeds, epochs, members, …).

fn main() {
    std::process::exit(examples::ensembles::main_with(std::env::args_os()));
}
