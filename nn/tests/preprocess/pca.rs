//! PCA and whitening: the kept directions are the top-variance ones,
//! explained variance, whitened covariance ≈ I and ε's effect, inverses,
//! the eigensolver's order and sign convention, and digits.

use ndarray::{Array1, Array2, Axis, array};
use nn::preprocess::linalg::symmetric_eigen;
use nn::preprocess::{Pca, Transform};

use super::{covariance, digits, max_diff, rows, synthetic};

/// An orthonormal 6×6 matrix: the Householder reflector I − 2vvᵀ/vᵀv.
fn householder() -> Array2<f64> {
    let v = array![1.0, 2.0, -1.0, 0.5, 3.0, -2.0];
    let outer = v
        .view()
        .insert_axis(Axis(1))
        .dot(&v.view().insert_axis(Axis(0)));
    Array2::eye(6) - outer * (2.0 / v.dot(&v))
}

/// Rows ±sqrt(D·λᵢ)·qᵢ + m for each column qᵢ of `q`: their mean is m and
/// their covariance exactly Σ λᵢ qᵢqᵢᵀ, so the eigenvectors are known.
fn data_with_eigen(q: &Array2<f64>, lambdas: &[f64]) -> Array2<f64> {
    let d = q.nrows();
    let m = Array1::from_shape_fn(d, |j| j as f64 - 2.5);
    let mut x = Array2::zeros((2 * d, d));
    for (i, &l) in lambdas.iter().enumerate() {
        let a = (d as f64 * l).sqrt();
        x.row_mut(2 * i).assign(&(&q.column(i) * a + &m));
        x.row_mut(2 * i + 1).assign(&(&q.column(i) * -a + &m));
    }
    x
}

#[test]
fn components_are_the_known_top_variance_eigenvectors() {
    let q = householder();
    // Deliberately unsorted, so PCA must sort them.
    let lambdas = [3.0, 50.0, 0.2, 8.0, 20.0, 1.0];
    let x = data_with_eigen(&q, &lambdas);
    let pca = Pca::fit(&x, 3).unwrap();
    // Top three: λ = 50, 20, 8 along q₁, q₄, q₃ (0-based).
    for (kept, (&col, &l)) in [1, 4, 3].iter().zip(&[50.0, 20.0, 8.0]).enumerate() {
        let dot = pca.components().column(kept).dot(&q.column(col));
        assert!(
            (dot.abs() - 1.0).abs() < 1e-12,
            "component {kept}: |cos| = {}",
            dot.abs()
        );
        assert!((pca.explained_variance()[kept] - l).abs() < 1e-12 * 50.0);
    }
    let total: f64 = lambdas.iter().sum();
    let ratios = pca.explained_variance_ratio();
    for (r, l) in ratios.iter().zip([50.0, 20.0, 8.0]) {
        assert!((r - l / total).abs() < 1e-12);
    }
    // The variance of the projected training data along each kept direction
    // is its eigenvalue.
    let z = pca.apply(&x).unwrap();
    for (j, l) in [50.0, 20.0, 8.0].iter().enumerate() {
        let var = z.column(j).mapv(|v| v * v).mean().unwrap();
        assert!((var - l).abs() < 1e-10, "{var} vs {l}");
    }
}

#[test]
fn no_direction_has_more_variance_than_the_kept_ones() {
    let x = synthetic(1000, 20);
    let pca = Pca::fit(&x, 3).unwrap();
    let (s, u) = (pca.variances(), pca.components());
    let xc = &x - &x.mean_axis(Axis(0)).unwrap();
    // Variance of the data along the unit vector dir/‖dir‖.
    let var_along = |dir: &Array1<f64>| xc.dot(dir).mapv(|v| v * v).mean().unwrap() / dir.dot(dir);
    let mut state = 12345_u64;
    for _ in 0..200 {
        // A pseudo-random direction (xorshift), also with the kept part removed.
        let mut dir = Array1::from_shape_fn(8, |_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5
        });
        assert!(var_along(&dir) <= s[0] * (1.0 + 1e-12));
        for k in 0..3 {
            let c = u.column(k);
            dir = &dir - &(&c * c.dot(&dir));
        }
        assert!(
            var_along(&dir) <= s[3] * (1.0 + 1e-9),
            "orthogonal to the kept: ≤ λ₄"
        );
    }
}

