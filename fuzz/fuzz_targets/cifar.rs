//! CIFAR-10 binary batches from arbitrary bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = nn::data::cifar::from_bytes::<f32>(data) {
        let _ = e.to_string();
    }
});
