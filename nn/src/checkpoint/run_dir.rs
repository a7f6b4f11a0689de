//! [`RunDir`]: a run's directory holding its `last.safetensors` and
//! `best.safetensors` training checkpoints.
//!
//! The trainer calls [`RunDir::save`] at the end of every epoch, saying
//! whether the model is the best so far; it resumes from
//! [`RunDir::load_last`] and evaluates the file at [`RunDir::best_path`]
//! with [`crate::load()`]. When the epoch is the best, `best` is written
//! *before* `last`: a crash in between leaves `last` one epoch behind, so
//! the resumed run redoes that epoch and writes `best` again — the other
//! order could leave a `last` whose counters say a best was saved that
//! never reached `best`.

use std::path::{Path, PathBuf};

use autograd::Float;

use super::atomic::write_atomic;
use super::error::CheckpointError;
use super::training::TrainingCheckpoint;
use crate::Module;

/// The file name of the latest checkpoint.
pub const LAST: &str = "last.safetensors";
/// The file name of the best checkpoint.
pub const BEST: &str = "best.safetensors";

/// A run directory with `last` and `best` checkpoints.
///
/// ```
/// use nn::checkpoint::{RunDir, TrainingCheckpoint};
/// use nn::{Mlp, Module};
/// use rand::SeedableRng;
///
/// let dir = std::env::temp_dir().join(format!("nn-doc-run-{}", std::process::id()));
/// let run = RunDir::create(&dir).unwrap();
/// let mut net = Mlp::<f64>::builder(&[2, 3, 2]).build(&mut rand::rngs::StdRng::seed_from_u64(0)).unwrap();
/// assert!(run.load_last(&mut net).unwrap().is_none()); // a fresh run
///
/// let mut ckpt = TrainingCheckpoint::new(7, serde_json::json!({}));
/// ckpt.epoch = 1;
/// run.save(&ckpt, &net, true).unwrap(); // best so far: best and last
/// ckpt.epoch = 2;
/// run.save(&ckpt, &net, false).unwrap(); // last only
/// assert_eq!(run.load_last(&mut net).unwrap().unwrap().epoch, 2);
/// assert_eq!(run.load_best(&mut net).unwrap().unwrap().epoch, 1);
/// std::fs::remove_dir_all(&dir).unwrap();
/// ```
#[derive(Clone, Debug)]
pub struct RunDir {
    dir: PathBuf,
}

impl RunDir {
    /// Opens the run directory `dir`, creating it if needed.
    ///
    /// # Errors
    /// [`CheckpointError::Io`] if it cannot be created.
    pub fn create(dir: impl Into<PathBuf>) -> Result<Self, CheckpointError> {
        let dir = dir.into();
        std::fs::create_dir_all(&dir).map_err(|e| CheckpointError::io("create", &dir, e))?;
        Ok(RunDir { dir })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// `{dir}/last.safetensors`.
    pub fn last_path(&self) -> PathBuf {
        self.dir.join(LAST)
    }

    /// `{dir}/best.safetensors`.
    pub fn best_path(&self) -> PathBuf {
        self.dir.join(BEST)
    }

    /// Writes `ckpt` with `model` to `last`, and first to `best` if
    /// `is_best`; each file atomically. Encoded once.
    ///
    /// # Errors
    /// As [`TrainingCheckpoint::save`].
    pub fn save<F: Float, M: Module<F> + ?Sized>(
        &self,
        ckpt: &TrainingCheckpoint<F>,
        model: &M,
        is_best: bool,
    ) -> Result<(), CheckpointError> {
        let bytes = ckpt.to_bytes(model)?;
        if is_best {
            write_atomic(&self.best_path(), &bytes)?;
        }
        write_atomic(&self.last_path(), &bytes)
    }

    /// Loads `last` into `model`; `None` (model untouched) if there is no
    /// such file yet.
    ///
    /// # Errors
    /// As [`TrainingCheckpoint::load`].
    pub fn load_last<F: Float, M: Module<F> + ?Sized>(
        &self,
        model: &mut M,
    ) -> Result<Option<TrainingCheckpoint<F>>, CheckpointError> {
        load_if_present(model, &self.last_path())
    }

    /// Loads `best` into `model`; `None` if there is no such file yet.
    ///
    /// # Errors
    /// As [`TrainingCheckpoint::load`].
    pub fn load_best<F: Float, M: Module<F> + ?Sized>(
        &self,
        model: &mut M,
    ) -> Result<Option<TrainingCheckpoint<F>>, CheckpointError> {
        load_if_present(model, &self.best_path())
    }
}

/// [`TrainingCheckpoint::load`], or `None` if `path` does not exist.
fn load_if_present<F: Float, M: Module<F> + ?Sized>(
    model: &mut M,
    path: &Path,
) -> Result<Option<TrainingCheckpoint<F>>, CheckpointError> {
    match TrainingCheckpoint::load(model, path) {
        Ok(ckpt) => Ok(Some(ckpt)),
        Err(CheckpointError::Io { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}
