//! The `ensembles` example's logic, in the library so tests can run it:
//! the notes' four kinds of ensemble ([`kinds`]) trained on the digits
//! ([`setup`]) and measured on the test split, over several seeds, as a
//! table ([`table`]).
//!
//! Every member is small (one hidden layer of 32–128 units) and trained
//! for few epochs, so the whole run stays short; the table compares
//! ensembles with their own members, not with the best the digits allow.

pub mod kinds;
pub mod setup;

use std::fmt::Write;

pub use kinds::{Kind, Row};
pub use setup::{Digits, Hyper};

/// How much to train.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The seeds: one row per kind and seed.
    pub seeds: Vec<u64>,
    /// Epochs per training run.
    pub epochs: u32,
    /// Members of the seeds and checkpoints kinds.
    pub members: usize,
    /// Epochs between two checkpoints of the checkpoints kind (the last
    /// epoch is always one).
    pub checkpoint_every: u32,
    /// Random candidates trained for the top-k kind.
    pub candidates: usize,
    /// k of the top-k kind.
    pub top_k: usize,
    /// The Polyak average's decay (per step).
    pub polyak_decay: f64,
}

impl Settings {
    /// The example's default run.
    pub fn full() -> Self {
        Settings {
            seeds: vec![1, 2, 3, 4, 5],
            epochs: 15,
            members: 5,
            checkpoint_every: 2,
            candidates: 8,
            top_k: 3,
            polyak_decay: 0.95,
        }
    }

    /// A smaller run for tests in a debug build.
    pub fn reduced() -> Self {
        Settings {
            seeds: vec![4, 5, 6],
            epochs: 6,
            members: 3,
            checkpoint_every: 2,
            candidates: 4,
            top_k: 2,
            polyak_decay: 0.9,
        }
    }
}

/// Every kind for every seed, in the order seeds, top-k, checkpoints,
/// Polyak (seed-major within each kind).
///
/// # Errors
/// A training or ensemble error, as a message.
pub fn run(data: &Digits, s: &Settings) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for &seed in &s.seeds {
        rows.push(kinds::seeds(data, s, seed)?);
    }
    for &seed in &s.seeds {
        let candidates = kinds::random_candidates(data, s, seed)?;
        rows.push(kinds::top_k(candidates, s.top_k, data, seed)?);
    }
    for &seed in &s.seeds {
        rows.push(kinds::checkpoints(data, s, seed)?);
    }
    for &seed in &s.seeds {
        rows.push(kinds::polyak(data, s, seed)?);
    }
    Ok(rows)
}

fn pct(v: f64) -> String {
    format!("{:.2}%", 100.0 * v)
}

fn points(v: f64) -> String {
    // A mean of equal accuracies can differ from them by an ulp: no "-0.00".
    let v = if (100.0 * v).abs() < 5e-3 { 0.0 } else { v };
    format!("{:+.2}", 100.0 * v)
}

/// The table: one line per row, then each kind's mean over its seeds;
/// accuracies in percent, differences in percentage points.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::new();
    let header = format!(
        "{:<12} {:>5} {:>7} {:>12} {:>12} {:>9} {:>9} {:>9}",
        "kind", "seed", "members", "mean member", "best member", "ensemble", "-mean", "-best"
    );
    let line =
        |out: &mut String, kind: &str, seed: &str, n: usize, mean: f64, best: f64, ens: f64| {
            let _ = writeln!(
                out,
                "{kind:<12} {seed:>5} {n:>7} {:>12} {:>12} {:>9} {:>9} {:>9}",
                pct(mean),
                pct(best),
                pct(ens),
                points(ens - mean),
                points(ens - best)
            );
        };
    let _ = writeln!(out, "{header}");
    for r in rows {
        line(
            &mut out,
            r.kind.name(),
            &r.seed.to_string(),
            r.members.len(),
            r.mean_member(),
            r.best_member(),
            r.ensemble,
        );
    }
    let _ = writeln!(out, "{}", "-".repeat(header.len()));
    for kind in [Kind::Seeds, Kind::TopK, Kind::Checkpoints, Kind::Polyak] {
        let of: Vec<&Row> = rows.iter().filter(|r| r.kind == kind).collect();
        if of.is_empty() {
            continue;
        }
        let mean = |f: &dyn Fn(&Row) -> f64| of.iter().map(|r| f(r)).sum::<f64>() / of.len() as f64;
        line(
            &mut out,
            kind.name(),
            "mean",
            of[0].members.len(),
            mean(&Row::mean_member),
            mean(&Row::best_member),
            mean(&|r| r.ensemble),
        );
    }
    out
}

