//! Issue 10's comparison: the same 2-64-3 ReLU net on the same spiral data
//! (300 points, 3 arms), from the same initialization, trained full batch
//! by SGD, momentum, Nesterov, Adagrad, RMSprop, Adam and L-BFGS. Prints a
//! table of final loss, training accuracy, steps and gradient evaluations,
//! and writes `optimizers.svg`: the loss curves on a log axis against
//! gradient evaluations (see `examples::optimizers` for why that axis).
//!
//! Run: `cargo run --release --example optimizers [-- --out DIR --steps N]`
//! (default `target/optimizers/`, 1000 steps, L-BFGS at most 200
//! iterations).

use std::path::PathBuf;

use examples::optimizers::{run, table};

fn main() {
    let mut out = PathBuf::from("target/optimizers");
    let mut steps = 1000;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--out", Some(dir)) => out = PathBuf::from(dir),
            ("--steps", Some(n)) => match n.parse() {
                Ok(n) => steps = n,
                Err(e) => panic!("--steps {n}: {e}"),
            },
            _ => panic!("usage: optimizers [--out DIR] [--steps N]"),
        }
    }
    let comparison = match run(100, steps, steps / 5, &out) {
        Ok(c) => c,
        Err(e) => panic!("optimizer comparison failed: {e}"),
    };
    println!(
        "Spiral (300 points), 2-64-3 ReLU net, He init (seed 1), full batch; initial loss {:.4}\n",
        comparison.initial_loss
    );
    print!("{}", table(&comparison));
    println!("\nloss curves: {}", comparison.chart.display());
}
