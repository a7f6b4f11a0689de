//! The engine's threads: how many ([`set_threads`], default 1) and how a
//! piece of work is split in two ([`fork_join`]).
//!
//! With `n ≥ 2` threads, large matrix products (`gemm`), large elementwise
//! passes (`kernels`) and the optimizers' update loops (`nn::optim`) cut
//! their output in two at a point that depends only on the shape and `n`,
//! and run the halves with [`fork_join`]: the calling thread computes the
//! first half itself while a worker of the engine's own pool (`n − 1`
//! threads, not rayon's global pool) computes the second. The same thread
//! count therefore always gives the same bits.
//!
//! **Why the worker spins.** Handing work to a *sleeping* thread costs a
//! wake-up, and on the 2-core virtual machine this was measured on a
//! wake-up took 50–150 µs (`rayon::join` of two 200 µs tasks from outside
//! the pool ran at 0.9–1.2× the speed of one thread). The products of a W2
//! step take 0.1–1 ms each, with elementwise work between them, so every
//! split would pay it. Instead, after its first task the worker keeps
//! looking for the next one, spinning, until none has come for
//! [`SPIN_IDLE`] (the idea of OpenMP's `KMP_BLOCKTIME`), and the calling
//! thread, done with its half, spins until the worker's half is done rather
//! than sleeping on a latch. Between training steps the worker therefore
//! holds a core busy; after the last step it sleeps again within
//! [`SPIN_IDLE`].

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::{Error, Result};

/// How long the engine's worker keeps spinning for new work after its last
/// task before it sleeps.
pub const SPIN_IDLE: Duration = Duration::from_millis(5);

/// How long [`fork_join`]'s caller keeps spinning after the worker's half
/// says it is done, for the worker to mark the job finished.
const LATCH_GRACE: Duration = Duration::from_micros(2);

static THREADS: AtomicUsize = AtomicUsize::new(1);

/// True while a worker is spinning for work (so no other spinner is started).
static SPINNING: AtomicBool = AtomicBool::new(false);

/// The engine's pool, built on first use (see `pool`).
static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();

/// Sets how many threads the engine may use (default 1, for the whole
/// process). Results are deterministic for a given count (different
/// counts may differ in the last bits of products and sums).
///
/// ```
/// autograd::set_threads(2).unwrap();
/// assert_eq!(autograd::threads(), 2);
/// assert!(autograd::set_threads(0).is_err());
/// autograd::set_threads(1).unwrap();
/// ```
///
/// # Errors
/// [`Error::Argument`] if `n` is 0.
pub fn set_threads(n: usize) -> Result<()> {
    if n == 0 {
        return Err(Error::Argument {
            op: "set_threads",
            detail: "the thread count must be at least 1, got 0".into(),
        });
    }
    THREADS.store(n, Ordering::Relaxed);
    Ok(())
}

/// The thread count set by [`set_threads`] (1 unless changed).
pub fn threads() -> usize {
    THREADS.load(Ordering::Relaxed)
}

/// The engine's pool: one worker per core beyond the caller's (at least
/// one). Only one of them spins; with more than 2 threads the nested
/// splits reach the others through ordinary (sleeping) rayon workers.
fn pool() -> &'static rayon::ThreadPool {
    POOL.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        rayon::ThreadPoolBuilder::new()
            .num_threads(cores.saturating_sub(1).max(1))
            .thread_name(|i| format!("autograd-{i}"))
            .build()
            .expect("the engine's thread pool starts")
    })
}

