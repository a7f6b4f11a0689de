//! The safetensors encoding: arrays and string metadata to bytes and back,
//! with the checksum, through the `safetensors` crate.
//!
//! A file is the safetensors layout (8-byte little-endian header length, a
//! JSON header giving each tensor's `dtype`, `shape` and `data_offsets`
//! plus a `__metadata__` string→string map, then the raw little-endian
//! data), so PyTorch's, NumPy's or any reference loader reads it. Every
//! array is 2-D (`[rows, cols]`), `F32` for an `f32` model and `F64` for
//! an `f64` one. This crate adds two metadata entries:
//!
//! * `"nn.format"`: `"model/1"` or `"training/1"` — what wrote it;
//! * `"nn.crc32"`: eight hex digits, the [CRC-32](super) of the contents:
//!   for each other metadata entry in key order, then each tensor in name
//!   order, every field length-prefixed (u64 little-endian): key, value;
//!   name, dtype (`"F64"`), the shape's dimensions (u64 each) and the data
//!   bytes. Covering the metadata and names as well as the data, it
//!   catches a corrupted epoch or renamed tensor too.

use std::any::Any;
use std::collections::{BTreeMap, HashMap};

use autograd::Float;
use ndarray::Array2;
use safetensors::tensor::TensorView;
use safetensors::{Dtype, SafeTensors};

use super::crc32::Crc32;
use super::error::CheckpointError;

/// The metadata key of the format tag.
pub(crate) const FORMAT_KEY: &str = "nn.format";
/// The metadata key of the checksum.
pub(crate) const CHECKSUM_KEY: &str = "nn.crc32";

/// One tensor as read: element type, shape and little-endian bytes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RawTensor {
    pub(crate) dtype: Dtype,
    pub(crate) shape: Vec<usize>,
    pub(crate) data: Vec<u8>,
}

/// A decoded and checksum-verified file.
#[derive(Clone, Debug)]
pub(crate) struct Decoded {
    pub(crate) tensors: BTreeMap<String, RawTensor>,
    pub(crate) metadata: BTreeMap<String, String>,
}

/// The safetensors dtype of `F`: `F32` or `F64`.
pub(crate) fn dtype_of<F: Float>() -> Dtype {
    if std::mem::size_of::<F>() == 4 {
        Dtype::F32
    } else {
        Dtype::F64
    }
}

/// `a`'s entries in row-major order as little-endian bytes, bit for bit
/// (NaN payloads included: no conversion through another float type).
fn to_bytes<F: Float>(a: &Array2<F>) -> Vec<u8> {
    let any = a as &dyn Any;
    if let Some(a) = any.downcast_ref::<Array2<f32>>() {
        a.iter().flat_map(|v| v.to_le_bytes()).collect()
    } else if let Some(a) = any.downcast_ref::<Array2<f64>>() {
        a.iter().flat_map(|v| v.to_le_bytes()).collect()
    } else {
        // `Float` is sealed to f32 and f64.
        Vec::new()
    }
}

/// The inverse of [`to_bytes`] for an already validated `rows × cols`
/// tensor of `F`'s dtype.
fn from_bytes<F: Float>(data: &[u8], rows: usize, cols: usize) -> Option<Array2<F>> {
    let values: Box<dyn Any> = if dtype_of::<F>() == Dtype::F32 {
        let v: Vec<f32> = data
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Box::new(v)
    } else {
        let v: Vec<f64> = data
            .chunks_exact(8)
            .map(|c| f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect();
        Box::new(v)
    };
    let values = *values.downcast::<Vec<F>>().ok()?;
    Array2::from_shape_vec((rows, cols), values).ok()
}

/// Length-prefixes `bytes` into the checksum, so field boundaries count.
fn feed(crc: &mut Crc32, bytes: &[u8]) {
    crc.update(&(bytes.len() as u64).to_le_bytes());
    crc.update(bytes);
}

/// The checksum of `metadata` (its checksum entry skipped) and `tensors`,
/// as eight lowercase hex digits.
fn checksum<'a>(
    metadata: &BTreeMap<String, String>,
    tensors: impl Iterator<Item = (&'a str, &'a RawTensor)>,
) -> String {
    let mut crc = Crc32::new();
    for (k, v) in metadata.iter().filter(|(k, _)| *k != CHECKSUM_KEY) {
        feed(&mut crc, k.as_bytes());
        feed(&mut crc, v.as_bytes());
    }
    for (name, t) in tensors {
        feed(&mut crc, name.as_bytes());
        feed(&mut crc, t.dtype.to_string().as_bytes());
        crc.update(&(t.shape.len() as u64).to_le_bytes());
        for &d in &t.shape {
            crc.update(&(d as u64).to_le_bytes());
        }
        feed(&mut crc, &t.data);
    }
    format!("{:08x}", crc.finish())
}

