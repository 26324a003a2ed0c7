//! Part 1: classify fixed points with the circles network stored in flash.
//! Part 2: initialise the XOR network from a seeded generator and train it on the device.
//!
//! Every number is printed as its IEEE bits in hex (what the host check compares) next to its
//! decimal value (for people). `cargo run --release` from this directory runs it in QEMU.
#![no_std]
#![no_main]

use constnet::loss::BinaryCrossEntropy;
use constnet::memory::{optimizer_state_bytes, trainer_bytes};
use constnet::optim::{Adam, Sgd};
use constnet::prelude::*;
use constnet::train::TrainError;
use constnet_firmware::shared::{Circles, POINTS, Xor, XorRun, train_xor};
use constnet_firmware::{CIRCLES, TARGET, clock, constnet_infer, constnet_panic_canary, stack};
use semihosting::{print, println, process};

#[cortex_m_rt::entry]
fn main() -> ! {
    println!("target {TARGET}");
    type C = Circles;
    println!(
        "bill params={} inference_scratch={} tape={} train_scratch={} sgd_state={} adam_state={} \
         trainer_adam={} model={} stack_size={}",
        <C as Network<f32, 2, 1>>::PARAM_BYTES,
        <C as Network<f32, 2, 1>>::INFERENCE_SCRATCH_BYTES,
        <C as Network<f32, 2, 1>>::TAPE_BYTES,
        <C as Network<f32, 2, 1>>::TRAIN_SCRATCH_BYTES,
        optimizer_state_bytes::<f32, C, Sgd>(),
        optimizer_state_bytes::<f32, C, Adam>(),
        trainer_bytes::<f32, C, Adam, BinaryCrossEntropy>(),
        C::BYTES,
        stack::size(),
    );
    let (clock, calibration) = clock::start_calibrated();
    println!("clock calibration instructions=1000000 ticks={calibration}");

    // Each part runs in its own function, measured first and printed after, so that the stack
    // figures are the part alone and not the formatting machinery.
    stack::paint();
    let baseline = stack::high_water();

    // Part 1: inference from flash.
    stack::paint();
    let outputs = part1();
    let inference_stack = stack::high_water();
    for (i, ((x, label), p)) in POINTS.iter().zip(outputs).enumerate() {
        println!(
            "circles i={i} x=[{}, {}] label={label} p={:#010x} ({p}) class={}",
            x[0],
            x[1],
            p.to_bits(),
            u8::from(p >= 0.5)
        );
    }
    println!("stack part=baseline bytes={baseline}");
    println!("stack part=inference bytes={inference_stack}");
    print_model();
    let (calls, ticks) = time_inference();
    println!("time part=circles calls={calls} ticks={ticks}");

    // Part 2: training on the device.
    stack::paint();
    let (run, ticks) = part2();
    let training_stack = stack::high_water();
    let Ok(run) = run else {
        println!("xor error");
        process::exit(3)
    };
    println!(
        "xor epochs={} solved={} loss={:#018x} ({})",
        run.epochs,
        u8::from(run.solved),
        run.loss.to_bits(),
        run.loss
    );
    let o = run.outputs;
    println!(
        "xor outputs={:#010x},{:#010x},{:#010x},{:#010x} ({}, {}, {}, {})",
        o[0].to_bits(),
        o[1].to_bits(),
        o[2].to_bits(),
        o[3].to_bits(),
        o[0],
        o[1],
        o[2],
        o[3]
    );
    print!("xor weights=");
    let mut bytes = [0u8; Xor::BYTES];
    if run.net.to_bytes(&mut bytes).is_err() {
        process::exit(6);
    }
    for byte in bytes {
        print!("{byte:02x}");
    }
    println!();
    println!("xor ticks={ticks} clock={}", u8::from(clock));
    println!("stack part=training bytes={training_stack}");
    println!("xor model_bytes={} params={}", Xor::BYTES, Xor::PARAMS);
    // Keeps the checker's canary in the binary (see `constnet_panic_canary`).
    let _ = constnet_panic_canary(&[0.0; 4], core::hint::black_box(0));
    println!("done");
    process::exit(if run.solved { 0 } else { 4 })
}

/// Part 1: the circles network from flash on every point.
#[inline(never)]
fn part1() -> [f32; POINTS.len()] {
    POINTS.map(|(x, _)| constnet_infer(&CIRCLES, &x)[0])
}

/// Prints the weights the compiler decoded, encoded again, which the host compares with the
/// file. Out of line, so that its buffer is not part of `main`'s stack frame.
#[inline(never)]
fn print_model() {
    let mut model = [0u8; Circles::BYTES];
    if CIRCLES.to_bytes(&mut model).is_err() {
        process::exit(6);
    }
    print!("circles model=");
    for byte in model {
        print!("{byte:02x}");
    }
    println!();
}

/// Times this many passes over [`POINTS`] for the instructions per inference.
const REPEAT: usize = 100;

/// Runs `constnet_infer` [`REPEAT`] times on every point; returns the number of calls and the
/// SysTick ticks they took.
#[inline(never)]
fn time_inference() -> (usize, u64) {
    let start = clock::ticks();
    for _ in 0..REPEAT {
        for (x, _) in &POINTS {
            core::hint::black_box(constnet_infer(core::hint::black_box(&CIRCLES), core::hint::black_box(x)));
        }
    }
    (REPEAT * POINTS.len(), clock::ticks() - start)
}

/// Part 2: XOR initialised and trained on the device; returns the run and its duration in
/// SysTick ticks.
#[inline(never)]
fn part2() -> (Result<XorRun, TrainError>, u64) {
    let start = clock::ticks();
    let run = train_xor();
    (run, clock::ticks() - start)
}
