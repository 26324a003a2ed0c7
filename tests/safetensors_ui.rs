//! Compile-time errors of `include_safetensors!` (`include-safetensors` feature), pinned by
//! trybuild snapshots (`tests/ui/safetensors/*.stderr`; regenerate with
//! `TRYBUILD=overwrite cargo test -p constnet --features include-safetensors --test safetensors_ui`).
#![cfg(feature = "include-safetensors")]

#[test]
fn ui() {
    trybuild::TestCases::new().compile_fail("tests/ui/safetensors/*.rs");
}
