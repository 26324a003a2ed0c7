//! Benchmarks for constnet live in `benches/`; this library target only exists because a
//! package needs one. It is `no_std` so that `cargo build --workspace --target thumbv7em-none-eabihf`
//! keeps working.
#![no_std]
