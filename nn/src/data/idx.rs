//! The IDX format of MNIST and Fashion-MNIST (`train-images-idx3-ubyte`,
//! `train-labels-idx1-ubyte`, raw or `.gz` as distributed).
//!
//! A file is a 4-byte magic number (`0x00 0x00`, type `0x08` for unsigned
//! bytes, the number of dimensions), one big-endian `u32` per dimension,
//! then the bytes in row-major order. Images are `0x00000803` (count ×
//! rows × cols; any `0x0000080N` with N ≥ 2 is accepted and its trailing
//! dimensions become the feature shape); labels are `0x00000801` (count).
//!
//! Nothing is allocated from the header before it is checked: the product
//! of the dimensions is computed with overflow checks and capped by
//! [`MAX_BYTES`] (or the [`IdxLoader`]'s own limit), a raw file must hold
//! exactly that many bytes after the header, and a gzipped one is
//! decompressed through a reader that stops one byte past the promise, so
//! a gzip bomb costs at most the limit. Gzip is recognised by its magic
//! bytes (`1f 8b`), not by the file name.
//!
//! ```
//! use nn::data::idx;
//! // Two 2×2 images and their labels, written by hand.
//! let images = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 64, 128, 255, 1, 2, 3, 4];
//! let labels = [0, 0, 8, 1, 0, 0, 0, 2, 7, 3];
//! let ds = idx::from_bytes::<f32>(&images, &labels).unwrap();
//! assert_eq!((ds.len(), ds.feature_shape()), (2, &[2, 2][..]));
//! assert_eq!(ds.features()[[0, 3]], 255.0); // raw pixel scale
//! assert_eq!(ds.labels().classes(), Some(&[7, 3][..]));
//! ```

use std::io::{self, Read};
use std::path::Path;

use autograd::Float;
use flate2::read::MultiGzDecoder;
use ndarray::Array2;

use crate::data::dataset::{Dataset, Labels};
use crate::data::error::{DataError, MEMORY, Result};
use crate::data::file;

/// The default cap on the data bytes one file's header may promise: 1 GiB
/// (MNIST's training images are 47 MB; EMNIST ByClass, the largest in the
/// family, 638 MB).
pub const MAX_BYTES: u64 = 1 << 30;

/// MNIST's and Fashion-MNIST's class count.
pub const CLASSES: usize = 10;

/// Fashion-MNIST's class names, by label.
pub const FASHION_CLASSES: [&str; 10] = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
];

const IMAGES: &str = "IDX unsigned-byte images (0x0000080N, N >= 2)";
const LABELS: &str = "IDX unsigned-byte labels (0x00000801)";

/// An IDX loader with its class count and size limit. [`load`] and
/// [`from_bytes`] use the defaults (10 classes, [`MAX_BYTES`]).
///
/// ```
/// use nn::data::idx::IdxLoader;
/// let small = IdxLoader { max_bytes: 16, ..IdxLoader::default() };
/// // 3 images of 3×3 = 27 bytes: over the limit, refused before allocating.
/// let images = [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 3, 0, 0, 0, 3];
/// let e = small.images::<f32>(&images, "<memory>".as_ref()).unwrap_err();
/// assert_eq!(
///     e.to_string(),
///     "<memory>: bad dimensions in header: 3×3×3 = 27 bytes is more than the limit of 16"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdxLoader {
    /// Labels must be below this.
    pub classes: usize,
    /// The most data bytes a header may promise (after decompression).
    pub max_bytes: u64,
}

impl Default for IdxLoader {
    fn default() -> Self {
        IdxLoader {
            classes: CLASSES,
            max_bytes: MAX_BYTES,
        }
    }
}

/// Loads an image file and a label file (each raw or gzipped) as one data
/// set named after the image file.
///
/// # Errors
/// Any [`DataError`] naming the file at fault; [`DataError::CountMismatch`]
/// when the two files hold different numbers of examples.
pub fn load<F: Float>(images: impl AsRef<Path>, labels: impl AsRef<Path>) -> Result<Dataset<F>> {
    IdxLoader::default().load(images, labels)
}

/// [`load`] from bytes in memory (raw or gzipped); errors name `<memory>`.
///
/// # Errors
/// As [`load`].
pub fn from_bytes<F: Float>(images: &[u8], labels: &[u8]) -> Result<Dataset<F>> {
    IdxLoader::default().from_bytes(images, labels)
}

