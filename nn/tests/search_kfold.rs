//! Stratified k-fold cross-validation (`nn::data::KFold`).

use ndarray::Array2;
use nn::data::{Dataset, KFold, Labels, digits};

#[test]
fn every_example_in_exactly_one_validation_fold_and_every_class_in_every_fold() {
    let ds = digits::load::<f32>();
    for k in [2, 5, 10] {
        let kf = KFold::stratified(&ds, k, 7).unwrap();
        assert_eq!(kf.k(), k);
        let mut seen = vec![0usize; ds.len()];
        let mut sizes = Vec::new();
        for i in 0..k {
            let fold = kf.fold(&ds, i).unwrap();
            for &j in &fold.val_indices {
                seen[j] += 1;
            }
            assert!(fold.val_indices.windows(2).all(|w| w[0] < w[1]));
            assert!(fold.train_indices.windows(2).all(|w| w[0] < w[1]));
            assert_eq!(fold.train.len() + fold.val.len(), ds.len());
            assert!(
                fold.train_indices
                    .iter()
                    .all(|j| fold.val_indices.binary_search(j).is_err())
            );
            let counts = fold.val.class_counts().unwrap();
            let total = ds.class_counts().unwrap();
            for (c, (&n, &all)) in counts.iter().zip(&total).enumerate() {
                // Each class's share to within one example.
                let share = all as f64 / k as f64;
                assert!(
                    (n as f64 - share).abs() < 1.0,
                    "fold {i} class {c}: {n} of {all}"
                );
            }
            assert_eq!(fold.val.name(), format!("{} (fold {i} val)", ds.name()));
            sizes.push(fold.val.len());
        }
        assert!(seen.iter().all(|&s| s == 1));
        assert!(
            sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1,
            "{sizes:?}"
        );
    }
}

#[test]
fn seeded() {
    let ds = digits::load::<f32>();
    let a = KFold::stratified(&ds, 5, 1).unwrap();
    assert_eq!(a, KFold::stratified(&ds, 5, 1).unwrap());
    assert_ne!(a, KFold::stratified(&ds, 5, 2).unwrap());
}

#[test]
fn errors() {
    let ds = Dataset::new(
        "tiny",
        Array2::<f32>::zeros((6, 1)),
        Labels::Classes(vec![0, 0, 0, 1, 1, 1]),
        3, // class 2 is absent from the whole set: absent from every fold, not an error
        vec![1],
    )
    .unwrap();
    assert_eq!(
        KFold::stratified(&ds, 1, 0).unwrap_err().to_string(),
        "tiny: k-fold needs k ≥ 2 folds, got 1"
    );
    assert_eq!(
        KFold::stratified(&ds, 4, 0).unwrap_err().to_string(),
        "tiny: class 0 has 3 examples; stratified 4-fold needs at least 4"
    );
    let kf = KFold::stratified(&ds, 3, 0).unwrap();
    assert_eq!(
        kf.fold(&ds, 3).unwrap_err().to_string(),
        "tiny: fold 3 does not exist: there are 3 folds"
    );
    let other = digits::load::<f32>();
    assert!(
        kf.fold(&other, 0)
            .unwrap_err()
            .to_string()
            .contains("dealt from 6 examples")
    );
    let attrs = Dataset::new(
        "reg",
        Array2::<f32>::zeros((4, 1)),
        Labels::Attributes(Array2::zeros((4, 1))),
        1,
        vec![1],
    )
    .unwrap();
    assert!(
        KFold::stratified(&attrs, 2, 0)
            .unwrap_err()
            .to_string()
            .contains("needs class labels")
    );
}
