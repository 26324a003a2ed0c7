//! constnet on a Cortex-M: the parts the firmware binaries share.
//!
//! - [`shared`], [`int8_shared`], [`sequence_shared`]: the networks, inputs and training runs,
//!   compiled identically on the host;
//! - [`CIRCLES`]: the circles classifier trained on the host, decoded at compile time from
//!   `circles.cnet` into a `static` in flash; [`CIRCLES_INT8`], its int8 twin from `circles.q8`;
//!   [`RHYTHM`], a GRU rhythm classifier from `rhythm.cnet`; [`WIDE`] and [`MIXED`], built at
//!   compile time from `const` weights;
//! - [`constnet_infer`], [`constnet_infer_int8`], [`constnet_sequence_step`],
//!   [`constnet_infer_wide`], [`constnet_infer_mixed`]: the inference entry points whose call
//!   graphs the host check proves panic-free;
//! - [`stack`] and [`clock`]: stack painting and a SysTick instruction clock; [`out`]: printing
//!   without `core::fmt`;
//! - a HardFault handler that exits QEMU with status 102 instead of hanging, and a panic handler
//!   that exits with 101, neither of which links `core::fmt`.
#![no_std]
#![deny(missing_docs, unsafe_op_in_unsafe_fn)]

#[path = "shared.rs"]
pub mod shared;

#[path = "int8_shared.rs"]
pub mod int8_shared;

#[path = "sequence_shared.rs"]
pub mod sequence_shared;

pub mod clock;
pub mod out;
pub mod stack;

use constnet::Network;
use constnet::int8::Quantized;
use sequence_shared::{CLASSES, RhythmState, RhythmStream};
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

/// [`CIRCLES`] quantized to int8 on the host (`tools/firmware-weights`) and decoded by the
/// compiler from `circles.q8`: a `const`, so that [`POINTS_Q8`] is computed from its input
/// quantization at compile time too.
pub const CIRCLES_Q8: Quantized<Circles> =
    constnet::include_model!(Quantized<Circles>, include_bytes!("../circles.q8"));

/// [`CIRCLES_Q8`] in flash.
#[unsafe(no_mangle)]
pub static CIRCLES_INT8: Quantized<Circles> = CIRCLES_Q8;

/// The points of [`shared::POINTS`] in [`CIRCLES_Q8`]'s input quantization, computed by the
/// compiler.
pub const POINTS_Q8: [[i8; 2]; 12] = int8_shared::points_q8(CIRCLES_Q8.input);

/// The int8 inference entry point: [`Quantized::forward_int8`], out of line under a fixed name,
/// like [`constnet_infer`].
#[inline(never)]
#[unsafe(no_mangle)]
pub fn constnet_infer_int8(net: &Quantized<Circles>, x: &[i8; 2]) -> [i8; 1] {
    net.forward_int8(x)
}

/// The GRU rhythm classifier in its streaming form, trained on the host
/// (`tools/firmware-weights`) and decoded by the compiler from `rhythm.cnet`: its weights are in
/// flash; the hidden state ([`RhythmState`]) is the caller's, in RAM.
#[unsafe(no_mangle)]
pub static RHYTHM: RhythmStream = constnet::include_model!(RhythmStream, include_bytes!("../rhythm.cnet"));

/// The recurrent entry point: one time step of [`RhythmStream`] (`forward_step`), advancing
/// `state`, out of line under a fixed name like [`constnet_infer`].
#[inline(never)]
#[unsafe(no_mangle)]
pub fn constnet_sequence_step(net: &RhythmStream, state: &mut RhythmState, x: &[f32; 1]) -> [f32; CLASSES] {
    net.forward_step(state, x)
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
/// without FPU, …) instead of hanging, after printing `HardFault` to standard error (without
/// `core::fmt`, see [`out`]).
#[cortex_m_rt::exception]
unsafe fn HardFault(_frame: &cortex_m_rt::ExceptionFrame) -> ! {
    out::Out::stderr().text("HardFault").line();
    semihosting::process::exit(102)
}

/// Exits QEMU with status 101 on a panic, as `std` does, after printing where it happened and
/// the message if it is plain text. A message with arguments (`index out of bounds: the len is
/// {} …`) is not printed: formatting it would link `core::fmt` (about 2.5 KB on the Cortex-M0)
/// into every program, and the inference entry points are checked panic-free anyway.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo<'_>) -> ! {
    let mut err = out::Out::stderr();
    err.text("panicked");
    if let Some(at) = info.location() {
        err.text(" at ").text(at.file()).text(":").dec(at.line().into()).text(":").dec(at.column().into());
    }
    err.text(": ").text(info.message().as_str().unwrap_or("(a formatted message, not printed)")).line();
    semihosting::process::exit(101)
}
