//! Every refusal, with its typed error and message.

use ndarray::{Array2, array};
use nn::preprocess::linalg::symmetric_eigen;
use nn::preprocess::{
    Center, CenterBy, Pca, PreprocessError, Scale, Standardize, State, Transform,
};

use super::{every_transform, synthetic};

/// Every fit, on `x`, with its transform name.
fn fit_all(x: &Array2<f64>) -> Vec<(&'static str, Result<(), PreprocessError>)> {
    vec![
        ("center", Center::fit(x, CenterBy::Feature).map(drop)),
        ("center", Center::fit(x, CenterBy::Global).map(drop)),
        (
            "center",
            Center::fit(x, CenterBy::Channel { channels: 1 }).map(drop),
        ),
        ("standardize", Standardize::fit(x).map(drop)),
        ("scale", Scale::fit(x).map(drop)),
        ("pca", Pca::fit(x, 1).map(drop)),
        ("pca", Pca::fit_whitened(x, 1, 1e-5).map(drop)),
    ]
}

#[test]
fn fitting_on_no_rows_or_no_columns_is_refused() {
    for (rows, cols) in [(0, 3), (4, 0)] {
        for (transform, r) in fit_all(&Array2::zeros((rows, cols))) {
            assert_eq!(
                r,
                Err(PreprocessError::Empty {
                    transform,
                    rows,
                    cols
                })
            );
        }
    }
    let msg = Standardize::fit(&Array2::<f64>::zeros((0, 3)))
        .unwrap_err()
        .to_string();
    assert_eq!(msg, "standardize: cannot fit on an empty 0×3 matrix");
}

#[test]
fn nan_or_infinity_in_training_data_is_refused() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let mut x = synthetic(10, 40);
        x[[7, 2]] = bad;
        for (transform, r) in fit_all(&x) {
            match r {
                Err(PreprocessError::NonFinite {
                    transform: t,
                    row: 7,
                    col: 2,
                    value,
                }) if t == transform && (value == bad || value.is_nan() && bad.is_nan()) => {}
                other => panic!("{transform}: {other:?}"),
            }
        }
    }
    let mut x = array![[1.0_f32, 2.0]];
    x[[0, 1]] = f32::NAN;
    let msg = Pca::fit(&x, 1).unwrap_err().to_string();
    assert_eq!(msg, "pca: training data has NaN at row 0, column 1");
}

#[test]
fn width_mismatch_names_both_widths() {
    let x = synthetic(20, 41);
    for (name, t) in every_transform(&x) {
        let err = t.apply(&Array2::zeros((2, 7))).unwrap_err();
        let expected = PreprocessError::WidthMismatch {
            transform: t.kind(),
            op: "apply",
            expected: 8,
            got: 7,
        };
        assert_eq!(err, expected, "{name}");
        let err = t.inverse(&Array2::zeros((1, 9))).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: inverse expects rows of width 8, got width 9", t.kind())
        );
    }
    let pca = Pca::fit(&x, 3).unwrap();
    assert_eq!(
        pca.inverse(&Array2::zeros((1, 8))).unwrap_err(),
        PreprocessError::WidthMismatch {
            transform: "pca",
            op: "inverse",
            expected: 3,
            got: 8
        }
    );
}

#[test]
fn k_outside_one_to_d_is_refused() {
    let x = synthetic(20, 42);
    for k in [0, 9, 100] {
        assert_eq!(
            Pca::fit(&x, k).unwrap_err(),
            PreprocessError::InvalidComponents { k, dim: 8 }
        );
        assert_eq!(
            Pca::fit_whitened(&x, k, 1e-5).unwrap_err(),
            PreprocessError::InvalidComponents { k, dim: 8 }
        );
    }
    let msg = Pca::fit(&x, 9).unwrap_err().to_string();
    assert_eq!(
        msg,
        "pca: k = 9 components of 8-dimensional data (need 1 ≤ k ≤ 8)"
    );
}

#[test]
fn epsilon_must_be_finite_and_positive() {
    let x = synthetic(20, 43);
    for eps in [0.0, -1e-5, f64::INFINITY, f64::NEG_INFINITY] {
        assert_eq!(
            Pca::fit_whitened(&x, 2, eps).unwrap_err(),
            PreprocessError::InvalidEpsilon { epsilon: eps }
        );
    }
    assert!(matches!(
        Pca::fit_whitened(&x, 2, f64::NAN),
        Err(PreprocessError::InvalidEpsilon { epsilon }) if epsilon.is_nan()
    ));
    assert_eq!(
        Pca::fit_whitened(&x, 2, 0.0).unwrap_err().to_string(),
        "pca: whitening ε must be finite and > 0, got 0"
    );
}

#[test]
fn channels_must_divide_the_width() {
    let x = synthetic(20, 44);
    for channels in [0, 3, 5, 16] {
        let err = Center::fit(&x, CenterBy::Channel { channels }).unwrap_err();
        assert_eq!(err, PreprocessError::InvalidChannels { channels, dim: 8 });
    }
    assert!(Center::fit(&x, CenterBy::Channel { channels: 8 }).is_ok());
}

#[test]
fn restoring_a_wrong_or_damaged_state_is_refused() {
    let x = synthetic(20, 45);
    let scale = Scale::fit(&x).unwrap().export();
    assert_eq!(
        Standardize::<f64>::restore(&scale).unwrap_err().to_string(),
        "standardize: cannot restore: state is of kind \"scale\""
    );
    assert!(Scale::<f64>::restore(&State::new("scale")).is_err());

    let mut s = Standardize::fit(&x).unwrap().export();
    s.arrays.insert("std".into(), Array2::ones((1, 7)));
    let msg = Standardize::<f64>::restore(&s).unwrap_err().to_string();
    assert_eq!(
        msg,
        "standardize: cannot restore: array \"std\" is 1×7, expected 1×8"
    );

    let mut c = Center::fit(&x, CenterBy::Channel { channels: 4 })
        .unwrap()
        .export();
    c.scalars.insert("channels".into(), 3.0);
    assert!(matches!(
        Center::<f64>::restore(&c),
        Err(PreprocessError::BadState {
            transform: "center",
            ..
        })
    ));
    c.scalars.insert("channels".into(), 4.5);
    assert!(Center::<f64>::restore(&c).is_err());

    let mut p = Pca::fit_whitened(&x, 3, 1e-5).unwrap().export();
    p.scalars.insert("epsilon".into(), -1.0);
    assert_eq!(
        Pca::<f64>::restore(&p).unwrap_err(),
        PreprocessError::InvalidEpsilon { epsilon: -1.0 }
    );
    p.arrays.insert("components".into(), Array2::zeros((8, 9)));
    assert!(Pca::<f64>::restore(&p).is_err());
    p.arrays.remove("variance");
    p.arrays.insert("components".into(), Array2::zeros((8, 3)));
    assert_eq!(
        Pca::<f64>::restore(&p).unwrap_err().to_string(),
        "pca: cannot restore: no array \"variance\""
    );
}

#[test]
fn eigensolver_refuses_non_square_or_non_finite() {
    let err = symmetric_eigen(&Array2::zeros((3, 4))).unwrap_err();
    assert_eq!(
        err.to_string(),
        "pca: eigendecomposition failed: matrix is 3×4, not square"
    );
    let err = symmetric_eigen(&array![[1.0, f64::NAN], [f64::NAN, 1.0]]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "pca: eigendecomposition failed: entry (0, 1) is NaN"
    );
}
