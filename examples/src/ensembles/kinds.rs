//! The notes' four kinds of ensemble, each as a function returning one
//! table [`Row`]: members' and ensemble's test accuracy.

use ndarray::Array2;
use nn::ensemble::{self, Candidate, EnsembleError};
use nn::{Mlp, Module};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::Settings;
use super::setup::{Digits, Hyper, Run, train};

/// A model with a name for the table.
pub type Named<M> = (String, M);

/// Which of the four kinds a row measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Same model and hyperparameters, different seeds (initialization,
    /// shuffling).
    Seeds,
    /// The k best of a set of trained candidates, ranked by validation
    /// accuracy.
    TopK,
    /// The parameters at the last few epochs of one run.
    Checkpoints,
    /// One run's last raw parameters and their Polyak average.
    Polyak,
}

impl Kind {
    /// The name printed in the table.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Seeds => "seeds",
            Kind::TopK => "top-k",
            Kind::Checkpoints => "checkpoints",
            Kind::Polyak => "polyak",
        }
    }
}

/// One ensemble measured on the test split.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The kind.
    pub kind: Kind,
    /// The seed the members were derived from.
    pub seed: u64,
    /// Each member's name and test accuracy.
    pub members: Vec<(String, f64)>,
    /// The ensemble's test accuracy (averaged probabilities).
    pub ensemble: f64,
}

impl Row {
    /// The members' mean test accuracy.
    pub fn mean_member(&self) -> f64 {
        self.members.iter().map(|m| m.1).sum::<f64>() / self.members.len().max(1) as f64
    }

    /// The best member's test accuracy.
    pub fn best_member(&self) -> f64 {
        self.members
            .iter()
            .map(|m| m.1)
            .fold(f64::NEG_INFINITY, f64::max)
    }
}

fn err(e: EnsembleError) -> String {
    e.to_string()
}

/// Scores named probability matrices on the test labels.
fn row(
    kind: Kind,
    seed: u64,
    names: Vec<String>,
    probs: &[Array2<f32>],
    labels: &[usize],
) -> Result<Row, String> {
    let eval = ensemble::evaluate(probs, labels).map_err(err)?;
    Ok(Row {
        kind,
        seed,
        members: names.into_iter().zip(eval.members).collect(),
        ensemble: eval.ensemble,
    })
}

/// (a) `s.members` copies of the default model, seeds `100·seed + i`
/// (each seeds its initialization and its trainer).
///
/// # Errors
/// A training or ensemble error, as a message.
pub fn seeds(data: &Digits, s: &Settings, seed: u64) -> Result<Row, String> {
    let mut probs = Vec::new();
    let mut names = Vec::new();
    for i in 0..s.members as u64 {
        let member_seed = 100 * seed + i;
        let run = Run {
            data,
            hyper: Hyper::default(),
            epochs: s.epochs,
            seed: member_seed,
            polyak: None,
            restore_best: true,
        };
        let model = train(&run, |_| {})?.model;
        probs.push(ensemble::member_probs(&model, &data.test_x).map_err(err)?);
        names.push(format!("seed {member_seed}"));
    }
    row(Kind::Seeds, seed, names, &probs, &data.test_y)
}

/// `n` random hyperparameter settings drawn from `seed`: learning rate
/// log-uniform in [3e-4, 1e-2], hidden units in {32, 64, 128}, L2
/// log-uniform in [1e-5, 1e-2], dropout keep uniform in [0.6, 1].
pub fn random_hypers(n: usize, seed: u64) -> Vec<Hyper> {
    let mut rng = StdRng::seed_from_u64(seed);
    let log_uniform = |lo: f64, hi: f64, rng: &mut StdRng| {
        (lo.ln() + rng.random::<f64>() * (hi.ln() - lo.ln())).exp()
    };
    (0..n)
        .map(|_| {
            let lr = log_uniform(3e-4, 1e-2, &mut rng);
            let hidden = [32, 64, 128][rng.random_range(0..3)];
            let reg = log_uniform(1e-5, 1e-2, &mut rng);
            let keep = 0.6 + 0.4 * rng.random::<f64>();
            Hyper {
                lr,
                hidden,
                reg,
                keep,
            }
        })
        .collect()
}

