//! Loops compiled twice, for the baseline x86-64 vector unit (SSE2: two
//! `f64` or four `f32` per instruction) and for AVX2 with FMA (four `f64`
//! or eight `f32`), the second picked at run time when the CPU has it.
//!
//! A loop to run wide is a [`Loop`] value; [`wide_loop`] runs it inside
//! `pulp`'s `#[target_feature]` function for the CPU's instruction set,
//! where the compiler vectorizes it with the wider registers. `pulp`
//! holds the one `unsafe` call that takes (this workspace forbids its
//! own). Used by the costly elementwise functions (`ops/unary.rs`,
//! `UnaryFn::COSTLY_VALUE`), `vmath`'s slice kernels, and in `f64` the
//! leaves-only sweeps' one-pass pair (`kernels::update_and_acc`).
//!
//! Not yet wide: a loop long enough for `threads.rs` to split it (from
//! `PAR_MIN_LEN` = 65,536 values, at any thread count: `par_zip`'s split
//! is out of line, and its halves are closures compiled for the
//! baseline). The bits are the same; only the speed-up is missing there.
//!
//! **The same bits either way.** The loops run wide are elementwise, with
//! no reduction the compiler could reorder, and Rust never contracts
//! `a * b + c` into a fused multiply-add on its own; so each element sees
//! the same operations, rounded the same way, at any vector width
//! (`optimized/tests/wide_loops.rs`, built optimized, compares every
//! registered op, values and gradients, with [`set_wide_loops`] on and
//! off).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use pulp::{Simd, WithSimd};

/// The instruction set found at first use.
static ARCH: OnceLock<pulp::Arch> = OnceLock::new();

/// Set by [`set_wide_loops`]`(false)`: every loop runs its baseline code.
static NARROW: AtomicBool = AtomicBool::new(false);

/// Turns the AVX2 versions of the costly elementwise loops (`exp`, `log`,
/// `tanh`, `sigmoid`, `softplus`) on (the default, when the CPU has AVX2
/// and FMA) or off. Results are bitwise the same either way; only the
/// speed changes. Process-wide.
///
/// ```
/// use autograd::{Tape, set_wide_loops};
/// use ndarray::array;
///
/// let run = || {
///     let tape = Tape::new();
///     let x = tape.leaf(array![[0.3_f64, -1.7, 2.5, 0.01, -40.0]]);
///     let y = x.tanh().sum() + x.exp().sum();
///     (y.item(), y.backward()[x].clone())
/// };
/// let wide = run();
/// set_wide_loops(false);
/// let narrow = run();
/// set_wide_loops(true);
/// assert_eq!(wide.0.to_bits(), narrow.0.to_bits());
/// assert_eq!(wide.1, narrow.1);
/// ```
pub fn set_wide_loops(on: bool) {
    NARROW.store(!on, Ordering::Relaxed);
}

/// Whether the costly elementwise loops run their AVX2 versions: they are
/// on ([`set_wide_loops`]) and the CPU has AVX2 and FMA.
pub fn wide_loops() -> bool {
    !NARROW.load(Ordering::Relaxed) && !matches!(arch(), pulp::Arch::Scalar)
}

#[inline(always)]
fn arch() -> pulp::Arch {
    *ARCH.get_or_init(pulp::Arch::new)
}

/// A loop for [`wide_loop`]. `run` must be `#[inline(always)]`, and so
/// must every function it calls down to the loop, so that the whole loop
/// is compiled inside `pulp`'s `#[target_feature]` function. (A closure
/// will not do: once its body is large, the compiler keeps it a function
/// of its own, compiled for the baseline.)
pub(crate) trait Loop {
    type Output;
    fn run(self) -> Self::Output;
}

/// A [`Loop`] as `pulp` takes it.
struct Body<L>(L);

impl<L: Loop> WithSimd for Body<L> {
    type Output = L::Output;
    #[inline(always)]
    fn with_simd<S: Simd>(self, _simd: S) -> L::Output {
        self.0.run()
    }
}

/// Runs `l` compiled for AVX2 + FMA when the CPU has them and
/// [`set_wide_loops`] has not turned them off, else for the baseline.
#[inline(always)]
pub(crate) fn wide_loop<L: Loop>(l: L) -> L::Output {
    if NARROW.load(Ordering::Relaxed) {
        return l.run();
    }
    arch().dispatch(Body(l))
}

/// [`wide_loop`] when `costly` (a constant where it is called), else `l`
/// run as is.
#[inline(always)]
pub(crate) fn wide_if<L: Loop>(costly: bool, l: L) -> L::Output {
    if costly { wide_loop(l) } else { l.run() }
}
