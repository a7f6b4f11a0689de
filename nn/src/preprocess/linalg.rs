//! The symmetric eigendecomposition PCA and whitening need — the one place
//! the linear-algebra crate (`faer`) is called.
//!
//! `faer` was chosen over `nalgebra` by `benches/linalg.rs` (a 784×784
//! covariance in f64; the numbers are in the commit that added it). The
//! covariance is symmetric positive semi-definite, so its eigendecomposition
//! C = U·diag(S)·Uᵀ is also its SVD; the symmetric solver is the cheaper of
//! the two. `faer` is built without its `rayon` feature: one thread, and
//! the same result on every run.

use faer::{Mat, Side};
use ndarray::Array2;

use super::PreprocessError;

/// Eigenvalues in descending order and their unit eigenvectors as the
/// columns of `vectors`, with a fixed sign.
#[derive(Debug, Clone, PartialEq)]
pub struct SymmetricEigen {
    /// λ₁ ≥ λ₂ ≥ … ≥ λ_D.
    pub values: Vec<f64>,
    /// D × D, column i the unit eigenvector of `values[i]`; each column's
    /// largest-magnitude component (the first such, on a tie) is positive.
    pub vectors: Array2<f64>,
}

/// Decompose the symmetric matrix `a`; only its lower triangle (diagonal
/// included) enters the decomposition, though every entry must be finite.
///
/// An eigenvector is defined only up to sign; flipping each so that its
/// largest-magnitude component is positive makes PCA's components, and so
/// every projection, the same across runs and machines. (Eigenvectors of a
/// repeated eigenvalue are not unique beyond sign: any rotation within
/// their subspace is as valid, and which one comes out is the solver's.)
///
/// Errors: `a` not square, a non-finite entry, or no convergence.
///
/// ```
/// use nn::preprocess::linalg::symmetric_eigen;
/// use ndarray::array;
///
/// let e = symmetric_eigen(&array![[1.0, 0.0], [0.0, 5.0]]).unwrap();
/// assert_eq!(e.values, [5.0, 1.0]); // largest first
/// // Whatever sign the solver returns, the largest component is made positive.
/// assert_eq!(e.vectors, array![[0.0, 1.0], [1.0, 0.0]]);
/// ```
pub fn symmetric_eigen(a: &Array2<f64>) -> Result<SymmetricEigen, PreprocessError> {
    let (n, m) = a.dim();
    if n != m {
        return Err(PreprocessError::Decomposition {
            reason: format!("matrix is {n}×{m}, not square"),
        });
    }
    if let Some(((i, j), v)) = a.indexed_iter().find(|(_, v)| !v.is_finite()) {
        return Err(PreprocessError::Decomposition {
            reason: format!("entry ({i}, {j}) is {v}"),
        });
    }
    let evd = Mat::from_fn(n, n, |i, j| a[[i, j]])
        .self_adjoint_eigen(Side::Lower)
        .map_err(|e| PreprocessError::Decomposition {
            reason: format!("{e:?}"),
        })?;
    // faer sorts ascending; PCA wants the largest first.
    let (s, u) = (evd.S().column_vector(), evd.U());
    let values = (0..n).rev().map(|i| s[i]).collect();
    let mut vectors = Array2::from_shape_fn((n, n), |(i, j)| u[(i, n - 1 - j)]);
    for mut col in vectors.columns_mut() {
        let lead = col.iter().copied().fold(
            0.0,
            |best: f64, v| if v.abs() > best.abs() { v } else { best },
        );
        if lead < 0.0 {
            col.mapv_inplace(|v| -v);
        }
    }
    Ok(SymmetricEigen { values, vectors })
}