/// Trains `s.candidates` random settings ([`random_hypers`]) and returns
/// them with their validation accuracy: the stand-in for a search's trials.
///
/// # Errors
/// A training error, as a message.
pub fn random_candidates(
    data: &Digits,
    s: &Settings,
    seed: u64,
) -> Result<Vec<Candidate<Named<Mlp<f32>>>>, String> {
    let val_y = data.val.labels().classes().ok_or("class labels")?;
    random_hypers(s.candidates, seed)
        .into_iter()
        .enumerate()
        .map(|(i, hyper)| {
            let run = Run {
                data,
                hyper,
                epochs: s.epochs,
                seed: 100 * seed + i as u64,
                polyak: None,
                restore_best: true,
            };
            let model = train(&run, |_| {})?.model;
            let val_acc =
                nn::try_accuracy(&model, data.val.features(), val_y).map_err(|e| e.to_string())?;
            let name = format!(
                "lr {:.1e} h {} l2 {:.0e} keep {:.2}",
                hyper.lr, hyper.hidden, hyper.reg, hyper.keep
            );
            Ok(Candidate {
                model: (name, model),
                val_acc,
            })
        })
        .collect()
}

/// (b) The `k` candidates of highest validation accuracy
/// ([`ensemble::top_k`]), scored on the test split. `candidates` are
/// trained models with a name each: the search example passes its trials'
/// models here.
///
/// # Errors
/// No candidates, `k = 0`, a NaN accuracy or a model that cannot take the
/// digits, as a message.
pub fn top_k<M: Module<f32>>(
    candidates: Vec<Candidate<Named<M>>>,
    k: usize,
    data: &Digits,
    seed: u64,
) -> Result<Row, String> {
    let best = ensemble::top_k(candidates, k).map_err(err)?;
    let mut names = Vec::new();
    let mut probs = Vec::new();
    for c in &best {
        names.push(c.model.0.clone());
        probs.push(ensemble::member_probs(&c.model.1, &data.test_x).map_err(err)?);
    }
    row(Kind::TopK, seed, names, &probs, &data.test_y)
}

/// (c) One run of `s.epochs` epochs of the default model (seed
/// `100·seed`); the parameters after the last epoch and every
/// `s.checkpoint_every` epochs before it, `s.members` in all (fewer if the
/// run is short), snapshotted in the trainer's observer, are the members.
///
/// # Errors
/// A training or ensemble error, as a message.
pub fn checkpoints(data: &Digits, s: &Settings, seed: u64) -> Result<Row, String> {
    let every = s.checkpoint_every.max(1);
    // Epoch e (1-based) is kept when it is a multiple of `every` back from
    // the last, within the last `members` such.
    let keep = |e: u32| {
        let back = s.epochs - e;
        back.is_multiple_of(every) && back / every < s.members as u32
    };
    let mut snaps = Vec::new();
    let mut names = Vec::new();
    let run = Run {
        data,
        hyper: Hyper::default(),
        epochs: s.epochs,
        seed: 100 * seed,
        polyak: None,
        restore_best: false,
    };
    let mut model = train(&run, |end| {
        if keep(end.record.epoch + 1) {
            snaps.push(ensemble::snapshot(end.model));
            names.push(format!("epoch {}", end.record.epoch + 1));
        }
    })?
    .model;
    let probs = snaps
        .iter()
        .map(|snap| ensemble::probs_with(&mut model, snap, &data.test_x))
        .collect::<Result<Vec<_>, _>>()
        .map_err(err)?;
    row(Kind::Checkpoints, seed, names, &probs, &data.test_y)
}

/// (d) One run of the default model (seed `100·seed`) keeping a Polyak
/// average (decay `s.polyak_decay`, updated every step); the members are
/// the last raw parameters and their average, so the row shows both
/// alone and the ensemble of the two.
///
/// # Errors
/// A training or ensemble error, as a message.
pub fn polyak(data: &Digits, s: &Settings, seed: u64) -> Result<Row, String> {
    let run = Run {
        data,
        hyper: Hyper::default(),
        epochs: s.epochs,
        seed: 100 * seed,
        polyak: Some(s.polyak_decay),
        restore_best: false,
    };
    let super::setup::Trained {
        mut model,
        mut trainer,
        ..
    } = train(&run, |_| {})?;
    let raw = ensemble::member_probs(&model, &data.test_x).map_err(err)?;
    let avg_values = match trainer.polyak_mut() {
        Some(p) => ensemble::polyak_snapshot(&model, p),
        None => return Err("the trainer kept no Polyak average".into()),
    };
    let avg = ensemble::probs_with(&mut model, &avg_values, &data.test_x).map_err(err)?;
    let names = vec!["raw (last step)".to_string(), "polyak average".to_string()];
    row(Kind::Polyak, seed, names, &[raw, avg], &data.test_y)
}
