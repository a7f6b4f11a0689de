//! Paired timing: contestants run in alternation, round after round, and
//! each ratio is taken within one round (see `benches/paired.rs` for why).

use std::time::Instant;

/// The 25th, 50th and 75th percentiles of `values`.
pub fn quartiles(mut values: Vec<f64>) -> [f64; 3] {
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    [at(0.25), at(0.5), at(0.75)]
}

/// Runs each contestant `reps` times per measurement, all of them once per
/// round in rotated order, after one warm-up round; prints each one's
/// per-round time relative to the last contestant (the floor). Returns
/// each other contestant's quartiles of that ratio.
pub fn pair_up(
    title: &str,
    names: &[&str],
    contestants: &mut [&mut dyn FnMut()],
    reps: usize,
    rounds: usize,
) -> Vec<[f64; 3]> {
    let n = contestants.len();
    let mut measure = |k: usize| {
        let start = Instant::now();
        for _ in 0..reps {
            contestants[k]();
        }
        start.elapsed().as_secs_f64() / reps as f64
    };
    for k in 0..n {
        measure(k); // warm-up: caches, the buffer cache, page faults
    }
    let mut ratios = vec![Vec::with_capacity(rounds); n - 1];
    let mut floor = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let mut seconds = vec![0.0; n];
        for k in 0..n {
            let which = (round + k) % n;
            seconds[which] = measure(which);
        }
        for (k, r) in ratios.iter_mut().enumerate() {
            r.push(seconds[k] / seconds[n - 1]);
        }
        floor.push(seconds[n - 1]);
    }
    let mut line = format!("{title}:");
    let mut medians = Vec::with_capacity(n - 1);
    for (name, r) in names.iter().zip(ratios) {
        let [q1, median, q3] = quartiles(r);
        medians.push([q1, median, q3]);
        line += &format!(
            " {name}/{} {median:.3} (IQR {q1:.3}–{q3:.3}),",
            names[n - 1]
        );
    }
    let [_, floor, _] = quartiles(floor);
    line += &match floor {
        s if s >= 1e-3 => format!(" {} {:.2} ms", names[n - 1], s * 1e3),
        s => format!(" {} {:.1} µs", names[n - 1], s * 1e6),
    };
    println!("{line}");
    medians
}
