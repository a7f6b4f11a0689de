//! CIFAR-10's binary batches (`data_batch_1.bin` … `data_batch_5.bin`,
//! `test_batch.bin`): records of 1 label byte and 3072 pixel bytes —
//! 1024 red, 1024 green, 1024 blue, each a 32×32 row-major plane — so a
//! record's pixels are already channels-first (`[3, 32, 32]`).
//!
//! The format has no header: a file must be a whole number of records,
//! and every label must be below 10. A file is read only if it is no
//! longer than [`MAX_BYTES`].
//!
//! ```
//! use nn::data::cifar;
//! let mut bytes = vec![0u8; 2 * cifar::RECORD];
//! bytes[0] = 3; // cat
//! bytes[cifar::RECORD] = 9; // truck
//! bytes[1 + 1024] = 200; // green plane, first pixel, of record 0
//! let ds = cifar::from_bytes::<f32>(&bytes).unwrap();
//! assert_eq!((ds.len(), ds.feature_shape()), (2, &[3, 32, 32][..]));
//! assert_eq!(ds.image(0)[[1, 0, 0]], 200.0);
//! assert_eq!(ds.labels().classes(), Some(&[3, 9][..]));
//! assert_eq!(cifar::CLASS_NAMES[3], "cat");
//! ```

use std::fs;
use std::path::{Path, PathBuf};

use autograd::Float;
use ndarray::Array2;

use crate::data::dataset::{Dataset, Labels};
use crate::data::error::{DataError, MEMORY, Result};
use crate::data::file;

/// Bytes of one image: 3 channels × 32 × 32.
pub const PIXELS: usize = 3 * 32 * 32;
/// Bytes of one record: the label byte, then the pixels.
pub const RECORD: usize = 1 + PIXELS;
/// CIFAR-10's class count.
pub const CLASSES: usize = 10;
/// The largest file read: 1 GiB (a CIFAR-10 batch is 30,730,000 bytes).
pub const MAX_BYTES: u64 = 1 << 30;
/// The class names, by label (from `batches.meta.txt`).
pub const CLASS_NAMES: [&str; 10] = [
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
];

/// Loads one batch file, or every `data_batch_N.bin` in a directory in
/// order of N (the 50,000 training images, as torchvision's
/// `CIFAR10(train=True)`). For the test set pass `test_batch.bin` itself.
///
/// # Errors
/// [`DataError::NoFiles`] for a directory without batch files; otherwise
/// the first file's error (see [`from_bytes`]), naming it.
pub fn load<F: Float>(path: impl AsRef<Path>) -> Result<Dataset<F>> {
    let path = path.as_ref();
    if path.is_dir() {
        load_files(&train_batches(path)?)
    } else {
        load_files(&[path])
    }
}

/// Loads the given batch files, in order, as one data set.
///
/// # Errors
/// As [`load`]; [`DataError::Invalid`] for an empty list.
pub fn load_files<F: Float, P: AsRef<Path>>(paths: &[P]) -> Result<Dataset<F>> {
    let Some(first) = paths.first() else {
        return Err(DataError::invalid(MEMORY, "no CIFAR-10 files given"));
    };
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    for p in paths {
        let p = p.as_ref();
        let bytes = file::read(p, MAX_BYTES)?;
        decode(&bytes, p, &mut pixels, &mut labels)?;
    }
    let name = if paths.len() == 1 {
        first.as_ref().display().to_string()
    } else {
        let dir = first.as_ref().parent().unwrap_or(Path::new(""));
        format!("{} ({} batches)", dir.display(), paths.len())
    };
    assemble(name, pixels, labels)
}

/// A CIFAR-10 batch from bytes in memory; errors name `<memory>`.
///
/// # Errors
/// [`DataError::Empty`]; [`DataError::Truncated`] when the length is not
/// a whole number of records; [`DataError::LabelOutOfRange`].
pub fn from_bytes<F: Float>(bytes: &[u8]) -> Result<Dataset<F>> {
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    decode(bytes, MEMORY.as_ref(), &mut pixels, &mut labels)?;
    assemble(MEMORY.to_string(), pixels, labels)
}

/// `data_batch_N.bin` in `dir`, sorted by N.
fn train_batches(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries = fs::read_dir(dir).map_err(|source| DataError::Io {
        file: dir.to_path_buf(),
        source,
    })?;
    let mut found = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let number = name
            .strip_prefix("data_batch_")
            .and_then(|r| r.strip_suffix(".bin"))
            .and_then(|n| n.parse::<u32>().ok());
        if let Some(n) = number {
            found.push((n, entry.path()));
        }
    }
    if found.is_empty() {
        return Err(DataError::NoFiles {
            file: dir.to_path_buf(),
            pattern: "data_batch_N.bin",
        });
    }
    found.sort();
    Ok(found.into_iter().map(|(_, p)| p).collect())
}

/// Appends a batch's pixels and labels after checking its length and labels.
fn decode<F: Float>(
    bytes: &[u8],
    file: &Path,
    pixels: &mut Vec<F>,
    labels: &mut Vec<usize>,
) -> Result<()> {
    if bytes.is_empty() {
        return Err(DataError::Empty {
            file: file.to_path_buf(),
        });
    }
    let rest = bytes.len() % RECORD;
    if rest != 0 {
        return Err(DataError::truncated(
            file,
            format!(
                "{} bytes is not a whole number of {RECORD}-byte CIFAR-10 records \
                 (the last record has {rest} bytes)",
                bytes.len()
            ),
        ));
    }
    // Labels first: a bad file is rejected before its pixels are converted.
    for (index, record) in bytes.chunks_exact(RECORD).enumerate() {
        if usize::from(record[0]) >= CLASSES {
            return Err(DataError::LabelOutOfRange {
                file: file.to_path_buf(),
                index,
                label: u64::from(record[0]),
                classes: CLASSES,
            });
        }
    }
    pixels.reserve(bytes.len() / RECORD * PIXELS);
    for record in bytes.chunks_exact(RECORD) {
        labels.push(usize::from(record[0]));
        pixels.extend(record[1..].iter().map(|&b| F::of(f64::from(b))));
    }
    Ok(())
}

fn assemble<F: Float>(name: String, pixels: Vec<F>, labels: Vec<usize>) -> Result<Dataset<F>> {
    let x = match Array2::from_shape_vec((labels.len(), PIXELS), pixels) {
        Ok(x) => x,
        Err(e) => return Err(DataError::invalid(&name, e.to_string())),
    };
    Dataset::new(name, x, Labels::Classes(labels), CLASSES, vec![3, 32, 32])
}
