//! [`TrialsError`]: every way reading or writing trial files can fail, each
//! naming the file (and line) at fault.

use std::fmt;
use std::io;
use std::path::PathBuf;

use crate::checkpoint::CheckpointError;

/// Why a trial spec, a results file, a job file or a per-trial result
/// could not be built, read or written.
///
/// ```
/// use nn::search::trials::TrialsError;
/// let e = TrialsError::Corrupt { path: "r.jsonl".into(), line: 3, detail: "expected value".into() };
/// assert_eq!(e.to_string(), "r.jsonl: line 3 is corrupt: expected value");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum TrialsError {
    /// Reading, writing, syncing or truncating `path` failed.
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What was being done (`"read"`, `"append to"`, …).
        op: &'static str,
        /// The operating system's error.
        source: io::Error,
    },
    /// A complete line (one that ends in a newline) of a JSON Lines file is
    /// not a valid record. Only the *last* line may be half-written; one in
    /// the middle means the file was damaged or edited.
    Corrupt {
        /// The file.
        path: PathBuf,
        /// The line number, counted from 1.
        line: usize,
        /// What is wrong with it.
        detail: String,
    },
    /// A trial's config is not a JSON object, or a record lacks a field.
    Invalid {
        /// What is wrong.
        detail: String,
    },
    /// `--trial N` asked for a line the job file does not have.
    NoSuchTrial {
        /// The job file.
        path: PathBuf,
        /// The requested position.
        trial: usize,
        /// How many trials the job file holds.
        count: usize,
    },
    /// An atomic write (job file, per-trial result) failed.
    Write(CheckpointError),
}

impl TrialsError {
    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Self::Io {
            path: path.into(),
            op,
            source,
        }
    }
}

impl fmt::Display for TrialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Io { path, op, source } => {
                write!(f, "trials: could not {op} {}: {source}", path.display())
            }
            Self::Corrupt { path, line, detail } => {
                write!(f, "{}: line {line} is corrupt: {detail}", path.display())
            }
            Self::Invalid { detail } => write!(f, "trials: {detail}"),
            Self::NoSuchTrial { path, trial, count } => write!(
                f,
                "{}: no trial {trial} (the job file holds {count}, numbered 0..{count})",
                path.display()
            ),
            Self::Write(e) => write!(f, "trials: {e}"),
        }
    }
}

impl std::error::Error for TrialsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            Self::Write(e) => Some(e),
            _ => None,
        }
    }
}

impl From<CheckpointError> for TrialsError {
    fn from(e: CheckpointError) -> Self {
        Self::Write(e)
    }
}
