//! Elementwise loops over same-shaped matrices, with a fast path for the
//! common case of contiguous row-major storage, writing into buffers from
//! this thread's cache ([`crate::pool`]).
//!
//! ndarray's `Zip` handles any layout but pays a fixed setup cost per call
//! that dominates on small matrices: the W1 benchmark (1000 ops on 4×4
//! matrices) spent about a third of its time there. When every operand is
//! a contiguous row-major slice, a plain iterator zip does the same work
//! without that cost; otherwise we fall back to `Zip`.

use ndarray::{Array2, Zip};

use crate::Float;

fn from_vec<F>(dim: (usize, usize), v: Vec<F>) -> Array2<F> {
    Array2::from_shape_vec(dim, v).expect("the vector has one entry per element")
}

/// A `dim`-shaped matrix filled row-major from `values`, in a cached buffer.
pub(crate) fn collect_pooled<F: Float>(
    dim: (usize, usize),
    values: impl Iterator<Item = F>,
) -> Array2<F> {
    let mut v = F::with_pool(|p| p.take(dim.0 * dim.1));
    v.extend(values);
    from_vec(dim, v)
}

/// A `dim`-shaped matrix of zeros in a cached buffer.
pub(crate) fn zeros_pooled<F: Float>(dim: (usize, usize)) -> Array2<F> {
    let len = dim.0 * dim.1;
    let mut v = F::with_pool(|p| p.take(len));
    v.resize(len, F::zero());
    from_vec(dim, v)
}

/// Returns `a`'s buffer to this thread's cache.
pub(crate) fn recycle<F: Float>(a: Array2<F>) {
    let (v, _) = a.into_raw_vec_and_offset();
    F::with_pool(|p| p.give(v));
}

/// `f(a)` elementwise.
#[inline]
pub(crate) fn map1<F: Float>(a: &Array2<F>, f: impl Fn(F) -> F) -> Array2<F> {
    match a.as_slice() {
        Some(sa) => collect_pooled(a.dim(), sa.iter().map(|&a| f(a))),
        None => a.mapv(f),
    }
}

/// `f(a, b)` elementwise; `a` and `b` have the same shape.
#[inline]
pub(crate) fn map2<F: Float>(a: &Array2<F>, b: &Array2<F>, f: impl Fn(F, F) -> F) -> Array2<F> {
    debug_assert_eq!(a.dim(), b.dim());
    if let (Some(sa), Some(sb)) = (a.as_slice(), b.as_slice()) {
        return collect_pooled(a.dim(), sa.iter().zip(sb).map(|(&a, &b)| f(a, b)));
    }
    Zip::from(a).and(b).map_collect(|&a, &b| f(a, b))
}

/// `f(a, b, c)` elementwise; all three have the same shape.
#[inline]
pub(crate) fn map3<F: Float>(
    a: &Array2<F>,
    b: &Array2<F>,
    c: &Array2<F>,
    f: impl Fn(F, F, F) -> F,
) -> Array2<F> {
    debug_assert!(a.dim() == b.dim() && b.dim() == c.dim());
    if let (Some(sa), Some(sb), Some(sc)) = (a.as_slice(), b.as_slice(), c.as_slice()) {
        let values = sa.iter().zip(sb).zip(sc).map(|((&a, &b), &c)| f(a, b, c));
        return collect_pooled(a.dim(), values);
    }
    Zip::from(a)
        .and(b)
        .and(c)
        .map_collect(|&a, &b, &c| f(a, b, c))
}

/// `f(a, b, c, d)` elementwise; all four have the same shape.
#[inline]
pub(crate) fn map4<F: Float>(
    a: &Array2<F>,
    b: &Array2<F>,
    c: &Array2<F>,
    d: &Array2<F>,
    f: impl Fn(F, F, F, F) -> F,
) -> Array2<F> {
    debug_assert!(a.dim() == b.dim() && b.dim() == c.dim() && c.dim() == d.dim());
    if let (Some(sa), Some(sb), Some(sc), Some(sd)) =
        (a.as_slice(), b.as_slice(), c.as_slice(), d.as_slice())
    {
        let values = sa.iter().zip(sb).zip(sc).zip(sd);
        let values = values.map(|(((&a, &b), &c), &d)| f(a, b, c, d));
        return collect_pooled(a.dim(), values);
    }
    Zip::from(a)
        .and(b)
        .and(c)
        .and(d)
        .map_collect(|&a, &b, &c, &d| f(a, b, c, d))
}

/// `total += f(a, b, c)` elementwise; all have the same shape.
#[inline]
pub(crate) fn acc3<F: Float>(
    total: &mut Array2<F>,
    a: &Array2<F>,
    b: &Array2<F>,
    c: &Array2<F>,
    f: impl Fn(F, F, F) -> F,
) {
    debug_assert!(total.dim() == a.dim() && a.dim() == b.dim() && b.dim() == c.dim());
    if let (Some(t), Some(sa), Some(sb), Some(sc)) = (
        total.as_slice_mut(),
        a.as_slice(),
        b.as_slice(),
        c.as_slice(),
    ) {
        let operands = t.iter_mut().zip(sa).zip(sb).zip(sc);
        operands.for_each(|(((t, &a), &b), &c)| *t += f(a, b, c));
        return;
    }
    Zip::from(total)
        .and(a)
        .and(b)
        .and(c)
        .for_each(|t, &a, &b, &c| *t += f(a, b, c));
}

/// `total += f(a, b, c, d)` elementwise; all have the same shape.
#[inline]
pub(crate) fn acc4<F: Float>(
    total: &mut Array2<F>,
    a: &Array2<F>,
    b: &Array2<F>,
    c: &Array2<F>,
    d: &Array2<F>,
    f: impl Fn(F, F, F, F) -> F,
) {
    debug_assert!(total.dim() == a.dim() && a.dim() == b.dim() && b.dim() == c.dim());
    debug_assert_eq!(c.dim(), d.dim());
    if let (Some(t), Some(sa), Some(sb), Some(sc), Some(sd)) = (
        total.as_slice_mut(),
        a.as_slice(),
        b.as_slice(),
        c.as_slice(),
        d.as_slice(),
    ) {
        let operands = t.iter_mut().zip(sa).zip(sb).zip(sc).zip(sd);
        operands.for_each(|((((t, &a), &b), &c), &d)| *t += f(a, b, c, d));
        return;
    }
    Zip::from(total)
        .and(a)
        .and(b)
        .and(c)
        .and(d)
        .for_each(|t, &a, &b, &c, &d| *t += f(a, b, c, d));
}

/// `total += g`, both of the same shape.
#[inline]
pub(crate) fn add_into<F: Float>(total: &mut Array2<F>, g: &Array2<F>) {
    debug_assert_eq!(total.dim(), g.dim());
    if let (Some(t), Some(s)) = (total.as_slice_mut(), g.as_slice()) {
        t.iter_mut().zip(s).for_each(|(t, &s)| *t += s);
        return;
    }
    *total += g;
}
