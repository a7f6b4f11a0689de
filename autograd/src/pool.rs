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
//! no more of a length than were ever in use at once, and at most
//! [`MAX_CACHED_BYTES`] per thread and float type; anything else goes back
//! to the allocator. [`release_cached_buffers`] empties it.

use crate::Float;
use crate::float::sealed::Sealed;

/// The most memory a thread keeps cached per float type.
pub const MAX_CACHED_BYTES: usize = 256 << 20;

/// Distinct buffer lengths kept; a step uses a handful of shapes, so a
/// linear scan over this many is cheaper than hashing.
const MAX_LENGTHS: usize = 64;

/// Free buffers of one length, and how many of that length were ever in
/// use at once.
#[derive(Debug)]
struct Class<F> {
    len: usize,
    free: Vec<Vec<F>>,
    /// Taken and not yet given back.
    live: usize,
    /// The most ever live at once: the cache keeps at most this many free,
    /// so buffers that were allocated elsewhere (a user's `clone()` handed to
    /// `Tape::constant`) cannot make it grow step after step.
    peak: usize,
}

/// Free buffers grouped by length.
#[derive(Debug, Default)]
pub struct Pool<F> {
    classes: Vec<Class<F>>,
    bytes: usize,
}

impl<F: Float> Pool<F> {
    /// An empty vector with capacity for at least `len` elements.
    pub(crate) fn take(&mut self, len: usize) -> Vec<F> {
        let class = match self.classes.iter().position(|c| c.len == len) {
            Some(i) => &mut self.classes[i],
            None if self.classes.len() < MAX_LENGTHS => {
                self.classes.push(Class {
                    len,
                    free: Vec::new(),
                    live: 0,
                    peak: 0,
                });
                self.classes.last_mut().expect("just pushed")
            }
            None => return Vec::with_capacity(len),
        };
        class.live += 1;
        class.peak = class.peak.max(class.live);
        match class.free.pop() {
            Some(mut v) => {
                self.bytes -= v.capacity() * size_of::<F>();
                v.clear();
                v
            }
            None => Vec::with_capacity(len),
        }
    }

    /// Keeps `v` for reuse, or frees it if its length was never asked for,
    /// enough of that length are already free, or the cache is full.
    pub(crate) fn give(&mut self, v: Vec<F>) {
        let bytes = v.capacity() * size_of::<F>();
        let Some(class) = self.classes.iter_mut().find(|c| c.len == v.capacity()) else {
            return;
        };
        class.live = class.live.saturating_sub(1);
        if class.free.len() < class.peak && self.bytes + bytes <= MAX_CACHED_BYTES {
            class.free.push(v);
            self.bytes += bytes;
        }
    }

    fn clear(&mut self) {
        self.classes.clear();
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
        pool.give(vec![1.0; 10]);
        assert_eq!(
            pool.cached_bytes(),
            0,
            "a length never asked for is not kept"
        );
        let mut v = pool.take(10);
        v.extend([1.0; 10]);
        let ptr = v.as_ptr();
        pool.give(v);
        assert_eq!(pool.cached_bytes(), 80);
        pool.give(vec![2.0; 10]);
        assert_eq!(pool.cached_bytes(), 80, "no more free than were ever live");
        assert_eq!(pool.take(9).capacity(), 9); // another length: fresh
        let again = pool.take(10);
        assert_eq!((again.as_ptr(), again.len()), (ptr, 0));
        assert_eq!(pool.cached_bytes(), 0);
        let big = MAX_CACHED_BYTES / 8 + 1;
        drop(pool.take(big));
        pool.give(Vec::with_capacity(big));
        assert_eq!(pool.cached_bytes(), 0, "over budget: freed, not kept");
    }
}
