//! The computations the benchmarks time, each written twice — on the tape
//! and by hand with ndarray — so the benches can report the tape's overhead
//! against a floor, and the tests here can prove both compute the same
//! gradients (a fast wrong baseline would make every ratio meaningless).

pub mod chain;
pub mod data;
pub mod mlp;
pub mod optim;
pub mod pairing;