impl IdxLoader {
    /// See [`load`].
    ///
    /// # Errors
    /// As [`load`].
    pub fn load<F: Float>(
        &self,
        images: impl AsRef<Path>,
        labels: impl AsRef<Path>,
    ) -> Result<Dataset<F>> {
        let (images, labels) = (images.as_ref(), labels.as_ref());
        // Room for the largest header and for deflate's worst-case growth.
        let max_file = self.max_bytes.saturating_add(1 << 16);
        let image_bytes = file::read(images, max_file)?;
        let label_bytes = file::read(labels, max_file)?;
        self.assemble(&image_bytes, images, &label_bytes, labels)
    }

    /// See [`from_bytes`].
    ///
    /// # Errors
    /// As [`load`].
    pub fn from_bytes<F: Float>(&self, images: &[u8], labels: &[u8]) -> Result<Dataset<F>> {
        self.assemble(images, MEMORY.as_ref(), labels, MEMORY.as_ref())
    }

    fn assemble<F: Float>(
        &self,
        image_bytes: &[u8],
        images: &Path,
        label_bytes: &[u8],
        labels: &Path,
    ) -> Result<Dataset<F>> {
        let (x, shape) = self.images::<F>(image_bytes, images)?;
        let y = self.labels(label_bytes, labels)?;
        if x.nrows() != y.len() {
            return Err(DataError::CountMismatch {
                images: images.to_path_buf(),
                image_count: x.nrows(),
                labels: labels.to_path_buf(),
                label_count: y.len(),
            });
        }
        let name = images.display().to_string();
        Dataset::new(name, x, Labels::Classes(y), self.classes, shape)
    }

    /// The images of an IDX image file's bytes (raw or gzipped): an N×D
    /// matrix in raw pixel scale and the feature shape (`[28, 28]`).
    /// `file` names the source in errors.
    ///
    /// # Errors
    /// [`DataError::Empty`], [`Truncated`](DataError::Truncated),
    /// [`BadMagic`](DataError::BadMagic), [`BadDimensions`](DataError::BadDimensions),
    /// [`TrailingBytes`](DataError::TrailingBytes), [`Gzip`](DataError::Gzip).
    pub fn images<F: Float>(&self, bytes: &[u8], file: &Path) -> Result<(Array2<F>, Vec<usize>)> {
        let (dims, data) = self.payload(bytes, file, IMAGES, |nd| nd >= 2)?;
        let n = dims[0];
        let shape = dims[1..].to_vec();
        if let Some(i) = shape.iter().position(|&d| d == 0) {
            return Err(DataError::dims(
                file,
                format!("image dimension {} is 0", i + 1),
            ));
        }
        // Checked by `header`: one image's size fits within the limit.
        let d: usize = shape.iter().product();
        let pixels: Vec<F> = data.iter().map(|&b| F::of(f64::from(b))).collect();
        match Array2::from_shape_vec((n, d), pixels) {
            Ok(x) => Ok((x, shape)),
            Err(e) => Err(DataError::dims(file, e.to_string())),
        }
    }

    /// The labels of an IDX label file's bytes (raw or gzipped), each
    /// checked against the class count.
    ///
    /// # Errors
    /// As [`images`](IdxLoader::images), plus
    /// [`LabelOutOfRange`](DataError::LabelOutOfRange).
    pub fn labels(&self, bytes: &[u8], file: &Path) -> Result<Vec<usize>> {
        let (_, data) = self.payload(bytes, file, LABELS, |nd| nd == 1)?;
        if let Some((index, &label)) = data
            .iter()
            .enumerate()
            .find(|(_, l)| usize::from(**l) >= self.classes)
        {
            return Err(DataError::LabelOutOfRange {
                file: file.to_path_buf(),
                index,
                label: u64::from(label),
                classes: self.classes,
            });
        }
        Ok(data.iter().map(|&l| usize::from(l)).collect())
    }

