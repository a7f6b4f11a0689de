//! Elementwise loops over same-shaped matrices, with a fast path for the
//! common case of contiguous row-major storage, writing into buffers from
//! this thread's cache ([`crate::pool`]).
//!
//! ndarray's `Zip` handles any layout but pays a fixed setup cost per call
//! that dominates on small matrices: the W1 benchmark (1000 ops on 4×4
//! matrices) spent about a third of its time there. When every operand is
//! a contiguous row-major slice, a plain indexed loop over slices cut to
//! one length does the same work without that cost (the bounds checks fold
//! away and the loop vectorizes; elementwise, so the results are bitwise
//! the same); otherwise we fall back to `Zip`.
//!
//! The kernels an op's [`Loop`](crate::wide::Loop) reaches are
//! `#[inline(always)]`: a loop run wide must be inlined whole into
//! `pulp`'s `#[target_feature]` function ([`crate::wide`]). With
//! `#[inline]`, `map1_into` stayed a function of its own, compiled for the
//! baseline, and W1's wide `tanh` ran its SSE2 loop (3.18M instructions
//! over 20 runs, against 1.71M inlined).

use ndarray::{Array2, Zip};

use crate::Float;
use crate::threads::{par_zip, par_zip2};
use crate::wide::{Loop, wide_loop};

/// A `dim`-shaped matrix for the caller to overwrite: a buffer from this
/// thread's cache still holding the values of its last use, or zeros when
/// the cache has none of that length. Every caller writes every element
/// before anyone reads it (an elementwise kernel, a GEMM with β = 0, an
/// `assign`), so skipping the zero fill is safe and saves a pass over
/// memory: the memset was 4% of the W2 MLP step's instructions.
#[inline]
pub(crate) fn scratch<F: Float>(dim: (usize, usize)) -> Array2<F> {
    match F::with_pool(|p| p.take(dim)) {
        Some(a) => a,
        None => Array2::zeros(dim),
    }
}

/// A `dim`-shaped matrix filled row-major from `values` (exactly one per
/// element): written into a cached buffer, or, when the cache has none,
/// collected into a fresh vector without zeroing it first (a gradient the
/// caller keeps, like the W2 benchmark's weight gradients, misses the cache
/// every step).
///
/// A cached buffer is written by `fill` (given all of its elements, the
/// same values `values` yields): an indexed loop over slices cut to one
/// length, which vectorizes where the iterator zip did not.
#[inline]
fn collect<F: Float>(
    dim: (usize, usize),
    fill: impl FnOnce(&mut [F]),
    values: impl Iterator<Item = F>,
) -> Array2<F> {
    match F::with_pool(|p| p.take(dim)) {
        Some(mut out) => {
            fill(
                out.as_slice_mut()
                    .expect("cached matrices are in standard layout"),
            );
            out
        }
        None => Array2::from_shape_vec(dim, values.collect())
            .expect("the kernel yields one value per element"),
    }
}

/// `Σ f(x)` over `values`, with sixteen independent partial sums combined
/// at the end.
///
/// A single running sum is a chain of dependent adds the compiler may not
/// reorder (float addition is not associative), so it runs one element per
/// add latency and is not vectorized; independent lanes let it use SIMD
/// adds (`sum_squares` forward went from 12.5M to 2.8M instructions over 5
/// W2 steps with eight lanes). Sixteen rather than eight keeps four
/// vector-add chains in flight for `f32` as well as `f64`: with eight, f32
/// had two and ran at the add latency, not the memory bandwidth (401k
/// warm values: 47.6 → 27.0 µs; f64 60.5 → 54.3 µs). The order of
/// additions depends only on the slice length, so results are bitwise
/// reproducible run to run.
#[inline]
pub(crate) fn lane_sum<F: Float>(values: &[F], f: impl Fn(F) -> F) -> F {
    const LANES: usize = 16;
    let mut acc = [F::zero(); LANES];
    let chunks = values.chunks_exact(LANES);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (a, &x) in acc.iter_mut().zip(chunk) {
            *a += f(x);
        }
    }
    let tail = rest.iter().fold(F::zero(), |acc, &x| acc + f(x));
    acc.iter().fold(tail, |total, &a| total + a)
}

/// Returns `a`'s buffer to this thread's cache.
pub(crate) fn recycle<F: Float>(a: Array2<F>) {
    F::with_pool(|p| p.give(a));
}

