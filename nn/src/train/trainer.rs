//! [`Trainer`]: epochs of mini-batches for any model, loss, regularizer,
//! optimizer and schedule, with evaluation, best-by-validation parameters,
//! early stopping, divergence detection and the babysitting numbers.
//!
//! **Reproducible, resumable.** Everything random in epoch `e` comes from
//! [`epoch_rng`]`(seed, e)`: its first draw seeds the shuffle, the rest
//! feed dropout. So the same seed gives a bitwise-identical run, and a run
//! resumed at an epoch boundary from its [`Progress`] (plus the model,
//! optimizer and schedule state) continues bit for bit.
//!
//! **One step** (the same as [`train_step`](crate::optim::train_step)):
//! reset the tape, forward the batch in a training [`Ctx`], data loss +
//! regularization, backward, collect [`ParamGrads`], check the loss and
//! gradient norm for divergence, reset the tape, update in place. Only an
//! epoch's last step copies the parameters, for ‖Δw‖/‖w‖.
//!
//! **Each epoch**: evaluation mode (batch norm running statistics, no
//! dropout) on the validation set, the training accuracy and layer
//! statistics as [`TrainConfig`] asks (by default counted on the training
//! batches and tapped from the epoch's last step, at no extra pass), the
//! schedule advanced, the best parameters kept, then the observer called
//! (progress, checkpoints).

use autograd::{Float, Tape, Var};
use ndarray::Array2;
use rand::RngExt;

use super::babysit::{Taps, layer_stats, ratio_warnings, stats_of_taps, update_ratios};
use super::config::{LayerProbe, TrainAccuracy, TrainConfig};
use super::divergence::{TrainError, check_step, norm};
use super::evaluate::evaluate;
use super::metrics::{EpochRecord, StepRecord};
use super::progress::{Best, Progress, Snapshot};
use crate::checkpoint::epoch_rng;
use crate::data::{Batches, Dataset};
use crate::optim::{Optimizer, ParamGrads, Polyak, schedule::Schedule};
use crate::{Ctx, Regularizer};

/// What the observer sees at the end of each epoch.
pub struct EpochEnd<'a, F: Float, M: ?Sized, O: ?Sized> {
    /// The epoch's record.
    pub record: &'a EpochRecord,
    /// Whether this epoch is the best so far.
    pub is_best: bool,
    /// The model after the epoch.
    pub model: &'a M,
    /// The optimizer (its state, for a checkpoint).
    pub optimizer: &'a O,
    /// The schedule, if any (advanced past this epoch).
    pub schedule: Option<&'a dyn Schedule>,
    /// The run's progress after this epoch.
    pub progress: &'a Progress<F>,
    /// Warnings raised this epoch (update/weight ratios).
    pub warnings: &'a [String],
    /// The Polyak average, if any (its state, for a checkpoint).
    pub polyak: Option<&'a Polyak<F>>,
}

/// A finished run.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainReport<F> {
    /// One record per step taken in this call.
    pub steps: Vec<StepRecord>,
    /// One record per epoch run in this call.
    pub epochs: Vec<EpochRecord>,
    /// Where the run stands (best parameters included).
    pub progress: Progress<F>,
    /// Whether patience ran out before the last epoch.
    pub stopped_early: bool,
    /// Every warning raised (update/weight ratios), prefixed by its epoch.
    pub warnings: Vec<String>,
}

/// The training loop; see the module doc.
pub struct Trainer<F: Float> {
    config: TrainConfig,
    regularizer: Option<Regularizer>,
    schedule: Option<Box<dyn Schedule>>,
    polyak: Option<Polyak<F>>,
    progress: Progress<F>,
}

/// The data loss: scores and labels to a 1×1 node.
pub trait DataLoss<F: Float>: for<'t> Fn(Var<'t, F>, &[usize]) -> Var<'t, F> {}
impl<F: Float, L: for<'t> Fn(Var<'t, F>, &[usize]) -> Var<'t, F>> DataLoss<F> for L {}

