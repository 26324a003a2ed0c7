//! constnet's integration tests, built into one binary (nalgebra's habit: one link step, shared
//! fixtures in `common`). Kept apart, because they must be: `tests/compiletest.rs` (trybuild),
//! `tests/no_alloc.rs` (a counting global allocator), `tests/heap.rs` (`std` only) and
//! `tests/firmware.rs` (QEMU).
//!
//! `cargo test --test suite` runs them; `cargo test --test suite io::` one module.

mod common;

mod activations;
mod activations_more;
mod batched;
mod conv;
mod data;
mod fast_paths;
mod fixed;
mod gradients;
mod int8;
mod io;
mod layers_more;
#[cfg(feature = "std")]
mod model_file;
mod network;
mod recurrent;
#[cfg(feature = "safetensors")]
mod safetensors;
mod seeds;
mod torch_reference;
mod training;
