//! Panics on purpose, so that the host check can see the firmware's panic handler at work: it
//! must print where the panic happened and its message, and exit QEMU with status 101, without
//! linking `core::fmt`.
#![no_std]
#![no_main]

use constnet_firmware::TARGET;
use constnet_firmware::out::Out;

#[cortex_m_rt::entry]
fn main() -> ! {
    Out::stdout().text("target ").text(TARGET).line();
    if core::hint::black_box(true) {
        panic!("a deliberate panic, to test the handler");
    }
    semihosting::process::exit(0)
}
