//! Shape strategies: small dimensions with the degenerate cases (1×1, 1×n,
//! n×1) well represented, broadcast pairs, and per-[`ShapeRule`] inputs.

use autograd::Shape;
use autograd::registry::ShapeRule;
use proptest::prelude::*;

/// A dimension in `1..=max`, with `1` drawn about a third of the time.
///
/// # Panics
/// If `max` is 0 (at the caller's line): there is no dimension in `1..=0`,
/// and silently drawing 1 would test something other than asked.
///
/// ```
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let d = gradcheck::strategies::dim(4).new_tree(&mut runner).unwrap().current();
/// assert!((1..=4).contains(&d));
/// ```
#[track_caller]
pub fn dim(max: usize) -> impl Strategy<Value = usize> + Clone {
    if max == 0 {
        panic!("strategies::dim(0): dimensions are drawn from 1..=max, so max must be at least 1");
    }
    prop_oneof![1 => Just(1), 2 => 1..=max]
}

/// A shape with each side in `1..=max`: 1×1, 1×n, n×1 and m×n all appear.
///
/// # Panics
/// If `max` is 0 (at the caller's line).
#[track_caller]
pub fn shape(max: usize) -> impl Strategy<Value = Shape> + Clone {
    if max == 0 {
        panic!("strategies::shape(0): sides are drawn from 1..=max, so max must be at least 1");
    }
    (dim(max), dim(max)).prop_map(|(r, c)| Shape::new(r, c))
}

/// Two shapes that broadcast together: `(m,n)` with `(m,n)`, `(1,n)`,
/// `(m,1)` or `(1,1)`, either way round.
///
/// ```
/// use autograd::shape::broadcast_shapes;
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// for _ in 0..20 {
///     let (a, b) = gradcheck::strategies::broadcast_pair(4)
///         .new_tree(&mut runner).unwrap().current();
///     assert!(broadcast_shapes("t", a, b).is_ok());
/// }
/// ```
///
/// # Panics
/// If `max` is 0 (at the caller's line).
#[track_caller]
pub fn broadcast_pair(max: usize) -> impl Strategy<Value = (Shape, Shape)> + Clone {
    if max == 0 {
        panic!(
            "strategies::broadcast_pair(0): sides are drawn from 1..=max, so max must be at least 1"
        );
    }
    (shape(max), 0..4usize, any::<bool>()).prop_map(|(full, kind, swap)| {
        let other = match kind {
            0 => full,
            1 => Shape::new(1, full.cols),
            2 => Shape::new(full.rows, 1),
            _ => Shape::new(1, 1),
        };
        if swap { (other, full) } else { (full, other) }
    })
}

/// Input shapes valid under `rule`, with sides up to `max`.
///
/// ```
/// use autograd::registry::ShapeRule;
/// use proptest::strategy::{Strategy, ValueTree};
/// use proptest::test_runner::TestRunner;
/// let mut runner = TestRunner::deterministic();
/// let s = gradcheck::strategies::shapes_for(ShapeRule::MatMul, 3)
///     .new_tree(&mut runner).unwrap().current();
/// assert_eq!(s[0].cols, s[1].rows);
/// ```
///
/// # Panics
/// If `max` is 0 (at the caller's line).
#[track_caller]
pub fn shapes_for(rule: ShapeRule, max: usize) -> BoxedStrategy<Vec<Shape>> {
    if max == 0 {
        panic!(
            "strategies::shapes_for(_, 0): sides are drawn from 1..=max, so max must be at least 1"
        );
    }
    match rule {
        ShapeRule::Unary => shape(max).prop_map(|s| vec![s]).boxed(),
        ShapeRule::Broadcast => broadcast_pair(max).prop_map(|(a, b)| vec![a, b]).boxed(),
        ShapeRule::MatMul => (dim(max), dim(max), dim(max))
            .prop_map(|(m, k, n)| vec![Shape::new(m, k), Shape::new(k, n)])
            .boxed(),
        ShapeRule::ColumnGroups(k) => (dim(max), 1..=3usize)
            .prop_map(move |(m, g)| vec![Shape::new(m, k.max(1) * g)])
            .boxed(),
        ShapeRule::RowParam => (shape(max), any::<bool>())
            .prop_map(|(x, per_col)| vec![x, Shape::new(1, if per_col { x.cols } else { 1 })])
            .boxed(),
        ShapeRule::SameRows => (dim(max), dim(max), dim(max))
            .prop_map(|(m, a, b)| vec![Shape::new(m, a), Shape::new(m, b)])
            .boxed(),
    }
}
