//! [`TrainingCheckpoint`]: everything a run needs to continue bit for bit —
//! the model, named [`State`]s (optimizer, schedule, fitted preprocessing,
//! the trainer's own counters), the seed, epoch and step, and the config.
//!
//! # Layout in the file
//!
//! | what | where |
//! |---|---|
//! | model parameters and buffers | tensors `param/{i}:{name}`, `buffer/{j}:{name}` ([`model`](super::model)) |
//! | array `a` of state `key` | tensor `state/{key}/{a}` (`state/optim/0:fc1.W/m`) |
//! | kind of state `key` | metadata `state/{key}/kind` |
//! | scalar `s` of state `key` | metadata `state/{key}/scalar/{s}`, [exact](format_f64) |
//! | epochs completed, steps completed, seed | metadata `epoch`, `step`, `seed` (decimal) |
//! | the config | metadata `config` (JSON) |
//!
//! A state key is non-empty and has no `/`. Loading checks the checksum,
//! every tensor's name, dtype and shape against the model, that every
//! `state/` tensor belongs to a state with a kind, and parses every
//! metadata entry — all before the model is touched.

use std::collections::BTreeMap;
use std::path::Path;

use autograd::Float;
use ndarray::Array2;
use rand::rngs::StdRng;

use super::atomic::write_atomic;
use super::error::CheckpointError;
use super::file::{Decoded, decode};
use super::model::{STATE_PREFIX, TRAINING_FORMAT, apply, encode_with, read_file, read_model};
use super::seed::epoch_rng;
use crate::Module;
use crate::optim::State;

/// A training run's state at an epoch boundary, apart from the model
/// (which is saved from and loaded into the live `Module`).
///
/// ```
/// use nn::checkpoint::TrainingCheckpoint;
/// use nn::optim::State;
/// use nn::{Mlp, Module};
/// use rand::SeedableRng;
///
/// let build = || Mlp::<f64>::builder(&[2, 3, 2]).batch_norm(true)
///     .build(&mut rand::rngs::StdRng::seed_from_u64(0)).unwrap();
/// let net = build();
/// let mut momentum = State::new("momentum");
/// momentum.scalars.insert("lr".into(), 0.1);
/// momentum.arrays.insert("0:fc1.W/v".into(), ndarray::Array2::zeros((2, 3)));
/// let mut ckpt = TrainingCheckpoint::new(42, serde_json::json!({ "lr": 0.1, "epochs": 10 }));
/// ckpt.epoch = 3;
/// ckpt.step = 300;
/// ckpt.states.insert("optim".into(), momentum);
///
/// let path = std::env::temp_dir().join(format!("nn-doc-train-{}.safetensors", std::process::id()));
/// ckpt.save(&net, &path).unwrap();
/// let mut resumed = build();
/// let back = TrainingCheckpoint::<f64>::load(&mut resumed, &path).unwrap();
/// assert_eq!(back, ckpt);
/// assert_eq!(back.config["epochs"], 10);
/// std::fs::remove_file(&path).unwrap();
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct TrainingCheckpoint<F: Float> {
    /// Epochs completed: a resumed run starts epoch `epoch`.
    pub epoch: u64,
    /// Optimizer steps completed.
    pub step: u64,
    /// The run's seed; epoch `e` draws from [`epoch_rng`]`(seed, e)`.
    pub seed: u64,
    /// The run's configuration, as JSON.
    pub config: serde_json::Value,
    /// Named states: `"optim"`, `"schedule"`, `"preprocess"`, `"trainer"`
    /// (best metric so far, …) — whatever the trainer exports.
    pub states: BTreeMap<String, State<F>>,
}

/// `x` as a string that parses back to the same bits: Rust's shortest
/// round-trip decimal (`"0.1"`, `"-0.0"`, `"inf"`), or for NaN its bits
/// in hex (`"NaN:0x7ff8000000000000"`), keeping the payload.
///
/// ```
/// use nn::checkpoint::{format_f64, parse_f64};
/// for x in [0.1, -0.0, 1e-310, f64::MAX, f64::NEG_INFINITY, f64::from_bits(0x7ff8_0000_0000_0042)] {
///     assert_eq!(parse_f64(&format_f64(x)).unwrap().to_bits(), x.to_bits());
/// }
/// assert_eq!(format_f64(0.1), "0.1");
/// ```
pub fn format_f64(x: f64) -> String {
    if x.is_nan() {
        format!("NaN:0x{:016x}", x.to_bits())
    } else {
        format!("{x:?}")
    }
}

/// The inverse of [`format_f64`]; `None` if `s` is not one of its outputs
/// (or any decimal float Rust parses).
pub fn parse_f64(s: &str) -> Option<f64> {
    match s.strip_prefix("NaN:0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok().map(f64::from_bits),
        None => s.parse().ok(),
    }
}

