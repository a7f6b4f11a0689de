//! [`CheckpointError`]: every way saving or loading a checkpoint can fail,
//! each naming the file, tensor or metadata entry at fault.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why a checkpoint could not be saved or loaded. Loading reports the
/// first problem it finds and changes nothing (model, optimizer) on an
/// error.
///
/// ```
/// use nn::checkpoint::CheckpointError;
/// let e = CheckpointError::MissingTensor { name: "param/0:fc1.W".into() };
/// assert_eq!(e.to_string(), "checkpoint: tensor `param/0:fc1.W` is missing from the file");
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum CheckpointError {
    /// Reading, writing, syncing or renaming `path` failed.
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What was being done (`"read"`, `"rename"`, …).
        op: &'static str,
        /// The operating system's error.
        source: io::Error,
    },
    /// The bytes are not a safetensors file this crate wrote (bad header,
    /// truncated data, unknown format).
    Format {
        /// What is wrong.
        detail: String,
    },
    /// The checksum in the metadata does not match the contents: the file
    /// was corrupted after it was written.
    Checksum {
        /// The checksum written with the file.
        stored: String,
        /// The checksum of what was read.
        computed: String,
    },
    /// The model (or a state) expects a tensor the file lacks.
    MissingTensor {
        /// The tensor's name in the file.
        name: String,
    },
    /// The file holds a tensor the model does not expect.
    ExtraTensor {
        /// The tensor's name in the file.
        name: String,
    },
    /// A tensor has another shape than the model's.
    Shape {
        /// The tensor's name in the file.
        name: String,
        /// The model's shape.
        expected: Vec<usize>,
        /// The file's shape.
        found: Vec<usize>,
    },
    /// A tensor has another element type than the model's float type.
    Dtype {
        /// The tensor's name in the file.
        name: String,
        /// The model's (`"F32"` or `"F64"`).
        expected: String,
        /// The file's.
        found: String,
    },
    /// A metadata entry is missing or cannot be parsed.
    Metadata {
        /// The metadata key.
        key: String,
        /// What is wrong.
        detail: String,
    },
}

impl fmt::Display for CheckpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CheckpointError::Io { path, op, source } => {
                write!(f, "checkpoint: cannot {op} `{}`: {source}", path.display())
            }
            CheckpointError::Format { detail } => write!(f, "checkpoint: {detail}"),
            CheckpointError::Checksum { stored, computed } => write!(
                f,
                "checkpoint: checksum mismatch (file says {stored}, contents give {computed}): \
                 the file is corrupt"
            ),
            CheckpointError::MissingTensor { name } => {
                write!(f, "checkpoint: tensor `{name}` is missing from the file")
            }
            CheckpointError::ExtraTensor { name } => write!(
                f,
                "checkpoint: the file has tensor `{name}`, which the model does not expect"
            ),
            CheckpointError::Shape {
                name,
                expected,
                found,
            } => write!(
                f,
                "checkpoint: tensor `{name}` is {found:?} in the file, the model expects {expected:?}"
            ),
            CheckpointError::Dtype {
                name,
                expected,
                found,
            } => write!(
                f,
                "checkpoint: tensor `{name}` is {found} in the file, the model expects {expected}"
            ),
            CheckpointError::Metadata { key, detail } => {
                write!(f, "checkpoint: metadata `{key}`: {detail}")
            }
        }
    }
}

impl std::error::Error for CheckpointError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CheckpointError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl CheckpointError {
    /// An [`Io`](CheckpointError::Io) error for `op` on `path`.
    pub(crate) fn io(op: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        CheckpointError::Io {
            path: path.into(),
            op,
            source,
        }
    }

    /// A [`Format`](CheckpointError::Format) error.
    pub(crate) fn format(detail: impl Into<String>) -> Self {
        CheckpointError::Format {
            detail: detail.into(),
        }
    }

    /// A [`Metadata`](CheckpointError::Metadata) error for `key`.
    pub(crate) fn metadata(key: impl Into<String>, detail: impl Into<String>) -> Self {
        CheckpointError::Metadata {
            key: key.into(),
            detail: detail.into(),
        }
    }
}
