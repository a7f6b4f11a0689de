//! Checkpoints (issue 12): a model saved and reloaded predicts exactly as
//! before, buffers included; every mismatch is a typed error naming the
//! tensor and leaves the model unchanged; a damaged file is refused; the
//! file is plain safetensors (checked by parsing the header by hand); a
//! training checkpoint round-trips its states bit for bit.

use std::fs;
use std::path::PathBuf;

use autograd::Float;
use autograd::Tape;
use ndarray::{Array2, array};
use nn::checkpoint::{CheckpointError, RunDir, TrainingCheckpoint};
use nn::init::{BiasInit, Init};
use nn::layers::{Activation, Affine};
use nn::optim::State;
use nn::{Ctx, Mlp, Module, Sequential, losses};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// A fresh scratch directory for one test.
fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nn-ckpt-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every parameter and buffer as raw bits (−0 ≠ +0, NaN = NaN).
fn fingerprint<F: Float>(model: &dyn Module<F>) -> Vec<Vec<u64>> {
    let bits = |a: &Array2<F>| a.iter().map(|v| v.as_f64().to_bits()).collect::<Vec<_>>();
    let params = model.params().into_iter().map(|p| bits(p.value()));
    params.chain(model.buffers().iter().map(bits)).collect()
}

fn net<F: Float>(sizes: &[usize], bn: bool, seed: u64) -> Mlp<F> {
    Mlp::<F>::builder(sizes)
        .activation(Activation::Tanh)
        .batch_norm(bn)
        .dropout(0.8)
        .build(&mut StdRng::seed_from_u64(seed))
        .unwrap()
}

fn data<F: Float>() -> (Array2<F>, Vec<usize>) {
    let x = Array2::from_shape_fn((8, 3), |(i, j)| {
        F::of(((i * 3 + j) as f64 * 0.37).sin() * 2.0)
    });
    (x, vec![0, 1, 2, 1, 0, 2, 2, 1])
}

/// A few SGD steps: parameters and running statistics move off their start.
fn train<F: Float>(net: &mut Mlp<F>, steps: u64) {
    let (x, labels) = data::<F>();
    for step in 0..steps {
        let tape = Tape::new();
        let mut ctx = Ctx::train(&tape).with_seed(step);
        let loss =
            losses::softmax_cross_entropy(net.forward(&mut ctx, tape.constant(x.clone())), &labels);
        let grads = loss.backward();
        let g: Vec<_> = net
            .params()
            .iter()
            .map(|p| ctx.grad(&grads, p).unwrap().clone())
            .collect();
        for (p, g) in net.params_mut().into_iter().zip(g) {
            p.update(|w| w.scaled_add(F::of(-0.3), &g));
        }
    }
}