/// The metadata key of state `key`'s kind.
fn kind_key(key: &str) -> String {
    format!("{STATE_PREFIX}{key}/kind")
}

/// The metadata key prefix of state `key`'s scalars.
fn scalar_prefix(key: &str) -> String {
    format!("{STATE_PREFIX}{key}/scalar/")
}

/// A `u64` metadata entry.
fn meta_u64(file: &Decoded, key: &str) -> Result<u64, CheckpointError> {
    let v = file.meta(key)?;
    v.parse()
        .map_err(|_| CheckpointError::metadata(key, format!("{v:?} is not a u64")))
}

impl<F: Float> TrainingCheckpoint<F> {
    /// A checkpoint at epoch 0, step 0, with no states.
    pub fn new(seed: u64, config: serde_json::Value) -> Self {
        TrainingCheckpoint {
            epoch: 0,
            step: 0,
            seed,
            config,
            states: BTreeMap::new(),
        }
    }

    /// The generator of the next epoch, `epoch_rng(seed, epoch)` — what a
    /// resumed run draws from first.
    pub fn next_epoch_rng(&self) -> StdRng {
        epoch_rng(self.seed, self.epoch)
    }

    /// The file's bytes: `model`'s tensors and this checkpoint.
    ///
    /// # Errors
    /// [`CheckpointError::Metadata`] for a state key that is empty or has
    /// a `/`.
    pub fn to_bytes<M: Module<F> + ?Sized>(&self, model: &M) -> Result<Vec<u8>, CheckpointError> {
        let mut meta = BTreeMap::new();
        meta.insert("epoch".to_string(), self.epoch.to_string());
        meta.insert("step".to_string(), self.step.to_string());
        meta.insert("seed".to_string(), self.seed.to_string());
        meta.insert("config".to_string(), self.config.to_string());
        let mut arrays: Vec<(String, &Array2<F>)> = Vec::new();
        for (key, state) in &self.states {
            if key.is_empty() || key.contains('/') {
                return Err(CheckpointError::metadata(
                    kind_key(key),
                    "a state key must be non-empty and free of '/'",
                ));
            }
            meta.insert(kind_key(key), state.kind.clone());
            for (name, &x) in &state.scalars {
                meta.insert(format!("{}{name}", scalar_prefix(key)), format_f64(x));
            }
            for (name, a) in &state.arrays {
                arrays.push((format!("{STATE_PREFIX}{key}/{name}"), a));
            }
        }
        encode_with(model, &arrays, meta, TRAINING_FORMAT)
    }

    /// Saves `model` and this checkpoint to `path`,
    /// [atomically](super::write_atomic).
    ///
    /// # Errors
    /// As [`to_bytes`](Self::to_bytes), and [`CheckpointError::Io`] if the
    /// file cannot be written (the old one is then intact).
    pub fn save<M: Module<F> + ?Sized>(
        &self,
        model: &M,
        path: &Path,
    ) -> Result<(), CheckpointError> {
        write_atomic(path, &self.to_bytes(model)?)
    }

    /// Loads a checkpoint written by [`save`](Self::save) into `model`
    /// (same architecture) and returns the rest. Everything is validated
    /// first: on an error the model is unchanged.
    ///
    /// # Errors
    /// [`CheckpointError::Io`] if it cannot be read; `Format` or
    /// `Checksum` for a damaged file or one [`save`](crate::save()) wrote;
    /// `MissingTensor`, `ExtraTensor`, `Shape`, `Dtype` naming the tensor;
    /// `Metadata` naming an entry that is missing or unparsable.
    pub fn load<M: Module<F> + ?Sized>(
        model: &mut M,
        path: &Path,
    ) -> Result<Self, CheckpointError> {
        Self::from_bytes(model, &read_file(path)?)
    }

    /// [`load`](Self::load) from bytes in memory.
    ///
    /// # Errors
    /// As [`load`](Self::load), but no `Io`.
    pub fn from_bytes<M: Module<F> + ?Sized>(
        model: &mut M,
        bytes: &[u8],
    ) -> Result<Self, CheckpointError> {
        let file = decode(bytes)?;
        file.expect_format(&[TRAINING_FORMAT])?;
        let values = read_model(&*model, &file, true)?;
        let config = file.meta("config")?;
        let config = serde_json::from_str(config)
            .map_err(|e| CheckpointError::metadata("config", format!("not JSON: {e}")))?;
        let ckpt = TrainingCheckpoint {
            epoch: meta_u64(&file, "epoch")?,
            step: meta_u64(&file, "step")?,
            seed: meta_u64(&file, "seed")?,
            config,
            states: read_states(&file)?,
        };
        // Everything is read and checked: only now touch the model.
        apply(model, values)?;
        Ok(ckpt)
    }
}

