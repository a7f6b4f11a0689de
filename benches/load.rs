//! Loading MNIST-sized IDX files: 60,000 images of 28×28 plus their
//! labels, raw and gzipped, against a plain `std::fs::read` of the same
//! bytes (the floor: parsing raw IDX should cost little beyond the read).
//!
//! The files are written to a temporary directory first, with MNIST-like
//! pixels (a blob of ink on a zero background, so gzip shrinks them about
//! as much as the real files). Criterion times each contestant; then the
//! contestants run in alternation (as `paired` does, see there why) and
//! the median per-round ratios are printed, to the read and to the floor
//! of any loader that returns f32: the read plus widening each byte
//! (which writes four times the bytes read, into fresh memory).
//!
//! `cargo bench -p benches --bench load`

use std::hint::black_box;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use benches::data::SplitMix;
use criterion::{Criterion, Throughput};
use flate2::Compression;
use flate2::write::GzEncoder;
use nn::data::idx;

const N: usize = 60_000;
const SIDE: usize = 28;

struct Files {
    images: PathBuf,
    labels: PathBuf,
    images_gz: PathBuf,
    labels_gz: PathBuf,
}

fn write_files(dir: &Path) -> Files {
    std::fs::create_dir_all(dir).unwrap();
    let mut rng = SplitMix::new(11);
    let mut images = vec![0, 0, 8, 3];
    for d in [N, SIDE, SIDE] {
        images.extend_from_slice(&(d as u32).to_be_bytes());
    }
    for _ in 0..N {
        let (cr, cc) = (10 + rng.next_u64() % 8, 10 + rng.next_u64() % 8);
        for r in 0..SIDE as u64 {
            for c in 0..SIDE as u64 {
                let d2 = r.abs_diff(cr).pow(2) + c.abs_diff(cc).pow(2);
                images.push(if d2 < 40 {
                    (rng.next_u64() % 256) as u8
                } else {
                    0
                });
            }
        }
    }
    let mut labels = vec![0, 0, 8, 1];
    labels.extend_from_slice(&(N as u32).to_be_bytes());
    labels.extend((0..N).map(|_| (rng.next_u64() % 10) as u8));
    let gz = |bytes: &[u8]| {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(bytes).unwrap();
        enc.finish().unwrap()
    };
    let files = Files {
        images: dir.join("train-images-idx3-ubyte"),
        labels: dir.join("train-labels-idx1-ubyte"),
        images_gz: dir.join("train-images-idx3-ubyte.gz"),
        labels_gz: dir.join("train-labels-idx1-ubyte.gz"),
    };
    std::fs::write(&files.images, &images).unwrap();
    std::fs::write(&files.labels, &labels).unwrap();
    std::fs::write(&files.images_gz, gz(&images)).unwrap();
    std::fs::write(&files.labels_gz, gz(&labels)).unwrap();
    files
}

fn read_both(a: &Path, b: &Path) -> usize {
    std::fs::read(a).unwrap().len() + std::fs::read(b).unwrap().len()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let dir = std::env::temp_dir().join(format!("nn-bench-load-{}", std::process::id()));
    let f = write_files(&dir);
    let raw_len = read_both(&f.images, &f.labels);
    let gz_len = read_both(&f.images_gz, &f.labels_gz);
    println!("files: raw {raw_len} bytes, gzipped {gz_len} bytes");

    let mut c = Criterion::default().configure_from_args().sample_size(20);
    let mut g = c.benchmark_group("load_60000x28x28");
    g.throughput(Throughput::Bytes(raw_len as u64));
    g.bench_function("fs_read_raw", |b| {
        b.iter(|| black_box(read_both(&f.images, &f.labels)))
    });
    g.bench_function("idx_raw_f32", |b| {
        b.iter(|| black_box(idx::load::<f32>(&f.images, &f.labels).unwrap()))
    });
    g.bench_function("fs_read_gz", |b| {
        b.iter(|| black_box(read_both(&f.images_gz, &f.labels_gz)))
    });
    g.bench_function("idx_gz_f32", |b| {
        b.iter(|| black_box(idx::load::<f32>(&f.images_gz, &f.labels_gz).unwrap()))
    });
    g.finish();

    // Paired: each round times every contestant once, in rotated order.
    type Contestant<'a> = (&'a str, Box<dyn Fn() + 'a>);
    let contestants: [Contestant; 5] = [
        (
            "fs::read raw",
            Box::new(|| {
                black_box(read_both(&f.images, &f.labels));
            }),
        ),
        (
            "read+to_f32",
            Box::new(|| {
                // The floor for any loader returning f32: read, then widen.
                let raw = std::fs::read(&f.images).unwrap();
                let x: Vec<f32> = raw.iter().map(|&b| f32::from(b)).collect();
                black_box((x, std::fs::read(&f.labels).unwrap()));
            }),
        ),
        (
            "idx raw f32",
            Box::new(|| drop(black_box(idx::load::<f32>(&f.images, &f.labels).unwrap()))),
        ),
        (
            "idx raw f64",
            Box::new(|| drop(black_box(idx::load::<f64>(&f.images, &f.labels).unwrap()))),
        ),
        (
            "idx gz f32",
            Box::new(|| {
                drop(black_box(
                    idx::load::<f32>(&f.images_gz, &f.labels_gz).unwrap(),
                ))
            }),
        ),
    ];
    let rounds: usize = std::env::var("PAIRED_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(15);
    let mut times = vec![Vec::new(); contestants.len()];
    for round in 0..=rounds {
        for k in 0..contestants.len() {
            let which = (round + k) % contestants.len();
            let start = Instant::now();
            (contestants[which].1)();
            if round > 0 {
                times[which].push(start.elapsed().as_secs_f64());
            }
        }
    }
    println!(
        "paired, {rounds} rounds: median time; median per-round ratios to fs::read raw \
         and to read+to_f32"
    );
    let ratio = |k: usize, floor: usize| {
        median(
            times[k]
                .iter()
                .zip(&times[floor])
                .map(|(t, r)| t / r)
                .collect(),
        )
    };
    for (k, (name, _)) in contestants.iter().enumerate() {
        let t = median(times[k].clone());
        println!(
            "  {name:<13} {:8.2} ms  {:6.2}×  {:6.2}×",
            t * 1e3,
            ratio(k, 0),
            ratio(k, 1)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
