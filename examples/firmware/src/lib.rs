//! constnet on a Cortex-M: the parts the three firmware binaries share.
//!
//! - [`shared`]: the networks, inputs and training runs, compiled identically on the host;
//! - [`CIRCLES`]: the circles classifier trained on the host, decoded at compile time from
//!   `circles.cnet` into a `static` in flash; [`WIDE`] and [`MIXED`], built at compile time
//!   from `const` weights;
//! - [`constnet_infer`], [`constnet_infer_wide`], [`constnet_infer_mixed`]: the inference entry
//!   points whose call graphs the host check proves panic-free;
//! - [`stack`] and [`clock`]: stack painting and a SysTick instruction clock;
//! - a HardFault handler that exits QEMU with status 102 instead of hanging.
#![no_std]
#![deny(missing_docs, unsafe_op_in_unsafe_fn)]

#[path = "shared.rs"]
pub mod shared;

pub mod clock;
pub mod stack;

use shared::{Circles, Mixed, Wide};

/// The circles classifier, trained on the host (`tests/firmware.rs`) and decoded by the compiler:
/// its 117 weights are in `.rodata` (flash), not RAM. A corrupted or mismatched `circles.cnet`
/// fails the build with the reason.
#[unsafe(no_mangle)]
pub static CIRCLES: Circles = constnet::include_model!(Circles, include_bytes!("../circles.cnet"));

/// The inference entry point: `Circles::forward`, kept out of line under a fixed symbol name so
/// that the host check can walk its call graph in the linked binary and show that no panic
/// (bounds check, overflow, unwrap) is reachable from it.
#[inline(never)]
#[unsafe(no_mangle)]
pub fn constnet_infer(net: &Circles, x: &[f32; 2]) -> [f32; 1] {
    net.forward(x)
}

/// The [`Wide`] network (layers of 8, 16, 21, 64, 100 and 13 inputs, softmax output), built at
/// compile time from `const` weights ([`shared::wide`]), in `.rodata`.
#[unsafe(no_mangle)]
pub static WIDE: Wide = shared::wide();

/// The [`Mixed`] network (the other activations, fast softmax output), built like [`WIDE`].
#[unsafe(no_mangle)]
pub static MIXED: Mixed = shared::mixed();

/// Inference entry point of [`Wide`], like [`constnet_infer`].
#[inline(never)]
#[unsafe(no_mangle)]
pub fn constnet_infer_wide(net: &Wide, x: &[f32; 8]) -> [f32; 10] {
    net.forward(x)
}

/// Inference entry point of [`Mixed`], like [`constnet_infer`].
#[inline(never)]
#[unsafe(no_mangle)]
pub fn constnet_infer_mixed(net: &Mixed, x: &[f32; 3]) -> [f32; 4] {
    net.forward(x)
}

/// The target triple, for the first line of output.
pub const TARGET: &str = if cfg!(target_arch = "arm") {
    if cfg!(target_has_atomic = "32") { "thumbv7em-none-eabihf" } else { "thumbv6m-none-eabi" }
} else {
    "host"
};

/// A deliberately panicking function (an unchecked index), exported so the host check can show
/// that its call-graph walk does find a reachable `panic_bounds_check` when there is one.
#[inline(never)]
#[unsafe(no_mangle)]
pub fn constnet_panic_canary(values: &[f32; 4], i: usize) -> f32 {
    values[i]
}

/// Exits QEMU with status 102 on a HardFault (a bad memory access, an FPU instruction on a core
/// without FPU, …) instead of hanging.
#[cortex_m_rt::exception]
unsafe fn HardFault(_frame: &cortex_m_rt::ExceptionFrame) -> ! {
    semihosting::eprintln!("HardFault");
    semihosting::process::exit(102)
}
