//! Compile-time errors of `network!`, pinned by trybuild snapshots (`tests/ui/*.stderr`).
//!
//! The snapshots belong to the toolchain in `rust-toolchain.toml`; regenerate them with
//! `TRYBUILD=overwrite cargo test --test compiletest` when it changes.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
