//! The curvature pairs `(sₖ, yₖ)` and the two-loop recursion that applies
//! the L-BFGS inverse-Hessian approximation to a gradient (Nocedal &
//! Wright, Algorithm 7.4).

use std::collections::VecDeque;

use autograd::Float;

/// Dot product, summed left to right (a fixed order, so results are
/// reproducible bit for bit).
pub(super) fn dot<F: Float>(a: &[F], b: &[F]) -> F {
    a.iter().zip(b).fold(F::zero(), |acc, (&x, &y)| acc + x * y)
}

/// `‖v‖∞`, the largest absolute entry (0 for an empty vector).
pub(super) fn norm_inf<F: Float>(v: &[F]) -> F {
    v.iter().fold(F::zero(), |m, &x| m.max(x.abs()))
}

/// `‖v‖₂`, scaled by `‖v‖∞` first so that squaring cannot overflow.
pub(super) fn norm2<F: Float>(v: &[F]) -> F {
    let scale = norm_inf(v);
    if scale == F::zero() || !scale.is_finite() {
        return scale;
    }
    scale
        * v.iter()
            .map(|&x| (x / scale) * (x / scale))
            .sum::<F>()
            .sqrt()
}

/// One remembered pair with its `ρ = 1 / yᵀs`.
#[derive(Clone, Debug)]
pub(super) struct Pair<F> {
    pub(super) s: Vec<F>,
    pub(super) y: Vec<F>,
    rho: F,
}

/// Up to `capacity` pairs, oldest first.
#[derive(Clone, Debug)]
pub(super) struct History<F> {
    pairs: VecDeque<Pair<F>>,
    capacity: usize,
}

impl<F: Float> History<F> {
    pub(super) fn new(capacity: usize) -> Self {
        History {
            pairs: VecDeque::with_capacity(capacity),
            capacity,
        }
    }

    pub(super) fn pairs(&self) -> impl Iterator<Item = &Pair<F>> {
        self.pairs.iter()
    }

    pub(super) fn len(&self) -> usize {
        self.pairs.len()
    }

    pub(super) fn capacity(&self) -> usize {
        self.capacity
    }

    pub(super) fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The length of the stored vectors, if any are stored.
    pub(super) fn dim(&self) -> Option<usize> {
        self.pairs.front().map(|p| p.s.len())
    }

    pub(super) fn clear(&mut self) {
        self.pairs.clear();
    }

    /// Stores `(s, y)`, dropping the oldest pair when full, unless
    /// `sᵀy ≤ ε ‖s‖₂ ‖y‖₂` (then returns `false` and stores nothing).
    pub(super) fn push(&mut self, s: Vec<F>, y: Vec<F>, epsilon: F) -> bool {
        let sy = dot(&s, &y);
        if sy.is_nan() || sy <= epsilon * norm2(&s) * norm2(&y) {
            return false;
        }
        if self.pairs.len() == self.capacity {
            self.pairs.pop_front();
        }
        self.pairs.push_back(Pair {
            rho: F::one() / sy,
            s,
            y,
        });
        true
    }

    /// `−H g`: the two-loop recursion with the initial inverse Hessian
    /// `γ I`, `γ = sᵀy / yᵀy` of the newest pair (1 with no pairs).
    pub(super) fn direction(&self, g: &[F]) -> Vec<F> {
        let mut q = g.to_vec();
        let mut alpha = vec![F::zero(); self.pairs.len()];
        for (i, p) in self.pairs.iter().enumerate().rev() {
            alpha[i] = p.rho * dot(&p.s, &q);
            axpy(-alpha[i], &p.y, &mut q);
        }
        let gamma = self
            .pairs
            .back()
            .map_or(F::one(), |p| F::one() / (p.rho * dot(&p.y, &p.y)));
        q.iter_mut().for_each(|v| *v *= gamma);
        for (i, p) in self.pairs.iter().enumerate() {
            let beta = p.rho * dot(&p.y, &q);
            axpy(alpha[i] - beta, &p.s, &mut q);
        }
        q.iter_mut().for_each(|v| *v = -*v);
        q
    }
}

/// `y ← y + a x`.
fn axpy<F: Float>(a: F, x: &[F], y: &mut [F]) {
    y.iter_mut().zip(x).for_each(|(y, &x)| *y += a * x);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_history_is_steepest_descent() {
        let h = History::<f64>::new(3);
        assert_eq!(h.direction(&[1.0, -2.0]), vec![-1.0, 2.0]);
    }

    #[test]
    fn one_pair_on_a_quadratic_is_secant_exact() {
        // f = ½ xᵀ diag(2, 8) x. After a pair along e₀ the direction for
        // g = (2, 0) is the exact Newton step −(1, 0).
        let mut h = History::<f64>::new(3);
        assert!(h.push(vec![1.0, 0.0], vec![2.0, 0.0], f64::EPSILON));
        let d = h.direction(&[2.0, 0.0]);
        assert!((d[0] + 1.0).abs() < 1e-15 && d[1] == 0.0, "{d:?}");
    }

    #[test]
    fn non_positive_curvature_pairs_are_skipped_and_capacity_holds() {
        let mut h = History::<f64>::new(2);
        assert!(!h.push(vec![1.0, 0.0], vec![-1.0, 0.0], 0.0));
        assert!(!h.push(vec![1.0, 0.0], vec![0.0, 1.0], 0.0)); // sᵀy = 0
        assert!(!h.push(vec![1.0, 0.0], vec![1e-3, 1.0], 1e-2)); // cos < ε
        for k in 1..=3 {
            assert!(h.push(vec![k as f64, 0.0], vec![1.0, 0.0], 0.0));
        }
        assert_eq!(h.len(), 2);
        assert_eq!(h.pairs().next().map(|p| p.s[0]), Some(2.0)); // oldest dropped
    }

    #[test]
    fn norm2_does_not_overflow() {
        assert_eq!(norm2(&[3e30_f32, 4e30]), 5e30);
        assert_eq!(norm2::<f64>(&[]), 0.0);
    }
}