/// Encodes `tensors` (names unique) and `metadata` (which must not use the
/// `nn.` keys but [`FORMAT_KEY`], set by the caller) as a safetensors file
/// with its checksum.
pub(crate) fn encode<F: Float>(
    tensors: &[(String, &Array2<F>)],
    mut metadata: BTreeMap<String, String>,
) -> Result<Vec<u8>, CheckpointError> {
    let mut raw = BTreeMap::new();
    for (name, a) in tensors {
        let t = RawTensor {
            dtype: dtype_of::<F>(),
            shape: vec![a.nrows(), a.ncols()],
            data: to_bytes(a),
        };
        if raw.insert(name.clone(), t).is_some() {
            return Err(CheckpointError::format(format!(
                "two tensors are named `{name}`"
            )));
        }
    }
    let sum = checksum(&metadata, raw.iter().map(|(k, v)| (k.as_str(), v)));
    metadata.insert(CHECKSUM_KEY.to_string(), sum);
    let mut views = Vec::with_capacity(raw.len());
    for (name, t) in &raw {
        let view = TensorView::new(t.dtype, t.shape.clone(), &t.data)
            .map_err(|e| CheckpointError::format(format!("tensor `{name}`: {e}")))?;
        views.push((name.as_str(), view));
    }
    let metadata: HashMap<String, String> = metadata.into_iter().collect();
    safetensors::serialize(views, Some(metadata))
        .map_err(|e| CheckpointError::format(format!("cannot encode: {e}")))
}

/// Decodes a file [`encode`] wrote and verifies its checksum.
///
/// # Errors
/// [`CheckpointError::Format`] if it is not a safetensors file (truncated,
/// bad header) or lacks the checksum; [`CheckpointError::Checksum`] if the
/// contents do not match it.
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded, CheckpointError> {
    let (_, meta) = SafeTensors::read_metadata(bytes)
        .map_err(|e| CheckpointError::format(format!("not a valid safetensors file: {e}")))?;
    let file = SafeTensors::deserialize(bytes)
        .map_err(|e| CheckpointError::format(format!("not a valid safetensors file: {e}")))?;
    let metadata: BTreeMap<String, String> = meta
        .metadata()
        .as_ref()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let tensors: BTreeMap<String, RawTensor> = file
        .iter()
        .map(|(name, view)| {
            let t = RawTensor {
                dtype: view.dtype(),
                shape: view.shape().to_vec(),
                data: view.data().to_vec(),
            };
            (name.to_string(), t)
        })
        .collect();
    let Some(stored) = metadata.get(CHECKSUM_KEY) else {
        return Err(CheckpointError::format(format!(
            "no `{CHECKSUM_KEY}` entry in the metadata: not a checkpoint this crate wrote"
        )));
    };
    let computed = checksum(&metadata, tensors.iter().map(|(k, v)| (k.as_str(), v)));
    if *stored != computed {
        return Err(CheckpointError::Checksum {
            stored: stored.clone(),
            computed,
        });
    }
    Ok(Decoded { tensors, metadata })
}

impl Decoded {
    /// The metadata entry `key`.
    pub(crate) fn meta(&self, key: &str) -> Result<&str, CheckpointError> {
        match self.metadata.get(key) {
            Some(v) => Ok(v),
            None => Err(CheckpointError::metadata(key, "missing")),
        }
    }

