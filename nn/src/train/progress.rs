//! [`Progress`]: where a run stands between epochs — what a resumed run
//! needs besides the model, the optimizer and the schedule — and the
//! [`Best`] epoch's values.

use autograd::Float;
use ndarray::Array2;

use crate::optim::State;

/// The best epoch so far and the model's values then.
#[derive(Debug, Clone, PartialEq)]
pub struct Best<F> {
    /// The epoch (0-based).
    pub epoch: u32,
    /// Its validation accuracy (higher is better; ties go to lower loss).
    pub val_acc: f64,
    /// Its validation loss.
    pub val_loss: f64,
    /// Every parameter's value, in `Module::params` order.
    pub params: Vec<Array2<F>>,
    /// Every buffer's value (batch norm running statistics).
    pub buffers: Vec<Array2<F>>,
}

/// A model's parameter values and buffer values, in `Module` order.
pub type Snapshot<F> = (Vec<Array2<F>>, Vec<Array2<F>>);

/// Where a run stands between epochs: what a resumed run needs besides the
/// model, optimizer and schedule.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Progress<F> {
    /// Epochs done.
    pub epoch: u32,
    /// Steps done.
    pub step: u64,
    /// The run's first loss (the divergence test's reference).
    pub first_loss: Option<f64>,
    /// Epochs since the best one.
    pub since_best: u32,
    /// The best epoch.
    pub best: Option<Best<F>>,
}

impl<F: Float> Progress<F> {
    /// The counters as a [`State`] of kind `"progress"` (the best
    /// parameters are not in it: they are the `best` checkpoint).
    pub fn export(&self) -> State<F> {
        let mut s = State::new("progress");
        let mut put = |k: &str, v: f64| s.scalars.insert(k.into(), v);
        put("epoch", self.epoch.into());
        put("step", self.step as f64);
        put("first_loss", self.first_loss.unwrap_or(f64::NAN));
        put("since_best", self.since_best.into());
        if let Some(b) = &self.best {
            put("best_epoch", b.epoch.into());
            put("best_val_acc", b.val_acc);
            put("best_val_loss", b.val_loss);
        }
        s
    }

    /// Rebuilds progress from [`export`](Self::export) and the best
    /// model's parameters and buffers (from the `best` checkpoint).
    pub fn restore(state: &State<F>, best: Option<Snapshot<F>>) -> Self {
        let get = |k: &str| state.scalars.get(k).copied();
        let first = get("first_loss").filter(|v| !v.is_nan());
        let best = match (best, get("best_epoch")) {
            (Some((params, buffers)), Some(e)) => Some(Best {
                epoch: e as u32,
                val_acc: get("best_val_acc").unwrap_or(0.0),
                val_loss: get("best_val_loss").unwrap_or(f64::INFINITY),
                params,
                buffers,
            }),
            _ => None,
        };
        Progress {
            epoch: get("epoch").unwrap_or(0.0) as u32,
            step: get("step").unwrap_or(0.0) as u64,
            first_loss: first,
            since_best: get("since_best").unwrap_or(0.0) as u32,
            best,
        }
    }
}
