//! W1 under callgrind: `valgrind --tool=callgrind target/release/examples/w1_profile tape f64`
//! runs the W1 chain (`tape`, `leaves` for the tape with `backward_leaves`, or `hand`) a fixed number of times, so
//! instruction counts per node can be read off `callgrind_annotate`. With
//! `W1_TIME` set it prints the median time per run (after twenty warm-up
//! runs), for the comparison with XLA (`benches/reference/`). `W1_NARROW`
//! turns the AVX2 loops off (`autograd::set_wide_loops(false)`).

use std::hint::black_box;

use autograd::{Float, Tape};
use benches::chain;
use benches::data::SplitMix;

const NODES: usize = 1000;

fn run<F: Float>(which: &str, reps: usize) {
    let mut rng = SplitMix::new(42);
    let (x, w, b) = (
        rng.matrix::<F>(4, 4, 1.0),
        rng.matrix(4, 4, 1.0),
        rng.matrix(4, 4, 0.5),
    );
    let mut tape = Tape::new();
    let mut times = Vec::with_capacity(reps);
    for _ in 0..reps {
        let start = std::time::Instant::now();
        if which == "tape" {
            black_box(chain::on_tape(&mut tape, &x, &w, &b, NODES));
        } else if which == "leaves" {
            black_box(chain::on_tape_leaves(&mut tape, &x, &w, &b, NODES));
        } else {
            black_box(chain::by_hand(&x, &w, &b, NODES));
        }
        times.push(start.elapsed().as_secs_f64());
    }
    if std::env::var("W1_TIME").is_ok() {
        // The first runs warm the caches and the buffer cache.
        let [q1, median, q3] = benches::pairing::quartiles(times.split_off(reps.min(20)));
        println!(
            "{which} W1/{}: {:.1} us (IQR {:.1}-{:.1})",
            F::NAME,
            median * 1e6,
            q1 * 1e6,
            q3 * 1e6
        );
    }
}

fn main() {
    if std::env::var("W1_NARROW").is_ok() {
        // The baseline loops only (`autograd::set_wide_loops`).
        autograd::set_wide_loops(false);
    }
    let args: Vec<String> = std::env::args().collect();
    let which = args.get(1).map_or("tape", String::as_str);
    let ty = args.get(2).map_or("f64", String::as_str);
    let reps: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10);
    if ty == "f32" {
        run::<f32>(which, reps);
    } else {
        run::<f64>(which, reps);
    }
}