    /// The dimensions and data bytes of a raw or gzipped IDX file, checked.
    fn payload<'b>(
        &self,
        bytes: &'b [u8],
        file: &Path,
        expected: &'static str,
        ndims_ok: fn(usize) -> bool,
    ) -> Result<(Vec<usize>, std::borrow::Cow<'b, [u8]>)> {
        if bytes.is_empty() {
            return Err(DataError::Empty {
                file: file.to_path_buf(),
            });
        }
        if bytes.starts_with(&[0x1f, 0x8b]) {
            // Multi-member: `cat a.gz b.gz` is valid gzip, and bytes after the
            // last member are an error, not silently ignored.
            let mut gz = MultiGzDecoder::new(bytes);
            let (dims, size) = self.header(&mut gz, file, expected, ndims_ok)?;
            // Read at most one byte past the promise: memory stays bounded
            // by the (capped) header whatever the stream would inflate to.
            let mut data = Vec::new();
            let mut limited = (&mut gz).take(size + 1);
            limited
                .read_to_end(&mut data)
                .map_err(|e| stream_error(e, file, "the gzip stream"))?;
            let got = data.len() as u64;
            if got < size {
                return Err(DataError::truncated(
                    file,
                    format!("the header promises {size} data bytes, the stream has {got}"),
                ));
            }
            if got > size {
                // Count the rest (bounded by the limit) without keeping it.
                let rest = io::copy(&mut (&mut gz).take(self.max_bytes), &mut io::sink())
                    .map_err(|e| stream_error(e, file, "the gzip stream"))?;
                return Err(DataError::TrailingBytes {
                    file: file.to_path_buf(),
                    expected: size,
                    found: got + rest,
                });
            }
            Ok((dims, data.into()))
        } else {
            let mut reader = bytes;
            let (dims, size) = self.header(&mut reader, file, expected, ndims_ok)?;
            let got = reader.len() as u64;
            if got < size {
                return Err(DataError::truncated(
                    file,
                    format!("the header promises {size} data bytes, the file has {got}"),
                ));
            }
            if got > size {
                return Err(DataError::TrailingBytes {
                    file: file.to_path_buf(),
                    expected: size,
                    found: got,
                });
            }
            Ok((dims, reader.into()))
        }
    }

    /// Reads the magic number and dimensions; returns them and the data
    /// size they promise, checked for overflow and against the limit.
    fn header(
        &self,
        r: &mut impl Read,
        file: &Path,
        expected: &'static str,
        ndims_ok: fn(usize) -> bool,
    ) -> Result<(Vec<usize>, u64)> {
        let mut magic = [0u8; 4];
        r.read_exact(&mut magic)
            .map_err(|e| stream_error(e, file, "the 4-byte magic number"))?;
        let ndims = usize::from(magic[3]);
        if magic[..3] != [0, 0, 8] || !ndims_ok(ndims) {
            return Err(DataError::BadMagic {
                file: file.to_path_buf(),
                expected,
                found: u32::from_be_bytes(magic),
            });
        }
        // At most 255 dimensions: this buffer is bounded by the format.
        let mut dims = Vec::with_capacity(ndims);
        for i in 0..ndims {
            let mut d = [0u8; 4];
            r.read_exact(&mut d).map_err(|e| {
                stream_error(
                    e,
                    file,
                    &format!("dimension {} of {ndims} in the header", i + 1),
                )
            })?;
            dims.push(u32::from_be_bytes(d) as usize);
        }
        let show = |ds: &[usize]| {
            ds.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join("×")
        };
        let product = |ds: &[usize]| {
            ds.iter()
                .try_fold(1u64, |acc, &d| acc.checked_mul(d as u64))
        };
        // One item (an image) first: with a count of 0 the total is 0
        // whatever the other dimensions are, and they still become the
        // feature shape, so they must fit on their own.
        let item = &dims[1..];
        match product(item) {
            None => {
                return Err(DataError::dims(
                    file,
                    format!("one image of {} overflows", show(item)),
                ));
            }
            Some(s) if s > self.max_bytes => {
                return Err(DataError::dims(
                    file,
                    format!(
                        "one image of {} = {s} bytes is more than the limit of {}",
                        show(item),
                        self.max_bytes
                    ),
                ));
            }
            Some(_) => {}
        }
        match product(&dims) {
            None => Err(DataError::dims(file, format!("{} overflows", show(&dims)))),
            Some(s) if s > self.max_bytes => Err(DataError::dims(
                file,
                format!(
                    "{} = {s} bytes is more than the limit of {}",
                    show(&dims),
                    self.max_bytes
                ),
            )),
            Some(s) => Ok((dims, s)),
        }
    }
}

/// An I/O error while reading `what`: an early end is a truncation, any
/// other error comes from the gzip decoder.
fn stream_error(e: io::Error, file: &Path, what: &str) -> DataError {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        DataError::truncated(file, format!("the file ends inside {what}"))
    } else {
        DataError::Gzip {
            file: file.to_path_buf(),
            detail: e.to_string(),
        }
    }
}
