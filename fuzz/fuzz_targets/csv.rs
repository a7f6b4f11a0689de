//! CSV from arbitrary bytes; the first byte picks the options (header,
//! label column, delimiter, a class count).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nn::data::csv::{self, CsvOptions, LabelColumn};

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let opts = CsvOptions {
        header: mode & 1 != 0,
        label: if mode & 2 != 0 {
            LabelColumn::Name("label".into())
        } else {
            LabelColumn::Index(usize::from(mode >> 5))
        },
        delimiter: if mode & 4 != 0 { b';' } else { b',' },
        classes: if mode & 8 != 0 {
            Some(usize::from(mode >> 4))
        } else {
            None
        },
        feature_shape: None,
    };
    if let Err(e) = csv::from_bytes::<f64>(rest, &opts) {
        let _ = e.to_string();
    }
});
