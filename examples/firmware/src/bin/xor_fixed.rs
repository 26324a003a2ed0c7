//! XOR (2-4-1, tanh, sigmoid) trained on the device in Q16.16 fixed point — forward, backward
//! and Adam in integer arithmetic — and then the same run in `f32` (software floats on the
//! Cortex-M0), each timed with the SysTick instruction clock. Prints the epochs, the loss curve,
//! the outputs and the trained weights as raw bits for the host check.
#![no_std]
#![no_main]

use constnet::Parameters;
use constnet::fixed::Q16;
use constnet_firmware::int8_shared::{XorRun, train_xor};
use constnet_firmware::{TARGET, clock, stack};
use semihosting::{print, println, process};

#[cortex_m_rt::entry]
fn main() -> ! {
    println!("target {TARGET}");
    let (clock, calibration) = clock::start_calibrated();
    println!("clock calibration instructions=1000000 ticks={calibration} running={}", u8::from(clock));
    stack::paint();
    let (fixed, fixed_ticks) = run_fixed();
    let fixed_stack = stack::high_water();
    let (float, float_ticks) = run_f32();
    let (Ok(fixed), Ok(float)) = (fixed, float) else {
        println!("training failed");
        process::exit(7)
    };
    println!("xor scalar=q16 epochs={} solved={} ticks={fixed_ticks}", fixed.epochs, u8::from(fixed.solved));
    println!("xor scalar=f32 epochs={} solved={} ticks={float_ticks}", float.epochs, u8::from(float.solved));
    print!("q16 outputs");
    for y in fixed.outputs {
        print!(" {:#010x}", y.to_bits());
    }
    print!("\nq16 weights");
    for t in 0..4 {
        for w in fixed.net.tensor(t) {
            print!(" {:#010x}", w.to_bits());
        }
    }
    print!("\nq16 curve");
    for l in fixed.curve {
        print!(" {:#010x}", l.to_bits());
    }
    print!("\nf32 curve");
    for l in float.curve {
        print!(" {:#010x}", l.to_bits());
    }
    println!();
    println!("stack part=xor_q16 bytes={fixed_stack}");
    println!("done");
    process::exit(if fixed.solved && float.solved { 0 } else { 4 })
}

#[inline(never)]
fn run_fixed() -> (Result<XorRun<Q16>, constnet::train::TrainError>, u64) {
    let start = clock::ticks();
    let run = train_xor::<Q16>();
    (run, clock::ticks() - start)
}

#[inline(never)]
fn run_f32() -> (Result<XorRun<f32>, constnet::train::TrainError>, u64) {
    let start = clock::ticks();
    let run = train_xor::<f32>();
    (run, clock::ticks() - start)
}
