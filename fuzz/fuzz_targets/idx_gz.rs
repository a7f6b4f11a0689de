//! Gzipped IDX: with the first byte even, the rest is compressed here and
//! loaded (the header checks behind the decoder); odd, the rest is taken
//! as a gzip stream itself (the decoder and the bomb limit).
#![no_main]

use std::io::Write;

use flate2::Compression;
use flate2::write::GzEncoder;
use libfuzzer_sys::fuzz_target;
use nn::data::idx::IdxLoader;

const LABELS: [u8; 9] = [0, 0, 8, 1, 0, 0, 0, 1, 7];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let loader = IdxLoader {
        max_bytes: 1 << 24,
        ..IdxLoader::default()
    };
    let stream = if mode % 2 == 0 {
        let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
        enc.write_all(rest).unwrap();
        enc.finish().unwrap()
    } else {
        let mut s = vec![0x1f, 0x8b];
        s.extend_from_slice(rest);
        s
    };
    if let Err(e) = loader.from_bytes::<f32>(&stream, &LABELS) {
        let _ = e.to_string();
    }
});
