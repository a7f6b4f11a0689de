//! Memory held by a backward pass, counted in bytes (no timing): with
//! [`Var::backward_leaves`], `x.square().sum()` forward + backward holds
//! the input, `square`'s output and one gradient (3× the input), where
//! `backward`, which keeps every node's gradient, holds four; and with
//! [`Tape::backward_and_reset`], which frees `x²` before the sweep (nothing
//! reads it) so the gradient reuses its buffer, the whole case allocates
//! only the input and `x²`'s buffer: at no time does it hold more than 2×.
//!
//! A test binary of its own because it installs a counting global
//! allocator, and a single test so no other test thread allocates while
//! the count runs. The count is the bytes allocated minus those freed
//! between the start and the end of the case, with the gradients still
//! alive; buffers handed to autograd's cache stay allocated, so a
//! temporary freed into it during the sweep is counted too.

use std::alloc::System;

use autograd::Tape;
use ndarray::Array2;
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const N: usize = 1000;
const INPUT: usize = N * N * size_of::<f64>();
/// The tape's node list, gradient slots and the like: far below one matrix.
const SLACK: usize = 64 << 10;

fn input() -> Array2<f64> {
    Array2::from_shape_fn((N, N), |(i, j)| {
        ((i * 31 + j * 17) % 101) as f64 * 0.01 - 0.5
    })
}

/// Bytes still allocated after `x.square().sum()` forward and backward
/// (the input included), and x's gradient.
fn held(leaves_only: bool) -> (usize, Array2<f64>) {
    autograd::release_cached_buffers();
    let region = Region::new(GLOBAL);
    let tape = Tape::new();
    let x = tape.leaf(input());
    let loss = x.square().sum();
    let grads = if leaves_only {
        loss.backward_leaves()
    } else {
        loss.backward()
    };
    let change = region.change();
    let bytes = change.bytes_allocated as isize - change.bytes_deallocated as isize
        + change.bytes_reallocated;
    (bytes as usize, grads[x].clone())
}

/// Bytes allocated in all (not net of frees) by `x.square().sum()` forward
/// and `backward_and_reset`, the input included — a bound on the peak —
/// and whether x's gradient sits in the buffer `x²` had.
fn allocated_consuming() -> (usize, bool, Array2<f64>) {
    autograd::release_cached_buffers();
    let region = Region::new(GLOBAL);
    let mut tape = Tape::new();
    let (x, y_buffer, loss) = {
        let x = tape.leaf(input());
        let y = x.square();
        (
            x.key(),
            y.with_value(|v| v.as_ptr() as usize),
            y.sum().key(),
        )
    };
    let mut grads = tape.backward_and_reset(loss);
    let g = grads.take_by_key(x).expect("x is used");
    let change = region.change();
    let bytes = change.bytes_allocated + change.bytes_reallocated.max(0) as usize;
    let reused = g.as_ptr() as usize == y_buffer;
    (bytes, reused, g)
}

#[test]
fn square_sum_holds_two_three_or_four_inputs() {
    let (total, reused, g_consumed) = allocated_consuming();
    assert_eq!(g_consumed, input().mapv(|v| v + v));
    assert!(reused, "x's gradient is written into x²'s freed buffer");
    // The input and x²: nothing else of that size is ever allocated, so
    // the peak is at most 2× the input (the minimum: x and its gradient).
    assert!(
        total <= 2 * INPUT + SLACK,
        "backward_and_reset allocated {total} bytes = {:.2}x the input",
        total as f64 / INPUT as f64
    );

    let (all, g_all) = held(false);
    let (leaves, g_leaves) = held(true);
    // Same bits either way.
    assert_eq!(g_all, g_leaves);
    assert_eq!(g_leaves, input().mapv(|v| v + v));
    // `backward`: x, square's output, its gradient, x's gradient.
    assert!(all >= 4 * INPUT, "backward held {all} bytes");
    // `backward_leaves`: x, square's output, x's gradient (written in
    // place over the gradient `sum` gave `square`).
    assert!(
        leaves <= 3 * INPUT + SLACK,
        "backward_leaves held {leaves} bytes = {:.2}x the input",
        leaves as f64 / INPUT as f64
    );
}
