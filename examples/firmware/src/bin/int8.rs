//! Inference only, in integers only: the circles classifier quantized to int8, from flash, on
//! the fixed points (quantized by the compiler). No floating-point code is linked: this is the
//! program the int8 flash figure is measured on. Prints each point's int8 input and output, the
//! instructions per sample (SysTick under `-icount shift=0`) and the stack high-water mark, all
//! in hex through a few lines of its own instead of `core::fmt`.
#![no_std]
#![no_main]

use constnet::int8::Quantized;
use constnet_firmware::shared::{self, Circles};
use constnet_firmware::{TARGET, clock, stack};
use semihosting::process;

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
    let clock = clock::start();
    let start = clock::ticks();
    cortex_m::asm::delay(499_999);
    let calibration = clock::ticks() - start;
    stack::paint();
    let (outputs, ticks) = run();
    let inference_stack = stack::high_water();
    let mut out = Out::new();
    out.text(b"target ").text(TARGET.as_bytes()).text(b"\n");
    out.text(b"clock calibration instructions=1000000 ticks=")
        .hex(calibration as u32)
        .text(b" running=")
        .hex(u32::from(clock))
        .text(b"\n");
    let mut wrong = 0;
    for (i, ((x, y), (_, label))) in POINTS_Q8.iter().zip(outputs).zip(shared::POINTS).enumerate() {
        // Output zero point −128, scale 1/256: p ≥ 0.5 ⇔ q ≥ 0.
        let class = u8::from(y >= 0);
        wrong += usize::from(class != label);
        out.text(b"int8 i=").hex(i as u32).text(b" x0=").hex(x[0] as u8 as u32).text(b" x1=").hex(x[1] as u8 as u32);
        out.text(b" y=").hex(y as u8 as u32).text(b" class=").hex(u32::from(class)).text(b"\n");
    }
    out.text(b"int8 samples=").hex(POINTS_Q8.len() as u32).text(b" ticks=").hex(ticks as u32).text(b"\n");
    out.text(b"stack part=int8 bytes=").hex(inference_stack as u32).text(b"\ndone\n");
    process::exit(if wrong == 0 { 0 } else { 5 })
}

/// Every point through the int8 network; returns the outputs and the SysTick ticks taken.
#[inline(never)]
fn run() -> ([i8; 12], u64) {
    let start = clock::ticks();
    let outputs = POINTS_Q8.map(|x| constnet_infer_int8(core::hint::black_box(&CIRCLES_INT8), &x)[0]);
    (outputs, clock::ticks() - start)
}

/// Output without `core::fmt` and without a panic path: text and numbers in hex (`0x…`),
/// written character by character to the semihosting console (`SYS_WRITEC`), so that the
/// program's flash is the network and little else.
struct Out;

impl Out {
    fn new() -> Self {
        Self
    }
    fn text(&mut self, bytes: &[u8]) -> &mut Self {
        for &b in bytes {
            semihosting::sys::arm_compat::sys_writec(b);
        }
        self
    }
    fn hex(&mut self, value: u32) -> &mut Self {
        self.text(b"0x");
        for k in 0..8 {
            let nibble = ((value >> (28 - 4 * k)) & 0xf) as u8;
            self.text(&[if nibble < 10 { b'0' + nibble } else { b'a' + nibble - 10 }]);
        }
        self
    }
}
