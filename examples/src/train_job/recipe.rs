//! The `train` example's recipe, shared with the hyperparameter search
//! (`examples/src/search_job/`): the data prepared from [`Args`] (split,
//! augmentation, preprocessing fitted on train), the network ([`build`])
//! and the update rule ([`optimizer`]). One definition, so a search trial
//! trains exactly the model the main job trains.

use ndarray::Array2;
use nn::Mlp;
use nn::data::{Dataset, Fractions, Labels, Split};
use nn::optim::{Adam, AdamConfig, Nesterov, NesterovConfig, Optimizer, Sgd, SgdConfig};
use rand::SeedableRng;

use super::args::{Args, OptimizerKind, load_data};
use super::prep::{Prep, with_shifts};

/// The data of a run, preprocessed, with each part's class labels.
pub struct Prepared {
    /// The data set's name.
    pub name: String,
    /// The shape of one raw example (`[8, 8]` for the digits).
    pub feature_shape: Vec<usize>,
    /// The fitted preprocessing (for checkpoints).
    pub prep: Prep,
    /// Training part (with the shifted copies unless `--no-augment`).
    pub train: Dataset<f32>,
    /// Validation part.
    pub val: Dataset<f32>,
    /// Test part.
    pub test: Dataset<f32>,
    /// Training labels.
    pub ytr: Vec<usize>,
    /// Validation labels.
    pub yva: Vec<usize>,
    /// Test labels.
    pub yte: Vec<usize>,
}

impl Prepared {
    /// The layer sizes: input, `hidden`, classes.
    pub fn sizes(&self, hidden: &[usize]) -> Vec<usize> {
        let mut sizes = vec![self.train.features().ncols()];
        sizes.extend(hidden);
        sizes.push(self.train.classes());
        sizes
    }
}

/// Loads `--data` (or the digits), splits it stratified 0.7/0.15/0.15 with
/// split seed 0 (the same parts for every run and every search trial),
/// augments the training part and fits the preprocessing on it.
///
/// # Errors
/// Unreadable data, attribute labels, a failed fit.
pub fn prepare(args: &Args) -> Result<Prepared, String> {
    let data = load_data(args.data.as_deref())?;
    let split = Split::stratified(&data, Fractions::default(), 0).map_err(|e| e.to_string())?;
    let raw_train = if args.no_augment {
        split.train.clone()
    } else {
        with_shifts(&split.train)?
    };
    let prep = Prep::fit(raw_train.features(), args.preprocess)?;
    let apply = |ds: &Dataset<f32>| with_features(ds, prep.apply(ds.features())?);
    let (train, val, test) = (apply(&raw_train)?, apply(&split.val)?, apply(&split.test)?);
    let labels = |ds: &Dataset<f32>| match ds.labels() {
        Labels::Classes(c) => Ok(c.clone()),
        Labels::Attributes(_) => {
            Err("the data has attribute labels; train needs classes".to_string())
        }
    };
    let (ytr, yva, yte) = (labels(&train)?, labels(&val)?, labels(&test)?);
    Ok(Prepared {
        name: data.name().to_string(),
        feature_shape: data.feature_shape().to_vec(),
        prep,
        train,
        val,
        test,
        ytr,
        yva,
        yte,
    })
}

/// The update rule `kind` at learning rate `lr` (Adam with its defaults,
/// Nesterov with μ = 0.9, or plain SGD).
///
/// # Errors
/// The optimizer's configuration error (e.g. a negative rate).
pub fn optimizer<F: autograd::Float>(
    kind: OptimizerKind,
    lr: f64,
) -> Result<Box<dyn Optimizer<F>>, String> {
    let e = |e: nn::optim::ConfigError| e.to_string();
    Ok(match kind {
        OptimizerKind::Adam => Box::new(
            Adam::new(AdamConfig {
                lr,
                ..Default::default()
            })
            .map_err(e)?,
        ),
        OptimizerKind::Nesterov => {
            Box::new(Nesterov::new(NesterovConfig { lr, mu: 0.9 }).map_err(e)?)
        }
        OptimizerKind::Sgd => Box::new(Sgd::new(SgdConfig { lr }).map_err(e)?),
    })
}

/// The ReLU network with layer `sizes`, He initialization from `args.seed`,
/// and dropout (keep `args.dropout`) after each hidden layer if `dropout`.
///
/// # Errors
/// An invalid size or keep probability.
pub fn build<F: autograd::Float>(
    args: &Args,
    sizes: &[usize],
    dropout: bool,
) -> Result<Mlp<F>, String> {
    let mut b = Mlp::<F>::builder(sizes);
    if dropout && args.dropout < 1.0 {
        b = b.dropout(args.dropout);
    }
    b.build(&mut rand::rngs::StdRng::seed_from_u64(args.seed))
        .map_err(|e| e.to_string())
}

fn with_features(ds: &Dataset<f32>, x: Array2<f32>) -> Result<Dataset<f32>, String> {
    Dataset::new(
        ds.name(),
        x,
        ds.labels().clone(),
        ds.classes(),
        vec![ds.features().ncols()],
    )
    .map_err(|e| e.to_string())
}
