//! Copies the memory layout for the target (`memory-m4.x` or `memory-m0.x`) to where cortex-m-rt's `link.x`
//! finds it as `memory.x`. No `memory.x` may sit in the package root: the linker would find that first.
use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let target = env::var("TARGET").unwrap_or_default();
    let memory = if target.starts_with("thumbv6m") { "memory-m0.x" } else { "memory-m4.x" };
    fs::copy(memory, out.join("memory.x")).expect("copy the memory layout");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=memory-m4.x");
    println!("cargo:rerun-if-changed=memory-m0.x");
    println!("cargo:rerun-if-changed=build.rs");
}