impl<F: Float> Trainer<F> {
    /// A trainer with `config`, no regularizer, no schedule, from epoch 0.
    pub fn new(config: TrainConfig) -> Self {
        Trainer {
            config,
            regularizer: None,
            schedule: None,
            polyak: None,
            progress: Progress::default(),
        }
    }

    /// Adds a regularization loss to every step.
    pub fn regularizer(mut self, reg: Regularizer) -> Self {
        self.regularizer = Some(reg);
        self
    }

    /// Sets the optimizer's learning rate from `schedule` every epoch.
    pub fn schedule(mut self, schedule: impl Schedule + 'static) -> Self {
        self.schedule = Some(Box::new(schedule));
        self
    }

    /// Keeps a Polyak average of the parameters (decay in [0, 1)), updated
    /// after every step; evaluation, the best parameters and so the
    /// restored model use the averages, training the raw weights.
    ///
    /// # Errors
    /// [`ConfigError`](crate::optim::ConfigError) for a decay outside [0, 1).
    pub fn polyak(mut self, decay: f64) -> Result<Self, crate::optim::ConfigError> {
        self.polyak = Some(Polyak::new(decay)?);
        Ok(self)
    }

    /// The Polyak average, if any (to export or restore it with a checkpoint).
    pub fn polyak_mut(&mut self) -> Option<&mut Polyak<F>> {
        self.polyak.as_mut()
    }

    /// The schedule (to restore its counters when resuming).
    pub fn schedule_mut(&mut self) -> Option<&mut (dyn Schedule + 'static)> {
        self.schedule.as_deref_mut()
    }

    /// Continues from `progress` (a resumed run).
    pub fn resume(mut self, progress: Progress<F>) -> Self {
        self.progress = progress;
        self
    }

    /// Where the run stands (epochs and steps done, the best epoch).
    pub fn progress(&self) -> &Progress<F> {
        &self.progress
    }

    /// The settings.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }

