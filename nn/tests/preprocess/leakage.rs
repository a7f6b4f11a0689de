//! Fit on train, apply to anything: no statistic of the test part (or of
//! the batch being transformed) enters a transform, and one example at
//! prediction time is transformed as it would be in a batch.

use ndarray::{Array2, Axis, Slice, concatenate};

use nn::preprocess::{Pca, Transform};

use super::{digits, every_transform, rows, synthetic};

/// Fit every transform on the first 300 rows of `full`.
fn split_and_fit(
    full: &Array2<f64>,
) -> Vec<(&'static str, Box<dyn nn::preprocess::Transform<f64>>)> {
    every_transform(&rows(full, 0..300))
}

#[test]
fn perturbing_the_test_part_changes_no_statistic_and_no_train_output() {
    let full = synthetic(400, 30);
    let mut perturbed = full.clone();
    // Wreck the test part: shift, scale and flip it, and plant huge values.
    perturbed
        .slice_axis_mut(Axis(0), Slice::from(300..))
        .mapv_inplace(|v| -1e6 * v + 3e7);
    let train = rows(&full, 0..300);
    let test = rows(&full, 300..400);
    let test_perturbed = rows(&perturbed, 300..400);
    for ((name, a), (_, b)) in split_and_fit(&full)
        .into_iter()
        .zip(split_and_fit(&perturbed))
    {
        assert_eq!(a.export(), b.export(), "{name}: statistics moved");
        assert_eq!(
            a.apply(&train).unwrap(),
            b.apply(&train).unwrap(),
            "{name}: train output moved"
        );
        // The test output does change: the transform is applied, not refitted.
        assert_ne!(
            a.apply(&test).unwrap(),
            b.apply(&test_perturbed).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn apply_uses_no_statistic_of_the_batch() {
    let train = synthetic(300, 31);
    let test = synthetic(50, 32);
    let mut changed = test.clone();
    changed.row_mut(0).mapv_inplace(|v| v * 1e3 - 7.0);
    for (name, t) in every_transform(&train) {
        let (z, zc) = (t.apply(&test).unwrap(), t.apply(&changed).unwrap());
        assert_ne!(z.row(0), zc.row(0), "{name}");
        assert_eq!(
            rows(&z, 1..50),
            rows(&zc, 1..50),
            "{name}: other rows moved"
        );
    }
}

#[test]
fn a_single_example_is_transformed_as_in_a_batch() {
    let train = synthetic(300, 33);
    let test = synthetic(20, 34);
    for (name, t) in every_transform(&train) {
        let batch = t.apply(&test).unwrap();
        for (i, row) in test.rows().into_iter().enumerate() {
            assert_eq!(t.apply_one(row).unwrap(), batch.row(i), "{name}: row {i}");
        }
        // Also as a 1×D matrix, and with rows reassembled in another order.
        let one = t.apply(&rows(&test, 3..4)).unwrap();
        assert_eq!(one.row(0), batch.row(3), "{name}");
        let swapped = concatenate![Axis(0), rows(&test, 10..20), rows(&test, 0..10)];
        let zs = t.apply(&swapped).unwrap();
        assert_eq!(rows(&zs, 0..10), rows(&batch, 10..20), "{name}");
    }
}

#[test]
fn a_single_digit_is_projected_as_in_a_batch() {
    // 64 columns: large enough that the projection goes through the GEMM
    // kernel, whose summation order must not depend on the batch size.
    let x = digits();
    let train = rows(&x, 0..1400);
    let test = rows(&x, 1400..1797);
    for pca in [
        Pca::fit(&train, 20).unwrap(),
        Pca::fit_whitened(&train, 64, 0.1).unwrap(),
    ] {
        let batch = pca.apply(&test).unwrap();
        for i in [0, 1, 200, 396] {
            assert_eq!(pca.apply_one(test.row(i)).unwrap(), batch.row(i));
        }
        let back = pca.inverse(&batch).unwrap();
        assert_eq!(
            pca.inverse(&rows(&batch, 5..6)).unwrap().row(0),
            back.row(5)
        );
    }
}
