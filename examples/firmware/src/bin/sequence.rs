//! A recurrent network from flash, step by step: the GRU rhythm classifier
//! ([`RhythmStream`], decoded at compile time
//! from `rhythm.cnet`) runs over each fixed sequence one sample per call, with its hidden state
//! in RAM, reset between sequences. Prints every step's outputs as IEEE bits in hex for the host
//! to compare, each sequence's class, the state's size, the stack high-water mark and the
//! instructions per step (SysTick under QEMU's `-icount`), through
//! [`Out`] (no `core::fmt`).
#![no_std]
#![no_main]

use constnet::Network;
use constnet::io::Model;
use constnet_firmware::out::Out;
use constnet_firmware::sequence_shared::{CLASSES, RhythmState, RhythmStream, SEQUENCES, STEPS, argmax};
use constnet_firmware::{RHYTHM, TARGET, clock, constnet_panic_canary, constnet_sequence_step, stack};
use core::hint::black_box;
use semihosting::process;

/// Passes over all sequences while the clock measures.
const REPEAT: usize = 4;

#[cortex_m_rt::entry]
fn main() -> ! {
    let mut out = Out::stdout();
    out.text("target ").text(TARGET).line();
    let (clock, calibration) = clock::start_calibrated();
    out.text("clock calibration instructions=1000000 ticks=").dec(calibration).text(" running=");
    out.dec(u64::from(clock)).line();
    out.text("bill params=").dec(<RhythmStream as Network<f32, 1, CLASSES>>::PARAM_BYTES as u64);
    out.text(" state=").dec(size_of::<RhythmState>() as u64).text(" model=").dec(RhythmStream::BYTES as u64).line();

    // One whole sequence, stack painted first: the deepest the stack gets while stepping.
    stack::paint();
    let last = run_sequence(0);
    let sequence_stack = stack::high_water();
    black_box(last);

    let mut wrong = 0;
    for (i, (samples, label)) in SEQUENCES.iter().enumerate() {
        out.text("sequence i=").dec(i as u64).text(" label=").dec(u64::from(*label)).text(" y=");
        // The state lives here, in RAM, and starts every sequence from zero.
        let mut state = RhythmState::default();
        let mut y = [0.0; CLASSES];
        for (t, x) in samples.iter().enumerate() {
            y = constnet_sequence_step(&RHYTHM, &mut state, &[*x]);
            for (k, v) in y.iter().enumerate() {
                if t + k > 0 {
                    out.text(",");
                }
                out.bits(*v);
            }
        }
        let class = argmax(&y);
        wrong += usize::from(class != usize::from(*label));
        out.text(" class=").dec(class as u64).line();
    }
    out.text("stack part=sequence bytes=").dec(sequence_stack as u64).line();

    let start = clock::ticks();
    for _ in 0..REPEAT {
        for (samples, _) in &SEQUENCES {
            let mut state = RhythmState::default();
            for x in samples {
                black_box(constnet_sequence_step(black_box(&RHYTHM), &mut state, black_box(&[*x])));
            }
        }
    }
    let ticks = clock::ticks() - start;
    out.text("time part=step calls=").dec((REPEAT * SEQUENCES.len() * STEPS) as u64).text(" ticks=").dec(ticks).line();

    // Keeps the checker's canary in the binary (see `constnet_panic_canary`).
    let _ = constnet_panic_canary(&[0.0; 4], black_box(0));
    out.text("done").line();
    process::exit(if wrong == 0 { 0 } else { 5 })
}

/// Sequence `i` from a fresh state, step by step; returns the last output.
#[inline(never)]
fn run_sequence(i: usize) -> [f32; CLASSES] {
    let mut state = RhythmState::default();
    let mut y = [0.0; CLASSES];
    if let Some((samples, _)) = SEQUENCES.get(i) {
        for x in samples {
            y = constnet_sequence_step(&RHYTHM, &mut state, &[*x]);
        }
    }
    y
}
