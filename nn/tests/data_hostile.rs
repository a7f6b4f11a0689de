//! Hostile input never panics and never allocates by an unchecked header:
//! every loader is fed random bytes, every truncation of a small valid
//! file it wrote itself, and bit flips of it (about 2,500 cases per
//! loader). Each call must return a data set that keeps its invariants
//! or an error naming its source, and allocate no more than a small
//! multiple of its input (for gzip: of the loader's limit).
//!
//! The allocation count is global, so everything runs in one test, one
//! property after another: the budget sees only the loader's allocations
//! (with tests in parallel, another thread's allocations would count).

#[path = "data/support.rs"]
mod support;

use std::alloc::System;

use nn::data::csv::{self, CsvOptions};
use nn::data::idx::{self, IdxLoader};
use nn::data::{DataError, Dataset, cifar};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use support::*;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The gzip tests' limit: a stream may inflate to at most this much.
const GZ_LIMIT: u64 = 1 << 20;

/// Runs `load`, checks its outcome, and that it allocated at most `budget` bytes.
fn check(
    budget: usize,
    load: impl FnOnce() -> Result<Dataset<f32>, DataError>,
) -> Result<(), TestCaseError> {
    let region = Region::new(GLOBAL);
    let result = load();
    let used = region.change().bytes_allocated;
    prop_assert!(used <= budget, "allocated {used} bytes, budget {budget}");
    match result {
        Ok(ds) => {
            let (rows, cols) = ds.features().dim();
            prop_assert_eq!(rows, ds.len());
            prop_assert_eq!(ds.feature_shape().iter().product::<usize>(), cols);
            if let Some(l) = ds.labels().classes() {
                prop_assert!(l.iter().all(|&c| c < ds.classes()));
            }
        }
        Err(e) => {
            let msg = e.to_string();
            prop_assert!(msg.starts_with("<memory>"), "{msg}");
            prop_assert!(e.file().to_str() == Some("<memory>"));
        }
    }
    Ok(())
}

/// Raw loaders: a small multiple of the input, plus room for messages.
fn raw_budget(len: usize) -> usize {
    16 * len + (64 << 10)
}

/// Gzip: the inflater's state plus output bounded by the limit (f32 copy included).
fn gz_budget() -> usize {
    16 * GZ_LIMIT as usize + (1 << 20)
}

/// The budget for an IDX call on `bytes`: gzip's or raw's.
fn idx_budget(bytes: &[u8]) -> usize {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        gz_budget()
    } else {
        raw_budget(bytes.len())
    }
}

/// The IDX loader under test: the defaults but for the gzip limit.
fn small_gz() -> IdxLoader {
    IdxLoader {
        max_bytes: GZ_LIMIT,
        ..IdxLoader::default()
    }
}

fn valid_images() -> Vec<u8> {
    idx_images(3, 4, 4)
}

fn valid_labels() -> Vec<u8> {
    idx_labels(&[1, 9, 0])
}

fn valid_csv() -> Vec<u8> {
    b"label,a,b,c\n0,1.5,2,3\n1,-4,5e1,6\n2,7,8,.9\n".to_vec()
}

fn flip(mut bytes: Vec<u8>, flips: &[(usize, u8)]) -> Vec<u8> {
    let n = bytes.len();
    for &(pos, bit) in flips {
        bytes[pos % n] ^= 1 << (bit % 8);
    }
    bytes
}

fn flips() -> impl Strategy<Value = Vec<(usize, u8)>> {
    prop::collection::vec((any::<usize>(), any::<u8>()), 1..5)
}

/// Every strict prefix of each valid file; returns the cases run per loader.
fn truncations() -> Result<[usize; 4], TestCaseError> {
    let (images, labels) = (valid_images(), valid_labels());
    for cut in 0..images.len() {
        check(raw_budget(cut), || {
            small_gz().from_bytes(&images[..cut], &labels)
        })?;
        prop_assert!(idx::from_bytes::<f32>(&images[..cut], &labels).is_err());
    }
    for cut in 0..labels.len() {
        prop_assert!(idx::from_bytes::<f32>(&images, &labels[..cut]).is_err());
    }
    let z = gz(&images);
    for cut in 0..z.len() {
        check(gz_budget(), || small_gz().from_bytes(&z[..cut], &labels))?;
        prop_assert!(
            idx::from_bytes::<f32>(&z[..cut], &labels).is_err(),
            "gz cut at {cut}"
        );
    }
    let batch = cifar(&[3, 7]);
    for cut in 0..batch.len() {
        check(raw_budget(cut), || cifar::from_bytes(&batch[..cut]))?;
        let whole = cut > 0 && cut % cifar::RECORD == 0;
        prop_assert_eq!(cifar::from_bytes::<f32>(&batch[..cut]).is_ok(), whole);
    }
    let text = valid_csv();
    let opts = CsvOptions {
        header: true,
        ..CsvOptions::default()
    };
    for cut in 0..text.len() {
        check(raw_budget(cut), || csv::from_bytes(&text[..cut], &opts))?;
    }
    Ok([
        images.len() + labels.len(),
        z.len(),
        batch.len(),
        text.len(),
    ])
}

