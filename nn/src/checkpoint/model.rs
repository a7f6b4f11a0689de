//! [`save`] and [`load`]: a model's parameters and buffers in a
//! safetensors file, without the trainer.
//!
//! # Tensor names
//!
//! Layer parameter names can collide (two layers may both call a weight
//! `"W"`), so a tensor is named by its **position** in the model's list
//! *and* its name:
//!
//! * parameter `i` of [`Module::params`]: `"param/{i}:{name}"`
//!   (`"param/0:fc1.W"`, `"param/2:bn1.gamma"`);
//! * buffer `j` of [`Module::named_buffers`]: `"buffer/{j}:{name}"`
//!   (`"buffer/0:bn1.running_mean"`).
//!
//! The position makes names unique; the name catches a file made by
//! another architecture (a layer added or renamed shows up as a missing
//! and an extra tensor). A model built by the same code maps 1:1.

use std::collections::BTreeMap;
use std::path::Path;

use autograd::Float;
use ndarray::Array2;

use super::atomic::write_atomic;
use super::error::CheckpointError;
use super::file::{Decoded, FORMAT_KEY, decode, encode};
use crate::Module;

/// Format tag of a file written by [`save`].
pub(crate) const MODEL_FORMAT: &str = "model/1";
/// Format tag of a file written by a training checkpoint.
pub(crate) const TRAINING_FORMAT: &str = "training/1";
/// The prefix of the optimizer/schedule/preprocessing state tensors.
pub(crate) const STATE_PREFIX: &str = "state/";

/// The tensor name of parameter `i` (in [`Module::params`] order) called
/// `name`.
///
/// ```
/// assert_eq!(nn::checkpoint::param_tensor_name(3, "fc2.W"), "param/3:fc2.W");
/// ```
pub fn param_tensor_name(i: usize, name: &str) -> String {
    format!("param/{i}:{name}")
}

/// The tensor name of buffer `j` (in [`Module::named_buffers`] order)
/// called `name`.
///
/// ```
/// assert_eq!(nn::checkpoint::buffer_tensor_name(1, "bn1.running_var"), "buffer/1:bn1.running_var");
/// ```
pub fn buffer_tensor_name(j: usize, name: &str) -> String {
    format!("buffer/{j}:{name}")
}

/// The model's tensors by file name: parameters, then buffers (copied).
fn model_tensors<F: Float, M: Module<F> + ?Sized>(model: &M) -> Vec<(String, Array2<F>)> {
    let params = model.params().into_iter().enumerate();
    let params = params.map(|(i, p)| (param_tensor_name(i, p.name()), p.value().clone()));
    let buffers = model.named_buffers().into_iter().enumerate();
    let buffers = buffers.map(|(j, (name, b))| (buffer_tensor_name(j, &name), b));
    params.chain(buffers).collect()
}

/// Encodes the model's tensors, `extra` tensors (state) and `metadata`.
pub(crate) fn encode_with<F: Float, M: Module<F> + ?Sized>(
    model: &M,
    extra: &[(String, &Array2<F>)],
    mut metadata: BTreeMap<String, String>,
    format: &str,
) -> Result<Vec<u8>, CheckpointError> {
    let owned = model_tensors(model);
    let mut tensors: Vec<(String, &Array2<F>)> =
        owned.iter().map(|(n, a)| (n.clone(), a)).collect();
    tensors.extend(extra.iter().map(|(n, a)| (n.clone(), *a)));
    metadata.insert(FORMAT_KEY.to_string(), format.to_string());
    metadata.insert("nn.model".to_string(), model.describe());
    encode(&tensors, metadata)
}

/// A model's values read from a file and checked against it, not yet
/// applied.
pub(crate) struct ModelValues<F: Float> {
    params: Vec<Array2<F>>,
    buffers: Vec<Array2<F>>,
}

/// Reads and checks every tensor `model` needs from `file`: each present,
/// of `F`'s dtype and the model's shape, and no parameter or buffer tensor
/// the model lacks. Tensors under `state/` are left to the caller
/// (`allow_state`) or are extra.
pub(crate) fn read_model<F: Float, M: Module<F> + ?Sized>(
    model: &M,
    file: &Decoded,
    allow_state: bool,
) -> Result<ModelValues<F>, CheckpointError> {
    let mut expected = Vec::new();
    let mut params = Vec::new();
    for (i, p) in model.params().into_iter().enumerate() {
        let name = param_tensor_name(i, p.name());
        params.push(file.array(&name, Some(p.value().dim()))?);
        expected.push(name);
    }
    let mut buffers = Vec::new();
    for (j, (name, b)) in model.named_buffers().into_iter().enumerate() {
        let name = buffer_tensor_name(j, &name);
        buffers.push(file.array(&name, Some(b.dim()))?);
        expected.push(name);
    }
    for name in file.tensors.keys() {
        let is_state = allow_state && name.starts_with(STATE_PREFIX);
        if !is_state && !expected.contains(name) {
            return Err(CheckpointError::ExtraTensor { name: name.clone() });
        }
    }
    Ok(ModelValues { params, buffers })
}

/// Puts checked `values` into `model`: buffers first (the one fallible
/// step, all or nothing), then parameters.
pub(crate) fn apply<F: Float, M: Module<F> + ?Sized>(
    model: &mut M,
    values: ModelValues<F>,
) -> Result<(), CheckpointError> {
    model
        .set_buffers(&values.buffers)
        .map_err(|e| CheckpointError::format(e.to_string()))?;
    for (p, v) in model.params_mut().into_iter().zip(values.params) {
        p.set(v);
    }
    Ok(())
}

