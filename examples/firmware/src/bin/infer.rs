//! Inference only: the circles network from flash on the fixed points, printed as IEEE bits in
//! hex (no float formatting code is linked). This is the program the flash budget applies to,
//! and the one built for the Cortex-M0.
#![no_std]
#![no_main]

use constnet_firmware::shared::POINTS;
use constnet_firmware::{CIRCLES, TARGET, constnet_infer, constnet_panic_canary, stack};
use semihosting::{println, process};

#[cortex_m_rt::entry]
fn main() -> ! {
    println!("target {TARGET}");
    stack::paint();
    let outputs = POINTS.map(|(x, _)| constnet_infer(&CIRCLES, &x)[0]);
    let inference_stack = stack::high_water();
    let mut wrong = 0;
    for (i, ((_, label), p)) in POINTS.iter().zip(outputs).enumerate() {
        let class = u8::from(p >= 0.5);
        wrong += usize::from(class != *label);
        println!("circles i={i} label={label} p={:#010x} class={class}", p.to_bits());
    }
    println!("stack part=inference bytes={inference_stack}");
    // Keeps the checker's canary in the binary (see `constnet_panic_canary`).
    let _ = constnet_panic_canary(&[0.0; 4], core::hint::black_box(0));
    println!("done");
    process::exit(if wrong == 0 { 0 } else { 5 })
}
