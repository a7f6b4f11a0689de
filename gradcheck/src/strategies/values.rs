//! Value strategies: matrices within a [`Domain`], placed away from or onto
//! an op's kinks, and complete inputs for any registered op.
//!
//! *Away from kinks* means every entry is at least [`MARGIN`] from each
//! `Kink::At` value, and (for `Kink::Ties` ops) all entries of all inputs are
//! pairwise distinct by far more than the checker's step, so no probe can
//! cross a kink. *On kinks* puts entries exactly on kink values, or within
//! `1e-7` of them (inside the default step, so probes straddle the kink from
//! off it), and for ties draws entries from a three-value pool so duplicates
//! within rows and across inputs are common.

use autograd::Shape;
use autograd::registry::{Domain, Kink, OpSpec};
use ndarray::Array2;
use proptest::prelude::*;

use super::shapes::shapes_for;

/// Minimum distance from a kink for [`Placement::AwayFromKinks`].
pub const MARGIN: f64 = 0.05;

/// Offset used to land *just beside* a kink, inside the default step.
pub const BESIDE: f64 = 1e-7;

/// Where to put values relative to an op's kinks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Never within [`MARGIN`] of a kink; no ties.
    AwayFromKinks,
    /// Exactly on kinks (and just beside them); many ties.
    OnKinks,
}

/// Maps `u ∈ (0, 1)` monotonically into `domain`: Real → (−2, 2),
/// Positive → (0.2, 2.2), NonZero → (−2.2, −0.2) ∪ (0.2, 2.2).
fn map_unit(u: f64, domain: Domain) -> f64 {
    match domain {
        Domain::Real => -2.0 + 4.0 * u,
        Domain::Positive => 0.2 + 2.0 * u,
        Domain::NonZero if u < 0.5 => -2.2 + 4.0 * u,
        Domain::NonZero => 0.2 + 4.0 * (u - 0.5),
    }
}

fn tie_pool(domain: Domain) -> [f64; 3] {
    match domain {
        Domain::Positive => [0.5, 1.0, 1.5],
        Domain::Real | Domain::NonZero => [-1.0, 0.5, 1.5],
    }
}

fn to_array(shape: Shape, v: Vec<f64>) -> Array2<f64> {
    Array2::from_shape_vec(shape.dim(), v).expect("length matches the shape")
}

/// A matrix of `shape` with entries uniform within `domain` (see the ranges
/// above).
///
/// ```
/// use autograd::registry::Domain;
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let m = gradcheck::strategies::matrix_in((2, 3), Domain::Positive)
///     .new_tree(&mut runner).unwrap().current();
/// assert_eq!(m.dim(), (2, 3));
/// assert!(m.iter().all(|&x| x > 0.0));
/// ```
///
/// # Panics
/// If `shape` has no entries (at the caller's line): the checker refuses
/// empty inputs, so such a matrix can only produce vacuous checks.
#[track_caller]
pub fn matrix_in(
    shape: impl Into<Shape>,
    domain: Domain,
) -> impl Strategy<Value = Array2<f64>> + Clone {
    let shape = shape.into();
    if shape.is_empty() {
        panic!("strategies::matrix_in: shape {shape} has no entries");
    }
    proptest::collection::vec(0.001..0.999f64, shape.len())
        .prop_map(move |u| to_array(shape, u.into_iter().map(|u| map_unit(u, domain)).collect()))
}

/// Moves `x` at least [`MARGIN`] away from every kink value.
fn push_away(x: f64, kinks: &[f64]) -> f64 {
    kinks.iter().fold(x, |x, &k| {
        if (x - k).abs() < MARGIN {
            if x >= k { k + MARGIN } else { k - MARGIN }
        } else {
            x
        }
    })
}

/// One entry biased onto a kink: the kink itself, just beside it, or random.
fn on_kink_entry(kinks: &'static [f64], domain: Domain) -> BoxedStrategy<f64> {
    if kinks.is_empty() {
        return (0.001..0.999f64)
            .prop_map(move |u| map_unit(u, domain))
            .boxed();
    }
    prop_oneof![
        2 => proptest::sample::select(kinks),
        1 => (proptest::sample::select(kinks), any::<bool>())
            .prop_map(|(k, up)| if up { k + BESIDE } else { k - BESIDE }),
        2 => (0.001..0.999f64).prop_map(move |u| map_unit(u, domain)),
    ]
    .boxed()
}

/// One entry for a tie-biased matrix: usually from a small pool.
fn tie_entry(domain: Domain) -> BoxedStrategy<f64> {
    prop_oneof![
        3 => proptest::sample::select(tie_pool(domain).to_vec()),
        1 => (0.001..0.999f64).prop_map(move |u| map_unit(u, domain)),
    ]
    .boxed()
}

