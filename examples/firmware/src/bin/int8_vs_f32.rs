//! The cost of one circles inference on this core: the `f32` network (software floats on the
//! Cortex-M0) against its int8 twin, on the same points, measured with the same clock (SysTick
//! under `-icount shift=0`, calibrated against a loop of 10⁶ instructions).
#![no_std]
#![no_main]

use constnet_firmware::shared::POINTS;
use constnet_firmware::{CIRCLES, CIRCLES_INT8, POINTS_Q8, TARGET, clock, constnet_infer, constnet_infer_int8};
use semihosting::{println, process};

#[cortex_m_rt::entry]
fn main() -> ! {
    println!("target {TARGET}");
    let (clock, calibration) = clock::start_calibrated();
    println!("clock calibration instructions=1000000 ticks={calibration} running={}", u8::from(clock));
    let (f32_out, f32_ticks) = run_f32();
    let (int8_out, int8_ticks) = run_int8();
    let mut disagree = 0;
    for (p, q) in f32_out.iter().zip(int8_out) {
        disagree += usize::from((*p >= 0.5) != (q >= 0));
    }
    println!("cost samples={} f32_ticks={f32_ticks} int8_ticks={int8_ticks} disagree={disagree}", POINTS.len());
    println!("done");
    process::exit(if disagree == 0 { 0 } else { 6 })
}

#[inline(never)]
fn run_f32() -> ([f32; 12], u64) {
    let start = clock::ticks();
    let out = POINTS.map(|(x, _)| constnet_infer(core::hint::black_box(&CIRCLES), &x)[0]);
    (out, clock::ticks() - start)
}

#[inline(never)]
fn run_int8() -> ([i8; 12], u64) {
    let start = clock::ticks();
    let out = POINTS_Q8.map(|x| constnet_infer_int8(core::hint::black_box(&CIRCLES_INT8), &x)[0]);
    (out, clock::ticks() - start)
}
