//! Inference only, in integers only: the circles classifier quantized to int8, from flash, on
//! the fixed points (quantized by the compiler). No floating-point code is linked: this is the
//! program the int8 flash figure is measured on. Prints each point's int8 input and output, the
//! instructions per sample (SysTick under `-icount shift=0`) and the stack high-water mark.
#![no_std]
#![no_main]

use constnet::int8::Quantized;
use constnet_firmware::shared::{self, Circles};
use constnet_firmware::{TARGET, clock, stack};
use semihosting::{println, process};

#[path = "../int8_shared.rs"]
#[allow(dead_code)]
mod int8_shared;

use int8_shared::{CIRCLES_Q8, POINTS_Q8};

/// The int8 twin in flash.
#[unsafe(no_mangle)]
pub static CIRCLES_INT8: Quantized<Circles> = CIRCLES_Q8;

/// The int8 inference entry point, out of line under a fixed name (for the call-graph check).
#[inline(never)]
#[unsafe(no_mangle)]
pub fn constnet_infer_int8(net: &Quantized<Circles>, x: &[i8; 2]) -> [i8; 1] {
    net.forward_int8(x)
}

#[cortex_m_rt::entry]
fn main() -> ! {
    println!("target {TARGET}");
    let clock = clock::start();
    let start = clock::ticks();
    cortex_m::asm::delay(499_999);
    println!("clock calibration instructions=1000000 ticks={} running={}", clock::ticks() - start, u8::from(clock));
    stack::paint();
    let (outputs, ticks) = run();
    let inference_stack = stack::high_water();
    let mut wrong = 0;
    for (i, ((x, y), (_, label))) in POINTS_Q8.iter().zip(outputs).zip(shared::POINTS).enumerate() {
        // Output zero point −128, scale 1/256: p ≥ 0.5 ⇔ q ≥ 0.
        let class = u8::from(y >= 0);
        wrong += usize::from(class != label);
        println!("int8 i={i} x=[{},{}] y={y} class={class} label={label}", x[0], x[1]);
    }
    println!("int8 samples={} ticks={ticks}", POINTS_Q8.len());
    println!("stack part=int8 bytes={inference_stack}");
    println!("done");
    process::exit(if wrong == 0 { 0 } else { 5 })
}

/// Every point through the int8 network; returns the outputs and the SysTick ticks taken.
#[inline(never)]
fn run() -> ([i8; 12], u64) {
    let start = clock::ticks();
    let outputs = POINTS_Q8.map(|x| constnet_infer_int8(core::hint::black_box(&CIRCLES_INT8), &x)[0]);
    (outputs, clock::ticks() - start)
}