/// Returns every buffer of `all` to this thread's cache, reaching the cache
/// once rather than once per buffer (dropped `Gradients` hand back one
/// buffer per node; a reset tape does the same in `recycle_values`).
pub(crate) fn recycle_all<F: Float>(all: impl Iterator<Item = Array2<F>>) {
    F::with_pool(|p| all.for_each(|a| p.give(a)));
}

/// `f(a)` elementwise.
#[inline(always)]
pub(crate) fn map1<F: Float>(a: &Array2<F>, f: impl Fn(F) -> F + Sync) -> Array2<F> {
    if let Some(sa) = a.as_slice() {
        let fill = |y: &mut [F]| par_zip(y, sa, |y, sa| fill1(y, sa, &f));
        return collect(a.dim(), fill, sa.iter().map(|&a| f(a)));
    }
    let mut out = scratch(a.dim());
    Zip::from(&mut out).and(a).for_each(|y, &a| *y = f(a));
    out
}

/// `out ← f(a)` elementwise, when `out` has `a`'s shape and both are
/// row-major; returns false, writing nothing, otherwise. The same loop as
/// [`map1`]'s, so the same bits.
#[inline(always)]
pub(crate) fn map1_into<F: Float>(out: &mut Array2<F>, a: &Array2<F>, f: impl Fn(F) -> F) -> bool {
    if out.dim() != a.dim() {
        return false;
    }
    let (Some(y), Some(sa)) = (out.as_slice_mut(), a.as_slice()) else {
        return false;
    };
    fill1(y, sa, f);
    true
}

/// `out ← f(a, b)` elementwise, when all three have one shape and are
/// row-major; returns false, writing nothing, otherwise (see [`map1_into`]).
#[inline(always)]
pub(crate) fn map2_into<F: Float>(
    out: &mut Array2<F>,
    a: &Array2<F>,
    b: &Array2<F>,
    f: impl Fn(F, F) -> F,
) -> bool {
    if out.dim() != a.dim() || a.dim() != b.dim() {
        return false;
    }
    let (Some(y), Some(sa), Some(sb)) = (out.as_slice_mut(), a.as_slice(), b.as_slice()) else {
        return false;
    };
    fill2(y, sa, sb, f);
    true
}

/// `out ← f(a, b, c)` elementwise, when all four have one shape and are
/// row-major; returns false, writing nothing, otherwise (see [`map1_into`]).
#[inline(always)]
pub(crate) fn map3_into<F: Float>(
    out: &mut Array2<F>,
    a: &Array2<F>,
    b: &Array2<F>,
    c: &Array2<F>,
    f: impl Fn(F, F, F) -> F,
) -> bool {
    if out.dim() != a.dim() || a.dim() != b.dim() || b.dim() != c.dim() {
        return false;
    }
    let (Some(y), Some(sa), Some(sb), Some(sc)) =
        (out.as_slice_mut(), a.as_slice(), b.as_slice(), c.as_slice())
    else {
        return false;
    };
    fill3(y, sa, sb, sc, f);
    true
}

/// `out ← f(a, b, c, d)` elementwise, when all five have one shape and are
/// row-major; returns false, writing nothing, otherwise (see [`map1_into`]).
#[inline]
pub(crate) fn map4_into<F: Float>(
    out: &mut Array2<F>,
    [a, b, c, d]: [&Array2<F>; 4],
    f: impl Fn(F, F, F, F) -> F,
) -> bool {
    let dim = out.dim();
    if a.dim() != dim || b.dim() != dim || c.dim() != dim || d.dim() != dim {
        return false;
    }
    let (Some(y), Some(sa), Some(sb), Some(sc), Some(sd)) = (
        out.as_slice_mut(),
        a.as_slice(),
        b.as_slice(),
        c.as_slice(),
        d.as_slice(),
    ) else {
        return false;
    };
    let n = y.len();
    let (sa, sb, sc, sd) = (&sa[..n], &sb[..n], &sc[..n], &sd[..n]);
    for i in 0..n {
        y[i] = f(sa[i], sb[i], sc[i], sd[i]);
    }
    true
}

/// `g ← f(g)` elementwise, in place.
#[inline(always)]
pub(crate) fn update1<F: Float>(g: &mut Array2<F>, f: impl Fn(F) -> F) {
    match g.as_slice_mut() {
        Some(sg) => sg.iter_mut().for_each(|g| *g = f(*g)),
        None => g.mapv_inplace(f),
    }
}

