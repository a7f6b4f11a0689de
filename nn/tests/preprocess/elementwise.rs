//! Center, Standardize and Scale: the statistics they fit, zero-variance
//! features (digits has blank pixels), inverses, f32, export/restore.

use ndarray::{Array2, Axis, array};
use nn::preprocess::{Center, CenterBy, Scale, Standardize, Transform};

use super::{cols, digits, every_transform, max_diff, synthetic};

#[test]
fn centred_columns_have_zero_mean() {
    let x = synthetic(500, 1);
    let c = Center::fit(&x, CenterBy::Feature).unwrap();
    let z = c.apply(&x).unwrap();
    let means = z.mean_axis(Axis(0)).unwrap();
    // Offsets reach 1000, so 1e-12 is ~10 ulps of the data: the mean is
    // accumulated in f64 and subtracted once.
    assert!(means.iter().all(|m| m.abs() < 1e-12), "{means}");
    // Before centering the means were far from 0.
    assert!(x.mean_axis(Axis(0)).unwrap()[3] > 900.0);
}

#[test]
fn global_and_channel_means_are_means_of_their_entries() {
    let x = synthetic(300, 2);
    let global = Center::fit(&x, CenterBy::Global).unwrap();
    assert!((global.means()[0] - x.mean().unwrap()).abs() < 1e-12);
    assert!(global.apply(&x).unwrap().mean().unwrap().abs() < 1e-12);

    // 8 columns as 4 channels of 2 positions: channel c is columns 2c, 2c+1.
    let by_channel = Center::fit(&x, CenterBy::Channel { channels: 4 }).unwrap();
    let z = by_channel.apply(&x).unwrap();
    for c in 0..4 {
        let block = cols(&x, 2 * c..2 * c + 2);
        assert!((by_channel.means()[c] - block.mean().unwrap()).abs() < 1e-12);
        let zb = cols(&z, 2 * c..2 * c + 2);
        assert!(zb.mean().unwrap().abs() < 1e-12);
        // The two positions of a channel share one mean, so each is shifted
        // by it (individually they need not be centred).
        for j in [2 * c, 2 * c + 1] {
            assert!((x[[0, j]] - z[[0, j]] - by_channel.means()[c]).abs() < 1e-12);
        }
    }
}

#[test]
fn standardized_columns_have_zero_mean_unit_std() {
    let x = synthetic(500, 3);
    let z = Standardize::fit(&x).unwrap().apply(&x).unwrap();
    for col in z.columns() {
        let mean = col.mean().unwrap();
        let std = col.std(0.0);
        assert!(
            mean.abs() < 1e-12 && (std - 1.0).abs() < 1e-12,
            "{mean} {std}"
        );
    }
}

#[test]
fn scaled_columns_span_minus_one_to_one() {
    let x = synthetic(500, 4);
    let z = Scale::fit(&x).unwrap().apply(&x).unwrap();
    for col in z.columns() {
        let lo = col.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert!(
            (lo + 1.0).abs() < 1e-15 && (hi - 1.0).abs() < 1e-15,
            "{lo} {hi}"
        );
    }
}

#[test]
fn constant_features_map_to_zero_and_stay_finite() {
    let train = array![[3.0, 0.0, 1.0], [3.0, 0.0, 2.0], [3.0, 0.0, 4.0]];
    let unseen = array![[5.0, 1.0, 1.0]];
    let s = Standardize::fit(&train).unwrap();
    assert_eq!(s.stds()[..2], [1.0, 1.0]); // divided by 1
    let z = s.apply(&train).unwrap();
    assert!(z.column(0).iter().chain(z.column(1)).all(|&v| v == 0.0));
    assert_eq!(s.apply(&unseen).unwrap().row(0).to_vec()[..2], [2.0, 1.0]);

    let sc = Scale::fit(&train).unwrap();
    let z = sc.apply(&train).unwrap();
    assert!(z.column(0).iter().chain(z.column(1)).all(|&v| v == 0.0));
    assert_eq!(sc.apply(&unseen).unwrap().row(0).to_vec()[..2], [2.0, 1.0]);
}

#[test]
fn constant_feature_whose_mean_rounds_still_maps_to_exact_zero() {
    // 0.1 summed 3 times and divided by 3 is not 0.1 in f64; the constant
    // is detected exactly, so the training values still give exactly 0.
    assert_ne!((0.1 + 0.1 + 0.1) / 3.0, 0.1);
    let train = array![[0.1], [0.1], [0.1]];
    assert_eq!(
        Standardize::fit(&train).unwrap().apply(&train).unwrap(),
        array![[0.0], [0.0], [0.0]]
    );
}

#[test]
fn a_tiny_but_real_spread_is_still_scaled() {
    // σ = 5e-13 is tiny, but the feature is not constant: it is divided by σ.
    let train = array![[1.0_f64], [1.0 + 1e-12]];
    let z = Standardize::fit(&train).unwrap().apply(&train).unwrap();
    assert!(
        (z[[0, 0]] + 1.0).abs() < 1e-3 && (z[[1, 0]] - 1.0).abs() < 1e-3,
        "{z}"
    );
    let z = Scale::fit(&train).unwrap().apply(&train).unwrap();
    assert_eq!(z, array![[-1.0], [1.0]]);
}

