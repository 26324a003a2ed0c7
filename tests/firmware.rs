//! constnet on a real instruction set: builds `examples/firmware` for the Cortex-M4F and the
//! Cortex-M0, boots its programs in QEMU (circles inference from flash, XOR training on the
//! device, wide layers, and a GRU run step by step over sequences), and checks what the device
//! printed against the host's own computation of the same thing; checks the flash budget, that
//! the weights sit in flash, and that no panic is reachable from any inference entry point (with
//! `constnet-elf-check`, `tools/elf-check`); builds and runs `examples/firmware-template`, the
//! README's recipe for a firmware crate of your own; and checks that the figures in the README's
//! "Firmware" section are the ones measured. The int8 and fixed-point programs are checked by
//! `tests/firmware_int8.rs`; both share `tests/firmware_support`.
//!
//! Without `qemu-system-arm`, a Cortex-M target or `llvm-objdump`, the affected checks print
//! `skipped: install …` and pass, unless `CONSTNET_REQUIRE_QEMU=1` (set by `.ci/run`), which turns
//! a missing tool into a failure. `cargo test --test firmware -- --nocapture` prints the figures.
//!
//! Maintenance commands (each works whatever state the checked files are in):
//! - `cargo run -p constnet-firmware-weights` rewrites `examples/firmware/circles.cnet` (and the
//!   template's copy), `circles.q8` and `rhythm.cnet` from host training;
//! - `CONSTNET_UPDATE_README=1 cargo test --test firmware` rewrites the README's figures.
//!
//! Host and device results are compared bit for bit when constnet is built without its `std`
//! feature ([`constnet::PORTABLE_MATH`]), as `cargo test` at the workspace root builds it; with
//! `std` the host's float functions differ, so only the tolerance is checked and the test says so.

mod firmware_support;

#[path = "../examples/firmware/src/shared.rs"]
#[allow(dead_code)]
mod shared;

#[path = "../examples/firmware/src/sequence_shared.rs"]
#[allow(dead_code)]
mod sequence_shared;

use constnet::io::Model;
use constnet::optim::Sgd;
use constnet::prelude::*;
use constnet_elf_check::{Elf, check_no_panic};
use firmware_support::*;
use sequence_shared::{CLASSES, HIDDEN, RHYTHM_FILE, RhythmState, RhythmStream, SEQUENCES, STEPS};
use shared::{CIRCLES_FILE, Circles, MIXED_INPUTS, Mixed, POINTS, WIDE_INPUTS, Wide, Xor, XorRun};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// Flash the inference-only firmware for the Cortex-M4F may use: vector table, code, read-only
/// data (weights included) and the initial values of `.data`.
const INFER_FLASH_BUDGET: usize = 12 * 1024;

/// The command that rewrites the README's figures.
const README_COMMAND: &str = "CONSTNET_UPDATE_README=1 cargo test --test firmware";
/// The generated part of the README's "Firmware" section lies between these lines.
const FIGURES_BEGIN: &str = "<!-- firmware figures: begin -->";
const FIGURES_END: &str = "<!-- firmware figures: end -->";

fn template_dir() -> PathBuf {
    root().join("examples/firmware-template")
}

// ---------------------------------------------------------------------------------------------
// The weights: trained on the host, deterministically.

/// The committed `circles.cnet`, decoded at run time (the firmware decodes the same file at
/// compile time, and its outputs are compared with this network's bit for bit). Read at run
/// time so that a stale file fails this check with the regeneration command, instead of
/// failing to compile this test.
fn committed_circles() -> &'static Circles {
    static NET: OnceLock<Circles> = OnceLock::new();
    NET.get_or_init(|| {
        Circles::from_bytes(&read_committed(CIRCLES_FILE))
            .unwrap_or_else(|e| undecodable(CIRCLES_FILE, "the circles network", e))
    })
}

/// The committed `rhythm.cnet`, decoded at run time, like [`committed_circles`].
fn committed_rhythm() -> &'static RhythmStream {
    static NET: OnceLock<RhythmStream> = OnceLock::new();
    NET.get_or_init(|| {
        RhythmStream::from_bytes(&read_committed(RHYTHM_FILE))
            .unwrap_or_else(|e| undecodable(RHYTHM_FILE, "the streaming GRU rhythm network", e))
    })
}

/// The fraction of `inputs` that `net` puts in the right circle.
fn accuracy(net: &Circles, inputs: &[[f32; 2]], targets: &[[f32; 1]]) -> f64 {
    let right = inputs.iter().zip(targets).filter(|(x, t)| (net.forward(x)[0] >= 0.5) == (t[0] == 1.0)).count();
    right as f64 / inputs.len() as f64
}