/// `g ← f(g, a)` elementwise, in place; both have the same shape.
#[inline(always)]
pub(crate) fn update2<F: Float>(g: &mut Array2<F>, a: &Array2<F>, f: impl Fn(F, F) -> F) {
    debug_assert_eq!(g.dim(), a.dim());
    if let (Some(sg), Some(sa)) = (g.as_slice_mut(), a.as_slice()) {
        return fill_in_place2(sg, sa, f);
    }
    Zip::from(g).and(a).for_each(|g, &a| *g = f(*g, a));
}

/// `t += h(g, x)` then `g ← f(g, x)` elementwise in one loop, `x` the
/// operands' elements at one position, when all have one shape and are
/// row-major; returns false, writing nothing, otherwise. Each element gets
/// the operations of the separate accumulate and in-place loops, so the
/// same bits.
#[inline]
pub(crate) fn update_and_acc<F: Float, const N: usize>(
    g: &mut Array2<F>,
    t: &mut Array2<F>,
    operands: [&Array2<F>; N],
    f: impl Fn(F, [F; N]) -> F,
    h: impl Fn(F, [F; N]) -> F,
) -> bool {
    let dim = g.dim();
    if t.dim() != dim || operands.iter().any(|x| x.dim() != dim) {
        return false;
    }
    let (Some(sg), Some(st)) = (g.as_slice_mut(), t.as_slice_mut()) else {
        return false;
    };
    let mut slices: [&[F]; N] = [&[]; N];
    for (slice, x) in slices.iter_mut().zip(operands) {
        let Some(s) = x.as_slice() else {
            return false;
        };
        *slice = s;
    }
    // Wide in `f64` only: in `f32` the wide loop ran W1 slower with fewer
    // instructions (195 against 184 µs per run, five alternating pairs),
    // most likely the subnormals its chain of gradients runs into, whose
    // assists cost the 256-bit instructions more.
    if size_of::<F>() == 8 {
        wide_loop(UpdateAndAcc(sg, st, slices, f, h));
    } else {
        update_and_acc_slices(sg, st, slices, f, h);
    }
    true
}

/// [`update_and_acc_slices`] as a [`Loop`], run wide at every length in
/// `f64`. Its body (two stores, two products per element) keeps the AVX2
/// loop short enough for 4×4 matrices, which it runs faster even with the
/// call into the wide version: W1's `backward_pair_in_place` took 3.52M →
/// 2.82M instructions over 20 runs (with `tanh`'s wide loops too, W1 with
/// `backward_leaves` went from 126 to 112 µs per run).
struct UpdateAndAcc<'a, F, const N: usize, Fg, Ft>(&'a mut [F], &'a mut [F], [&'a [F]; N], Fg, Ft);

impl<F: Float, const N: usize, Fg, Ft> Loop for UpdateAndAcc<'_, F, N, Fg, Ft>
where
    Fg: Fn(F, [F; N]) -> F,
    Ft: Fn(F, [F; N]) -> F,
{
    type Output = ();
    #[inline(always)]
    fn run(self) {
        let UpdateAndAcc(g, t, operands, f, h) = self;
        update_and_acc_slices(g, t, operands, f, h);
    }
}

/// The loop of [`update_and_acc`]: one per operand count, each slice cut
/// to one length and passed as its own argument, so the bounds checks
/// fold away and the loop vectorizes (a scalar loop here made W1's f32
/// chain slower with fewer instructions: each subnormal element then took
/// its own microcode assist).
#[inline(always)]
fn update_and_acc_slices<F: Float, const N: usize>(
    g: &mut [F],
    t: &mut [F],
    x: [&[F]; N],
    f: impl Fn(F, [F; N]) -> F,
    h: impl Fn(F, [F; N]) -> F,
) {
    let widen = |v: &[F]| -> [F; N] { std::array::from_fn(|k| v[k]) };
    match x.as_slice() {
        [] => update_acc0(g, t, |g| f(g, widen(&[])), |g| h(g, widen(&[]))),
        [a, b] => update_acc2(
            g,
            t,
            a,
            b,
            |g, a, b| f(g, widen(&[a, b])),
            |g, a, b| h(g, widen(&[a, b])),
        ),
        [a, b, c] => update_acc3(
            g,
            t,
            [a, b, c],
            |g, x| f(g, widen(&x)),
            |g, x| h(g, widen(&x)),
        ),
        _ => unreachable!("the binary ops pass 0, 2 or 3 operands"),
    }
}

