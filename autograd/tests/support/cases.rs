//! Inputs for tests that run every registered op: a small deterministic
//! generator (no dependency) and the input shapes tried per shape rule.

#![allow(dead_code)] // each test binary uses its own part

use autograd::registry::{Domain, ShapeRule};
use ndarray::Array2;

/// A small deterministic generator (no dependency): SplitMix64.
pub struct Rng(pub u64);

impl Rng {
    pub fn unit(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A value in the op's domain, away from 0 where it matters.
    pub fn value(&mut self, domain: Domain) -> f64 {
        let u = self.unit();
        match domain {
            Domain::Real => 4.0 * u - 2.0,
            Domain::Positive => 0.5 + 2.0 * u,
            Domain::NonZero => {
                let m = 0.5 + 1.5 * u;
                if self.unit() < 0.5 { -m } else { m }
            }
        }
    }

    pub fn matrix(&mut self, (r, c): (usize, usize), d: Domain) -> Array2<f64> {
        Array2::from_shape_fn((r, c), |_| self.value(d))
    }

    /// One input per shape, each from its domain: an op's arguments.
    pub fn inputs(&mut self, shapes: &[(usize, usize)], domains: &[Domain]) -> Vec<Array2<f64>> {
        shapes
            .iter()
            .zip(domains)
            .map(|(&s, &d)| self.matrix(s, d))
            .collect()
    }
}

/// The input shapes tried for a shape rule (broadcasting both ways).
pub fn shape_sets(rule: ShapeRule) -> Vec<Vec<(usize, usize)>> {
    match rule {
        ShapeRule::Unary => vec![vec![(3, 4)], vec![(1, 1)]],
        ShapeRule::Broadcast => vec![
            vec![(3, 4), (3, 4)],
            vec![(3, 4), (1, 4)],
            vec![(3, 1), (3, 4)],
            vec![(1, 1), (3, 4)],
        ],
        ShapeRule::MatMul => vec![vec![(3, 4), (4, 2)]],
        ShapeRule::ColumnGroups(k) => vec![vec![(3, 2 * k)]],
        ShapeRule::RowParam => vec![vec![(3, 4), (1, 4)], vec![(3, 4), (1, 1)]],
        ShapeRule::SameRows => vec![vec![(3, 2), (3, 3)]],
    }
}