/// Each row's members and their test accuracies, one line per row.
pub fn member_lines(rows: &[Row]) -> String {
    let mut out = String::new();
    for r in rows {
        let list: Vec<String> = r
            .members
            .iter()
            .map(|(name, acc)| format!("{name}: {}", pct(*acc)))
            .collect();
        let _ = writeln!(
            out,
            "{} seed {}: {}",
            r.kind.name(),
            r.seed,
            list.join("; ")
        );
    }
    out
}

/// How many rows' ensembles reach at least their members' mean and at
/// least their best member, as a sentence (a count, measured, not a claim).
pub fn tally(rows: &[Row]) -> String {
    let n = rows.len();
    let mean = rows
        .iter()
        .filter(|r| r.ensemble >= r.mean_member())
        .count();
    let best = rows
        .iter()
        .filter(|r| r.ensemble >= r.best_member())
        .count();
    format!("ensemble >= members' mean in {mean} of {n} rows; >= best member in {best} of {n} rows")
}

/// Runs `s` and prints the settings, the table, the members and the tally.
///
/// # Errors
/// A training or ensemble error, as a message.
pub fn report(s: &Settings) -> Result<(Vec<Row>, String), String> {
    let data = Digits::load()?;
    let rows = run(&data, s)?;
    let h = Hyper::default();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Ensembles on the digits: accuracies on the test split ({} rows).\n\
         Small nets, few epochs, to keep the run short: 64-{}-10 MLPs, Adam lr {:.0e}, L2 {:.0e}, \
         {} epochs, batches of 64\n(top-k candidates: random lr, width, L2, dropout). \
         Members per row: seeds {}, top-k {} of {}, checkpoints {} (one run, every {} epochs up to the last), \
         polyak 2 (raw and average, decay {}).\n",
        data.test_y.len(),
        h.hidden,
        h.lr,
        h.reg,
        s.epochs,
        s.members,
        s.top_k,
        s.candidates,
        s.members,
        s.checkpoint_every,
        s.polyak_decay
    );
    out.push_str(&table(&rows));
    out.push('\n');
    out.push_str(&member_lines(&rows));
    out.push('\n');
    out.push_str(&tally(&rows));
    out.push('\n');
    Ok((rows, out))
}

/// The example's flags; each overrides one field of [`Settings::full`].
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "ensembles", about)]
pub struct Args {
    /// Seeds, comma-separated (one row per kind and seed).
    #[arg(long, value_delimiter = ',')]
    pub seeds: Option<Vec<u64>>,
    /// Epochs per training run.
    #[arg(long)]
    pub epochs: Option<u32>,
    /// Members of the seeds and checkpoints kinds.
    #[arg(long)]
    pub members: Option<usize>,
    /// Epochs between two checkpoints.
    #[arg(long)]
    pub checkpoint_every: Option<u32>,
    /// Random candidates for the top-k kind.
    #[arg(long)]
    pub candidates: Option<usize>,
    /// k of the top-k kind.
    #[arg(long)]
    pub top_k: Option<usize>,
    /// The Polyak average's decay per step.
    #[arg(long)]
    pub polyak_decay: Option<f64>,
}

impl Args {
    /// [`Settings::full`] with the flags given.
    pub fn settings(&self) -> Settings {
        let f = Settings::full();
        Settings {
            seeds: self.seeds.clone().unwrap_or(f.seeds),
            epochs: self.epochs.unwrap_or(f.epochs),
            members: self.members.unwrap_or(f.members),
            checkpoint_every: self.checkpoint_every.unwrap_or(f.checkpoint_every),
            candidates: self.candidates.unwrap_or(f.candidates),
            top_k: self.top_k.unwrap_or(f.top_k),
            polyak_decay: self.polyak_decay.unwrap_or(f.polyak_decay),
        }
    }
}

/// The binary's `main`: parses `argv`, runs, prints, and returns the exit
/// code — 0, or 2 with clap's message (bad flag) or `error: …` (a bad
/// value, such as a Polyak decay of 1).
pub fn main_with<I, T>(argv: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    crate::cli_main(argv, |args: &Args| {
        let start = std::time::Instant::now();
        let (_, text) = report(&args.settings())?;
        print!("{text}");
        println!("({:.1} s)", start.elapsed().as_secs_f64());
        Ok(())
    })
}
