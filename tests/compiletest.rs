//! Compile-time errors of `network!` and `include_model!`, pinned by trybuild snapshots
//! (`tests/ui/*.stderr`), and declarations that must compile (`tests/ui/pass/`).
//!
//! The snapshots belong to the toolchain in `rust-toolchain.toml`; regenerate them with
//! `TRYBUILD=overwrite cargo test --test compiletest` when it changes.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
