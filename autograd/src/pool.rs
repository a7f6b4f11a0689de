//! A per-thread cache of freed matrix buffers.
//!
//! A training step allocates the same set of matrices every time: one per
//! node forward, one per gradient backward. Freed at the end of the step
//! and asked for again at the start of the next, large buffers make the
//! system allocator return memory to the OS and fault it back in page by
//! page — on the spiral example that was most of the run time. Instead,
//! [`Tape::reset`](crate::Tape::reset), dropping a tape, and dropping
//! [`Gradients`](crate::Gradients) hand buffers to this cache, and the
//! elementwise kernels and matmul take from it. (Small node values are the
//! exception: a reset keeps them on the tape for the next recording's ops,
//! see `Op::forward_into`, and hands over only those it does not reuse.)
//!
//! Buffers are kept by exact length (a step asks for the same shapes again),
//! no more of a length than were ever in use at once, and at most
//! [`MAX_CACHED_BYTES`] per thread and float type (plus the small stack
//! below, at most 16 MiB); anything else goes back to the allocator. [`release_cached_buffers`](crate::release_cached_buffers)
//! empties it.
//!
//! This module is the cache itself, generic over any element type; the
//! per-thread caches live with the [`Float`](crate::Float) trait
//! (`float.rs`), which gives each float type its `const` thread-local, so
//! this module depends on nothing else in the crate.
//!
//! The cache holds whole matrices in standard (row-major) layout rather
//! than bare vectors: a buffer handed out again already has its shape, so
//! rebuilding an `Array2` around a vector (about 90 instructions of
//! `from_shape_vec` checks, a tenth of a W1 node) is paid only when the
//! length matches but the shape does not. A matrix from the cache holds
//! the stale values of its last use; every caller overwrites all of it
//! ([`crate::kernels::scratch`]).
//!
//! Small gradients take a shorter way: a dropped
//! [`Gradients`](crate::Gradients) stacks its buffers of up to
//! [`SMALL_MAX_LEN`] elements here in node order ([`Pool::keep_small`]),
//! and the next backward sweep takes the whole stack at once
//! ([`Pool::take_small`]) and pops one per fresh gradient, in the reverse
//! node order it needs them. A step that records the same graph again
//! then finds each small gradient's buffer on top, with no length lookup
//! and no thread-local access per buffer (W1: about a hundred instructions
//! a node).

use ndarray::Array2;

/// The most memory a thread keeps cached per float type in its length
/// classes; the small stack of gradient buffers adds at most 16 MiB.
pub const MAX_CACHED_BYTES: usize = 256 << 20;

/// Distinct buffer lengths kept; a step uses a handful of shapes, so a
/// linear scan over this many is cheaper than hashing.
const MAX_LENGTHS: usize = 64;

/// Gradients up to this many elements go on the small stack (as the
/// tape's own spares for values, `tape::SPARE_MAX_LEN`): large enough for
/// a bias row or a W1 node, far below where an elementwise pass is split
/// across threads.
pub(crate) const SMALL_MAX_LEN: usize = 1024;

/// At most this many bytes wait on the small stack; the rest go to the
/// length classes.
const SMALL_MAX_BYTES: usize = 16 << 20;

/// Free matrices of one length, and how many of that length were ever in
/// use at once.
#[derive(Debug)]
struct Class<F> {
    len: usize,
    free: Vec<Array2<F>>,
    /// Taken and not yet given back.
    live: usize,
    /// The most ever live at once: the cache keeps at most this many free,
    /// so buffers that were allocated elsewhere (a user's `clone()` handed to
    /// `Tape::constant`) cannot make it grow step after step.
    peak: usize,
}

/// Free matrices grouped by length.
#[derive(Debug, Default)]
pub struct Pool<F> {
    classes: Vec<Class<F>>,
    bytes: usize,
    small: Vec<Array2<F>>,
    small_bytes: usize,
}

impl<F> Pool<F> {
    /// An empty cache; `const` so the thread-locals holding one need no
    /// lazy initialization check on every access.
    pub(crate) const fn new() -> Self {
        Pool {
            classes: Vec::new(),
            bytes: 0,
            small: Vec::new(),
            small_bytes: 0,
        }
    }

    /// Puts a dropped gradient on the small stack if it is small, row-major
    /// and within the stack's budget; otherwise [`Pool::give`]s it.
    #[inline(always)]
    pub(crate) fn keep_small(&mut self, a: Array2<F>) {
        let bytes = a.len() * size_of::<F>();
        if a.len() <= SMALL_MAX_LEN
            && self.small_bytes + bytes <= SMALL_MAX_BYTES
            && is_row_major(&a)
        {
            self.small.push(a);
            self.small_bytes += bytes;
        } else {
            self.give(a);
        }
    }

    /// The whole small stack, for a backward sweep to pop from (see
    /// [`take_spare`]); hand back what it did not use with
    /// [`Pool::return_small`].
    pub(crate) fn take_small(&mut self) -> Vec<Array2<F>> {
        self.small_bytes = 0;
        std::mem::take(&mut self.small)
    }

    /// Ends a sweep's use of the small stack: spares it did not pop go to
    /// the length classes (the graph changed; as the tape does with its
    /// unused spares), and the emptied vector is kept for the next drop.
    pub(crate) fn return_small(&mut self, mut rest: Vec<Array2<F>>) {
        for a in rest.drain(..) {
            self.give(a);
        }
        if self.small.is_empty() {
            self.small = rest;
        }
    }

