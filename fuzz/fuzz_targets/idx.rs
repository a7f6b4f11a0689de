//! Raw IDX: the input is an image file (first byte even) or a label file
//! (odd) paired with a valid counterpart. Any outcome but a panic, an
//! abort or running out of memory is fine.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nn::data::idx::IdxLoader;

/// One 2×2 image, and its label.
const IMAGES: [u8; 20] = [0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4];
const LABELS: [u8; 9] = [0, 0, 8, 1, 0, 0, 0, 1, 7];

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let loader = IdxLoader {
        max_bytes: 1 << 24,
        ..IdxLoader::default()
    };
    let result = if mode % 2 == 0 {
        loader.from_bytes::<f32>(rest, &LABELS)
    } else {
        loader.from_bytes::<f32>(&IMAGES, rest)
    };
    if let Err(e) = result {
        let _ = e.to_string();
    }
});