/// Runs `cases` cases of one property; panics with the minimal failing input.
fn property<S: Strategy>(
    name: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) -> usize
where
    S::Value: std::fmt::Debug,
{
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{name}: {e}");
    }
    cases as usize
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..max)
}

#[test]
fn hostile_input_never_panics_and_allocates_within_bounds() {
    let [idx_cut, gz_cut, cifar_cut, csv_cut] = truncations().unwrap();
    let labels = valid_labels();

    let mut idx_cases = idx_cut;
    idx_cases += property("idx random bytes", 600, bytes(200), |b| {
        check(idx_budget(&b), || small_gz().from_bytes(&b, &labels))?;
        check(idx_budget(&b), || {
            small_gz().from_bytes(&valid_images(), &b)
        })
    });
    // A well-formed magic number, random dimensions (1 to 5 of them,
    // small or huge, often a count of 0) and data (often none): the header
    // is what must not be trusted. (Found by fuzzing: a count of 0 with
    // image dimensions whose product overflows.)
    let dim = prop_oneof![0u32..6, any::<u32>()];
    let data = prop_oneof![Just(Vec::new()), bytes(120)];
    let header = (prop::collection::vec(dim, 1..6), data);
    idx_cases += property("idx random headers", 600, header, |(dims, data)| {
        let mut b = vec![0, 0, 8, dims.len() as u8];
        for d in &dims {
            b.extend_from_slice(&d.to_be_bytes());
        }
        b.extend_from_slice(&data);
        check(raw_budget(b.len()), || small_gz().from_bytes(&b, &labels))
    });
    idx_cases += property("idx bit flips", 800, flips(), |f| {
        let images = flip(valid_images(), &f);
        check(raw_budget(images.len()), || {
            small_gz().from_bytes(&images, &labels)
        })?;
        let l = flip(valid_labels(), &f);
        check(raw_budget(l.len()), || {
            small_gz().from_bytes(&valid_images(), &l)
        })
    });

    let mut gz_cases = gz_cut;
    gz_cases += property("idx gz bit flips", 1000, flips(), |f| {
        let z = flip(gz(&valid_images()), &f);
        check(gz_budget(), || small_gz().from_bytes(&z, &labels))
    });
    gz_cases += property("idx gz random streams", 500, bytes(200), |mut b| {
        b.splice(0..0, [0x1f, 0x8b]);
        check(gz_budget(), || small_gz().from_bytes(&b, &labels))
    });
    // Valid gzip around random headers and data.
    let header = (prop::collection::vec(0u32..40, 3), bytes(200));
    gz_cases += property("idx gz random content", 500, header, |(dims, data)| {
        let mut b = vec![0, 0, 8, 3];
        for d in dims {
            b.extend_from_slice(&d.to_be_bytes());
        }
        b.extend_from_slice(&data);
        let z = gz(&b);
        check(gz_budget(), || small_gz().from_bytes(&z, &labels))
    });

    let mut cifar_cases = cifar_cut;
    cifar_cases += property(
        "cifar random bytes",
        500,
        (0usize..3 * cifar::RECORD, any::<u8>()),
        |(len, seed)| {
            let b: Vec<u8> = (0..len)
                .map(|i| (i as u8).wrapping_mul(seed).wrapping_add(seed >> 3))
                .collect();
            check(raw_budget(len), || cifar::from_bytes(&b))
        },
    );
    cifar_cases += property("cifar bit flips", 1000, flips(), |f| {
        let b = flip(cifar(&[0, 5, 9]), &f);
        check(raw_budget(b.len()), || cifar::from_bytes(&b))
    });

    let mut csv_cases = csv_cut;
    csv_cases += property(
        "csv random bytes",
        700,
        (bytes(200), any::<bool>()),
        |(b, header)| {
            let opts = CsvOptions {
                header,
                ..CsvOptions::default()
            };
            check(raw_budget(b.len()), || csv::from_bytes(&b, &opts))
        },
    );
    // Text from the characters CSV is made of, so parses often get deep.
    csv_cases += property(
        "csv random text",
        700,
        ("[0-9,.e\\-\n\r a-c\"]{0,200}", any::<bool>()),
        |(t, header)| {
            let opts = CsvOptions {
                header,
                ..CsvOptions::default()
            };
            check(raw_budget(t.len()), || csv::from_bytes(t.as_bytes(), &opts))
        },
    );
    csv_cases += property("csv bit flips", 800, flips(), |f| {
        let t = flip(valid_csv(), &f);
        let opts = CsvOptions {
            header: true,
            ..CsvOptions::default()
        };
        check(raw_budget(t.len()), || csv::from_bytes(&t, &opts))
    });

    let counts = [
        ("idx", idx_cases),
        ("idx.gz", gz_cases),
        ("cifar", cifar_cases),
        ("csv", csv_cases),
    ];
    for (loader, n) in counts {
        assert!(n >= 2000, "{loader}: only {n} cases");
    }
    println!("hostile-input cases per loader: {counts:?}");
}