/// The committed weights are what host training produces, bit for bit (in the portable
/// configuration), and they classify the firmware's points and the validation set; the template's
/// copy is the same file.
#[test]
fn circles_weights_are_reproduced_by_host_training() {
    let run = shared::train_circles().unwrap();
    assert!(run.validation_accuracy >= 0.95, "host training: validation accuracy {}", run.validation_accuracy);
    let mut trained = [0u8; Circles::BYTES];
    run.net.to_bytes(&mut trained).unwrap();

    let committed = read_committed(CIRCLES_FILE);
    let template = std::fs::read(template_dir().join("circles.cnet")).unwrap();
    assert!(
        committed == template,
        "examples/firmware-template/circles.cnet differs from {CIRCLES_FILE}: run `{WEIGHTS_COMMAND}`"
    );
    let net = committed_circles();
    for (x, label) in POINTS {
        assert_eq!(u8::from(net.forward(&x)[0] >= 0.5), label, "committed weights misclassify {x:?}");
    }
    if portable() {
        assert!(
            committed == trained,
            "{CIRCLES_FILE} is not what host training produces (training or kernel numerics changed since it was \
             written): regenerate it with `{WEIGHTS_COMMAND}`, then the README's figures with `{README_COMMAND}`"
        );
        println!("{CIRCLES_FILE} reproduced bit for bit by host training ({})", run.report);
    } else {
        // Still a valid classifier; just not these bits.
        let valid: Vec<([f32; 2], [f32; 1])> = POINTS.iter().map(|(x, l)| (*x, [f32::from(*l)])).collect();
        let (x, t): (Vec<_>, Vec<_>) = valid.into_iter().unzip();
        assert_eq!(accuracy(net, &x, &t), 1.0);
    }
}

/// The GRU's training run, once (it takes a few seconds in a debug build).
fn rhythm_run() -> &'static sequence_shared::RhythmRun {
    static RUN: OnceLock<sequence_shared::RhythmRun> = OnceLock::new();
    RUN.get_or_init(|| sequence_shared::train_rhythm().unwrap())
}

/// `rhythm.cnet` is what host training of the GRU produces, bit for bit (in the portable
/// configuration); it classifies held-out windows, and the device's fixed sequences all right;
/// and running it one step per call from a fresh state gives exactly what the window form gives.
#[test]
fn rhythm_weights_are_reproduced_by_host_training() {
    let run = rhythm_run();
    assert!(run.validation_accuracy >= 0.9, "host training: validation accuracy {}", run.validation_accuracy);
    let mut trained = [0u8; RhythmStream::BYTES];
    run.net.to_bytes(&mut trained).unwrap();
    let net = committed_rhythm();
    for (i, (x, label)) in SEQUENCES.iter().enumerate() {
        let steps = sequence_shared::run_sequence(net, x);
        assert_eq!(sequence_shared::argmax(&steps[STEPS - 1]), usize::from(*label), "sequence {i} misclassified");
        // The stream's last step is the window network's output (the same operations in order).
        let window = sequence_shared::Rhythm::from_layers(net.gru.with_steps(), net.out.clone());
        assert_eq!(steps[STEPS - 1], window.forward(x), "sequence {i}: streaming and window forms differ");
    }
    if portable() {
        assert!(
            read_committed(RHYTHM_FILE) == trained,
            "{RHYTHM_FILE} is not what host training produces (training or kernel numerics changed since it was \
             written): regenerate it with `{WEIGHTS_COMMAND}`, then the README's figures with `{README_COMMAND}`"
        );
        println!("{RHYTHM_FILE} reproduced bit for bit by host training ({})", run.report);
    }
}

/// Checks the device's circles outputs against the host's and the labels.
fn check_circles(run: &Run, target: &str) {
    let lines: Vec<_> = run.all("circles").into_iter().filter(|l| l.contains_key("i")).collect();
    assert_eq!(lines.len(), POINTS.len(), "expected one line per point:\n{}", run.stdout);
    for (i, ((x, label), line)) in POINTS.iter().zip(&lines).enumerate() {
        assert_eq!(line["i"], i.to_string());
        let device = f32::from_bits(hex_u32(line["p"]));
        compare(&format!("{target}: circles point {i} {x:?}"), &[device], &committed_circles().forward(x));
        assert_eq!(line["class"], u8::from(device >= 0.5).to_string());
        assert_eq!(line["class"], label.to_string(), "{target}: point {i} {x:?} misclassified");
    }
}

/// Windows held out from training and validation (seeds `3_000_000..`).
const HELD_OUT: usize = 400;

/// How many of [`HELD_OUT`] fresh windows `net` classifies right (stepping through each), and how
/// many there are.
fn held_out(net: &RhythmStream) -> (usize, usize) {
    let right = (0..HELD_OUT)
        .filter(|&i| {
            let class = i % CLASSES;
            let steps = sequence_shared::run_sequence(net, &sequence_shared::gesture(class, 3_000_000 + i as u32));
            sequence_shared::argmax(&steps[STEPS - 1]) == class
        })
        .count();
    (right, HELD_OUT)
}

