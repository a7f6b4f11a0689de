//! `Batches` allocates nothing per batch: a counting global allocator
//! (this test binary's own) sees no allocation while batches are drawn,
//! over several epochs, short last batches included.

use std::alloc::System;

use nn::data::{Batches, digits};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn no_allocation_per_batch() {
    let ds = digits::load::<f32>();
    let mut batches = Batches::new(&ds, 100, 3).unwrap(); // 17 full batches, one of 97
    let region = Region::new(GLOBAL);
    let mut drawn = 0;
    let mut checksum = 0.0;
    for _ in 0..3 {
        while let Some(b) = batches.next_batch() {
            checksum += b.x[[0, 10]] + b.labels[0] as f32;
            drawn += 1;
        }
    }
    assert_eq!(drawn, 3 * 18);
    assert!(checksum > 0.0);
    let stats = region.change();
    assert_eq!(
        (stats.allocations, stats.reallocations),
        (0, 0),
        "while drawing batches: {stats:?}"
    );
    // The counter does see this binary's allocations.
    let region = Region::new(GLOBAL);
    let v = std::hint::black_box(vec![0u8; 10]);
    assert_eq!(region.change().allocations, 1);
    drop(v);
}