    /// A cached `dim`-shaped matrix holding stale values, or `None` when
    /// none of that length is free (the caller allocates; the cache still
    /// counts it as live, so giving it back later keeps it).
    ///
    /// `take` and `give` run a few times per node, so their rare paths (a
    /// new length, a reshape) live in separate cold functions: that keeps
    /// these small enough to inline (W1 benchmark: 109.1M → 107.3M
    /// instructions). `give` is forced inline into the batch loops of
    /// `recycle_all` (103.2M → 101.1M); forcing `take` too cost 2.7M.
    #[inline]
    pub(crate) fn take(&mut self, dim: (usize, usize)) -> Option<Array2<F>> {
        let len = dim.0 * dim.1;
        let Some(class) = self.classes.iter_mut().find(|c| c.len == len) else {
            self.new_class(len);
            return None;
        };
        class.live += 1;
        class.peak = class.peak.max(class.live);
        let a = class.free.pop()?;
        self.bytes -= len * size_of::<F>();
        if a.dim() == dim {
            Some(a)
        } else {
            Some(reshape(a, dim))
        }
    }

    /// Starts tracking buffers of length `len` (one now live), unless the
    /// cache already tracks [`MAX_LENGTHS`] lengths.
    #[cold]
    fn new_class(&mut self, len: usize) {
        if self.classes.len() < MAX_LENGTHS {
            self.classes.push(Class {
                len,
                free: Vec::new(),
                live: 1,
                peak: 1,
            });
        }
    }

    /// Keeps `a` for reuse, or frees it if it is not in standard layout,
    /// its length was never asked for, enough of that length are already
    /// free, or the cache is full.
    #[inline(always)]
    pub(crate) fn give(&mut self, a: Array2<F>) {
        // A transposed or otherwise strided matrix cannot be filled as one
        // row-major slice; let the allocator have it.
        if !is_row_major(&a) {
            return;
        }
        let bytes = a.len() * size_of::<F>();
        let Some(class) = self.classes.iter_mut().find(|c| c.len == a.len()) else {
            return;
        };
        class.live = class.live.saturating_sub(1);
        if class.free.len() < class.peak && self.bytes + bytes <= MAX_CACHED_BYTES {
            class.free.push(a);
            self.bytes += bytes;
        }
    }

    pub(crate) fn clear(&mut self) {
        self.classes.clear();
        self.bytes = 0;
        self.small = Vec::new();
        self.small_bytes = 0;
    }

    /// Bytes currently cached, the small stack's included.
    pub(crate) fn cached_bytes(&self) -> usize {
        self.bytes + self.small_bytes
    }
}

/// True when `a` is in standard (row-major, contiguous) layout, or empty.
/// The same answer as `is_standard_layout`, which loops over a generic
/// dimension; written out for two axes it is a few compares (W1 benchmark:
/// run once per buffer handed back).
#[inline(always)]
pub(crate) fn is_row_major<F>(a: &Array2<F>) -> bool {
    let (rows, cols) = a.dim();
    let s = a.strides();
    rows == 0 || cols == 0 || ((rows == 1 || s[0] == cols as isize) && (cols == 1 || s[1] == 1))
}

/// `a` (standard layout, `dim`'s length) seen as `dim`: a 4×16 buffer
/// asked for as 16×4.
/// The top of a sweep's small stack if it has shape `dim`. A spare of
/// another shape goes to `pool`'s length classes (the graph changed: the
/// rest will follow one by one as they fail to match) and the caller
/// allocates.
#[inline(always)]
pub(crate) fn take_spare<F>(
    spares: &mut Vec<Array2<F>>,
    dim: (usize, usize),
    pool: impl FnOnce(Array2<F>),
) -> Option<Array2<F>> {
    let top = spares.pop()?;
    if top.dim() == dim {
        Some(top)
    } else {
        pool(top);
        None
    }
}

#[cold]
fn reshape<F>(a: Array2<F>, dim: (usize, usize)) -> Array2<F> {
    a.into_shape_with_order(dim)
        .expect("cached matrices are in standard layout")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_by_length_and_respects_the_budget() {
        let mut pool = Pool::<f64>::default();
        pool.give(Array2::ones((2, 5)));
        assert_eq!(
            pool.cached_bytes(),
            0,
            "a length never asked for is not kept"
        );
        assert!(pool.take((2, 5)).is_none(), "nothing cached yet");
        let a = Array2::from_elem((2, 5), 1.0);
        let ptr = a.as_ptr();
        pool.give(a);
        assert_eq!(pool.cached_bytes(), 80);
        pool.give(Array2::from_elem((2, 5), 2.0));
        assert_eq!(pool.cached_bytes(), 80, "no more free than were ever live");
        assert!(pool.take((3, 3)).is_none()); // another length: nothing cached
        let again = pool.take((5, 2)).expect("same length, another shape");
        assert_eq!((again.as_ptr(), again.dim()), (ptr, (5, 2)));
        assert_eq!(pool.cached_bytes(), 0);
        pool.give(again.reversed_axes());
        assert_eq!(pool.cached_bytes(), 0, "not row-major: freed, not kept");
        let big = (MAX_CACHED_BYTES / 8 + 1, 1);
        assert!(pool.take(big).is_none());
        pool.give(Array2::zeros(big));
        assert_eq!(pool.cached_bytes(), 0, "over budget: freed, not kept");
    }
}
