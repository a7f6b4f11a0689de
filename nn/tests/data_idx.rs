//! The IDX loader (MNIST, Fashion-MNIST) on raw files: round trips of
//! files written here and one test per malformed case (gzip: data_idx_gz.rs).

#[path = "data/support.rs"]
mod support;

use std::fs;

use nn::data::DataError;
use nn::data::idx::{self, IdxLoader};
use support::*;

#[test]
fn raw_files_round_trip() {
    let dir = temp_dir("idx_raw");
    let (images, labels) = (
        dir.join("train-images-idx3-ubyte"),
        dir.join("train-labels-idx1-ubyte"),
    );
    fs::write(&images, idx_images(12, 28, 28)).unwrap();
    fs::write(&labels, idx_labels(&cyclic_labels(12))).unwrap();
    let ds = idx::load::<f32>(&images, &labels).unwrap();
    assert_eq!(
        (ds.len(), ds.classes(), ds.feature_shape()),
        (12, 10, &[28, 28][..])
    );
    assert_eq!(ds.name(), images.display().to_string());
    for i in 0..12 {
        for j in 0..784 {
            assert_eq!(ds.features()[[i, j]], f32::from(pixel(i, j)));
        }
    }
    assert_eq!(ds.image(5)[[1, 2]], f32::from(pixel(5, 28 + 2)));
    assert_eq!(
        ds.labels().classes().unwrap(),
        &(0..12).map(|i| i % 10).collect::<Vec<_>>()[..]
    );
}

#[test]
fn higher_rank_images_keep_their_trailing_dimensions() {
    // 0x00000804: count × channels × rows × cols.
    let mut bytes = vec![0, 0, 8, 4];
    for d in [2u32, 3, 2, 2] {
        bytes.extend_from_slice(&d.to_be_bytes());
    }
    bytes.extend((0..24).map(|b| b as u8));
    let ds = idx::from_bytes::<f32>(&bytes, &idx_labels(&[1, 2])).unwrap();
    assert_eq!(ds.feature_shape(), &[3, 2, 2]);
    assert_eq!(ds.image(1)[[2, 1, 0]], 22.0);
}

#[test]
fn a_set_with_no_images_loads_empty() {
    let ds = idx::from_bytes::<f32>(&idx_images(0, 28, 28), &idx_labels(&[])).unwrap();
    assert!(ds.is_empty());
}

fn images_err(bytes: &[u8]) -> DataError {
    idx::from_bytes::<f32>(bytes, &idx_labels(&[0, 1])).unwrap_err()
}

#[test]
fn empty_file() {
    let e = images_err(&[]);
    assert!(matches!(e, DataError::Empty { .. }), "{e}");
    assert_eq!(e.to_string(), "<memory>: empty: there is no data to load");
}