#[test]
fn explained_variance_ratios_sum_to_one_over_all_components() {
    let x = synthetic(500, 21);
    let all = Pca::fit(&x, 8).unwrap().explained_variance_ratio();
    assert!((all.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    assert!(all.windows(2).all(|w| w[0] >= w[1]), "descending");
    let three: f64 = Pca::fit(&x, 3)
        .unwrap()
        .explained_variance_ratio()
        .iter()
        .sum();
    assert!((three - all[..3].iter().sum::<f64>()).abs() < 1e-15 && three < 1.0);
}

#[test]
fn data_without_variance_explains_nothing() {
    let x = Array2::from_elem((5, 3), 2.5);
    let pca = Pca::fit(&x, 3).unwrap();
    assert_eq!(pca.explained_variance_ratio(), [0.0, 0.0, 0.0]);
    assert_eq!(pca.apply(&x).unwrap(), Array2::<f64>::zeros((5, 3)));
}

#[test]
fn only_the_lower_triangle_is_read() {
    let a = array![[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 1.0]];
    let mut junk = a.clone();
    junk[[0, 1]] = 99.0;
    junk[[0, 2]] = -7.0;
    junk[[1, 2]] = 3.0;
    assert_eq!(
        symmetric_eigen(&junk).unwrap(),
        symmetric_eigen(&a).unwrap()
    );
}

#[test]
fn whitened_training_covariance_is_identity() {
    let x = synthetic(2000, 22);
    let s_min = *Pca::fit(&x, 8).unwrap().variances().last().unwrap();
    let eps = 1e-10;
    // Whitening divides by sqrt(S + ε), so each direction's variance becomes
    // S/(S + ε) = 1 − ε/(S + ε): the deviation from I is at most ε/S_min.
    assert!(eps / s_min < 1e-7, "S_min = {s_min}");
    for k in [8, 5] {
        let w = Pca::fit_whitened(&x, k, eps).unwrap();
        let c = covariance(&w.apply(&x).unwrap());
        let err = max_diff(&c, &Array2::eye(k));
        assert!(err < 1e-6, "k = {k}: max |C − I| = {err}");
    }
}

#[test]
fn epsilon_shrinks_low_variance_directions() {
    let x = synthetic(2000, 23);
    let s = Pca::fit(&x, 8).unwrap().variances().to_vec();
    // ε equal to the smallest eigenvalue halves that direction's variance,
    // and barely touches the largest.
    let w = Pca::fit_whitened(&x, 8, s[7]).unwrap();
    let c = covariance(&w.apply(&x).unwrap());
    for i in 0..8 {
        let expected = s[i] / (s[i] + s[7]);
        assert!(
            (c[[i, i]] - expected).abs() < 1e-9,
            "{i}: {} vs {expected}",
            c[[i, i]]
        );
    }
    assert!((c[[7, 7]] - 0.5).abs() < 1e-9);
}

#[test]
fn reduced_inverse_is_the_projection_onto_the_kept_subspace() {
    let x = synthetic(400, 24);
    let pca = Pca::fit(&x, 3).unwrap();
    let z = pca.apply(&x).unwrap();
    let back = pca.inverse(&z).unwrap();
    // Projecting again changes nothing: the reconstruction lies in the subspace.
    assert!(max_diff(&pca.apply(&back).unwrap(), &z) < 1e-9);
    // What was lost is orthogonal to every kept direction.
    let lost = &x - &back;
    assert!(lost.dot(pca.components()).iter().all(|v| v.abs() < 1e-8));
    // The mean squared reconstruction error is the discarded variance.
    let mse = lost.mapv(|v| v * v).sum() / x.nrows() as f64;
    let discarded: f64 = pca.variances()[3..].iter().sum();
    assert!(
        (mse - discarded).abs() < 1e-9 * discarded,
        "{mse} vs {discarded}"
    );
}

#[test]
fn whitened_inverse_restores_the_data() {
    let x = synthetic(300, 25);
    let w = Pca::fit_whitened(&x, 8, 1e-3).unwrap();
    assert!(max_diff(&w.inverse(&w.apply(&x).unwrap()).unwrap(), &x) < 1e-9);
}

#[test]
fn eigen_pairs_are_sorted_orthonormal_and_signed() {
    let a = synthetic(50, 26);
    let sym = a.t().dot(&a);
    let e = symmetric_eigen(&sym).unwrap();
    assert!(e.values.windows(2).all(|w| w[0] >= w[1]));
    let scale = e.values[0];
    for (i, &l) in e.values.iter().enumerate() {
        let v = e.vectors.column(i);
        assert!(
            max_diff(
                &sym.dot(&v).insert_axis(Axis(1)),
                &(&v * l).insert_axis(Axis(1))
            ) < 1e-10 * scale
        );
        let lead = v
            .iter()
            .copied()
            .fold(0.0_f64, |b, x| if x.abs() > b.abs() { x } else { b });
        assert!(lead > 0.0, "column {i}: largest component {lead}");
    }
    assert!(max_diff(&e.vectors.t().dot(&e.vectors), &Array2::eye(8)) < 1e-12);
    // Deterministic: a second run gives the same bits.
    assert_eq!(symmetric_eigen(&sym).unwrap(), e);
}

#[test]
fn f32_pca_matches_f64() {
    let x = synthetic(500, 27);
    let p64 = Pca::fit_whitened(&x, 4, 1e-6).unwrap();
    let p32 = Pca::fit_whitened(&x.mapv(|v| v as f32), 4, 1e-6).unwrap();
    let z64 = p64.apply(&x).unwrap();
    let z32 = p32.apply(&x.mapv(|v| v as f32)).unwrap().mapv(f64::from);
    assert!(max_diff(&z64, &z32) < 1e-4, "{}", max_diff(&z64, &z32));
}

#[test]
fn export_restore_round_trips_bit_for_bit() {
    let x = synthetic(200, 28);
    for pca in [
        Pca::fit(&x, 3).unwrap(),
        Pca::fit_whitened(&x, 8, 1e-5).unwrap(),
    ] {
        let back = Pca::<f64>::restore(&pca.export()).unwrap();
        assert_eq!(back, pca);
        assert_eq!(back.apply(&x).unwrap(), pca.apply(&x).unwrap());
        assert_eq!(
            back.inverse(&pca.apply(&x).unwrap()).unwrap(),
            pca.inverse(&pca.apply(&x).unwrap()).unwrap()
        );
    }
}

/// Digits: how many components keep 90% (and 95%, 99%) of the variance of
/// a 1400-image training split, and whitening's handling of the blank
/// pixels' zero-variance directions.
#[test]
fn digits_explained_variance() {
    let x = digits();
    let train = rows(&x, 0..1400);
    let pca = Pca::fit(&train, 64).unwrap();
    let ratios = pca.explained_variance_ratio();
    let keep = |frac: f64| {
        let mut acc = 0.0;
        ratios
            .iter()
            .position(|r| {
                acc += r;
                acc >= frac
            })
            .unwrap()
            + 1
    };
    let (k90, k95, k99) = (keep(0.90), keep(0.95), keep(0.99));
    eprintln!(
        "digits PCA: first component {:.1}%, top 2 {:.1}%; 90% in {k90}, 95% in {k95}, 99% in {k99} of 64",
        100.0 * ratios[0],
        100.0 * (ratios[0] + ratios[1])
    );
    assert_eq!((k90, k95, k99), (K90, K95, K99));
    // Blank pixels are exactly-zero-variance directions.
    assert!(
        pca.variances().iter().all(|&s| s >= 0.0),
        "no eigenvalue below 0"
    );
    let zeros = pca.variances().iter().filter(|&&s| s < 1e-10).count();
    assert!(zeros >= 3, "{zeros}");

    // Whitening: ε = 0.1 keeps those directions at ~0 instead of dividing
    // rounding noise by ~0, and the rest at S/(S + ε).
    let eps = 0.1;
    let w = Pca::fit_whitened(&train, 64, eps).unwrap();
    let zw = w.apply(&train).unwrap();
    assert!(zw.iter().all(|v| v.is_finite()));
    let c = covariance(&zw);
    let expected = Array2::from_diag(&Array1::from_iter(
        w.variances().iter().map(|s| s / (s + eps)),
    ));
    assert!(
        max_diff(&c, &expected) < 1e-9,
        "{}",
        max_diff(&c, &expected)
    );
}

/// Components keeping 90%, 95%, 99% of the variance of digits' first 1400
/// images.
const K90: usize = 21;
const K95: usize = 29;
const K99: usize = 42;