/// Checks the `sequence` program's outputs (every step of every sequence) against the host's
/// and the labels, and its memory bill; returns the state's size in bytes.
fn check_sequences(run: &Run, target: &str) -> usize {
    let net = committed_rhythm();
    let lines = run.all("sequence");
    assert_eq!(lines.len(), SEQUENCES.len(), "expected one line per sequence:\n{}", run.stdout);
    for (i, ((x, label), line)) in SEQUENCES.iter().zip(&lines).enumerate() {
        assert_eq!(line["i"], i.to_string());
        assert_eq!(line["label"], label.to_string());
        let device: Vec<f32> = line["y"].split(',').map(|h| f32::from_bits(hex_u32(h))).collect();
        let host: Vec<f32> = sequence_shared::run_sequence(net, x).into_iter().flatten().collect();
        compare(&format!("{target}: sequence {i}, all {STEPS} steps"), &device, &host);
        assert_eq!(line["class"], label.to_string(), "{target}: sequence {i} misclassified");
    }
    let state = run.number("bill", &[], "state") as usize;
    assert_eq!(state, size_of::<RhythmState>(), "{target}: the state's size differs from the host's");
    assert_eq!(run.number("bill", &[], "params") as usize, device_bytes::<RhythmStream>());
    assert_eq!(run.number("bill", &[], "model") as usize, RhythmStream::BYTES);
    println!(
        "{target}: sequence: all {} outputs of {} sequences × {STEPS} steps equal the host's; state {state} bytes",
        SEQUENCES.len() * STEPS * CLASSES,
        SEQUENCES.len()
    );
    state
}

// ---------------------------------------------------------------------------------------------
// One target: every check, and the figures for the README.

/// What one target measured.
#[derive(Debug)]
struct Figures {
    infer: Sizes,
    wide: Sizes,
    full: Sizes,
    sequence: Sizes,
    /// Code bytes reachable from each inference entry point.
    code: BTreeMap<&'static str, usize>,
    stack_baseline: usize,
    stack_inference: usize,
    stack_training: usize,
    stack_infer: usize,
    stack_wide: usize,
    stack_mixed: usize,
    stack_sequence: usize,
    circles_instructions: u64,
    wide_instructions: u64,
    mixed_instructions: u64,
    step_instructions: u64,
    xor_instructions: u64,
    xor_epochs: usize,
    xor_loss: f64,
    trainer_adam: usize,
    state_bytes: usize,
}

/// The entry points whose call graphs must be panic-free, by program, and whether the program
/// holds the canary (`int8` does not: it is kept free of every panic path, and the walk's
/// canary is checked in the other programs of the same build).
const ENTRIES: [(&str, &[&str], bool); 5] = [
    ("infer", &["constnet_infer"], true),
    ("wide", &["constnet_infer_wide", "constnet_infer_mixed"], true),
    ("constnet-firmware", &["constnet_infer"], true),
    ("sequence", &["constnet_sequence_step"], true),
    ("int8", &["constnet_infer_int8"], false),
];

