//! The digits and one member's training: the stratified split of the
//! `train` example (0.7/0.15/0.15, split seed 0), per-feature
//! standardization fitted on the training split, an MLP trained by
//! [`nn::train::Trainer`] with Adam and L2.

use autograd::Var;
use ndarray::Array2;
use nn::data::{Dataset, Fractions, Labels, Split, digits};
use nn::optim::{Adam, AdamConfig};
use nn::preprocess::{Standardize, Transform};
use nn::train::{EpochEnd, TrainConfig, TrainReport, Trainer};
use nn::{Mlp, Penalty, Regularizer, losses};
use rand::SeedableRng;

/// The three splits of the digits, standardized, with their labels.
pub struct Digits {
    /// Training split (members are fitted on it).
    pub train: Dataset<f32>,
    /// Validation split (the trainer's per-epoch evaluation; top-k ranks by it).
    pub val: Dataset<f32>,
    /// Test split's features (every accuracy in the table is on it).
    pub test_x: Array2<f32>,
    /// Test split's labels.
    pub test_y: Vec<usize>,
}

impl Digits {
    /// Loads, splits and standardizes the embedded digits.
    ///
    /// # Errors
    /// A message if splitting or preprocessing fails (it does not on the
    /// embedded data).
    pub fn load() -> Result<Self, String> {
        let data = digits::load::<f32>();
        let split = Split::stratified(&data, Fractions::default(), 0).map_err(|e| e.to_string())?;
        let st = Standardize::fit(split.train.features()).map_err(|e| e.to_string())?;
        let apply = |ds: &Dataset<f32>| -> Result<Dataset<f32>, String> {
            let x = st.apply(ds.features()).map_err(|e| e.to_string())?;
            Dataset::new(ds.name(), x, ds.labels().clone(), ds.classes(), vec![64])
                .map_err(|e| e.to_string())
        };
        let test = apply(&split.test)?;
        let test_y = match test.labels() {
            Labels::Classes(c) => c.clone(),
            Labels::Attributes(_) => return Err("digits has class labels".into()),
        };
        Ok(Digits {
            train: apply(&split.train)?,
            val: apply(&split.val)?,
            test_x: test.features().clone(),
            test_y,
        })
    }
}

/// One member's hyperparameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hyper {
    /// Adam's learning rate.
    pub lr: f64,
    /// Units in the one hidden layer.
    pub hidden: usize,
    /// L2 strength (weights only).
    pub reg: f64,
    /// Dropout keep probability (1: none).
    pub keep: f64,
}

impl Default for Hyper {
    /// The seeds, checkpoints and Polyak kinds' model: 64 hidden units,
    /// Adam at 3e-3, L2 1e-4, no dropout.
    fn default() -> Self {
        Hyper {
            lr: 3e-3,
            hidden: 64,
            reg: 1e-4,
            keep: 1.0,
        }
    }
}

fn xent<'t>(scores: Var<'t, f32>, labels: &[usize]) -> Var<'t, f32> {
    losses::softmax_cross_entropy(scores, labels)
}

/// How one member is trained.
pub struct Run<'a> {
    /// The data.
    pub data: &'a Digits,
    /// Its hyperparameters.
    pub hyper: Hyper,
    /// Epochs.
    pub epochs: u32,
    /// Seeds the initialization and the trainer (shuffle, dropout).
    pub seed: u64,
    /// Keep a Polyak average with this decay.
    pub polyak: Option<f64>,
    /// Put the best-by-validation values back at the end (else the last).
    pub restore_best: bool,
}

/// What the observer sees: the epoch's end (model, Polyak average, …).
pub type End<'e> = EpochEnd<'e, f32, Mlp<f32>, Adam<f32>>;

/// A finished training run.
pub struct Trained {
    /// The model (best-by-validation or last values, as the run said).
    pub model: Mlp<f32>,
    /// The trainer (its Polyak average, if any).
    pub trainer: Trainer<f32>,
    /// The trainer's report.
    pub report: TrainReport<f32>,
}

/// Trains one MLP (64 → hidden → 10, He init) as `run` says, calling
/// `observer` after each epoch.
///
/// # Errors
/// A message for a bad hyperparameter or a diverged run.
pub fn train(run: &Run<'_>, mut observer: impl FnMut(&End<'_>)) -> Result<Trained, String> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let h = run.hyper;
    let mut builder = Mlp::<f32>::builder(&[64, h.hidden, 10]);
    if h.keep < 1.0 {
        builder = builder.dropout(h.keep);
    }
    let mut model = builder
        .build(&mut rand::rngs::StdRng::seed_from_u64(run.seed))
        .map_err(|x| e(&x))?;
    let mut adam = Adam::new(AdamConfig {
        lr: h.lr,
        ..Default::default()
    })
    .map_err(|x| e(&x))?;
    let mut trainer = Trainer::new(TrainConfig {
        epochs: run.epochs,
        batch_size: 64,
        seed: run.seed,
        patience: None,
        // No per-layer statistics: the table does not need them.
        layer_probe: nn::train::LayerProbe::Off,
        train_accuracy: nn::train::TrainAccuracy::Running,
        restore_best: run.restore_best,
    })
    .regularizer(Regularizer::new(Penalty::l2(h.reg)));
    if let Some(decay) = run.polyak {
        trainer = trainer.polyak(decay).map_err(|x| e(&x))?;
    }
    let report = trainer
        .fit(
            &mut model,
            &mut adam,
            &run.data.train,
            &run.data.val,
            xent,
            |end: &End<'_>| {
                observer(end);
                Ok(())
            },
        )
        .map_err(|x| e(&x))?;
    Ok(Trained {
        model,
        trainer,
        report,
    })
}