    /// Checks the format tag is `want`.
    pub(crate) fn expect_format(&self, want: &[&str]) -> Result<(), CheckpointError> {
        let found = self.meta(FORMAT_KEY)?;
        if want.contains(&found) {
            Ok(())
        } else {
            Err(CheckpointError::metadata(
                FORMAT_KEY,
                format!("expected one of {want:?}, found {found:?}"),
            ))
        }
    }

    /// Tensor `name` as an `F` array, checking it exists, has `F`'s dtype,
    /// is 2-D and, if given, has shape `want`.
    pub(crate) fn array<F: Float>(
        &self,
        name: &str,
        want: Option<(usize, usize)>,
    ) -> Result<Array2<F>, CheckpointError> {
        let Some(t) = self.tensors.get(name) else {
            return Err(CheckpointError::MissingTensor {
                name: name.to_string(),
            });
        };
        if t.dtype != dtype_of::<F>() {
            return Err(CheckpointError::Dtype {
                name: name.to_string(),
                expected: dtype_of::<F>().to_string(),
                found: t.dtype.to_string(),
            });
        }
        let shape_error = |expected: Vec<usize>| CheckpointError::Shape {
            name: name.to_string(),
            expected,
            found: t.shape.clone(),
        };
        let &[rows, cols] = t.shape.as_slice() else {
            let (r, c) = want.unwrap_or((0, 0));
            return Err(shape_error(vec![r, c]));
        };
        if let Some((r, c)) = want
            && (r, c) != (rows, cols)
        {
            return Err(shape_error(vec![r, c]));
        }
        from_bytes(&t.data, rows, cols).ok_or_else(|| {
            CheckpointError::format(format!("tensor `{name}`: data does not fit its shape"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn round_trips_bits_including_nan_payloads() {
        let a = array![
            [f32::from_bits(0x7fc0_1234), -0.0],
            [f32::MIN_POSITIVE / 3.0, 1.5]
        ];
        let bytes = encode(&[("a".to_string(), &a)], BTreeMap::new()).unwrap();
        let back: Array2<f32> = decode(&bytes).unwrap().array("a", Some((2, 2))).unwrap();
        let bits = |a: &Array2<f32>| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&back), bits(&a));
    }

    #[test]
    fn a_flipped_data_bit_or_metadata_byte_is_a_checksum_error() {
        let a = array![[1.0_f64, 2.0]];
        let meta = BTreeMap::from([("epoch".to_string(), "3".to_string())]);
        let bytes = encode(&[("a".to_string(), &a)], meta).unwrap();
        let mut flipped = bytes.clone();
        *flipped.last_mut().unwrap() ^= 1;
        assert!(matches!(
            decode(&flipped),
            Err(CheckpointError::Checksum { .. })
        ));
        // The header is JSON text: change the epoch's value, same length.
        let needle = b"\"epoch\":\"3\"";
        let at = bytes
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap();
        let mut edited = bytes.clone();
        edited[at + needle.len() - 2] = b'4';
        let e = decode(&edited).unwrap_err();
        assert!(matches!(e, CheckpointError::Checksum { .. }), "{e}");
    }

    #[test]
    fn truncation_and_garbage_are_format_errors() {
        let bytes = encode(&[("a".to_string(), &array![[1.0_f64]])], BTreeMap::new()).unwrap();
        for cut in [0, 4, 8, bytes.len() / 2, bytes.len() - 1] {
            let e = decode(&bytes[..cut]).unwrap_err();
            assert!(matches!(e, CheckpointError::Format { .. }), "{cut}: {e}");
        }
    }

    #[test]
    fn wrong_dtype_and_shape_name_the_tensor() {
        let bytes = encode(
            &[("w".to_string(), &array![[1.0_f32, 2.0]])],
            BTreeMap::new(),
        )
        .unwrap();
        let d = decode(&bytes).unwrap();
        let e = d.array::<f64>("w", None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "checkpoint: tensor `w` is F32 in the file, the model expects F64"
        );
        let e = d.array::<f32>("w", Some((2, 1))).unwrap_err();
        assert_eq!(
            e.to_string(),
            "checkpoint: tensor `w` is [1, 2] in the file, the model expects [2, 1]"
        );
        let e = d.array::<f32>("v", None).unwrap_err();
        assert!(matches!(e, CheckpointError::MissingTensor { name } if name == "v"));
    }
}
