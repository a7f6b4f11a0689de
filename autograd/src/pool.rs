//! A per-thread cache of freed matrix buffers.
//!
//! A training step allocates the same set of matrices every time: one per
//! node forward, one per gradient backward. Freed at the end of the step
//! and asked for again at the start of the next, large buffers make the
//! system allocator return memory to the OS and fault it back in page by
//! page — on the spiral example that was most of the run time. Instead,
//! [`Tape::reset`](crate::Tape::reset), dropping a tape, and dropping
//! [`Gradients`](crate::Gradients) hand buffers to this cache, and the
//! elementwise kernels and matmul take from it.
//!
//! Buffers are kept by exact length (a step asks for the same shapes again),
//! at most [`MAX_CACHED_BYTES`] per thread and float type; past that, freed
//! buffers go back to the allocator. [`release_cached_buffers`] empties it.

use crate::Float;
use crate::float::sealed::Sealed;

/// The most memory a thread keeps cached per float type.
pub const MAX_CACHED_BYTES: usize = 256 << 20;

/// Distinct buffer lengths kept; a step uses a handful of shapes, so a
/// linear scan over this many is cheaper than hashing.
const MAX_LENGTHS: usize = 64;

/// Free buffers grouped by length.
#[derive(Debug, Default)]
pub struct Pool<F> {
    by_length: Vec<(usize, Vec<Vec<F>>)>,
    bytes: usize,
}

impl<F: Float> Pool<F> {
    /// An empty vector with capacity for at least `len` elements.
    pub(crate) fn take(&mut self, len: usize) -> Vec<F> {
        if let Some((_, free)) = self.by_length.iter_mut().find(|(l, _)| *l == len)
            && let Some(mut v) = free.pop()
        {
            self.bytes -= v.capacity() * size_of::<F>();
            v.clear();
            return v;
        }
        Vec::with_capacity(len)
    }

    /// Keeps `v` for reuse, or frees it if the cache is full.
    pub(crate) fn give(&mut self, v: Vec<F>) {
        let bytes = v.capacity() * size_of::<F>();
        if bytes == 0 || self.bytes + bytes > MAX_CACHED_BYTES {
            return;
        }
        let len = v.capacity();
        if let Some(i) = self.by_length.iter().position(|(l, _)| *l == len) {
            self.by_length[i].1.push(v);
        } else if self.by_length.len() < MAX_LENGTHS {
            self.by_length.push((len, vec![v]));
        } else {
            return;
        }
        self.bytes += bytes;
    }

    fn clear(&mut self) {
        self.by_length.clear();
        self.bytes = 0;
    }

    /// Bytes currently cached.
    pub(crate) fn cached_bytes(&self) -> usize {
        self.bytes
    }
}

/// Frees every buffer this thread has cached (for both float types).
///
/// ```
/// autograd::release_cached_buffers();
/// ```
pub fn release_cached_buffers() {
    f32::with_pool(Pool::clear);
    f64::with_pool(Pool::clear);
}

/// Bytes this thread has cached for float type `F`.
pub fn cached_bytes<F: Float>() -> usize {
    F::with_pool(|p| p.cached_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reuses_by_length_and_respects_the_budget() {
        let mut pool = Pool::<f64>::default();
        let v = vec![1.0; 10];
        let ptr = v.as_ptr();
        pool.give(v);
        assert_eq!(pool.cached_bytes(), 80);
        assert_eq!(pool.take(9).capacity(), 9); // no buffer of length 9: fresh
        let again = pool.take(10);
        assert_eq!((again.as_ptr(), again.len()), (ptr, 0));
        assert_eq!(pool.cached_bytes(), 0);
        pool.give(Vec::with_capacity(MAX_CACHED_BYTES / 8 + 1));
        assert_eq!(pool.cached_bytes(), 0, "over budget: freed, not kept");
    }
}
