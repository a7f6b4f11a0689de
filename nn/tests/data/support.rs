//! Writers for the files the data tests load: IDX (raw and gzipped),
//! CIFAR-10 batches and CSV, built byte by byte from the format's
//! definition, plus a per-test temporary directory.

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;

use flate2::Compression;
use flate2::write::GzEncoder;

/// A deterministic byte for example `i`, position `j`.
pub fn pixel(i: usize, j: usize) -> u8 {
    ((i * 31 + j * 7 + (i * j) % 13) % 256) as u8
}

/// An IDX image file: `n` images of `rows × cols`, pixels from [`pixel`].
pub fn idx_images(n: usize, rows: usize, cols: usize) -> Vec<u8> {
    let mut out = vec![0, 0, 8, 3];
    for d in [n, rows, cols] {
        out.extend_from_slice(&(d as u32).to_be_bytes());
    }
    for i in 0..n {
        for j in 0..rows * cols {
            out.push(pixel(i, j));
        }
    }
    out
}

/// An IDX label file.
pub fn idx_labels(labels: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 8, 1];
    out.extend_from_slice(&(labels.len() as u32).to_be_bytes());
    out.extend_from_slice(labels);
    out
}

/// `i % 10` for `n` examples.
pub fn cyclic_labels(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i % 10) as u8).collect()
}

/// Gzip-compressed bytes, as MNIST is distributed.
pub fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// A CIFAR-10 batch with the given labels; record `i`'s pixel `j` is [`pixel`]`(i, j)`.
pub fn cifar(labels: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, &l) in labels.iter().enumerate() {
        out.push(l);
        out.extend((0..3072).map(|j| pixel(i, j)));
    }
    out
}

/// A fresh, empty directory for one test.
pub fn temp_dir(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nn-data-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