/// Runs `a` and `b`, in parallel when [`threads`] is at least 2 (`a` on
/// the calling thread, `b` on the engine's worker), else one after the
/// other, and returns both results. A panic in either is resumed here
/// after both have finished.
///
/// ```
/// let data = [1, 2, 3, 4, 5, 6];
/// let (left, right) = data.split_at(3);
/// let (x, y) = autograd::fork_join(|| left.iter().sum::<i32>(), || right.iter().sum::<i32>());
/// assert_eq!((x, y), (6, 15));
/// ```
pub fn fork_join<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB + Send,
    RA: Send,
    RB: Send,
{
    if threads() < 2 {
        return (a(), b());
    }
    let pool = pool();
    keep_a_worker_spinning(pool);
    let b_done = AtomicBool::new(false);
    let mut rb = None;
    let ra = pool.in_place_scope(|scope| {
        scope.spawn(|_| {
            // Set on the way out even if `b` panics, so the wait below ends.
            let _done = SetOnDrop(&b_done);
            rb = Some(b());
        });
        let ra = a();
        // Spin rather than sleep on the scope's latch: the worker's half
        // ends about when ours does, and a wake-up costs more than that. On
        // a worker (a nested split), run queued work meanwhile: `b` may be
        // queued right here.
        let waiting = Instant::now();
        while !b_done.load(Ordering::Acquire) {
            if rayon::yield_now() != Some(rayon::Yield::Executed) {
                pause(waiting);
            }
        }
        // `b_done` is set just before the worker marks the job finished;
        // leaving the scope before that mark makes this thread sleep on
        // the scope's latch, and a sleeping thread's wake-up is the cost
        // all this avoids. A few more microseconds of spinning cover it.
        let end = Instant::now() + LATCH_GRACE;
        while Instant::now() < end {
            std::hint::spin_loop();
        }
        ra
    });
    (ra, rb.expect("the scope ran `b` to completion"))
}

/// Elementwise passes at least this long are split in two when
/// [`threads`] is at least 2 (`par_zip`, `par_sum`): a parameter-sized
/// pass (W2: 400k values, 0.1 ms) gains, while a hand-off costs a few
/// microseconds, as much as a pass over ~16k values.
pub const PAR_MIN_LEN: usize = 1 << 16;

/// Where to cut an elementwise pass over `len` values in two for
/// [`fork_join`], at a multiple of 64 (whole cache lines, whole vector
/// lanes); `None` below [`PAR_MIN_LEN`] or on one thread. Depends only on
/// `len` and [`threads`], so a split is reproducible.
///
/// ```
/// use autograd::threads::{PAR_MIN_LEN, par_cut};
/// assert_eq!(par_cut(PAR_MIN_LEN + 1), None); // one thread (the default)
/// autograd::set_threads(2).unwrap();
/// assert_eq!(par_cut(100_000), Some(50_048));
/// assert_eq!(par_cut(PAR_MIN_LEN - 1), None);
/// autograd::set_threads(1).unwrap();
/// ```
#[inline]
pub fn par_cut(len: usize) -> Option<usize> {
    // The length first: the common small case skips the atomic load (W1).
    (len >= PAR_MIN_LEN && threads() >= 2).then(|| (len / 2).next_multiple_of(64))
}

/// Runs `f(out, input)` over the two slices, split at one point into two
/// halves run with [`fork_join`] when they are long enough (see
/// [`PAR_MIN_LEN`]); `f` must be elementwise, so the split changes no bit.
/// `input` is at least as long as `out`.
#[inline(always)]
pub(crate) fn par_zip<T: Send, U: Sync>(
    out: &mut [T],
    input: &[U],
    f: impl Fn(&mut [T], &[U]) + Sync,
) {
    // The small case is W1's every node: one compare, then `f` as before;
    // the split lives out of line.
    if out.len() < PAR_MIN_LEN {
        return f(out, input);
    }
    split_zip(out, input, f);
}

#[inline(never)]
fn split_zip<T: Send, U: Sync>(out: &mut [T], input: &[U], f: impl Fn(&mut [T], &[U]) + Sync) {
    let input = &input[..out.len()];
    match par_cut(out.len()) {
        None => f(out, input),
        Some(mid) => {
            let (o1, o2) = out.split_at_mut(mid);
            let (i1, i2) = input.split_at(mid);
            fork_join(|| f(o1, i1), || f(o2, i2));
        }
    }
}