    /// Trains `model` on `train`, evaluating on `val` each epoch, calling
    /// `observer` after each epoch.
    ///
    /// # Errors
    /// [`TrainError::Diverged`] at the first diverging step;
    /// [`TrainError::Model`] for a forward or data error;
    /// [`TrainError::Observer`] if the observer returns an error.
    pub fn fit<M, O, L>(
        &mut self,
        model: &mut M,
        optimizer: &mut O,
        train: &Dataset<F>,
        val: &Dataset<F>,
        loss: L,
        mut observer: impl FnMut(&EpochEnd<'_, F, M, O>) -> Result<(), String>,
    ) -> Result<TrainReport<F>, TrainError>
    where
        F: Default,
        M: Taps<F> + ?Sized,
        O: Optimizer<F> + ?Sized,
        L: DataLoss<F>,
    {
        let model_err = |e: &dyn std::fmt::Display| TrainError::Model(e.to_string());
        let (train_labels, val_labels) = match (train.labels().classes(), val.labels().classes()) {
            (Some(t), Some(v)) => (t, v),
            _ => return Err(TrainError::Model("the trainer needs class labels".into())),
        };
        let first_rows = |n: usize| {
            let n = n.min(train.len());
            let x = train.features();
            (
                x.slice_axis(ndarray::Axis(0), ndarray::Slice::from(..n))
                    .to_owned(),
                n,
            )
        };
        let (eval_x, eval_n) = match self.config.train_accuracy {
            TrainAccuracy::Evaluated { rows } => first_rows(rows),
            TrainAccuracy::Running => (Array2::zeros((0, 0)), 0),
        };
        let (probe_x, probe_n) = match self.config.layer_probe {
            LayerProbe::Rows(rows) => first_rows(rows),
            _ => (Array2::zeros((0, 0)), 0),
        };
        let tap_last = self.config.layer_probe == LayerProbe::LastBatch;
        let mut tape = Tape::new();
        let mut report = TrainReport {
            steps: Vec::new(),
            epochs: Vec::new(),
            progress: Progress::default(),
            stopped_early: false,
            warnings: Vec::new(),
        };
        while self.progress.epoch < self.config.epochs {
            let start = std::time::Instant::now();
            let epoch = self.progress.epoch;
            if let Some(s) = &self.schedule {
                optimizer
                    .set_learning_rate(s.learning_rate())
                    .map_err(|e| model_err(&e))?;
            }
            let lr = optimizer.learning_rate();
            let mut rng = epoch_rng(self.config.seed, epoch.into());
            let mut batches = Batches::new(train, self.config.batch_size, rng.random())
                .map_err(|e| model_err(&e))?;
            let n_batches = batches.batches_per_epoch();
            let (mut sum_data, mut sum_reg, mut ratios) = (0.0, 0.0, Vec::new());
            let (mut correct, mut seen, mut layers) = (0usize, 0usize, Vec::new());
            for b in 0..n_batches {
                let Some(batch) = batches.next_batch() else {
                    break;
                };
                let last = b + 1 == n_batches;
                tape.reset();
                let (data, reg, root, keys, full) = {
                    let mut ctx = Ctx::train(&tape).with_rng(&mut rng);
                    let x = tape.constant(batch.x.clone());
                    let (scores, taps) = if last && tap_last {
                        model.forward_taps(&mut ctx, x)
                    } else {
                        model.try_forward(&mut ctx, x).map(|s| (s, Vec::new()))
                    }
                    .map_err(|e| model_err(&e))?;
                    if self.config.train_accuracy == TrainAccuracy::Running {
                        correct += count_correct(&scores.value(), batch.labels);
                        seen += batch.labels.len();
                    }
                    let data = loss(scores, batch.labels);
                    let total = match &self.regularizer {
                        Some(r) => data + r.loss(&mut ctx, &model.params()),
                        None => data,
                    };
                    let reg = total.item().as_f64() - data.item().as_f64();
                    let keys = ParamGrads::leaf_keys(&ctx, &model.params());
                    // The layer statistics read interior gradients: that
                    // step keeps them all.
                    let full = (!taps.is_empty()).then(|| {
                        let gradients = total.backward();
                        layers = stats_of_taps(&taps, &gradients);
                        gradients
                    });
                    (data.item().as_f64(), reg, total.key(), keys, full)
                };
                // Otherwise backward consumes the recording, freeing each
                // activation once the sweep is past it (a lower peak; the
                // same bits). Either way the tape ends reset.
                let gradients = match full {
                    Some(gradients) => {
                        tape.reset();
                        gradients
                    }
                    None => tape
                        .try_backward_and_reset(root)
                        .map_err(|e| model_err(&e))?,
                };
                let params = model.params();
                let grads = ParamGrads::with_keys(gradients, &params, keys);
                let norms: Vec<(String, f64)> = params
                    .iter()
                    .map(|p| (p.name().to_string(), grads.get(p).map_or(0.0, norm)))
                    .collect();
                let step = self.progress.step;
                check_step(step, data + reg, self.progress.first_loss, &norms)?;
                self.progress.first_loss.get_or_insert(data + reg);
                let before: Vec<Array2<F>> = if last {
                    model.params().iter().map(|p| p.value().clone()).collect()
                } else {
                    Vec::new()
                };
                optimizer.step(&mut model.params_mut(), &grads);
                if let Some(p) = &mut self.polyak {
                    p.update(&model.params());
                }
                drop(grads);
                if last {
                    ratios = update_ratios(&before, &model.params());
                }
                sum_data += data;
                sum_reg += reg;
                report.steps.push(StepRecord {
                    step,
                    epoch,
                    data_loss: data,
                    reg_loss: reg,
                    lr,
                });
                self.progress.step += 1;
            }
            // Evaluation mode (with the Polyak averages swapped in, if any):
            // the validation set, and what the config asks of the training set.
            if let Some(p) = &mut self.polyak {
                p.swap(&mut model.params_mut());
            }
            let evaluated = (|| -> autograd::Result<_> {
                let train_acc = if eval_n > 0 {
                    evaluate(model, &eval_x, &train_labels[..eval_n], &loss)?.1
                } else {
                    correct as f64 / seen.max(1) as f64
                };
                let (val_loss, val_acc) = evaluate(model, val.features(), val_labels, &loss)?;
                if probe_n > 0 {
                    layers = layer_stats(model, &probe_x, &train_labels[..probe_n], &loss)?;
                }
                let values: Snapshot<F> = (
                    model.params().iter().map(|p| p.value().clone()).collect(),
                    model.named_buffers().into_iter().map(|(_, b)| b).collect(),
                );
                Ok((train_acc, val_loss, val_acc, values))
            })();
            if let Some(p) = &mut self.polyak {
                p.swap(&mut model.params_mut()); // back: training continues from the raw weights
            }
            let (train_acc, val_loss, val_acc, values) = evaluated.map_err(|e| model_err(&e))?;
            if let Some(s) = self.schedule.as_deref_mut() {
                s.observe(val_loss);
                s.advance();
            }
            let is_best = self.progress.best.as_ref().is_none_or(|b| {
                val_acc > b.val_acc || (val_acc == b.val_acc && val_loss < b.val_loss)
            });
            if is_best {
                self.progress.best = Some(Best {
                    epoch,
                    val_acc,
                    val_loss,
                    params: values.0,
                    buffers: values.1,
                });
                self.progress.since_best = 0;
            } else {
                self.progress.since_best += 1;
            }
            self.progress.epoch += 1;
            let n = n_batches.max(1) as f64;
            let warnings = ratio_warnings(&ratios);
            let record = EpochRecord {
                epoch,
                step: self.progress.step,
                lr,
                train_loss: sum_data / n,
                reg_loss: sum_reg / n,
                train_acc,
                val_loss,
                val_acc,
                seconds: start.elapsed().as_secs_f64(),
                update_ratios: ratios,
                layers,
            };
            observer(&EpochEnd {
                record: &record,
                is_best,
                model,
                optimizer,
                schedule: self.schedule.as_deref(),
                progress: &self.progress,
                warnings: &warnings,
                polyak: self.polyak.as_ref(),
            })
            .map_err(TrainError::Observer)?;
            report
                .warnings
                .extend(warnings.into_iter().map(|w| format!("epoch {epoch}: {w}")));
            report.epochs.push(record);
            if self
                .config
                .patience
                .is_some_and(|p| self.progress.since_best >= p)
                && self.progress.epoch < self.config.epochs
            {
                report.stopped_early = true;
                break;
            }
        }
        if self.config.restore_best
            && let Some(best) = &self.progress.best
        {
            for (p, v) in model.params_mut().into_iter().zip(&best.params) {
                p.set(v.clone());
            }
            model
                .set_buffers(&best.buffers)
                .map_err(|e| model_err(&e))?;
        }
        report.progress = self.progress.clone();
        Ok(report)
    }
}

/// How many rows of `scores` have their largest score at the label (the
/// first of tied maxima, as [`crate::predict`]; a NaN row counts as wrong,
/// and the divergence check stops the run right after).
fn count_correct<F: Float>(scores: &Array2<F>, labels: &[usize]) -> usize {
    let mut correct = 0;
    for (row, &label) in scores.rows().into_iter().zip(labels) {
        let mut best = 0;
        for (j, &v) in row.iter().enumerate() {
            if v > row[best] {
                best = j;
            }
        }
        correct += usize::from(best == label && !row[best].is_nan());
    }
    correct
}