/// A single matrix of `shape` in `domain`, placed relative to `kink`.
///
/// ```
/// use autograd::registry::{Domain, Kink};
/// use gradcheck::strategies::{matrix_for, Placement};
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let away = matrix_for((3, 3), Domain::Real, Kink::At(&[0.0]), Placement::AwayFromKinks)
///     .new_tree(&mut runner).unwrap().current();
/// assert!(away.iter().all(|x| x.abs() >= 0.05));
/// ```
///
/// # Panics
/// If `shape` has no entries (at the caller's line).
#[track_caller]
pub fn matrix_for(
    shape: impl Into<Shape>,
    domain: Domain,
    kink: Kink,
    placement: Placement,
) -> BoxedStrategy<Array2<f64>> {
    let shape = shape.into();
    if shape.is_empty() {
        panic!("strategies::matrix_for: shape {shape} has no entries");
    }
    let n = shape.len();
    match (placement, kink) {
        (Placement::AwayFromKinks, Kink::At(k)) => matrix_in(shape, domain)
            .prop_map(move |m| m.mapv(|x| push_away(x, k)))
            .boxed(),
        (Placement::AwayFromKinks, Kink::Ties) => distinct(vec![shape], vec![domain])
            .prop_map(|mut v| v.remove(0))
            .boxed(),
        (Placement::AwayFromKinks, Kink::None) | (Placement::OnKinks, Kink::None) => {
            matrix_in(shape, domain).boxed()
        }
        (Placement::OnKinks, Kink::At(k)) => proptest::collection::vec(on_kink_entry(k, domain), n)
            .prop_map(move |v| to_array(shape, v))
            .boxed(),
        (Placement::OnKinks, Kink::Ties) => proptest::collection::vec(tie_entry(domain), n)
            .prop_map(move |v| to_array(shape, v))
            .boxed(),
    }
}

/// Matrices whose entries are pairwise distinct across all of them (by at
/// least `0.8 / N` of the domain's span for `N` entries in total).
fn distinct(shapes: Vec<Shape>, domains: Vec<Domain>) -> BoxedStrategy<Vec<Array2<f64>>> {
    let total: usize = shapes.iter().map(|s| s.len()).sum();
    let perm = Just((0..total).collect::<Vec<usize>>()).prop_shuffle();
    (proptest::collection::vec(0.0..1.0f64, total), perm)
        .prop_map(move |(jitter, perm)| {
            let mut k = 0;
            shapes
                .iter()
                .zip(&domains)
                .map(|(s, &d)| {
                    let v = (0..s.len())
                        .map(|_| {
                            let u = (perm[k] as f64 + 0.1 + 0.8 * jitter[k]) / total as f64;
                            k += 1;
                            map_unit(u, d)
                        })
                        .collect();
                    to_array(*s, v)
                })
                .collect()
        })
        .boxed()
}

/// Complete inputs for `spec` with sides up to `max`: shapes by its
/// `ShapeRule`, values by its domains, placed by `placement` relative to its
/// kink (a `Kink::At` concerns the first input; ties concern all inputs).
///
/// # Panics
/// If `max` is 0 (at the caller's line).
#[track_caller]
pub fn op_inputs(
    spec: OpSpec,
    placement: Placement,
    max: usize,
) -> BoxedStrategy<Vec<Array2<f64>>> {
    if max == 0 {
        panic!(
            "strategies::op_inputs(_, _, 0): sides are drawn from 1..=max, so max must be at least 1"
        );
    }
    shapes_for(spec.shapes, max)
        .prop_flat_map(move |shapes| {
            let domains = spec.domains.to_vec();
            match placement {
                Placement::AwayFromKinks => distinct(shapes, domains)
                    .prop_map(move |mut v| {
                        if let Kink::At(k) = spec.kink {
                            v[0].mapv_inplace(|x| push_away(x, k));
                        }
                        v
                    })
                    .boxed(),
                Placement::OnKinks => {
                    let per_input: Vec<BoxedStrategy<Array2<f64>>> = shapes
                        .iter()
                        .zip(&domains)
                        .enumerate()
                        .map(|(i, (&s, &d))| {
                            let kink = match spec.kink {
                                Kink::At(_) if i > 0 => Kink::None,
                                k => k,
                            };
                            matrix_for(s, d, kink, Placement::OnKinks)
                        })
                        .collect();
                    per_input.boxed()
                }
            }
        })
        .boxed()
}