#[test]
fn truncated_magic() {
    let e = images_err(&[0, 0, 8]);
    assert!(matches!(e, DataError::Truncated { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "<memory>: truncated: the file ends inside the 4-byte magic number"
    );
}

#[test]
fn truncated_header() {
    let e = images_err(&idx_images(2, 3, 3)[..10]);
    assert_eq!(
        e.to_string(),
        "<memory>: truncated: the file ends inside dimension 2 of 3 in the header"
    );
}

#[test]
fn truncated_data() {
    let full = idx_images(2, 3, 3);
    let e = images_err(&full[..full.len() - 1]);
    assert!(matches!(e, DataError::Truncated { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "<memory>: truncated: the header promises 18 data bytes, the file has 17"
    );
}

#[test]
fn trailing_bytes() {
    let mut bytes = idx_images(2, 3, 3);
    bytes.extend_from_slice(&[1, 2]);
    let e = images_err(&bytes);
    assert!(
        matches!(
            e,
            DataError::TrailingBytes {
                expected: 18,
                found: 20,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "<memory>: 2 trailing bytes: the header accounts for 18 bytes, the file has 20"
    );
}

#[test]
fn wrong_magic_number() {
    let mut bytes = idx_images(2, 3, 3);
    bytes[2] = 0x0d; // IDX floats
    let e = images_err(&bytes);
    assert!(
        matches!(
            e,
            DataError::BadMagic {
                found: 0x0000_0d03,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "<memory>: wrong magic number 0x00000d03; expected IDX unsigned-byte images \
         (0x0000080N, N >= 2) (is this the right file, or a different format?)"
    );
}

#[test]
fn labels_file_given_as_images() {
    let e = images_err(&idx_labels(&[0, 1]));
    assert!(
        matches!(
            e,
            DataError::BadMagic {
                found: 0x0000_0801,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn images_file_given_as_labels() {
    let e = idx::from_bytes::<f32>(&idx_images(2, 1, 1), &idx_images(2, 1, 1)).unwrap_err();
    assert!(
        matches!(
            e,
            DataError::BadMagic {
                found: 0x0000_0803,
                ..
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("expected IDX unsigned-byte labels (0x00000801)"),
        "{e}"
    );
}

/// A header with these dimensions and no data.
fn header(dims: [u32; 3]) -> Vec<u8> {
    let mut out = vec![0, 0, 8, 3];
    for d in dims {
        out.extend_from_slice(&d.to_be_bytes());
    }
    out
}

#[test]
fn dimensions_whose_product_overflows() {
    // One image of u32::MAX³ bytes: the product overflows u64.
    let mut bytes = vec![0, 0, 8, 4];
    for d in [1, u32::MAX, u32::MAX, u32::MAX] {
        bytes.extend_from_slice(&d.to_be_bytes());
    }
    let e = images_err(&bytes);
    assert!(matches!(e, DataError::BadDimensions { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "<memory>: bad dimensions in header: one image of 4294967295×4294967295×4294967295 overflows"
    );
    // With a limit that lets any image through, the count tips the total over.
    let huge = IdxLoader {
        max_bytes: u64::MAX,
        ..IdxLoader::default()
    };
    let e = huge
        .images::<f32>(&header([u32::MAX; 3]), "<memory>".as_ref())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "<memory>: bad dimensions in header: 4294967295×4294967295×4294967295 overflows"
    );
}

#[test]
fn dimensions_over_the_limit() {
    let e = images_err(&header([60000, 28, 65536]));
    assert_eq!(
        e.to_string(),
        "<memory>: bad dimensions in header: 60000×28×65536 = 110100480000 bytes is more \
         than the limit of 1073741824"
    );
}

#[test]
fn dimensions_exceeding_the_file_length() {
    // 60,000 MNIST images promised, 16 bytes given: refused before allocating.
    let e = images_err(&header([60000, 28, 28]));
    assert_eq!(
        e.to_string(),
        "<memory>: truncated: the header promises 47040000 data bytes, the file has 0"
    );
}

#[test]
fn a_zero_image_dimension() {
    let e = images_err(&header([2, 0, 28]));
    assert_eq!(
        e.to_string(),
        "<memory>: bad dimensions in header: image dimension 1 is 0"
    );
}

#[test]
fn label_outside_the_class_count() {
    let e = idx::from_bytes::<f32>(&idx_images(3, 2, 2), &idx_labels(&[0, 10, 1])).unwrap_err();
    assert!(
        matches!(
            e,
            DataError::LabelOutOfRange {
                index: 1,
                label: 10,
                classes: 10,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "<memory>: label 10 of example 1 is out of range for 10 classes"
    );
    // A loader for more classes (EMNIST) takes it.
    let wide = IdxLoader {
        classes: 47,
        ..IdxLoader::default()
    };
    assert!(
        wide.from_bytes::<f32>(&idx_images(3, 2, 2), &idx_labels(&[0, 10, 1]))
            .is_ok()
    );
}

#[test]
fn image_and_label_counts_must_agree() {
    let dir = temp_dir("idx_counts");
    fs::write(dir.join("images"), idx_images(3, 2, 2)).unwrap();
    fs::write(dir.join("labels"), idx_labels(&[0, 1])).unwrap();
    let e = idx::load::<f32>(dir.join("images"), dir.join("labels")).unwrap_err();
    assert!(
        matches!(
            e,
            DataError::CountMismatch {
                image_count: 3,
                label_count: 2,
                ..
            }
        ),
        "{e}"
    );
    let msg = e.to_string();
    assert!(
        msg.contains("images: 3 images, but ") && msg.contains("labels: 2 labels"),
        "{msg}"
    );
}

#[test]
fn a_directory_where_a_file_was_expected() {
    let dir = temp_dir("idx_dir");
    fs::write(dir.join("labels"), idx_labels(&[0])).unwrap();
    let e = idx::load::<f32>(&dir, dir.join("labels")).unwrap_err();
    assert!(matches!(e, DataError::IsDirectory { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        format!("{}: is a directory; expected a file", dir.display())
    );
}

#[test]
fn a_missing_file_names_it() {
    let dir = temp_dir("idx_missing");
    let e = idx::load::<f32>(dir.join("nope"), dir.join("nope2")).unwrap_err();
    assert!(matches!(e, DataError::Io { .. }), "{e}");
    assert!(
        e.to_string()
            .starts_with(&format!("{}: cannot read: ", dir.join("nope").display()))
    );
}

#[test]
fn an_empty_file_on_disk() {
    let dir = temp_dir("idx_empty");
    fs::write(dir.join("images"), b"").unwrap();
    fs::write(dir.join("labels"), idx_labels(&[0])).unwrap();
    let e = idx::load::<f32>(dir.join("images"), dir.join("labels")).unwrap_err();
    assert!(matches!(e, DataError::Empty { .. }), "{e}");
    assert_eq!(e.file(), dir.join("images"));
}

#[test]
fn a_file_over_the_limit_is_not_read() {
    let dir = temp_dir("idx_too_large");
    fs::write(dir.join("images"), idx_images(100, 28, 28)).unwrap();
    fs::write(dir.join("labels"), idx_labels(&cyclic_labels(100))).unwrap();
    let small = IdxLoader {
        max_bytes: 1000,
        ..IdxLoader::default()
    };
    let e = small
        .load::<f32>(dir.join("images"), dir.join("labels"))
        .unwrap_err();
    assert!(
        matches!(
            e,
            DataError::TooLarge {
                size: Some(78416),
                limit: 66536,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        format!(
            "{}: 78416 bytes is more than this loader's limit of 66536 bytes",
            dir.join("images").display()
        )
    );
}

/// Found by `cargo fuzz run idx`: with a count of 0 the total is 0, but
/// the product of the image dimensions alone overflowed (a panic in
/// debug builds, a wrapped shape in release).
#[test]
fn zero_images_whose_dimensions_overflow() {
    let mut bytes = vec![0, 0, 8, 5];
    for d in [0u32, 2, 0xfcdb_0000, 29, 0xdb00_0000] {
        bytes.extend_from_slice(&d.to_be_bytes());
    }
    let e = idx::from_bytes::<f32>(&bytes, &idx_labels(&[])).unwrap_err();
    assert!(matches!(e, DataError::BadDimensions { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "<memory>: bad dimensions in header: one image of 2×4242210816×29×3674210304 overflows"
    );
}

/// A count of 0 does not excuse an image larger than the limit.
#[test]
fn zero_images_larger_than_the_limit() {
    let e = idx::from_bytes::<f32>(&header([0, 1 << 20, 1 << 20]), &idx_labels(&[])).unwrap_err();
    assert_eq!(
        e.to_string(),
        "<memory>: bad dimensions in header: one image of 1048576×1048576 = 1099511627776 \
         bytes is more than the limit of 1073741824"
    );
}

/// A device or pipe reports a length of 0 and never ends: the read itself
/// must stop at the limit, not trust the metadata.
#[cfg(target_os = "linux")]
#[test]
fn an_endless_file_is_cut_at_the_limit() {
    let small = IdxLoader {
        max_bytes: 1000,
        ..IdxLoader::default()
    };
    let e = small.load::<f32>("/dev/zero", "/dev/zero").unwrap_err();
    assert!(
        matches!(
            e,
            DataError::TooLarge {
                size: None,
                limit: 66536,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "/dev/zero: more than 66536 bytes, this loader's limit"
    );
}
