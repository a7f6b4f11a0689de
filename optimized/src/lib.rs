//! Nothing but a home for tests that need optimized code to mean
//! anything: the workspace builds this crate at `opt-level = 3` under
//! `cargo test` too (root `Cargo.toml`), and the engine's generic loops
//! are compiled in the crate that instantiates them, here.
//!
//! `tests/wide_loops.rs`: the AVX2 and SSE2 versions of the engine's
//! loops give the same bits. Unoptimized, neither is vectorized and the
//! comparison would pass for nothing.