/// Every state in `file`: kinds and scalars from the metadata, arrays from
/// the `state/` tensors, each of which must belong to a state with a kind.
fn read_states<F: Float>(file: &Decoded) -> Result<BTreeMap<String, State<F>>, CheckpointError> {
    let mut states = BTreeMap::new();
    for (k, kind) in &file.metadata {
        let Some(key) = k
            .strip_prefix(STATE_PREFIX)
            .and_then(|r| r.strip_suffix("/kind"))
            .filter(|key| !key.is_empty() && !key.contains('/'))
        else {
            continue;
        };
        let mut state = State::new(kind.clone());
        let prefix = scalar_prefix(key);
        for (mk, v) in file.metadata.range(prefix.clone()..) {
            let Some(name) = mk.strip_prefix(&prefix) else {
                break;
            };
            let Some(x) = parse_f64(v) else {
                return Err(CheckpointError::metadata(
                    mk.clone(),
                    format!("{v:?} is not a float"),
                ));
            };
            state.scalars.insert(name.to_string(), x);
        }
        states.insert(key.to_string(), state);
    }
    // A scalar whose state has no kind would be dropped silently: refuse it.
    for k in file.metadata.keys() {
        let Some((key, _)) = k.strip_prefix(STATE_PREFIX).and_then(|r| r.split_once('/')) else {
            continue;
        };
        if !states.contains_key(key) {
            return Err(CheckpointError::metadata(
                k.clone(),
                format!("state `{key}` has no `{}` entry", kind_key(key)),
            ));
        }
    }
    for name in file.tensors.keys() {
        let Some(rest) = name.strip_prefix(STATE_PREFIX) else {
            continue;
        };
        let owner = rest.split_once('/').and_then(|(key, a)| {
            let state = states.get_mut(key)?;
            Some((state, a))
        });
        let Some((state, array_name)) = owner else {
            return Err(CheckpointError::ExtraTensor { name: name.clone() });
        };
        state
            .arrays
            .insert(array_name.to_string(), file.array(name, None)?);
    }
    Ok(states)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoint::file::{FORMAT_KEY, encode};
    use crate::checkpoint::model::TRAINING_FORMAT;
    use ndarray::array;

    /// A training file with no model tensors, `extra` metadata and one
    /// state tensor named `tensor`.
    fn file(extra: &[(&str, &str)], tensor: &str) -> Vec<u8> {
        let mut meta: BTreeMap<String, String> = [
            (FORMAT_KEY, TRAINING_FORMAT),
            ("epoch", "1"),
            ("step", "2"),
            ("seed", "3"),
            ("config", "{}"),
            ("state/optim/kind", "sgd"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (k, v) in extra {
            meta.insert(k.to_string(), v.to_string());
        }
        encode(&[(tensor.to_string(), &array![[1.0_f64]])], meta).unwrap()
    }

    fn load(bytes: &[u8]) -> Result<TrainingCheckpoint<f64>, CheckpointError> {
        TrainingCheckpoint::from_bytes(&mut crate::Sequential::<f64>::new(), bytes)
    }

    #[test]
    fn state_tensors_and_scalars_must_belong_to_a_state_with_a_kind() {
        let ok = load(&file(
            &[("state/optim/scalar/lr", "0.5")],
            "state/optim/0:W/v",
        ))
        .unwrap();
        assert_eq!(ok.states["optim"].scalar("lr"), Some(0.5));
        assert_eq!(ok.states["optim"].array("0:W/v"), Some(&array![[1.0]]));
        let e = load(&file(&[], "state/adam/0:W/m")).unwrap_err();
        assert!(
            matches!(&e, CheckpointError::ExtraTensor { name } if name == "state/adam/0:W/m"),
            "{e}"
        );
        let e = load(&file(&[("state/sched/scalar/lr", "1")], "state/optim/a")).unwrap_err();
        assert!(
            matches!(&e, CheckpointError::Metadata { key, .. } if key == "state/sched/scalar/lr"),
            "{e}"
        );
    }

    #[test]
    fn unparsable_metadata_is_named() {
        let e = load(&file(&[("state/optim/scalar/lr", "fast")], "state/optim/a")).unwrap_err();
        assert!(
            matches!(&e, CheckpointError::Metadata { key, .. } if key == "state/optim/scalar/lr"),
            "{e}"
        );
        let e = load(&file(&[("epoch", "-1")], "state/optim/a")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "checkpoint: metadata `epoch`: \"-1\" is not a u64"
        );
        let e = load(&file(&[("config", "{oops")], "state/optim/a")).unwrap_err();
        assert!(
            matches!(&e, CheckpointError::Metadata { key, .. } if key == "config"),
            "{e}"
        );
    }
}
