//! A `#![no_std]` binary that declares, initialises and runs a network. If constnet (or any of
//! its dependencies) linked `std`, this would fail to build with a duplicate `panic_impl`.
#![no_std]
#![no_main]

use constnet::prelude::*;
use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};

network! {
    /// The 2-4-1 network of "The Simple Math behind Neural Networks".
    struct Xor<f32> {
        hidden: Dense<2, 4, Tanh>,
        output: Dense<4, 1, Sigmoid>,
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}

// rustc passes -nodefaultlibs for no_std binaries: libc provides the C runtime, memcpy and exit.
#[link(name = "c")]
unsafe extern "C" {}

// The prebuilt libcore references this symbol in debug builds; with panic=abort it is never called.
#[unsafe(no_mangle)]
pub extern "C" fn rust_eh_personality() {}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let net = Xor::random(&mut Xoshiro128PlusPlus::seed_from_u64(42));
    let y = net.forward(&[1.0, 0.0]);
    let static_net = Xor::from_layers(Dense::from_parts([[1.0, 1.0]; 4], [0.0; 4]), Dense::from_parts([[0.0; 4]], [0.0]));
    // σ(0) = 0.5 for the hand-built net; the random one must give a probability.
    let ok = static_net.forward(&[3.0, -3.0]) == [0.5] && y[0] > 0.0 && y[0] < 1.0;
    if ok { 0 } else { 1 }
}
