//! [`DataError`]: everything a loader, a split or a batch iterator can
//! report. Every variant names its source — the file (a path, or
//! `<memory>` for bytes handed over directly) or the data set — and says
//! what is wrong in words a user can act on.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// The name given to bytes that did not come from a file.
pub const MEMORY: &str = "<memory>";

/// A loader, split or batching error. Each variant's `file` is the path
/// read (or [`MEMORY`]); the `Display` message starts with it.
///
/// ```
/// use nn::data::{DataError, cifar};
///
/// let e = cifar::from_bytes::<f32>(&[0; 3075]).unwrap_err();
/// assert!(matches!(e, DataError::Truncated { .. }));
/// assert_eq!(
///     e.to_string(),
///     "<memory>: truncated: 3075 bytes is not a whole number of 3073-byte CIFAR-10 \
///      records (the last record has 2 bytes)"
/// );
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum DataError {
    /// The file could not be opened or read.
    Io {
        /// The path.
        file: PathBuf,
        /// The operating system's error.
        source: io::Error,
    },
    /// A directory was given where a file was expected.
    IsDirectory {
        /// The path.
        file: PathBuf,
    },
    /// The file has no bytes (or, for CSV, no data rows).
    Empty {
        /// The path.
        file: PathBuf,
    },
    /// The file is longer than the loader's limit; nothing was read.
    TooLarge {
        /// The path.
        file: PathBuf,
        /// The file's length in bytes, if its metadata gives one (a
        /// device or a pipe does not: it is cut at the limit).
        size: Option<u64>,
        /// The loader's limit in bytes.
        limit: u64,
    },
    /// The file ends before the data its header (or record size) promises.
    Truncated {
        /// The path.
        file: PathBuf,
        /// What was expected and what was found.
        detail: String,
    },
    /// The file does not start with the format's magic number.
    BadMagic {
        /// The path.
        file: PathBuf,
        /// The format expected (e.g. `"IDX images (0x00000803)"`).
        expected: &'static str,
        /// The first bytes found.
        found: u32,
    },
    /// The header's dimensions are unusable: zero where a size is needed,
    /// a product that overflows, or more than the loader's limit.
    BadDimensions {
        /// The path.
        file: PathBuf,
        /// Which dimensions and why.
        detail: String,
    },
    /// Bytes left over after the data the header describes.
    TrailingBytes {
        /// The path.
        file: PathBuf,
        /// How many bytes the header accounts for.
        expected: u64,
        /// How many there are.
        found: u64,
    },
    /// The gzip stream is corrupt (bad header, bad deflate data, CRC).
    Gzip {
        /// The path.
        file: PathBuf,
        /// The decoder's message.
        detail: String,
    },
    /// A label outside `0..classes`.
    LabelOutOfRange {
        /// The path (or data set name).
        file: PathBuf,
        /// Which example (0-based record or row index).
        index: usize,
        /// The label found.
        label: u64,
        /// The class count.
        classes: usize,
    },
    /// The image file and the label file disagree on the example count.
    CountMismatch {
        /// The image file.
        images: PathBuf,
        /// How many images it holds.
        image_count: usize,
        /// The label file.
        labels: PathBuf,
        /// How many labels it holds.
        label_count: usize,
    },
    /// A CSV cell is not what its column needs.
    Cell {
        /// The path.
        file: PathBuf,
        /// 1-based line number.
        line: usize,
        /// 1-based column number.
        column: usize,
        /// The cell as found (truncated to 40 characters).
        cell: String,
        /// What the column needs.
        expected: &'static str,
    },
    /// A CSV row with a different number of cells from the first row.
    Ragged {
        /// The path.
        file: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Cells on this line.
        found: usize,
        /// Cells on the first row.
        expected: usize,
    },
    /// The named label column is not in the CSV header (or there is no header).
    NoSuchColumn {
        /// The path.
        file: PathBuf,
        /// The column asked for.
        column: String,
        /// Why it was not found.
        detail: String,
    },
    /// A directory holds none of the files the loader looks for.
    NoFiles {
        /// The directory.
        file: PathBuf,
        /// The file names looked for.
        pattern: &'static str,
    },
    /// An argument or a data set does not fit what was asked of it (split
    /// fractions, a class too small to stratify, a batch size of 0, …).
    Invalid {
        /// The data set's name (for loaded data, its file).
        file: PathBuf,
        /// What is wrong.
        detail: String,
    },
}

