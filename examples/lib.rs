//! Runnable demos of constnet: `cargo run --release -p constnet-examples --example <name>`.
#![no_std]
