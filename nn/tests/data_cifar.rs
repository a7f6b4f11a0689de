//! The CIFAR-10 binary loader: round trips of batches written here (one
//! file, a directory of them) and one test per malformed case.

#[path = "data/support.rs"]
mod support;

use std::fs;

use nn::data::{DataError, cifar};
use support::*;

#[test]
fn one_file_round_trips() {
    let dir = temp_dir("cifar_one");
    let path = dir.join("test_batch.bin");
    fs::write(&path, cifar(&[3, 0, 9])).unwrap();
    let ds = cifar::load::<f32>(&path).unwrap();
    assert_eq!(
        (ds.len(), ds.classes(), ds.feature_shape()),
        (3, 10, &[3, 32, 32][..])
    );
    assert_eq!(ds.labels().classes(), Some(&[3, 0, 9][..]));
    for i in 0..3 {
        for j in 0..3072 {
            assert_eq!(ds.features()[[i, j]], f32::from(pixel(i, j)));
        }
    }
    // Channels first: blue plane, row 4, column 7 of record 2.
    assert_eq!(
        ds.image(2)[[2, 4, 7]],
        f32::from(pixel(2, 2 * 1024 + 4 * 32 + 7))
    );
    assert_eq!(ds.name(), path.display().to_string());
}

#[test]
fn a_directory_loads_its_training_batches_in_order() {
    let dir = temp_dir("cifar_dir");
    // Written out of order, with a test batch and a stray file that must be skipped.
    fs::write(dir.join("data_batch_2.bin"), cifar(&[2, 2])).unwrap();
    fs::write(dir.join("data_batch_10.bin"), cifar(&[7])).unwrap();
    fs::write(dir.join("data_batch_1.bin"), cifar(&[1])).unwrap();
    fs::write(dir.join("test_batch.bin"), cifar(&[5])).unwrap();
    fs::write(dir.join("batches.meta.txt"), "airplane\n").unwrap();
    let ds = cifar::load::<f64>(&dir).unwrap();
    assert_eq!(ds.labels().classes(), Some(&[1, 2, 2, 7][..]));
    // Record 0 of data_batch_2 is the set's example 1.
    assert_eq!(ds.features()[[1, 100]], f64::from(pixel(0, 100)));
    let test = cifar::load::<f64>(dir.join("test_batch.bin")).unwrap();
    assert_eq!(test.labels().classes(), Some(&[5][..]));
}

#[test]
fn load_files_concatenates_in_the_order_given() {
    let dir = temp_dir("cifar_files");
    fs::write(dir.join("a.bin"), cifar(&[4])).unwrap();
    fs::write(dir.join("b.bin"), cifar(&[6, 8])).unwrap();
    let ds = cifar::load_files::<f32, _>(&[dir.join("b.bin"), dir.join("a.bin")]).unwrap();
    assert_eq!(ds.labels().classes(), Some(&[6, 8, 4][..]));
    let e = cifar::load_files::<f32, std::path::PathBuf>(&[]).unwrap_err();
    assert_eq!(e.to_string(), "<memory>: no CIFAR-10 files given");
}

#[test]
fn empty_file() {
    let e = cifar::from_bytes::<f32>(&[]).unwrap_err();
    assert!(matches!(e, DataError::Empty { .. }), "{e}");
}

#[test]
fn truncated_record() {
    let bytes = cifar(&[1, 2]);
    let e = cifar::from_bytes::<f32>(&bytes[..bytes.len() - 1]).unwrap_err();
    assert!(matches!(e, DataError::Truncated { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "<memory>: truncated: 6145 bytes is not a whole number of 3073-byte CIFAR-10 records \
         (the last record has 3072 bytes)"
    );
}

#[test]
fn label_outside_the_class_count() {
    let e = cifar::from_bytes::<f32>(&cifar(&[0, 1, 200])).unwrap_err();
    assert!(
        matches!(
            e,
            DataError::LabelOutOfRange {
                index: 2,
                label: 200,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "<memory>: label 200 of example 2 is out of range for 10 classes"
    );
}

#[test]
fn a_bad_file_in_a_directory_is_named() {
    let dir = temp_dir("cifar_bad_in_dir");
    fs::write(dir.join("data_batch_1.bin"), cifar(&[1])).unwrap();
    fs::write(dir.join("data_batch_2.bin"), &cifar(&[1])[..100]).unwrap();
    let e = cifar::load::<f32>(&dir).unwrap_err();
    assert_eq!(e.file(), dir.join("data_batch_2.bin"));
}

#[test]
fn a_directory_without_batches() {
    let dir = temp_dir("cifar_nofiles");
    fs::write(dir.join("readme.html"), "").unwrap();
    let e = cifar::load::<f32>(&dir).unwrap_err();
    assert!(matches!(e, DataError::NoFiles { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        format!(
            "{}: directory holds no data_batch_N.bin files",
            dir.display()
        )
    );
}

#[test]
fn a_directory_where_a_file_was_expected() {
    let dir = temp_dir("cifar_isdir");
    fs::create_dir(dir.join("test_batch.bin")).unwrap();
    let e = cifar::load_files::<f32, _>(&[dir.join("test_batch.bin")]).unwrap_err();
    assert!(matches!(e, DataError::IsDirectory { .. }), "{e}");
}

#[test]
fn a_missing_file() {
    let dir = temp_dir("cifar_missing");
    let e = cifar::load::<f32>(dir.join("data_batch_1.bin")).unwrap_err();
    assert!(matches!(e, DataError::Io { .. }), "{e}");
}