fn reload_predicts_exactly<F: Float>() {
    let dir = scratch(&format!("reload{}", std::mem::size_of::<F>()));
    let path = dir.join("model.safetensors");
    let mut trained = net::<F>(&[3, 6, 5, 3], true, 1);
    train(&mut trained, 5);
    let running_mean = &trained.named_buffers()[0];
    assert_eq!(running_mean.0, "bn1.running_mean");
    assert!(
        running_mean.1.iter().all(|&v| v != F::zero()),
        "buffers moved"
    );
    nn::save(&trained, &path).unwrap();

    let (x, _) = data::<F>();
    let mut fresh = net::<F>(&[3, 6, 5, 3], true, 2);
    assert_ne!(nn::predict(&fresh, &x), nn::predict(&trained, &x));
    // Parameters alone are not enough: the running statistics matter in eval.
    for (p, q) in fresh.params_mut().into_iter().zip(trained.params()) {
        p.set(q.value().clone());
    }
    assert_ne!(nn::predict(&fresh, &x), nn::predict(&trained, &x));

    nn::load(&mut fresh, &path).unwrap();
    assert_eq!(fingerprint(&fresh), fingerprint(&trained));
    let bits = |a: Array2<F>| a.mapv(|v| v.as_f64().to_bits());
    assert_eq!(
        bits(nn::predict(&fresh, &x)),
        bits(nn::predict(&trained, &x))
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_reloaded_model_predicts_exactly_as_before_f32_and_f64() {
    reload_predicts_exactly::<f32>();
    reload_predicts_exactly::<f64>();
}

#[test]
fn tensor_names_are_position_and_name_so_equal_layer_names_do_not_collide() {
    let mut rng = StdRng::seed_from_u64(0);
    let fc = |rng: &mut StdRng| Affine::<f64>::new("fc", 2, 2, Init::He, BiasInit::ZERO, rng);
    let twins = Sequential::new().push(fc(&mut rng)).push(fc(&mut rng));
    let dir = scratch("twins");
    let path = dir.join("twins.safetensors");
    nn::save(&twins, &path).unwrap();
    let mut other = Sequential::new().push(fc(&mut rng)).push(fc(&mut rng));
    nn::load(&mut other, &path).unwrap();
    assert_eq!(fingerprint(&other), fingerprint(&twins));
    let names = header(&fs::read(&path).unwrap());
    let names: Vec<&str> = names
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(
        names,
        [
            "__metadata__",
            "param/0:fc.W",
            "param/1:fc.b",
            "param/2:fc.W",
            "param/3:fc.b"
        ]
    );
    fs::remove_dir_all(&dir).unwrap();
}

/// Loads `path` into `model`, expects an error, and checks the model is
/// bit for bit unchanged.
fn refused<F: Float>(model: &mut dyn Module<F>, path: &std::path::Path) -> CheckpointError {
    let before = fingerprint(model);
    let e = nn::load(model, path).unwrap_err();
    assert_eq!(fingerprint(model), before, "the model changed on error {e}");
    e
}

#[test]
fn missing_extra_misshaped_and_wrong_dtype_tensors_are_named_and_change_nothing() {
    let dir = scratch("mismatch");
    let file = |name: &str| dir.join(name);
    nn::save(
        &net::<f64>(&[3, 4, 3], false, 0),
        &file("plain.safetensors"),
    )
    .unwrap();
    nn::save(&net::<f64>(&[3, 4, 3], true, 0), &file("bn.safetensors")).unwrap();
    nn::save(&net::<f32>(&[3, 4, 3], true, 0), &file("bn32.safetensors")).unwrap();

    let mut bn = net::<f64>(&[3, 4, 3], true, 9);
    train(&mut bn, 2);
    let e = refused(&mut bn, &file("plain.safetensors"));
    assert!(
        matches!(&e, CheckpointError::MissingTensor { name } if name == "param/2:bn1.gamma"),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "checkpoint: tensor `param/2:bn1.gamma` is missing from the file"
    );

    let e = refused(&mut bn, &file("bn32.safetensors"));
    assert!(
        matches!(&e, CheckpointError::Dtype { name, .. } if name == "param/0:fc1.W"),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("is F32 in the file, the model expects F64"),
        "{e}"
    );

    let mut wide = net::<f64>(&[3, 5, 3], true, 9);
    let e = refused(&mut wide, &file("bn.safetensors"));
    assert!(
        matches!(&e, CheckpointError::Shape { name, expected, found }
        if name == "param/0:fc1.W" && expected == &[3, 5] && found == &[3, 4]),
        "{e}"
    );

    // A model that is a prefix of the saved one: the rest is extra.
    let mut rng = StdRng::seed_from_u64(0);
    let mut fc1 = Sequential::new().push(Affine::<f64>::new(
        "fc1",
        3,
        4,
        Init::He,
        BiasInit::ZERO,
        &mut rng,
    ));
    let e = refused(&mut fc1, &file("plain.safetensors"));
    assert!(
        matches!(&e, CheckpointError::ExtraTensor { name } if name == "param/2:fc2.W"),
        "{e}"
    );
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_damaged_or_foreign_file_is_refused_and_changes_nothing() {
    let dir = scratch("damaged");
    let path = dir.join("m.safetensors");
    let mut model = net::<f64>(&[3, 4, 3], true, 0);
    train(&mut model, 2);
    nn::save(&model, &path).unwrap();
    let good = fs::read(&path).unwrap();

    let mut flipped = good.clone();
    let at = flipped.len() - 5;
    flipped[at] ^= 0x04;
    fs::write(&path, &flipped).unwrap();
    let mut other = net::<f64>(&[3, 4, 3], true, 1);
    assert!(matches!(
        refused(&mut other, &path),
        CheckpointError::Checksum { .. }
    ));

    fs::write(&path, &good[..good.len() - 8]).unwrap();
    assert!(matches!(
        refused(&mut other, &path),
        CheckpointError::Format { .. }
    ));

    // A valid safetensors file not written by this crate: no checksum.
    let w = [0u8; 8];
    let view =
        safetensors::tensor::TensorView::new(safetensors::Dtype::F64, vec![1, 1], &w).unwrap();
    fs::write(
        &path,
        safetensors::serialize([("param/0:fc1.W", view)], None).unwrap(),
    )
    .unwrap();
    let e = refused(&mut other, &path);
    assert!(e.to_string().contains("nn.crc32"), "{e}");

    let e = refused(&mut other, &dir.join("absent.safetensors"));
    assert!(matches!(&e, CheckpointError::Io { op: "read", .. }), "{e}");
    fs::remove_dir_all(&dir).unwrap();
}

/// The JSON header of a safetensors file, read by hand per the spec.
fn header(bytes: &[u8]) -> serde_json::Value {
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    serde_json::from_slice(&bytes[8..8 + n]).unwrap()
}

#[test]
fn the_file_follows_the_safetensors_layout_parsed_by_hand() {
    let dir = scratch("layout");
    let path = dir.join("m.safetensors");
    let mut model = net::<f32>(&[3, 4, 3], true, 0);
    train(&mut model, 2);
    nn::save(&model, &path).unwrap();
    let bytes = fs::read(&path).unwrap();

    // 8-byte little-endian header length, then that much JSON, then data.
    let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    assert_eq!((8 + n) % 8, 0, "the data starts 8-byte aligned");
    let data = &bytes[8 + n..];
    let head = header(&bytes);
    let head = head.as_object().unwrap();
    let meta = head["__metadata__"].as_object().unwrap();
    assert_eq!(meta["nn.format"], "model/1");
    assert_eq!(meta["nn.crc32"].as_str().unwrap().len(), 8);
    assert!(
        meta.values().all(|v| v.is_string()),
        "metadata is a string map"
    );

    let mut expected: Vec<(String, Array2<f32>)> = model
        .params()
        .iter()
        .enumerate()
        .map(|(i, p)| (format!("param/{i}:{}", p.name()), p.value().clone()))
        .collect();
    for (j, (name, b)) in model.named_buffers().into_iter().enumerate() {
        expected.push((format!("buffer/{j}:{name}"), b));
    }
    assert_eq!(head.len(), expected.len() + 1);
    let mut spans = Vec::new();
    for (name, value) in &expected {
        let entry = &head[name.as_str()];
        assert_eq!(entry["dtype"], "F32", "{name}");
        assert_eq!(
            entry["shape"],
            serde_json::json!([value.nrows(), value.ncols()]),
            "{name}"
        );
        let (a, b) = (
            entry["data_offsets"][0].as_u64().unwrap() as usize,
            entry["data_offsets"][1].as_u64().unwrap() as usize,
        );
        let le: Vec<u8> = value.iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(
            &data[a..b],
            le.as_slice(),
            "{name}: row-major little-endian"
        );
        spans.push((a, b));
    }
    // The offsets tile the data section exactly.
    spans.sort();
    assert_eq!(spans[0].0, 0);
    assert!(spans.windows(2).all(|w| w[0].1 == w[1].0));
    assert_eq!(spans.last().unwrap().1, data.len());
    fs::remove_dir_all(&dir).unwrap();
}

fn odd_state() -> State<f64> {
    let mut s = State::new("momentum");
    for (k, v) in [
        ("lr", 0.1),
        ("neg_zero", -0.0),
        ("tiny", 4.9e-324),
        ("inf", f64::INFINITY),
        ("nan", f64::from_bits(0x7ff8_dead_beef_0001)),
        ("t", 12345.0),
    ] {
        s.scalars.insert(k.into(), v);
    }
    s.arrays.insert(
        "0:fc1.W/v".into(),
        Array2::from_shape_fn((3, 4), |(i, j)| (i as f64 - j as f64) / 7.0),
    );
    s.arrays.insert(
        "1:fc1.b/v".into(),
        array![[-0.0, f64::MIN_POSITIVE, 1e300, 3.0]],
    );
    s
}

#[test]
fn a_training_checkpoint_round_trips_states_scalars_and_counters_bit_for_bit() {
    let dir = scratch("training");
    let path = dir.join("last.safetensors");
    let mut model = net::<f64>(&[3, 4, 3], true, 0);
    train(&mut model, 3);
    let mut ckpt = TrainingCheckpoint::new(
        u64::MAX - 1,
        serde_json::json!({"lr": 0.1, "layers": [3, 4, 3]}),
    );
    ckpt.epoch = 7;
    ckpt.step = 1 << 40;
    ckpt.states.insert("optim".into(), odd_state());
    let mut pre = State::new("standardize");
    pre.arrays.insert("mean".into(), array![[1.0, 2.0, 3.0]]);
    ckpt.states.insert("preprocess".into(), pre);
    ckpt.states.insert("trainer".into(), State::new("trainer"));
    ckpt.save(&model, &path).unwrap();

    let mut other = net::<f64>(&[3, 4, 3], true, 5);
    let back = TrainingCheckpoint::<f64>::load(&mut other, &path).unwrap();
    assert_eq!(fingerprint(&other), fingerprint(&model));
    let scalar_bits = |c: &TrainingCheckpoint<f64>| {
        c.states["optim"]
            .scalars
            .values()
            .map(|v| v.to_bits())
            .collect::<Vec<_>>()
    };
    assert_eq!(scalar_bits(&back), scalar_bits(&ckpt));
    let array_bits = |c: &TrainingCheckpoint<f64>| {
        c.states["optim"]
            .arrays
            .values()
            .flat_map(|a| a.iter().map(|v| v.to_bits()).collect::<Vec<_>>())
            .collect::<Vec<_>>()
    };
    assert_eq!(array_bits(&back), array_bits(&ckpt));
    assert_eq!(
        (back.epoch, back.step, back.seed),
        (7, 1 << 40, u64::MAX - 1)
    );
    assert_eq!(back.config, ckpt.config);
    assert_eq!(back.states["preprocess"], ckpt.states["preprocess"]);
    assert_eq!(back.states["trainer"], ckpt.states["trainer"]);

    // The model part of a training checkpoint loads for evaluation too …
    let mut evaluator = net::<f64>(&[3, 4, 3], true, 6);
    nn::load(&mut evaluator, &path).unwrap();
    assert_eq!(fingerprint(&evaluator), fingerprint(&model));
    // … but a model file is not a training checkpoint.
    nn::save(&model, &dir.join("model.safetensors")).unwrap();
    let before = fingerprint(&other);
    let e =
        TrainingCheckpoint::<f64>::load(&mut other, &dir.join("model.safetensors")).unwrap_err();
    assert!(
        matches!(&e, CheckpointError::Metadata { key, .. } if key == "nn.format"),
        "{e}"
    );
    // A model file has no state tensors; a training file's are refused by a
    // wrong-dtype model like any other tensor.
    let mut narrow = net::<f32>(&[3, 4, 3], true, 0);
    let e = TrainingCheckpoint::<f32>::load(&mut narrow, &path).unwrap_err();
    assert!(matches!(&e, CheckpointError::Dtype { .. }), "{e}");
    assert_eq!(fingerprint(&other), before);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_state_key_with_a_slash_is_refused_when_saving() {
    let model = net::<f64>(&[3, 4, 3], false, 0);
    let mut ckpt = TrainingCheckpoint::new(0, serde_json::Value::Null);
    ckpt.states.insert("a/b".into(), State::new("x"));
    let e = ckpt.to_bytes(&model).unwrap_err();
    assert!(
        matches!(&e, CheckpointError::Metadata { key, .. } if key == "state/a/b/kind"),
        "{e}"
    );
}

#[test]
fn a_run_directory_starts_empty_and_keeps_best_and_last_apart() {
    let dir = scratch("rundir");
    let run = RunDir::create(dir.join("run")).unwrap();
    let mut model = net::<f64>(&[3, 4, 3], true, 0);
    assert!(run.load_last(&mut model).unwrap().is_none());
    assert!(run.load_best(&mut model).unwrap().is_none());
    let mut ckpt = TrainingCheckpoint::new(1, serde_json::json!({}));
    ckpt.epoch = 1;
    run.save(&ckpt, &model, true).unwrap();
    let at_best = fingerprint(&model);
    train(&mut model, 2);
    ckpt.epoch = 2;
    run.save(&ckpt, &model, false).unwrap();
    let at_last = fingerprint(&model);

    let mut other = net::<f64>(&[3, 4, 3], true, 3);
    assert_eq!(run.load_best(&mut other).unwrap().unwrap().epoch, 1);
    assert_eq!(fingerprint(&other), at_best);
    assert_eq!(run.load_last(&mut other).unwrap().unwrap().epoch, 2);
    assert_eq!(fingerprint(&other), at_last);
    let mut names: Vec<_> = fs::read_dir(run.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    names.sort();
    assert_eq!(names, ["best.safetensors", "last.safetensors"]);
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn set_buffers_on_a_container_is_all_or_nothing() {
    use nn::layers::BatchNorm;
    let seq = Sequential::new()
        .push(BatchNorm::<f64>::new("bn1", 2))
        .push(BatchNorm::<f64>::new("bn2", 3));
    let names: Vec<String> = seq.named_buffers().into_iter().map(|(n, _)| n).collect();
    assert_eq!(
        names,
        [
            "bn1.running_mean",
            "bn1.running_var",
            "bn2.running_mean",
            "bn2.running_var"
        ]
    );
    let good = [
        array![[1.0, 2.0]],
        array![[3.0, 4.0]],
        array![[5.0, 6.0, 7.0]],
        array![[8.0, 9.0, 10.0]],
    ];
    let mut bad = good.clone();
    bad[3] = array![[8.0, 9.0]];
    let e = seq.set_buffers(&bad).unwrap_err();
    assert!(e.to_string().contains("bn2.running_var"), "{e}");
    assert_eq!(
        seq.buffers()[0],
        array![[0.0, 0.0]],
        "the first layer was changed"
    );
    assert!(seq.set_buffers(&good[..3]).is_err());
    seq.set_buffers(&good).unwrap();
    assert_eq!(seq.buffers(), good);
}

#[test]
fn a_best_epoch_writes_best_before_last() {
    let dir = scratch("order");
    let run = RunDir::create(&dir).unwrap();
    // A non-empty directory where `last` goes: writing it fails.
    fs::create_dir_all(run.last_path().join("blocker")).unwrap();
    let model = net::<f64>(&[3, 4, 3], false, 0);
    let ckpt = TrainingCheckpoint::new(1, serde_json::json!({}));
    assert!(run.save(&ckpt, &model, true).is_err());
    assert!(run.best_path().is_file(), "best was not written first");
    fs::remove_dir_all(&dir).unwrap();
}