/// [`par_zip`] with two inputs, each at least as long as `out`.
#[inline(always)]
pub(crate) fn par_zip2<T: Send, U: Sync, V: Sync>(
    out: &mut [T],
    a: &[U],
    b: &[V],
    f: impl Fn(&mut [T], &[U], &[V]) + Sync,
) {
    if out.len() < PAR_MIN_LEN {
        return f(out, a, b);
    }
    split_zip2(out, a, b, f);
}

#[inline(never)]
fn split_zip2<T: Send, U: Sync, V: Sync>(
    out: &mut [T],
    a: &[U],
    b: &[V],
    f: impl Fn(&mut [T], &[U], &[V]) + Sync,
) {
    let (a, b) = (&a[..out.len()], &b[..out.len()]);
    match par_cut(out.len()) {
        None => f(out, a, b),
        Some(mid) => {
            let (o1, o2) = out.split_at_mut(mid);
            let (a1, a2) = a.split_at(mid);
            let (b1, b2) = b.split_at(mid);
            fork_join(|| f(o1, a1, b1), || f(o2, a2, b2));
        }
    }
}

/// `sum(values)` over the whole slice, or `sum(first half) + sum(second
/// half)` computed with [`fork_join`] when it is long enough (see
/// [`PAR_MIN_LEN`]). The order of additions depends only on the length and
/// [`threads`], so a given thread count always gives the same bits.
pub(crate) fn par_sum<T: Sync, R: Send + std::ops::Add<Output = R>>(
    values: &[T],
    sum: impl Fn(&[T]) -> R + Sync,
) -> R {
    match par_cut(values.len()) {
        None => sum(values),
        Some(mid) => {
            let (a, b) = values.split_at(mid);
            let (x, y) = fork_join(|| sum(a), || sum(b));
            x + y
        }
    }
}

/// One wait in a spin loop that started at `since`: a CPU pause for the
/// first [`SPIN_HARD`], then a yield to the OS scheduler. Spinning alone
/// is fast only while each thread has a core: when the machine is
/// oversubscribed (another program, a build), the thread we wait for may
/// be descheduled, and a waiter that never yields burns the time slice
/// it needs (measured: a W2 step at 2 threads went from 2.4 ms to 17–21 ms).
fn pause(since: Instant) {
    if since.elapsed() < SPIN_HARD {
        std::hint::spin_loop();
    } else {
        std::thread::yield_now();
    }
}

/// How long a waiting thread spins before it starts yielding (`pause`).
const SPIN_HARD: Duration = Duration::from_micros(50);

/// Sets its flag when dropped (also during unwinding).
struct SetOnDrop<'a>(&'a AtomicBool);

impl Drop for SetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Release);
    }
}

/// Starts a spinner on the pool unless one is running: a task that keeps
/// taking work (`rayon::yield_now`) until none has come for [`SPIN_IDLE`].
fn keep_a_worker_spinning(pool: &rayon::ThreadPool) {
    if SPINNING.swap(true, Ordering::AcqRel) {
        return;
    }
    pool.spawn(|| {
        let mut last_work = Instant::now();
        loop {
            match rayon::yield_now() {
                Some(rayon::Yield::Executed) => last_work = Instant::now(),
                _ if last_work.elapsed() > SPIN_IDLE => break,
                _ => pause(last_work),
            }
        }
        SPINNING.store(false, Ordering::Release);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_thread_runs_both_halves_in_order_on_the_caller() {
        // `threads()` is 1 unless a test binary sets it; this crate's unit
        // tests never do.
        let here = std::thread::current().id();
        let (a, b) = fork_join(
            || std::thread::current().id(),
            || std::thread::current().id(),
        );
        assert_eq!((a, b), (here, here));
    }
}