#[inline(always)]
fn update_acc0<F: Float>(g: &mut [F], t: &mut [F], f: impl Fn(F) -> F, h: impl Fn(F) -> F) {
    let t = &mut t[..g.len()];
    for i in 0..g.len() {
        t[i] += h(g[i]);
        g[i] = f(g[i]);
    }
}

#[inline(always)]
fn update_acc2<F: Float>(
    g: &mut [F],
    t: &mut [F],
    a: &[F],
    b: &[F],
    f: impl Fn(F, F, F) -> F,
    h: impl Fn(F, F, F) -> F,
) {
    let n = g.len();
    let (t, a, b) = (&mut t[..n], &a[..n], &b[..n]);
    for i in 0..n {
        t[i] += h(g[i], a[i], b[i]);
        g[i] = f(g[i], a[i], b[i]);
    }
}

#[inline(always)]
fn update_acc3<F: Float>(
    g: &mut [F],
    t: &mut [F],
    [a, b, c]: [&[F]; 3],
    f: impl Fn(F, [F; 3]) -> F,
    h: impl Fn(F, [F; 3]) -> F,
) {
    let n = g.len();
    let (t, a, b, c) = (&mut t[..n], &a[..n], &b[..n], &c[..n]);
    for i in 0..n {
        let x = [a[i], b[i], c[i]];
        t[i] += h(g[i], x);
        g[i] = f(g[i], x);
    }
}

// The loops over slices live in functions taking the slices as
// arguments: a `&mut [F]` argument cannot alias the `&[F]` ones, which the
// compiler keeps when it inlines them, so it drops the run-time overlap
// checks it otherwise emits before vectorizing (about ten instructions per
// call on the W1 benchmark's 4×4 matrices).

/// `y ← f(a)`, `a` at least as long as `y`.
#[inline(always)]
fn fill1<F: Float>(y: &mut [F], a: &[F], f: impl Fn(F) -> F) {
    let a = &a[..y.len()];
    for i in 0..y.len() {
        y[i] = f(a[i]);
    }
}

/// `y ← f(a, b)`, `a` and `b` at least as long as `y`.
#[inline(always)]
fn fill2<F: Float>(y: &mut [F], a: &[F], b: &[F], f: impl Fn(F, F) -> F) {
    let (a, b) = (&a[..y.len()], &b[..y.len()]);
    for i in 0..y.len() {
        y[i] = f(a[i], b[i]);
    }
}

/// `y ← f(a, b, c)`, the operands at least as long as `y`.
#[inline(always)]
fn fill3<F: Float>(y: &mut [F], a: &[F], b: &[F], c: &[F], f: impl Fn(F, F, F) -> F) {
    let (a, b, c) = (&a[..y.len()], &b[..y.len()], &c[..y.len()]);
    for i in 0..y.len() {
        y[i] = f(a[i], b[i], c[i]);
    }
}

/// `g ← f(g, a)`, `a` at least as long as `g`.
#[inline(always)]
fn fill_in_place2<F: Float>(g: &mut [F], a: &[F], f: impl Fn(F, F) -> F) {
    let a = &a[..g.len()];
    for i in 0..g.len() {
        g[i] = f(g[i], a[i]);
    }
}

/// `t += f(a)`, `a` at least as long as `t`.
#[inline(always)]
fn add1<F: Float>(t: &mut [F], a: &[F], f: impl Fn(F) -> F) {
    let a = &a[..t.len()];
    for i in 0..t.len() {
        t[i] += f(a[i]);
    }
}

/// `t += f(a, b)`, `a` and `b` at least as long as `t`.
#[inline(always)]
fn add2<F: Float>(t: &mut [F], a: &[F], b: &[F], f: impl Fn(F, F) -> F) {
    let (a, b) = (&a[..t.len()], &b[..t.len()]);
    for i in 0..t.len() {
        t[i] += f(a[i], b[i]);
    }
}

/// `f(a, b)` elementwise; `a` and `b` have the same shape.
#[inline(always)]
pub(crate) fn map2<F: Float>(
    a: &Array2<F>,
    b: &Array2<F>,
    f: impl Fn(F, F) -> F + Sync,
) -> Array2<F> {
    debug_assert_eq!(a.dim(), b.dim());
    if let (Some(sa), Some(sb)) = (a.as_slice(), b.as_slice()) {
        let fill = |y: &mut [F]| par_zip2(y, sa, sb, |y, sa, sb| fill2(y, sa, sb, &f));
        return collect(a.dim(), fill, sa.iter().zip(sb).map(|(&a, &b)| f(a, b)));
    }
    let mut out = scratch(a.dim());
    Zip::from(&mut out)
        .and(a)
        .and(b)
        .for_each(|y, &a, &b| *y = f(a, b));
    out
}

