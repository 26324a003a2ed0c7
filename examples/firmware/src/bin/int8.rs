//! Inference only, in integers only: the circles classifier quantized to int8, from flash, on
//! the fixed points (quantized by the compiler). No floating-point code and no `core::fmt` is
//! linked: this is the program the int8 flash figure (and its 6 KiB budget on the Cortex-M0) is
//! measured on. Prints each point's int8 input and output, the instructions per sample (SysTick
//! under `-icount shift=0`) and the stack high-water mark, in hex through
//! [`Out`].
#![no_std]
#![no_main]

use constnet_firmware::out::Out;
use constnet_firmware::shared::POINTS;
use constnet_firmware::{CIRCLES_INT8, POINTS_Q8, TARGET, clock, constnet_infer_int8, stack};
use semihosting::process;

#[cortex_m_rt::entry]
fn main() -> ! {
    let mut out = Out::stdout();
    out.text("target ").text(TARGET).line();
    let (clock, calibration) = clock::start_calibrated();
    stack::paint();
    let (outputs, ticks) = run();
    let inference_stack = stack::high_water();
    out.text("clock calibration instructions=1000000 ticks=").dec(calibration).text(" running=");
    out.dec(u64::from(clock)).line();
    let mut wrong = 0;
    for (i, ((x, y), (_, label))) in POINTS_Q8.iter().zip(outputs).zip(&POINTS).enumerate() {
        // Output zero point −128, scale 1/256: p ≥ 0.5 ⇔ q ≥ 0.
        let class = u8::from(y >= 0);
        wrong += usize::from(class != *label);
        out.text("int8 i=").dec(i as u64).text(" x0=").hex(x[0] as u8 as u32).text(" x1=").hex(x[1] as u8 as u32);
        out.text(" y=").hex(y as u8 as u32).text(" class=").dec(u64::from(class)).line();
    }
    out.text("time part=int8 calls=").dec(POINTS_Q8.len() as u64).text(" ticks=").dec(ticks).line();
    out.text("stack part=int8 bytes=").dec(inference_stack as u64).line();
    out.text("done").line();
    process::exit(if wrong == 0 { 0 } else { 5 })
}

/// Every point through the int8 network; returns the outputs and the SysTick ticks taken.
#[inline(never)]
fn run() -> ([i8; 12], u64) {
    let start = clock::ticks();
    let outputs = POINTS_Q8.map(|x| constnet_infer_int8(core::hint::black_box(&CIRCLES_INT8), &x)[0]);
    (outputs, clock::ticks() - start)
}
