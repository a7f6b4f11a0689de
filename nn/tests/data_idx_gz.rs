//! The IDX loader on gzipped input, as MNIST is distributed: round trips,
//! truncated and corrupt streams, content that disagrees with its header,
//! concatenated members, and a gzip bomb cut at the limit.

#[path = "data/support.rs"]
mod support;

use std::fs;

use nn::data::DataError;
use nn::data::idx::{self, IdxLoader};
use support::*;

fn images_err(bytes: &[u8]) -> DataError {
    idx::from_bytes::<f32>(bytes, &idx_labels(&[0, 1])).unwrap_err()
}

/// An IDX image header with these dimensions and no data.
fn header(dims: [u32; 3]) -> Vec<u8> {
    let mut out = vec![0, 0, 8, 3];
    for d in dims {
        out.extend_from_slice(&d.to_be_bytes());
    }
    out
}

#[test]
fn gzipped_files_round_trip_to_the_same_set() {
    let dir = temp_dir("idx_gz");
    let raw_i = idx_images(7, 5, 3);
    let raw_l = idx_labels(&cyclic_labels(7));
    fs::write(dir.join("i.gz"), gz(&raw_i)).unwrap();
    fs::write(dir.join("l.gz"), gz(&raw_l)).unwrap();
    let from_gz = idx::load::<f64>(dir.join("i.gz"), dir.join("l.gz")).unwrap();
    let from_raw = idx::from_bytes::<f64>(&raw_i, &raw_l).unwrap();
    assert_eq!(from_gz.features(), from_raw.features());
    assert_eq!(from_gz.labels(), from_raw.labels());
    assert_eq!(from_gz.feature_shape(), &[5, 3]);
    // Mixed: gzipped images, raw labels.
    assert!(idx::from_bytes::<f32>(&gz(&raw_i), &raw_l).is_ok());
}

#[test]
fn truncated_gzip_stream() {
    let z = gz(&idx_images(4, 8, 8));
    let e = images_err(&z[..z.len() / 2]);
    assert!(
        matches!(e, DataError::Truncated { .. } | DataError::Gzip { .. }),
        "{e}"
    );
}

#[test]
fn gzip_with_truncated_data_inside() {
    // A valid gzip stream whose content stops short of the header's promise.
    let full = idx_images(4, 8, 8);
    let e = images_err(&gz(&full[..full.len() - 5]));
    assert_eq!(
        e.to_string(),
        "<memory>: truncated: the header promises 256 data bytes, the stream has 251"
    );
}

#[test]
fn gzip_with_trailing_data_inside() {
    let mut full = idx_images(2, 3, 3);
    full.extend_from_slice(&[9; 5]);
    let e = images_err(&gz(&full));
    assert!(
        matches!(
            e,
            DataError::TrailingBytes {
                expected: 18,
                found: 23,
                ..
            }
        ),
        "{e}"
    );
}

#[test]
fn corrupt_gzip_data() {
    let mut z = gz(&idx_images(4, 8, 8));
    let n = z.len();
    z[n - 8] ^= 0xff; // the CRC-32 of the content
    let e = images_err(&z);
    assert!(matches!(e, DataError::Gzip { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "<memory>: corrupt gzip data: corrupt gzip stream does not have a matching checksum"
    );
}

#[test]
fn a_gzip_bomb_is_cut_at_the_limit() {
    // 8 MiB of zeros compress to ~8 KiB; the header promises 16 bytes.
    let mut content = header([1, 4, 4]);
    content.resize(content.len() + (8 << 20), 0);
    let bomb = gz(&content);
    let small = IdxLoader {
        max_bytes: 1 << 20,
        ..IdxLoader::default()
    };
    let e = small.images::<f32>(&bomb, "<bomb>".as_ref()).unwrap_err();
    // One byte past the promise is kept; the rest is counted, up to the limit.
    assert!(
        matches!(e, DataError::TrailingBytes { expected: 16, found, .. } if found == 17 + (1 << 20)),
        "{e}"
    );
}

#[test]
fn concatenated_gzip_members_are_one_stream_and_garbage_after_is_an_error() {
    let full = idx_images(2, 3, 3);
    let mut two = gz(&full[..10]);
    two.extend(gz(&full[10..]));
    let (x, _) = IdxLoader::default()
        .images::<f32>(&two, "<memory>".as_ref())
        .unwrap();
    assert_eq!(x.nrows(), 2);
    let mut junk = gz(&full);
    junk.extend_from_slice(b"junk after the last member");
    let e = images_err(&junk);
    assert!(matches!(e, DataError::Gzip { .. }), "{e}");
}