/// Runs every check for `target` once (the target's test and the README check share it):
/// `Err("")` if a tool is missing (and not required), `Err` with the failure otherwise.
fn target_figures(target: &'static str) -> Result<&'static Figures, String> {
    static M4_FIGURES: OnceLock<Result<Option<Figures>, String>> = OnceLock::new();
    static M0_FIGURES: OnceLock<Result<Option<Figures>, String>> = OnceLock::new();
    let cell = if target == M4 { &M4_FIGURES } else { &M0_FIGURES };
    once(cell, || measure(target))
        .map_err(|e| if e.is_empty() { e } else { format!("the {target} firmware checks failed: {e}") })
}

fn measure(target: &'static str) -> Option<Figures> {
    need_target(target)?;
    let bin = build(target);
    let elf = |program: &str| bin.join(program);
    let read = |program: &str| Elf::read(&elf(program)).unwrap();
    let (infer, wide, full, sequence) = (read("infer"), read("wide"), read("constnet-firmware"), read("sequence"));
    for (elf, what) in [(&infer, "infer"), (&full, "constnet-firmware")] {
        check_in_flash(elf, "CIRCLES", device_bytes::<Circles>(), what);
    }
    check_in_flash(&wide, "WIDE", device_bytes::<Wide>(), "wide");
    check_in_flash(&wide, "MIXED", device_bytes::<Mixed>(), "wide");
    check_in_flash(&sequence, "RHYTHM", device_bytes::<RhythmStream>(), "sequence");
    if target == M4 {
        assert!(
            infer.flash() <= INFER_FLASH_BUDGET,
            "the inference firmware needs {} bytes of flash, over the budget of {INFER_FLASH_BUDGET}",
            infer.flash()
        );
    }

    let objdump = need_objdump()?;
    let mut code = BTreeMap::new();
    for (program, entries, canary) in ENTRIES {
        let checked = check_no_panic(&objdump, &elf(program), entries, canary.then_some("constnet_panic_canary"))
            .unwrap_or_else(|e| panic!("{target} {program}: {e}"));
        for c in checked {
            println!(
                "{target} {program}: no panic reachable from {}: {} bytes of code in {:?}",
                c.entry, c.code_bytes, c.reachable
            );
            code.insert(*entries.iter().find(|e| **e == c.entry).unwrap(), c.code_bytes);
        }
    }

    need_qemu()?;
    // Inference only.
    let run = qemu(&elf("infer"), target);
    check_circles(&run, target);
    let stack_infer = run.stack("inference");
    // Wide layers.
    let wide_run = qemu(&elf("wide"), target);
    check_wide(&wide_run, target);
    // The GRU, step by step.
    let sequence_run = qemu(&elf("sequence"), target);
    let state_bytes = check_sequences(&sequence_run, target);
    // Both parts.
    let run = qemu(&elf("constnet-firmware"), target);
    println!(
        "--- constnet-firmware on QEMU {} ({target}), {:.2} s wall-clock ---\n{}---",
        machine(target)[1],
        run.wall.as_secs_f64(),
        run.stdout
    );
    check_circles(&run, target);
    // `include_model!` decoded on the device what `from_bytes` decodes on the host: encoding the
    // device's `static` again gives the file back, byte for byte.
    assert!(
        hex_bytes(run.get("circles", &[], "model")) == read_committed(CIRCLES_FILE),
        "{target}: the weights include_model! decoded do not encode back to {CIRCLES_FILE}"
    );
    let (xor_epochs, xor_loss, trainer_adam) = check_training(&run, target);
    let stack_size = run.number("bill", &[], "stack_size") as usize;
    let (stack_baseline, stack_inference, stack_training) =
        (run.stack("baseline"), run.stack("inference"), run.stack("training"));
    assert!(stack_baseline < stack_inference && stack_inference < stack_training && stack_training < stack_size);

    if target == M4 {
        // A fault exits instead of hanging: the FPU build on a Cortex-M3 without FPU (lm3s6965evb)
        // faults at its first float instruction, and the HardFault handler exits with 102.
        let (fault, stderr) = boot(&elf("infer"), &["-machine", "lm3s6965evb"]);
        assert_eq!(fault.status, Some(102), "expected the HardFault exit:\n{}\n{stderr}", fault.stdout);
        assert!(stderr.contains("HardFault"), "{stderr}");
        println!("{target}: on a Cortex-M3 without FPU the firmware faults and exits with 102 (HardFault handler)");
    }
    // A panic prints where it happened and its message, and exits with 101, without formatting:
    // the `panic` program panics on purpose and links no `core::fmt` code at all.
    let (panic, stderr) = boot(&elf("panic"), machine(target));
    assert_eq!(panic.status, Some(101), "expected the panic exit:\n{}\n{stderr}", panic.stdout);
    assert!(
        stderr.contains("panicked at src/bin/panic.rs:") && stderr.contains("a deliberate panic, to test the handler"),
        "the panic handler did not report the panic: {stderr}"
    );
    let panic_elf = read("panic");
    let formatting = formatting_symbols(&panic_elf);
    assert!(formatting.is_empty(), "{target}: the panic handler links core::fmt: {formatting:?}");
    // The same search does find core::fmt where it is linked (`infer` prints with `println!`).
    assert!(
        !formatting_symbols(&infer).is_empty(),
        "{target}: no core::fmt symbols found in infer: the search is broken"
    );
    println!("{target}: a panic prints its location and message and exits with 101, without core::fmt");
    Some(Figures {
        infer: Sizes::of(&infer),
        wide: Sizes::of(&wide),
        full: Sizes::of(&full),
        sequence: Sizes::of(&sequence),
        code,
        stack_baseline,
        stack_inference,
        stack_training,
        stack_infer,
        stack_wide: wide_run.stack("wide"),
        stack_mixed: wide_run.stack("mixed"),
        stack_sequence: sequence_run.stack("sequence"),
        circles_instructions: run.instructions_per_call("circles"),
        wide_instructions: wide_run.instructions_per_call("wide"),
        mixed_instructions: wide_run.instructions_per_call("mixed"),
        step_instructions: sequence_run.instructions_per_call("step"),
        xor_instructions: instructions(&run, run.number("xor", &[], "ticks")),
        xor_epochs,
        xor_loss,
        trainer_adam,
        state_bytes,
    })
}

/// Compares the `wide` program's outputs with the host's.
fn check_wide(run: &Run, target: &str) {
    let values =
        |line: &BTreeMap<&str, &str>| line["y"].split(',').map(|h| f32::from_bits(hex_u32(h))).collect::<Vec<_>>();
    let (wide, mixed) = (shared::wide(), shared::mixed());
    let lines = run.all("wide");
    assert_eq!(lines.len(), WIDE_INPUTS.len(), "{}", run.stdout);
    for (i, (x, line)) in WIDE_INPUTS.iter().zip(&lines).enumerate() {
        compare(&format!("{target}: Wide, input {i}"), &values(line), &wide.forward(x));
    }
    let lines = run.all("mixed");
    assert_eq!(lines.len(), MIXED_INPUTS.len(), "{}", run.stdout);
    for (i, (x, line)) in MIXED_INPUTS.iter().zip(&lines).enumerate() {
        compare(&format!("{target}: Mixed, input {i}"), &values(line), &mixed.forward(x));
    }
    // The outputs are probability distributions, and not all the same (the inputs matter).
    let sums: Vec<f32> = lines.iter().map(|l| values(l).iter().sum()).collect();
    assert!(sums.iter().all(|s| (s - 1.0).abs() < 1e-5), "{sums:?}");
    assert!(lines.windows(2).any(|w| w[0]["y"] != w[1]["y"]), "Mixed gives the same output for every input");
    println!("{target}: wide: Wide and Mixed outputs equal the host's");
}

/// Checks the memory bill and part 2 of a `constnet-firmware` run against the host; returns the
/// epochs, the loss and the size of a trainer on the device.
fn check_training(run: &Run, target: &str) -> (usize, f64, usize) {
    // The memory bill the device computed is the host's (all of it is target-independent except
    // the trainer, whose settings hold pointer-sized fields).
    for (key, host) in bill() {
        assert_eq!(run.number("bill", &[], key) as usize, host, "{target}: memory bill: {key}");
    }
    let host: XorRun = shared::train_xor().unwrap();
    assert!(host.solved, "the host run did not solve XOR in {} epochs", host.epochs);
    let epochs = run.number("xor", &[], "epochs") as usize;
    assert_eq!(epochs, host.epochs, "{target}: device and host trained for different numbers of epochs");
    assert_eq!(run.get("xor", &[], "solved"), "1");
    let loss = f64::from_bits(u64::from_str_radix(run.get("xor", &[], "loss").trim_start_matches("0x"), 16).unwrap());
    assert!((loss - host.loss).abs() <= f64::from(TOLERANCE), "{target}: loss: device {loss}, host {}", host.loss);
    if portable() {
        assert_eq!(loss.to_bits(), host.loss.to_bits(), "{target}: loss not bit-identical: {loss} vs {}", host.loss);
    }
    let outputs: Vec<f32> = run.get("xor", &[], "outputs").split(',').map(|h| f32::from_bits(hex_u32(h))).collect();
    compare(&format!("{target}: XOR outputs"), &outputs, &host.outputs);
    let weights = hex_bytes(run.get("xor", &[], "weights"));
    // The device's weights arrive in the model byte format: decode them as such.
    let device_net = Xor::from_bytes(&weights).expect("the device's weights are a valid Xor model");
    for t in 0..<Xor as Parameters<f32>>::TENSORS {
        compare(&format!("{target}: XOR weights, tensor {t}"), device_net.tensor(t), host.net.tensor(t));
    }
    println!(
        "{target}: XOR trained on the device: {epochs} epochs, loss {loss:.6}, outputs and all {} weights equal the \
         host's{}",
        Xor::PARAMS,
        if portable() { " bit for bit" } else { " within 1e-6" }
    );
    (epochs, loss, run.number("bill", &[], "trainer_adam") as usize)
}

/// Bytes of a network of `f32` on the device: its parameters and nothing else. (On the host,
/// `size_of` and `PARAM_BYTES` include x86-64's cache-line alignment of the layers.)
fn device_bytes<N: Parameters<f32>>() -> usize {
    N::PARAMS * size_of::<f32>()
}

/// The circles network's memory bill (f32) on the device, from the host's constants (with the
/// device's layout for the sizes that hold networks); the device prints the same keys.
fn bill() -> [(&'static str, usize); 7] {
    type C = Circles;
    let params = device_bytes::<C>();
    [
        ("params", params),
        ("inference_scratch", <C as Network<f32, 2, 1>>::INFERENCE_SCRATCH_BYTES),
        ("tape", <C as Network<f32, 2, 1>>::TAPE_BYTES),
        // The tape and a gradient accumulator (a second network).
        ("train_scratch", <C as Network<f32, 2, 1>>::TAPE_BYTES + params),
        ("sgd_state", constnet::memory::optimizer_state_bytes::<f32, C, Sgd>()),
        // Two moments and a 4-byte step counter.
        ("adam_state", 2 * params + 4),
        ("model", C::BYTES),
    ]
}

// ---------------------------------------------------------------------------------------------
// The tests.

/// Cortex-M4F: every program in QEMU compared with the host; sizes and flash budget;
/// weights in flash; no panic reachable from inference; the HardFault exit.
#[test]
fn cortex_m4f_firmware_in_qemu_matches_the_host() {
    match target_figures(M4) {
        Ok(f) => println!(
            "{M4}: infer {} bytes of flash (budget {INFER_FLASH_BUDGET}); {} instructions per circles inference, {} \
             per GRU step",
            f.infer.flash, f.circles_instructions, f.step_instructions
        ),
        Err(e) if e.is_empty() => {}
        Err(e) => panic!("{e}"),
    }
}

/// Cortex-M0 (no FPU, soft float): the same on QEMU's BBC micro:bit board.
#[test]
fn cortex_m0_firmware_in_qemu_matches_the_host() {
    match target_figures(M0) {
        Ok(f) => println!(
            "{M0}: infer {} bytes of flash; {} instructions per circles inference, {} per GRU step",
            f.infer.flash, f.circles_instructions, f.step_instructions
        ),
        Err(e) if e.is_empty() => {}
        Err(e) => panic!("{e}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The template: the README's recipe for a firmware crate of your own.

/// The template's files that the README shows verbatim, each after a line
/// `<!-- examples/firmware-template/<file> -->`.
const TEMPLATE_FILES: [&str; 4] = ["Cargo.toml", ".cargo/config.toml", "memory.x", "src/main.rs"];

/// Builds and runs the template with `cargo run --release` from its directory (its own
/// `.cargo/config.toml`: target, QEMU runner, linker script), once; returns its flash sizes.
fn template_figures() -> Result<&'static Sizes, String> {
    static FIGURES: OnceLock<Result<Option<Sizes>, String>> = OnceLock::new();
    once(&FIGURES, run_template)
        .map_err(|e| if e.is_empty() { e } else { format!("the firmware template failed: {e}") })
}

fn run_template() -> Option<Sizes> {
    need_target(M4)?;
    need_qemu()?;
    let dir = template_dir();
    // The README's figures come from a build through the fixed-name link, as the firmware's
    // do; the recipe itself (`cargo run --release`, below) then builds and runs as a user would.
    let build = path_independent_release_build("examples/firmware-template").output().expect("run cargo");
    assert!(build.status.success(), "template build failed:\n{}", String::from_utf8_lossy(&build.stderr));
    let sizes = Sizes::read(&dir.join("target").join(M4).join("release/firmware-template"));
    // `timeout` (coreutils) signals its whole process group, so it also ends the QEMU that
    // cargo starts as the runner; it exits with 124 if it had to. The build is not timed out.
    let mut run = Command::new("timeout");
    run.current_dir(&dir).arg(QEMU_TIMEOUT.as_secs().to_string()).arg(cargo()).args(["run", "--release"]);
    let (run, stderr) = run_with_timeout(isolate(&mut run));
    assert_eq!(run.status, Some(0), "`cargo run --release` in {} failed:\n{}\n{stderr}", dir.display(), run.stdout);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let points = [[0.1, 0.1], [0.0, -0.5], [1.0, 0.0], [-0.7, -0.7]];
    assert_eq!(lines.len(), points.len(), "{}", run.stdout);
    for (x, line) in points.iter().zip(lines) {
        let fields: BTreeMap<&str, &str> = line.split_whitespace().filter_map(|kv| kv.split_once('=')).collect();
        let p = f32::from_bits(hex_u32(fields["p"]));
        compare(&format!("template: point {x:?}"), &[p], &committed_circles().forward(x));
        assert_eq!(fields["inner"], (p >= 0.5).to_string());
    }
    println!("template: `cargo run --release` built it and QEMU ran it; outputs equal the host's\n{}", run.stdout);
    Some(sizes)
}

/// The firmware template builds for the Cortex-M4F and runs in QEMU with nothing but its own
/// files, its outputs equal the host's, and the README shows its files as they are.
#[test]
fn firmware_template_builds_runs_and_is_the_readme_recipe() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for file in TEMPLATE_FILES {
        let marker = format!("<!-- examples/firmware-template/{file} -->");
        let after = readme.split_once(&marker).unwrap_or_else(|| panic!("README: no `{marker}` line")).1;
        let block = after
            .trim_start_matches('\n')
            .strip_prefix("```")
            .and_then(|b| b.split_once('\n'))
            .and_then(|(_, b)| b.split_once("\n```\n"))
            .unwrap_or_else(|| panic!("README: no fenced code block right after `{marker}`"))
            .0;
        let actual = std::fs::read_to_string(template_dir().join(file)).unwrap();
        assert_eq!(
            format!("{block}\n"),
            actual,
            "README: the block after `{marker}` differs from examples/firmware-template/{file}; copy the file into it"
        );
    }
    match template_figures() {
        Ok(sizes) => println!("template: {} bytes of flash", sizes.flash),
        Err(e) if e.is_empty() => {}
        Err(e) => panic!("{e}"),
    }
}

// ---------------------------------------------------------------------------------------------
// The README's figures.

/// The README's generated figures, in Markdown.
fn render(m4: &Figures, m0: &Figures, template: &Sizes, rustc: &str) -> String {
    let mut s = String::new();
    s.push_str(&wrap(
        &format!(
            "Measured by `cargo test --test firmware` (release, `opt-level = \"s\"`, LTO, {rustc}); it fails when \
             this text differs from what it measured, and `{README_COMMAND}` rewrites it."
        ),
        0,
    ));
    s.push('\n');
    s.push_str("| program | core | `.vector_table` | `.text` | `.rodata` | `.data` | `.bss` | flash |\n");
    s.push_str("|---|---|---|---|---|---|---|---|\n");
    let rows: [(&str, &str, &Sizes); 9] = [
        ("`infer` (circles, hex output)", "M4F", &m4.infer),
        ("`infer`", "M0", &m0.infer),
        ("`wide` (`Wide` and `Mixed`, hex output)", "M4F", &m4.wide),
        ("`wide`", "M0", &m0.wide),
        ("`sequence` (a GRU step by step, hex output)", "M4F", &m4.sequence),
        ("`sequence`", "M0", &m0.sequence),
        ("`constnet-firmware` (both parts, float output)", "M4F", &m4.full),
        ("`constnet-firmware`", "M0", &m0.full),
        ("`firmware-template` (the recipe below)", "M4F", template),
    ];
    for (k, (program, core, z)) in rows.into_iter().enumerate() {
        // The first row is the one the flash budget applies to.
        let flash = if k == 0 { format!("**{}**", z.flash) } else { z.flash.to_string() };
        let _ = writeln!(
            s,
            "| {program} | {core} | {} | {} | {} | {} | {} | {flash} |",
            z.vector_table, z.text, z.rodata, z.data, z.bss
        );
    }
    let circles_code = m4.code["constnet_infer"];
    let weights = device_bytes::<Circles>();
    let rhythm_weights = device_bytes::<RhythmStream>();
    s.push('\n');
    s.push_str(&wrap(
        &format!(
            "- **Flash budget.** `infer` on the Cortex-M4F must fit in {INFER_FLASH_BUDGET} bytes, or the check fails: \
             it uses {}, leaving {} spare. The network accounts for {} of them: {circles_code} bytes of code reachable \
             from `constnet_infer` and {weights} bytes of weights (M0: {} bytes of code, soft floats included). Most \
             of the rest is the vector table and the integer formatting used for printing.",
            m4.infer.flash,
            INFER_FLASH_BUDGET - m4.infer.flash,
            circles_code + weights,
            m0.code["constnet_infer"],
        ),
        2,
    ));
    s.push_str(&wrap(
        "- **Per core**, in QEMU (`-icount shift=0`: one instruction per nanosecond of the clock SysTick counts, \
         calibrated against a loop of 10⁶ instructions). Stack high-water marks are measured by painting the stack \
         and finding the deepest word written, in bytes from its top:",
        2,
    ));
    s.push('\n');
    s.push_str("  | measured | Cortex-M4F | Cortex-M0 |\n  |---|---|---|\n");
    let params = |n: usize| n / 4;
    let instruction_rows = [
        (
            format!("instructions per inference, circles ({} parameters)", params(weights)),
            m4.circles_instructions,
            m0.circles_instructions,
        ),
        (
            format!("instructions per inference, `Wide` ({} parameters)", params(device_bytes::<Wide>())),
            m4.wide_instructions,
            m0.wide_instructions,
        ),
        (
            format!("instructions per inference, `Mixed` ({} parameters)", params(device_bytes::<Mixed>())),
            m4.mixed_instructions,
            m0.mixed_instructions,
        ),
        (
            format!("instructions per step, GRU rhythm classifier ({} parameters)", params(rhythm_weights)),
            m4.step_instructions,
            m0.step_instructions,
        ),
        (
            format!(
                "instructions to train XOR on the device ({} epochs, {} Adam steps)",
                m4.xor_epochs,
                4 * m4.xor_epochs
            ),
            m4.xor_instructions,
            m0.xor_instructions,
        ),
    ];
    for (what, a, b) in instruction_rows {
        let _ = writeln!(s, "  | {what} | {} | {} |", grouped(a), grouped(b));
    }
    let stack_rows = [
        ("stack, `constnet-firmware` baseline (`main`)", m4.stack_baseline, m0.stack_baseline, None),
        (
            "stack, part 1: circles inference",
            m4.stack_inference,
            m0.stack_inference,
            Some((m4.stack_baseline, m0.stack_baseline)),
        ),
        (
            "stack, part 2: XOR training",
            m4.stack_training,
            m0.stack_training,
            Some((m4.stack_baseline, m0.stack_baseline)),
        ),
        ("stack, `infer`", m4.stack_infer, m0.stack_infer, None),
        ("stack, `wide`: `Wide` inference", m4.stack_wide, m0.stack_wide, None),
        ("stack, `wide`: `Mixed` inference", m4.stack_mixed, m0.stack_mixed, None),
        ("stack, `sequence`: a sequence step by step", m4.stack_sequence, m0.stack_sequence, None),
    ];
    for (what, a, b, base) in stack_rows {
        let (a, b) = match base {
            Some((ba, bb)) => (format!("{a} (+{})", a - ba), format!("{b} (+{})", b - bb)),
            None => (a.to_string(), b.to_string()),
        };
        let _ = writeln!(s, "  | {what} | {a} | {b} |");
    }
    let _ = writeln!(
        s,
        "  | code reachable from `constnet_infer_wide` / `constnet_infer_mixed` (bytes) | {} / {} | {} / {} |",
        m4.code["constnet_infer_wide"],
        m4.code["constnet_infer_mixed"],
        m0.code["constnet_infer_wide"],
        m0.code["constnet_infer_mixed"]
    );
    let _ = writeln!(
        s,
        "  | code reachable from `constnet_sequence_step` (bytes) | {} | {} |",
        m4.code["constnet_sequence_step"], m0.code["constnet_sequence_step"]
    );
    s.push('\n');
    s.push_str(&wrap(
        &format!(
            "- **Training on the device.** XOR is solved in {} epochs with a final mean loss of {:.4}, on both cores \
             and on the host.",
            m4.xor_epochs, m4.xor_loss
        ),
        2,
    ));
    let (right, total) = held_out(committed_rhythm());
    assert_eq!((m4.state_bytes, m4.sequence.ram), (m0.state_bytes, m0.sequence.ram), "the two cores' RAM differs");
    s.push_str(&wrap(
        &format!(
            "- **A recurrent network, step by step.** `sequence` runs a GRU (1 input, {HIDDEN} hidden units) and a \
             softmax over {CLASSES} tap rhythms (`RhythmStream` in `examples/firmware/src/sequence_shared.rs`), \
             trained on the host over windows of {STEPS} samples and saved in its streaming form as \
             `examples/firmware/rhythm.cnet` ({right} of {total} held-out windows right). The compiler decodes it into \
             a `static`: {rhythm_weights} bytes of weights in flash. The program feeds {} fixed sequences of {STEPS} \
             samples one sample per call (`forward_step`), the hidden state in RAM ({} bytes, reset between \
             sequences; the program's static RAM is {} bytes). All {} outputs, every step of every sequence, are \
             bit-identical to the host's on both cores, and all {} sequences are classified right.",
            SEQUENCES.len(),
            m4.state_bytes,
            m4.sequence.ram,
            SEQUENCES.len() * STEPS * CLASSES,
            SEQUENCES.len(),
        ),
        2,
    ));
    s.push_str("- **The bill** of the circles network (f32), from the constants, which the device prints too:\n\n");
    s.push_str("  | item | bytes |\n  |---|---|\n");
    let b: BTreeMap<&str, usize> = bill().into_iter().collect();
    // Momentum keeps one more network.
    let momentum = device_bytes::<Circles>();
    let _ = writeln!(s, "  | parameters (`PARAM_BYTES`, a `static` in flash) | {} |", b["params"]);
    let _ = writeln!(s, "  | model file (`Circles::BYTES`: header + parameters) | {} |", b["model"]);
    let _ = writeln!(s, "  | inference scratch (widest layer's input + output) | {} |", b["inference_scratch"]);
    let _ = writeln!(s, "  | training tape | {} |", b["tape"]);
    let _ = writeln!(s, "  | training scratch (tape + gradients) | {} |", b["train_scratch"]);
    let _ = writeln!(
        s,
        "  | optimizer state: SGD / momentum / Adam | {} / {momentum} / {} |",
        b["sgd_state"], b["adam_state"]
    );
    let _ = writeln!(
        s,
        "  | a whole `Trainer` with Adam (gradients, state, snapshot, settings), on 32-bit | {} |",
        m4.trainer_adam
    );
    assert_eq!(m4.trainer_adam, m0.trainer_adam, "a trainer's size differs between the two 32-bit cores");
    s
}

/// The figures in the README's "Firmware" section are the measured ones.
#[test]
fn readme_firmware_figures_are_the_measured_ones() {
    let results = vec![target_figures(M4), target_figures(M0)];
    let template = template_figures();
    let Some(figures) = all_measured("README firmware figures", results) else { return };
    let Some(template) = all_measured("README firmware figures", vec![template]) else { return };
    let fresh = render(figures[0], figures[1], template[0], &rustc_version());
    check_readme_block(FIGURES_BEGIN, FIGURES_END, &fresh, README_COMMAND);
}