/// Reads `path` whole.
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, CheckpointError> {
    std::fs::read(path).map_err(|e| CheckpointError::io("read", path, e))
}

/// Saves `model`'s parameters and buffers to `path` as a safetensors file,
/// [atomically](super::write_atomic). Names are in the [module doc](self).
///
/// ```
/// use nn::{Mlp, Module};
/// use rand::SeedableRng;
///
/// let build = |seed| Mlp::<f64>::builder(&[2, 4, 3]).batch_norm(true)
///     .build(&mut rand::rngs::StdRng::seed_from_u64(seed)).unwrap();
/// let net = build(0);
/// let path = std::env::temp_dir().join(format!("nn-doc-save-{}.safetensors", std::process::id()));
/// nn::save(&net, &path).unwrap();
///
/// let mut other = build(1); // other weights, same architecture
/// nn::load(&mut other, &path).unwrap();
/// let x = ndarray::array![[0.5, -1.0], [1.5, 0.2]];
/// assert_eq!(nn::predict(&other, &x), nn::predict(&net, &x));
/// std::fs::remove_file(&path).unwrap();
/// ```
///
/// # Errors
/// [`CheckpointError::Io`] if the file cannot be written (the old one is
/// then intact).
pub fn save<F: Float, M: Module<F> + ?Sized>(
    model: &M,
    path: &Path,
) -> Result<(), CheckpointError> {
    let bytes = encode_with(model, &[], BTreeMap::new(), MODEL_FORMAT)?;
    write_atomic(path, &bytes)
}

/// Loads parameters and buffers saved by [`save`] — or the model part of a
/// training checkpoint — from `path` into `model`, which must have the
/// same architecture. Everything is checked before anything is changed:
/// on an error the model is as it was.
///
/// ```
/// use nn::checkpoint::CheckpointError;
/// use nn::{Mlp, Module};
/// use rand::SeedableRng;
///
/// let mut rng = rand::rngs::StdRng::seed_from_u64(0);
/// let small = Mlp::<f64>::builder(&[2, 4, 3]).build(&mut rng).unwrap();
/// let path = std::env::temp_dir().join(format!("nn-doc-load-{}.safetensors", std::process::id()));
/// nn::save(&small, &path).unwrap();
///
/// let mut wide = Mlp::<f64>::builder(&[2, 5, 3]).build(&mut rng).unwrap();
/// let before = wide.params()[0].value().clone();
/// let e = nn::load(&mut wide, &path).unwrap_err();
/// assert!(matches!(&e, CheckpointError::Shape { name, .. } if name == "param/0:fc1.W"), "{e}");
/// assert_eq!(wide.params()[0].value(), &before); // untouched
/// std::fs::remove_file(&path).unwrap();
/// ```
///
/// # Errors
/// [`CheckpointError::Io`] if it cannot be read; `Format` or `Checksum` if
/// it is not an intact checkpoint; `MissingTensor`, `ExtraTensor`, `Shape`
/// or `Dtype` naming the first tensor that does not fit the model.
pub fn load<F: Float, M: Module<F> + ?Sized>(
    model: &mut M,
    path: &Path,
) -> Result<(), CheckpointError> {
    let file = decode(&read_file(path)?)?;
    file.expect_format(&[MODEL_FORMAT, TRAINING_FORMAT])?;
    // A training checkpoint's state tensors are not the model's: skip them.
    let allow_state = file.meta(FORMAT_KEY)? == TRAINING_FORMAT;
    let values = read_model(model, &file, allow_state)?;
    apply(model, values)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Sequential;
    use crate::layers::BatchNorm;
    use ndarray::array;

    /// A file with batch norm `bn1` over 2 columns whose running mean is `mean`.
    fn file_with_mean(mean: &Array2<f64>, with_var: bool) -> Decoded {
        let (g, b, v) = (array![[1.0, 1.0]], array![[0.0, 0.0]], array![[2.0, 3.0]]);
        let mut tensors = vec![
            ("param/0:bn1.gamma".to_string(), &g),
            ("param/1:bn1.beta".to_string(), &b),
            ("buffer/0:bn1.running_mean".to_string(), mean),
        ];
        if with_var {
            tensors.push(("buffer/1:bn1.running_var".to_string(), &v));
        }
        let meta = BTreeMap::from([(FORMAT_KEY.to_string(), MODEL_FORMAT.to_string())]);
        decode(&encode(&tensors, meta).unwrap()).unwrap()
    }

    #[test]
    fn buffers_are_checked_by_name_and_shape_like_parameters() {
        let seq = Sequential::new().push(BatchNorm::<f64>::new("bn1", 2));
        let Err(e) = read_model(&seq, &file_with_mean(&array![[0.5, 0.5, 0.5]], true), false)
        else {
            panic!("a 1×3 running mean was accepted");
        };
        assert!(
            matches!(&e, CheckpointError::Shape { name, .. } if name == "buffer/0:bn1.running_mean"),
            "{e}"
        );
        let Err(e) = read_model(&seq, &file_with_mean(&array![[0.5, 0.5]], false), false) else {
            panic!("a missing running variance was accepted");
        };
        assert!(
            matches!(&e, CheckpointError::MissingTensor { name } if name == "buffer/1:bn1.running_var"),
            "{e}"
        );

        let mut seq = seq;
        let values = read_model(&seq, &file_with_mean(&array![[0.5, -0.5]], true), false).unwrap();
        apply(&mut seq, values).unwrap();
        assert_eq!(seq.buffers(), [array![[0.5, -0.5]], array![[2.0, 3.0]]]);
    }
}
