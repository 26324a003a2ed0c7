//! Inference only, on networks with wide layers ([`Wide`](constnet_firmware::shared::Wide):
//! 8 to 100 inputs, softmax output) and the remaining activations
//! ([`Mixed`](constnet_firmware::shared::Mixed)), with their weights in flash: the outputs as
//! IEEE bits in hex for the host to compare, the stack high-water mark, and the instructions
//! per inference (SysTick under QEMU's `-icount`). The host check also walks the call graphs of
//! `constnet_infer_wide` and `constnet_infer_mixed` in this binary for reachable panics.
#![no_std]
#![no_main]

use constnet_firmware::shared::{MIXED_INPUTS, WIDE_INPUTS};
use constnet_firmware::{
    MIXED, TARGET, WIDE, clock, constnet_infer_mixed, constnet_infer_wide, constnet_panic_canary, stack,
};
use core::hint::black_box;
use semihosting::{print, println, process};

/// Times each input is run while the clock measures.
const REPEAT: u32 = 4;

#[cortex_m_rt::entry]
fn main() -> ! {
    println!("target {TARGET}");
    let (clock, calibration) = clock::start_calibrated();
    println!("clock calibration instructions=1000000 ticks={calibration} clock={}", u8::from(clock));

    stack::paint();
    let wide = WIDE_INPUTS.map(|x| constnet_infer_wide(&WIDE, &x));
    let wide_stack = stack::high_water();
    stack::paint();
    let mixed = MIXED_INPUTS.map(|x| constnet_infer_mixed(&MIXED, &x));
    let mixed_stack = stack::high_water();

    for (i, y) in wide.iter().enumerate() {
        print!("wide i={i} y=");
        hex(y);
    }
    for (i, y) in mixed.iter().enumerate() {
        print!("mixed i={i} y=");
        hex(y);
    }
    println!("stack part=wide bytes={wide_stack}");
    println!("stack part=mixed bytes={mixed_stack}");

    let start = clock::ticks();
    for _ in 0..REPEAT {
        for x in &WIDE_INPUTS {
            black_box(constnet_infer_wide(black_box(&WIDE), black_box(x)));
        }
    }
    println!("time part=wide calls={} ticks={}", REPEAT as usize * WIDE_INPUTS.len(), clock::ticks() - start);
    let start = clock::ticks();
    for _ in 0..REPEAT {
        for x in &MIXED_INPUTS {
            black_box(constnet_infer_mixed(black_box(&MIXED), black_box(x)));
        }
    }
    println!("time part=mixed calls={} ticks={}", REPEAT as usize * MIXED_INPUTS.len(), clock::ticks() - start);

    // Keeps the checker's canary in the binary (see `constnet_panic_canary`).
    let _ = constnet_panic_canary(&[0.0; 4], black_box(0));
    println!("done");
    process::exit(0)
}

/// Prints values as comma-separated IEEE bits in hex, then a newline.
fn hex(values: &[f32]) {
    for (k, v) in values.iter().enumerate() {
        print!("{}{:#010x}", if k == 0 { "" } else { "," }, v.to_bits());
    }
    println!();
}
