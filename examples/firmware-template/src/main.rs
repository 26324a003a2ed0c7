#![no_std]
#![no_main]

use constnet::prelude::*;
use semihosting::{println, process};

network! {
    /// Must match the network the weights were trained with, layer for layer.
    struct Circles<f32> {
        hidden1: Dense<2, 4, Relu>,
        hidden2: Dense<4, 6, Relu>,
        hidden3: Dense<6, 6, Relu>,
        hidden4: Dense<6, 4, Relu>,
        output:  Dense<4, 1, Sigmoid>,
    }
}

// Decoded by the compiler: the weights sit in flash, and a file that does not match
// `Circles` (or is truncated or corrupt) fails the build, saying why.
static NET: Circles = include_model!(Circles, include_bytes!("../circles.cnet"));

#[cortex_m_rt::entry]
fn main() -> ! {
    for x in [[0.1, 0.1], [0.0, -0.5], [1.0, 0.0], [-0.7, -0.7]] {
        let p = NET.forward(&x)[0];
        // IEEE bits in hex: no float formatting code (about 10 KB) in the firmware.
        println!("p={:#010x} inner={}", p.to_bits(), p >= 0.5);
    }
    process::exit(0)
}
