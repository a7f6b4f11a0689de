//! The stratified split (every class in every part, reproducible from a
//! seed) and the mini-batch iterator (seeded reshuffles, drop_last).

#[rustfmt::skip]
#[path = "../../autograd/tests/support/caller.rs"]
mod caller;

use std::collections::BTreeSet;

use ndarray::Array2;
use nn::data::{Batches, DataError, Dataset, Fractions, Labels, Split, digits};
use proptest::prelude::*;

#[test]
fn digits_split_is_stratified_and_partitions_the_set() {
    let ds = digits::load::<f32>();
    let s = Split::stratified(&ds, Fractions::default(), 1).unwrap();
    let mut all: Vec<usize> = [&s.train_indices, &s.val_indices, &s.test_indices]
        .into_iter()
        .flatten()
        .copied()
        .collect();
    all.sort_unstable();
    assert_eq!(
        all,
        (0..1797).collect::<Vec<_>>(),
        "a partition: each index once"
    );
    let counts = ds.class_counts().unwrap();
    for (part, frac) in [(&s.train, 0.7), (&s.val, 0.15), (&s.test, 0.15)] {
        let c = part.class_counts().unwrap();
        for k in 0..10 {
            assert!(c[k] > 0, "class {k} missing from {}", part.name());
            assert!(
                (c[k] as f64 - counts[k] as f64 * frac).abs() <= 1.0,
                "{}: class {k}",
                part.name()
            );
        }
    }
    assert_eq!(
        (s.train.name(), s.val.name(), s.test.name()),
        ("digits (train)", "digits (val)", "digits (test)")
    );
    // The parts hold the rows their indices name.
    assert_eq!(s.val.features().row(3), ds.features().row(s.val_indices[3]));
    assert!(s.test_indices.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn same_seed_same_split_different_seed_different_split() {
    let ds = digits::load::<f32>();
    let a = Split::stratified(&ds, Fractions::default(), 7).unwrap();
    let b = Split::stratified(&ds, Fractions::default(), 7).unwrap();
    let c = Split::stratified(&ds, Fractions::default(), 8).unwrap();
    assert_eq!(
        (&a.train_indices, &a.val_indices, &a.test_indices),
        (&b.train_indices, &b.val_indices, &b.test_indices)
    );
    assert_ne!(a.val_indices, c.val_indices);
    assert_ne!(a.test_indices, c.test_indices);
}

#[test]
fn a_zero_fraction_leaves_that_part_empty() {
    let ds = digits::load::<f32>();
    let s = Split::stratified(&ds, Fractions::new(0.8, 0.0, 0.2), 0).unwrap();
    assert!(s.val.is_empty());
    assert_eq!(s.train.len() + s.test.len(), 1797);
}

fn toy(labels: Vec<usize>, classes: usize) -> Dataset<f32> {
    let n = labels.len();
    let x = Array2::from_shape_fn((n, 2), |(i, j)| (2 * i + j) as f32);
    Dataset::new("toy", x, Labels::Classes(labels), classes, vec![2]).unwrap()
}

#[test]
fn a_class_too_small_for_every_part_is_an_error() {
    let e = Split::stratified(&toy(vec![0, 0, 0, 1, 1], 2), Fractions::default(), 0).unwrap_err();
    assert!(matches!(e, DataError::Invalid { .. }));
    assert_eq!(
        e.to_string(),
        "toy: class 1 has 2 examples; a stratified split into 3 parts needs at least 3"
    );
    // Two parts need two each.
    assert!(Split::stratified(&toy(vec![0, 0, 1, 1], 2), Fractions::new(0.5, 0.5, 0.0), 0).is_ok());
}

#[test]
fn bad_fractions_are_an_error() {
    let ds = toy(vec![0; 9], 1);
    for f in [
        Fractions::new(0.5, 0.5, 0.5),
        Fractions::new(0.0, 0.5, 0.5),
        Fractions::new(1.2, -0.1, -0.1),
        Fractions::new(f64::NAN, 0.5, 0.5),
    ] {
        let e = Split::stratified(&ds, f, 0).unwrap_err();
        assert!(e.to_string().starts_with("toy: split fractions "), "{e}");
    }
}

#[test]
fn attribute_labels_cannot_be_stratified() {
    let ds = Dataset::new(
        "attrs",
        Array2::<f32>::zeros((3, 1)),
        Labels::Attributes(Array2::zeros((3, 2))),
        2,
        vec![1],
    )
    .unwrap();
    let e = Split::stratified(&ds, Fractions::default(), 0).unwrap_err();
    assert!(e.to_string().contains("needs class labels"), "{e}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Any class sizes ≥ 3: a partition, every class in every part, each
    /// part within one example per class of its share.
    #[test]
    fn stratified_for_any_class_sizes(sizes in prop::collection::vec(3usize..40, 1..6), seed: u64) {
        let labels: Vec<usize> = sizes.iter().enumerate().flat_map(|(k, &n)| std::iter::repeat_n(k, n)).collect();
        let ds = toy(labels, sizes.len());
        let s = Split::stratified(&ds, Fractions::default(), seed).unwrap();
        let all: BTreeSet<usize> = [&s.train_indices, &s.val_indices, &s.test_indices].into_iter().flatten().copied().collect();
        prop_assert_eq!(all.len(), ds.len());
        prop_assert_eq!(s.train.len() + s.val.len() + s.test.len(), ds.len());
        for (part, frac) in [(&s.train, 0.7), (&s.val, 0.15), (&s.test, 0.15)] {
            let c = part.class_counts().unwrap();
            for (k, &n) in sizes.iter().enumerate() {
                prop_assert!(c[k] >= 1);
                // Rounding plus the at-least-one rule: within 1.5 of the share.
                prop_assert!((c[k] as f64 - n as f64 * frac).abs() <= 1.5, "class {} of {}: {} in {}", k, n, c[k], part.name());
            }
        }
    }
}

#[test]
fn batches_cover_the_set_once_per_epoch_and_reshuffle() {
    let ds = toy((0..10).map(|i| i % 3).collect(), 3);
    let mut b = Batches::new(&ds, 4, 99).unwrap();
    let mut orders = Vec::new();
    for epoch in 1..=3 {
        let mut order = Vec::new();
        let mut sizes = Vec::new();
        while let Some(batch) = b.next_batch() {
            sizes.push(batch.x.nrows());
            for (r, &i) in batch.indices.iter().enumerate() {
                assert_eq!(batch.x.row(r), ds.features().row(i));
                assert_eq!(batch.labels[r], i % 3);
            }
            order.extend_from_slice(batch.indices);
        }
        assert_eq!(b.epoch(), epoch);
        assert_eq!(sizes, [4, 4, 2]);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..10).collect::<Vec<_>>());
        orders.push(order);
    }
    assert_ne!(orders[0], orders[1], "each epoch reshuffles");
    // Same seed, same sequence of epochs.
    let mut again = Batches::new(&ds, 4, 99).unwrap();
    let mut first = Vec::new();
    while let Some(batch) = again.next_batch() {
        first.extend_from_slice(batch.indices);
    }
    assert_eq!(first, orders[0]);
}

#[test]
fn drop_last_skips_the_short_batch_and_no_shuffle_keeps_order() {
    let ds = toy(vec![0; 10], 1);
    let mut b = Batches::new(&ds, 4, 0)
        .unwrap()
        .drop_last(true)
        .shuffle(false);
    let mut seen = Vec::new();
    while let Some(batch) = b.next_batch() {
        assert_eq!(batch.x.nrows(), 4);
        seen.extend_from_slice(batch.indices);
    }
    assert_eq!(seen, (0..8).collect::<Vec<_>>());
    assert_eq!(b.batches_per_epoch(), 2);
}

#[test]
fn a_batch_larger_than_the_set_is_the_whole_set() {
    let ds = toy(vec![0, 1, 0], 2);
    let mut b = Batches::new(&ds, 10, 0).unwrap();
    assert_eq!(b.next_batch().unwrap().x.nrows(), 3);
    assert!(b.next_batch().is_none());
    let mut b = Batches::new(&ds, 10, 0).unwrap().drop_last(true);
    assert!(b.next_batch().is_none());
}

#[test]
fn attribute_batches_carry_their_rows() {
    let attrs = ndarray::array![[0u8, 1], [1, 1], [1, 0]];
    let ds = Dataset::new(
        "attrs",
        Array2::<f64>::from_shape_fn((3, 1), |(i, _)| i as f64),
        Labels::Attributes(attrs.clone()),
        2,
        vec![1],
    )
    .unwrap();
    let mut b = Batches::new(&ds, 2, 5).unwrap();
    while let Some(batch) = b.next_batch() {
        assert!(batch.labels.is_empty());
        let a = batch.attributes.unwrap();
        for (r, &i) in batch.indices.iter().enumerate() {
            assert_eq!(a.row(r), attrs.row(i));
            assert_eq!(batch.x[[r, 0]], i as f64);
        }
    }
}

#[test]
fn an_empty_set_gives_no_batches() {
    let ds = toy(vec![], 1);
    let mut b = Batches::new(&ds, 4, 0).unwrap();
    assert!(b.next_batch().is_none());
}

#[test]
fn dataset_checks_its_parts() {
    let x = Array2::<f32>::zeros((2, 4));
    let e = Dataset::new("d", x.clone(), Labels::Classes(vec![0]), 2, vec![4]).unwrap_err();
    assert_eq!(e.to_string(), "d: 1 labels for 2 rows of features");
    let e = Dataset::new("d", x.clone(), Labels::Classes(vec![0, 1]), 2, vec![3]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "d: feature shape [3] does not give 4 columns"
    );
    let e = Dataset::new(
        "d",
        x.clone(),
        Labels::Attributes(ndarray::array![[0, 2], [1, 1]]),
        2,
        vec![4],
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "d: attribute (0, 1) is 2; attributes are 0 or 1"
    );
    let e = Dataset::new(
        "d",
        x,
        Labels::Attributes(Array2::zeros((2, 3))),
        2,
        vec![2, 2],
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "d: 3 attribute columns for 2 classes");
    let e = toy(vec![0, 1], 2).try_subset(&[0, 2]).unwrap_err();
    assert_eq!(
        e.to_string(),
        "toy: subset index 2 is out of range for 2 examples"
    );
}

#[test]
fn panicking_forms_report_the_callers_line() {
    let ds = toy(vec![0, 1], 2);
    assert_panics_here!(
        ds.subset(&[0, 5]),
        "toy: subset index 5 is out of range for 2 examples"
    );
    assert_panics_here!(ds.image(2), "toy: example 2 is out of range for 2 examples");
}