#[test]
fn digits_blank_pixels_give_finite_standardized_values() {
    let x = digits();
    let (train, test) = x.view().split_at(Axis(0), 1400);
    let (train, test) = (train.to_owned(), test.to_owned());
    let s = Standardize::fit(&train).unwrap();
    let constant: Vec<usize> = (0..64)
        .filter(|&j| train.column(j).iter().all(|&v| v == train[[0, j]]))
        .collect();
    // Pixels (0,0), (4,0) and (4,7) are blank in every digits image; a
    // training split may have more.
    assert!(
        [0, 32, 39].iter().all(|j| constant.contains(j)),
        "{constant:?}"
    );
    for &j in &constant {
        assert_eq!(s.stds()[j], 1.0);
    }
    for z in [s.apply(&train).unwrap(), s.apply(&test).unwrap()] {
        assert!(z.iter().all(|v| v.is_finite()));
    }
    // Test pixels that are non-blank where training was always blank stay
    // bounded by their raw value (16 at most), not blown up by a tiny σ.
    let zt = s.apply(&test).unwrap();
    for &j in &constant {
        assert!(zt.column(j).iter().all(|v| v.abs() <= 16.0));
    }
    let sc = Scale::fit(&train).unwrap().apply(&test).unwrap();
    assert!(sc.iter().all(|v| v.is_finite()));
}

#[test]
fn inverse_undoes_apply() {
    let x = synthetic(200, 5);
    for (name, t) in every_transform(&x) {
        let back = t.inverse(&t.apply(&x).unwrap()).unwrap();
        // Relative to the data's size (entries up to ~1e3).
        let err = max_diff(&back, &x);
        assert!(err < 1e-9, "{name}: {err}");
    }
}

#[test]
fn f32_statistics_are_computed_in_f64_and_rounded_once() {
    let x = synthetic(4000, 6).mapv(|v| (v + 1e4) as f32);
    let wide = x.mapv(f64::from);
    let exact = wide.mean_axis(Axis(0)).unwrap();
    let c = Center::fit(&x, CenterBy::Feature).unwrap();
    for (m, e) in c.means().iter().zip(&exact) {
        assert_eq!(*m, *e as f32, "mean rounded once from the f64 mean");
    }
    // Standardized in f32 vs in f64 from the same values: they differ only
    // by the statistics' and the output's rounding to f32 — half an f32
    // ulp of the mean (~1e4 here), divided by σ, plus f32 output rounding.
    let z32 = Standardize::<f32>::fit(&x)
        .unwrap()
        .apply(&x)
        .unwrap()
        .mapv(f64::from);
    let s64 = Standardize::<f64>::fit(&wide).unwrap();
    let z64 = s64.apply(&wide).unwrap();
    for j in 0..8 {
        let (mean, std) = (s64.means()[j], s64.stds()[j]);
        let bound = 0.5 * mean.abs() * f64::from(f32::EPSILON) / std + 1e-6 * 10.0;
        let err = (0..x.nrows())
            .map(|i| (z32[[i, j]] - z64[[i, j]]).abs())
            .fold(0.0, f64::max);
        assert!(err <= bound, "column {j}: {err} > {bound}");
    }
}

#[test]
fn export_restore_round_trips_bit_for_bit() {
    let x = synthetic(100, 7);
    let probe = synthetic(10, 8);
    macro_rules! round_trip {
        ($t:expr, $ty:ty) => {{
            let t = $t;
            let state = t.export();
            assert_eq!(state.kind, t.kind());
            let back = <$ty>::restore(&state).unwrap();
            assert_eq!(back, t);
            assert_eq!(back.apply(&probe).unwrap(), t.apply(&probe).unwrap());
        }};
    }
    for by in [
        CenterBy::Feature,
        CenterBy::Global,
        CenterBy::Channel { channels: 1 },
        CenterBy::Channel { channels: 4 },
    ] {
        round_trip!(Center::fit(&x, by).unwrap(), Center<f64>);
    }
    round_trip!(Standardize::fit(&x).unwrap(), Standardize<f64>);
    round_trip!(Scale::fit(&x).unwrap(), Scale<f64>);
    // f32: the stored statistics are already rounded to f32, so nothing is lost.
    let x32 = x.mapv(|v| v as f32);
    let s = Standardize::fit(&x32).unwrap();
    assert_eq!(Standardize::<f32>::restore(&s.export()).unwrap(), s);
}

#[test]
fn zero_rows_apply_to_zero_rows() {
    let x = synthetic(50, 9);
    for (name, t) in every_transform(&x) {
        let z = t.apply(&Array2::zeros((0, 8))).unwrap();
        assert_eq!(z.dim(), (0, t.output_dim()), "{name}");
    }
}

#[test]
fn nan_in_applied_data_is_not_hidden() {
    let x = synthetic(50, 10);
    let mut probe = synthetic(3, 11);
    probe[[1, 2]] = f64::NAN;
    for (name, t) in every_transform(&x) {
        let z = t.apply(&probe).unwrap();
        assert!(z.row(1).iter().any(|v| v.is_nan()), "{name}");
        assert!(
            z.row(0).iter().chain(z.row(2)).all(|v| v.is_finite()),
            "{name}"
        );
    }
}