/// Shorthand for loader results.
pub type Result<T> = std::result::Result<T, DataError>;

impl DataError {
    /// The file (or data set) the error is about.
    ///
    /// ```
    /// let e = nn::data::idx::from_bytes::<f32>(b"", b"").unwrap_err();
    /// assert_eq!(e.file().to_str(), Some("<memory>"));
    /// ```
    pub fn file(&self) -> &Path {
        match self {
            DataError::Io { file, .. }
            | DataError::IsDirectory { file }
            | DataError::Empty { file }
            | DataError::TooLarge { file, .. }
            | DataError::Truncated { file, .. }
            | DataError::BadMagic { file, .. }
            | DataError::BadDimensions { file, .. }
            | DataError::TrailingBytes { file, .. }
            | DataError::Gzip { file, .. }
            | DataError::LabelOutOfRange { file, .. }
            | DataError::Cell { file, .. }
            | DataError::Ragged { file, .. }
            | DataError::NoSuchColumn { file, .. }
            | DataError::NoFiles { file, .. }
            | DataError::Invalid { file, .. } => file,
            DataError::CountMismatch { images, .. } => images,
        }
    }

    pub(crate) fn invalid(name: &str, detail: impl Into<String>) -> Self {
        DataError::Invalid {
            file: PathBuf::from(name),
            detail: detail.into(),
        }
    }

    pub(crate) fn truncated(file: &Path, detail: impl Into<String>) -> Self {
        DataError::Truncated {
            file: file.to_path_buf(),
            detail: detail.into(),
        }
    }

    pub(crate) fn dims(file: &Path, detail: impl Into<String>) -> Self {
        DataError::BadDimensions {
            file: file.to_path_buf(),
            detail: detail.into(),
        }
    }
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let file = self.file().display();
        match self {
            DataError::Io { source, .. } => write!(f, "{file}: cannot read: {source}"),
            DataError::IsDirectory { .. } => {
                write!(f, "{file}: is a directory; expected a file")
            }
            DataError::Empty { .. } => write!(f, "{file}: empty: there is no data to load"),
            DataError::TooLarge {
                size: Some(size),
                limit,
                ..
            } => write!(
                f,
                "{file}: {size} bytes is more than this loader's limit of {limit} bytes"
            ),
            DataError::TooLarge {
                size: None, limit, ..
            } => write!(f, "{file}: more than {limit} bytes, this loader's limit"),
            DataError::Truncated { detail, .. } => write!(f, "{file}: truncated: {detail}"),
            DataError::BadMagic {
                expected, found, ..
            } => write!(
                f,
                "{file}: wrong magic number 0x{found:08x}; expected {expected} \
                 (is this the right file, or a different format?)"
            ),
            DataError::BadDimensions { detail, .. } => {
                write!(f, "{file}: bad dimensions in header: {detail}")
            }
            DataError::TrailingBytes {
                expected, found, ..
            } => write!(
                f,
                "{file}: {} trailing bytes: the header accounts for {expected} bytes, \
                 the file has {found}",
                found - expected
            ),
            DataError::Gzip { detail, .. } => write!(f, "{file}: corrupt gzip data: {detail}"),
            DataError::LabelOutOfRange {
                index,
                label,
                classes,
                ..
            } => write!(
                f,
                "{file}: label {label} of example {index} is out of range for {classes} classes"
            ),
            DataError::CountMismatch {
                images,
                image_count,
                labels,
                label_count,
            } => write!(
                f,
                "{}: {image_count} images, but {}: {label_count} labels; \
                 the counts must agree (are these files from the same set?)",
                images.display(),
                labels.display()
            ),
            DataError::Cell {
                line,
                column,
                cell,
                expected,
                ..
            } => write!(f, "{file}:{line}:{column}: cell {cell:?} is not {expected}"),
            DataError::Ragged {
                line,
                found,
                expected,
                ..
            } => write!(
                f,
                "{file}:{line}: {found} cells, but the first row has {expected}"
            ),
            DataError::NoSuchColumn { column, detail, .. } => {
                write!(f, "{file}: no label column {column:?}: {detail}")
            }
            DataError::NoFiles { pattern, .. } => {
                write!(f, "{file}: directory holds no {pattern} files")
            }
            DataError::Invalid { detail, .. } => write!(f, "{file}: {detail}"),
        }
    }
}

impl std::error::Error for DataError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DataError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}