/// `f(a, b, c)` elementwise; all three have the same shape.
#[inline(always)]
pub(crate) fn map3<F: Float>(
    a: &Array2<F>,
    b: &Array2<F>,
    c: &Array2<F>,
    f: impl Fn(F, F, F) -> F,
) -> Array2<F> {
    debug_assert!(a.dim() == b.dim() && b.dim() == c.dim());
    if let (Some(sa), Some(sb), Some(sc)) = (a.as_slice(), b.as_slice(), c.as_slice()) {
        let fill = |y: &mut [F]| {
            let n = y.len();
            let (sa, sb, sc) = (&sa[..n], &sb[..n], &sc[..n]);
            for i in 0..n {
                y[i] = f(sa[i], sb[i], sc[i]);
            }
        };
        let operands = sa.iter().zip(sb).zip(sc);
        return collect(a.dim(), fill, operands.map(|((&a, &b), &c)| f(a, b, c)));
    }
    let mut out = scratch(a.dim());
    Zip::from(&mut out)
        .and(a)
        .and(b)
        .and(c)
        .for_each(|y, &a, &b, &c| *y = f(a, b, c));
    out
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
        let fill = |y: &mut [F]| {
            let n = y.len();
            let (sa, sb, sc, sd) = (&sa[..n], &sb[..n], &sc[..n], &sd[..n]);
            for i in 0..n {
                y[i] = f(sa[i], sb[i], sc[i], sd[i]);
            }
        };
        let operands = sa.iter().zip(sb).zip(sc).zip(sd);
        return collect(
            a.dim(),
            fill,
            operands.map(|(((&a, &b), &c), &d)| f(a, b, c, d)),
        );
    }
    let mut out = scratch(a.dim());
    Zip::from(&mut out)
        .and(a)
        .and(b)
        .and(c)
        .and(d)
        .for_each(|y, &a, &b, &c, &d| *y = f(a, b, c, d));
    out
}

/// `total += f(a)` elementwise; both have the same shape.
#[inline(always)]
pub(crate) fn acc1<F: Float>(total: &mut Array2<F>, a: &Array2<F>, f: impl Fn(F) -> F + Sync) {
    debug_assert_eq!(total.dim(), a.dim());
    if let (Some(t), Some(sa)) = (total.as_slice_mut(), a.as_slice()) {
        return par_zip(t, sa, |t, sa| add1(t, sa, &f));
    }
    Zip::from(total).and(a).for_each(|t, &a| *t += f(a));
}

/// `total += f(a, b)` elementwise; all have the same shape.
#[inline(always)]
pub(crate) fn acc2<F: Float>(
    total: &mut Array2<F>,
    a: &Array2<F>,
    b: &Array2<F>,
    f: impl Fn(F, F) -> F + Sync,
) {
    debug_assert!(total.dim() == a.dim() && a.dim() == b.dim());
    if let (Some(t), Some(sa), Some(sb)) = (total.as_slice_mut(), a.as_slice(), b.as_slice()) {
        // Indexed over slices cut to one length: the bounds checks fold
        // away and the loop vectorizes.
        return par_zip2(t, sa, sb, |t, sa, sb| add2(t, sa, sb, &f));
    }
    Zip::from(total)
        .and(a)
        .and(b)
        .for_each(|t, &a, &b| *t += f(a, b));
}

/// `total += f(a, b, c)` elementwise; all have the same shape.
#[inline(always)]
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
        let n = t.len();
        let (sa, sb, sc) = (&sa[..n], &sb[..n], &sc[..n]);
        for i in 0..n {
            t[i] += f(sa[i], sb[i], sc[i]);
        }
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
        let n = t.len();
        let (sa, sb, sc, sd) = (&sa[..n], &sb[..n], &sc[..n], &sd[..n]);
        for i in 0..n {
            t[i] += f(sa[i], sb[i], sc[i], sd[i]);
        }
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
        let s = &s[..t.len()];
        for i in 0..t.len() {
            t[i] += s[i];
        }
        return;
    }
    *total += g;
}
