//! constnet on a real instruction set: builds `examples/firmware` for the Cortex-M4F and the
//! Cortex-M0, boots its three programs in QEMU, and checks what the device printed against the
//! host's own computation of the same thing; checks the flash budget, that the weights sit in
//! flash, and that no panic is reachable from any inference entry point (with
//! `constnet-elf-check`, `tools/elf-check`); builds and runs `examples/firmware-template`, the
//! README's recipe for a firmware crate of your own; and checks that the figures in the README's
//! "Firmware" section are the ones measured.
//!
//! Without `qemu-system-arm`, a Cortex-M target or `llvm-objdump`, the affected checks print
//! `skipped: install …` and pass, unless `CONSTNET_REQUIRE_QEMU=1` (set by `.ci/run`), which turns
//! a missing tool into a failure. `cargo test --test firmware -- --nocapture` prints the figures.
//!
//! Maintenance commands (each works whatever state the checked file is in):
//! - `cargo run -p constnet-firmware-weights` rewrites `examples/firmware/circles.cnet` (and the
//!   template's copy) from host training;
//! - `CONSTNET_UPDATE_README=1 cargo test --test firmware` rewrites the README's figures.
//!
//! Host and device results are compared bit for bit when constnet is built without its `std`
//! feature ([`constnet::PORTABLE_MATH`]), as `cargo test` at the workspace root builds it; with
//! `std` the host's float functions differ, so only the tolerance is checked and the test says so.

#[path = "../examples/firmware/src/shared.rs"]
#[allow(dead_code)]
mod shared;

use constnet::io::Model;
use constnet::optim::{Adam, Momentum, Sgd};
use constnet::prelude::*;
use constnet_elf_check::{Elf, check_no_panic, objdump};
use shared::{CIRCLES_FILE, Circles, MIXED_INPUTS, Mixed, POINTS, WIDE_INPUTS, Wide, Xor, XorRun};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Flash the inference-only firmware for the Cortex-M4F may use: vector table, code, read-only
/// data (weights included) and the initial values of `.data`.
const INFER_FLASH_BUDGET: usize = 12 * 1024;
/// Largest difference between a device output and the host's that still passes. In the portable
/// configuration both sides compute the same bits, and that is checked separately.
const TOLERANCE: f32 = 1e-6;
/// QEMU runs longer than this are killed and fail.
const QEMU_TIMEOUT: Duration = Duration::from_secs(60);

const M4: &str = "thumbv7em-none-eabihf";
const M0: &str = "thumbv6m-none-eabi";

/// The command that regenerates the weights.
const WEIGHTS_COMMAND: &str = "cargo run -p constnet-firmware-weights";
/// The command that rewrites the README's figures.
const README_COMMAND: &str = "CONSTNET_UPDATE_README=1 cargo test --test firmware";
/// The generated part of the README's "Firmware" section lies between these lines.
const FIGURES_BEGIN: &str = "<!-- firmware figures: begin -->";
const FIGURES_END: &str = "<!-- firmware figures: end -->";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn firmware_dir() -> PathBuf {
    root().join("examples/firmware")
}

fn template_dir() -> PathBuf {
    root().join("examples/firmware-template")
}

/// Prints to stderr past the test harness's capture, so that a plain `cargo test` shows it.
fn note(message: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{message}");
}

/// `true` if host results must equal the device's bit for bit (see [`constnet::PORTABLE_MATH`]).
/// Under `CONSTNET_REQUIRE_QEMU=1` (CI) anything else is a failure, so CI never loses the check.
fn portable() -> bool {
    static SAID: OnceLock<()> = OnceLock::new();
    let portable = constnet::PORTABLE_MATH;
    assert!(
        portable || !require(),
        "CONSTNET_REQUIRE_QEMU=1, but this test binary was built with constnet's `std` feature, in which host \
         floats differ from the device's: run `cargo test --test firmware` without `--features std` and without a \
         crate that enables `constnet/std` in the same command"
    );
    SAID.get_or_init(|| {
        note(if portable {
            "firmware: constnet built without `std` (libm floats, no fused multiply-add): host and device results \
             are compared bit for bit"
        } else {
            "note: firmware: constnet built with `std` (platform floats): host and device results are compared \
             with tolerance 1e-6 only, and the committed weights are not compared with host training; run `cargo test --test \
             firmware` without the `std` feature for the bit-for-bit checks"
        })
    });
    portable
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
        let path = root().join(CIRCLES_FILE);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        Circles::from_bytes(&bytes).unwrap_or_else(|e| {
            panic!(
                "{} does not decode as the circles network ({e}); regenerate it with `{WEIGHTS_COMMAND}`",
                path.display()
            )
        })
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

    let committed = std::fs::read(root().join(CIRCLES_FILE)).unwrap();
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

// ---------------------------------------------------------------------------------------------
// Tools, builds and runs.

fn require() -> bool {
    std::env::var("CONSTNET_REQUIRE_QEMU").is_ok_and(|v| v == "1")
}

/// `Some(())` if the tool is there. Otherwise prints the skip line and returns `None`, or fails
/// when `CONSTNET_REQUIRE_QEMU=1`.
fn need(what: &str, found: bool, install: &str) -> Option<()> {
    if found {
        return Some(());
    }
    assert!(!require(), "{what} not found, and CONSTNET_REQUIRE_QEMU=1 makes the firmware checks mandatory: {install}");
    note(&format!("skipped: firmware checks need {what}: {install}"));
    None
}

fn has_target(target: &str) -> bool {
    // Asked from the firmware directory, so the pinned toolchain answers.
    let out = Command::new("rustc")
        .current_dir(firmware_dir())
        .args(["--print", "target-libdir", "--target", target])
        .output();
    out.is_ok_and(|o| {
        o.status.success()
            && std::fs::read_dir(String::from_utf8_lossy(&o.stdout).trim()).is_ok_and(|mut d| d.next().is_some())
    })
}

fn has_qemu() -> bool {
    Command::new("qemu-system-arm").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// `cargo` in `dir`, with nothing from the outer build: the crate there has its own target
/// directory, flags and `.cargo/config.toml`, which applies only when cargo runs from inside it
/// (toolchain.md, pitfall P2).
fn cargo_in(dir: &Path) -> Command {
    let mut cmd = Command::new(cargo());
    isolate(cmd.current_dir(dir));
    cmd
}

/// The cargo running this test.
fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Removes the outer build's target directory, target and flags from `cmd`'s environment.
fn isolate(cmd: &mut Command) -> &mut Command {
    for var in
        ["CARGO_TARGET_DIR", "CARGO_BUILD_TARGET", "RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS"]
    {
        cmd.env_remove(var);
    }
    cmd
}

/// `cargo build --release --target …` of the firmware (all three programs); returns the
/// directory of the ELF files.
fn build(target: &str) -> PathBuf {
    let dir = firmware_dir();
    let started = Instant::now();
    let out = cargo_in(&dir).args(["build", "--release", "--target", target]).output().expect("run cargo");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "firmware build for {target} failed:\n{stderr}\n(if `include_model!` refuses circles.cnet, regenerate it \
         with `{WEIGHTS_COMMAND}`)"
    );
    println!("firmware build ({target}, release): {:.1} s", started.elapsed().as_secs_f64());
    dir.join("target").join(target).join("release")
}

/// What one QEMU run printed, and how it ended.
#[derive(Debug)]
struct Run {
    stdout: String,
    status: Option<i32>,
    wall: Duration,
}

impl Run {
    /// The `key=value` fields of every line starting with `prefix `.
    fn all(&self, prefix: &str) -> Vec<BTreeMap<&str, &str>> {
        self.stdout
            .lines()
            .filter_map(|l| l.strip_prefix(prefix)?.strip_prefix(' '))
            .map(|rest| rest.split_whitespace().filter_map(|kv| kv.split_once('=')).collect())
            .collect()
    }

    /// The value of `key` in the first `prefix …` line that has it and whose fields include all
    /// of `with`.
    fn get(&self, prefix: &str, with: &[(&str, &str)], key: &str) -> &str {
        self.all(prefix)
            .into_iter()
            .find(|f| f.contains_key(key) && with.iter().all(|(k, v)| f.get(k) == Some(v)))
            .and_then(|f| f.get(key).copied())
            .unwrap_or_else(|| panic!("no `{prefix} … {key}=…` line with {with:?} in the output:\n{}", self.stdout))
    }

    fn number(&self, prefix: &str, with: &[(&str, &str)], key: &str) -> u64 {
        let v = self.get(prefix, with, key);
        v.parse().unwrap_or_else(|_| panic!("`{prefix} {key}={v}` is not a number"))
    }

    fn stack(&self, part: &str) -> usize {
        self.number("stack", &[("part", part)], "bytes") as usize
    }

    /// Instructions per call of the part timed in a `time part=… calls=… ticks=…` line, from the
    /// SysTick clock calibrated against a loop of 10⁶ instructions (QEMU `-icount shift=0`).
    fn instructions_per_call(&self, part: &str) -> u64 {
        let calls = self.number("time", &[("part", part)], "calls");
        instructions(self, self.number("time", &[("part", part)], "ticks")) / calls
    }
}

/// SysTick `ticks` in instructions, by the run's calibration line.
fn instructions(run: &Run, ticks: u64) -> u64 {
    assert_eq!(run.get("clock", &[], "instructions"), "1000000");
    let per_million = run.number("clock", &[], "ticks");
    assert!(per_million > 0, "the SysTick clock did not run:\n{}", run.stdout);
    (ticks * 1_000_000 + per_million / 2) / per_million
}

/// The QEMU machine for a target: mps2-an386 (Cortex-M4F) or the BBC micro:bit (Cortex-M0).
fn machine(target: &str) -> &'static [&'static str] {
    if target == M4 { &["-machine", "mps2-an386", "-cpu", "cortex-m4"] } else { &["-machine", "microbit"] }
}

/// Boots `elf` in QEMU with semihosting and checks that it printed `done` and exited with 0.
fn qemu(elf: &Path, target: &str) -> Run {
    let (run, stderr) = boot(elf, machine(target));
    assert_eq!(
        run.status,
        Some(0),
        "{} in QEMU ended with {:?} (None = killed after {QEMU_TIMEOUT:?}; 101 = panic, 102 = HardFault)\n\
         stdout:\n{}\nstderr:\n{stderr}",
        elf.display(),
        run.status,
        run.stdout,
    );
    assert!(run.stdout.lines().any(|l| l == "done"), "no `done` line:\n{}", run.stdout);
    assert_eq!(run.stdout.lines().next(), Some(format!("target {target}").as_str()));
    run
}

/// Runs `cmd` with its output captured, killing it after [`QEMU_TIMEOUT`]. Returns stdout and
/// stderr.
fn run_with_timeout(cmd: &mut Command) -> (Run, String) {
    let started = Instant::now();
    let mut child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    // Read the pipes on threads, so a chatty program never blocks on a full pipe.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || std::io::read_to_string(&mut out).unwrap_or_default());
    let err = std::thread::spawn(move || std::io::read_to_string(&mut err).unwrap_or_default());
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if started.elapsed() > QEMU_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let wall = started.elapsed();
    (Run { stdout: out.join().unwrap(), status, wall }, err.join().unwrap())
}

/// Boots `elf` on a QEMU `machine` with semihosting and the instruction-counting clock.
fn boot(elf: &Path, machine: &[&str]) -> (Run, String) {
    run_with_timeout(
        Command::new("qemu-system-arm")
            .args(machine)
            .args(["-nographic", "-semihosting-config", "enable=on,target=native", "-icount", "shift=0", "-kernel"])
            .arg(elf),
    )
}

fn hex_u32(s: &str) -> u32 {
    u32::from_str_radix(s.trim_start_matches("0x"), 16).unwrap_or_else(|_| panic!("not hex: {s}"))
}

/// Compares device outputs with the host's: within [`TOLERANCE`] always, bit for bit in the
/// portable configuration. `what` names the values in messages.
fn compare(what: &str, device: &[f32], host: &[f32]) {
    assert_eq!(device.len(), host.len(), "{what}: device gave {device:?}, host {host:?}");
    for (d, h) in device.iter().zip(host) {
        assert!((d - h).abs() <= TOLERANCE, "{what}: device {device:?}, host {host:?} (tolerance {TOLERANCE:e})");
    }
    if portable() {
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(device), bits(host), "{what}: within tolerance but not bit-identical: {device:?} vs {host:?}");
    }
}

/// `0a1b…` as bytes.
fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
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

/// The `name` static holds `bytes` bytes in `.rodata`, in flash (not copied to RAM).
fn check_in_flash(elf: &Elf, name: &str, bytes: usize, what: &str) {
    let symbol = elf.symbol(name).unwrap_or_else(|| panic!("{what}: no `{name}` symbol"));
    assert_eq!(symbol.size as usize, bytes, "{what}: {name} has {} bytes", symbol.size);
    assert!(elf.symbol_in(name, ".rodata") && symbol.addr < 0x2000_0000, "{what}: {name} is not in .rodata in flash");
}

// ---------------------------------------------------------------------------------------------
// One target: every check, and the figures for the README.

/// Section sizes of one program.
#[derive(Clone, Copy, Debug)]
struct Sizes {
    vector_table: usize,
    text: usize,
    rodata: usize,
    data: usize,
    bss: usize,
    flash: usize,
}

impl Sizes {
    fn of(elf: &Elf) -> Sizes {
        Sizes {
            vector_table: elf.size(".vector_table"),
            text: elf.size(".text"),
            rodata: elf.size(".rodata"),
            data: elf.size(".data"),
            bss: elf.size(".bss"),
            flash: elf.flash(),
        }
    }
}

/// What one target measured.
#[derive(Debug)]
struct Figures {
    infer: Sizes,
    wide: Sizes,
    full: Sizes,
    /// Code bytes reachable from each inference entry point.
    code: BTreeMap<&'static str, usize>,
    stack_baseline: usize,
    stack_inference: usize,
    stack_training: usize,
    stack_infer: usize,
    stack_wide: usize,
    stack_mixed: usize,
    circles_instructions: u64,
    wide_instructions: u64,
    mixed_instructions: u64,
    xor_instructions: u64,
    xor_epochs: usize,
    xor_loss: f64,
    trainer_adam: usize,
}

/// The entry points whose call graphs must be panic-free, by program.
const ENTRIES: [(&str, &[&str]); 3] = [
    ("infer", &["constnet_infer"]),
    ("wide", &["constnet_infer_wide", "constnet_infer_mixed"]),
    ("constnet-firmware", &["constnet_infer"]),
];

/// Runs every check for `target` once (the target's test and the README check share it):
/// `Ok(None)` if a tool is missing (and not required), `Err` with the failure otherwise.
fn target_figures(target: &'static str) -> Result<&'static Figures, String> {
    static M4_FIGURES: OnceLock<Result<Option<Figures>, String>> = OnceLock::new();
    static M0_FIGURES: OnceLock<Result<Option<Figures>, String>> = OnceLock::new();
    let cell = if target == M4 { &M4_FIGURES } else { &M0_FIGURES };
    let result = cell.get_or_init(|| {
        std::panic::catch_unwind(AssertUnwindSafe(|| measure(target))).map_err(|e| {
            e.downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        })
    });
    match result {
        Ok(Some(figures)) => Ok(figures),
        Ok(None) => Err(String::new()),
        Err(e) => Err(format!("the {target} firmware checks failed: {e}")),
    }
}

fn measure(target: &'static str) -> Option<Figures> {
    need(
        &format!("the `{target}` target"),
        has_target(target),
        &format!("install it with `rustup target add {target}`"),
    )?;
    let bin = build(target);
    let (infer_elf, wide_elf, full_elf) = (bin.join("infer"), bin.join("wide"), bin.join("constnet-firmware"));
    let (infer, wide, full) =
        (Elf::read(&infer_elf).unwrap(), Elf::read(&wide_elf).unwrap(), Elf::read(&full_elf).unwrap());
    for (elf, what) in [(&infer, "infer"), (&full, "constnet-firmware")] {
        check_in_flash(elf, "CIRCLES", <Circles as Network<f32, 2, 1>>::PARAM_BYTES, what);
    }
    check_in_flash(&wide, "WIDE", <Wide as Network<f32, 8, 10>>::PARAM_BYTES, "wide");
    check_in_flash(&wide, "MIXED", <Mixed as Network<f32, 3, 4>>::PARAM_BYTES, "wide");
    if target == M4 {
        assert!(
            infer.flash() <= INFER_FLASH_BUDGET,
            "the inference firmware needs {} bytes of flash, over the budget of {INFER_FLASH_BUDGET}",
            infer.flash()
        );
    }

    need(
        "llvm-objdump",
        objdump().is_some(),
        "install it with `apt-get install llvm` or `rustup component add llvm-tools`",
    )?;
    let mut code = BTreeMap::new();
    for (program, entries) in ENTRIES {
        let elf = bin.join(program);
        let checked = check_no_panic(&objdump().unwrap(), &elf, entries, Some("constnet_panic_canary"))
            .unwrap_or_else(|e| panic!("{target} {program}: {e}"));
        for c in checked {
            println!(
                "{target} {program}: no panic reachable from {}: {} bytes of code in {:?}",
                c.entry, c.code_bytes, c.reachable
            );
            code.insert(*entries.iter().find(|e| **e == c.entry).unwrap(), c.code_bytes);
        }
    }

    need("qemu-system-arm", has_qemu(), "install it with `apt-get install qemu-system-arm`")?;
    // Inference only.
    let run = qemu(&infer_elf, target);
    check_circles(&run, target);
    let stack_infer = run.stack("inference");
    // Wide layers.
    let run = qemu(&wide_elf, target);
    check_wide(&run, target);
    let wide_run = run;
    // Both parts.
    let run = qemu(&full_elf, target);
    println!(
        "--- constnet-firmware on QEMU {} ({target}), {:.2} s wall-clock ---\n{}---",
        machine(target)[1],
        run.wall.as_secs_f64(),
        run.stdout
    );
    check_circles(&run, target);
    // `include_model!` decoded on the device what `from_bytes` decodes on the host: encoding the
    // device's `static` again gives the file back, byte for byte.
    let committed = std::fs::read(root().join(CIRCLES_FILE)).unwrap();
    assert!(
        hex_bytes(run.get("circles", &[], "model")) == committed,
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
        let (fault, stderr) = boot(&infer_elf, &["-machine", "lm3s6965evb"]);
        assert_eq!(fault.status, Some(102), "expected the HardFault exit:\n{}\n{stderr}", fault.stdout);
        assert!(stderr.contains("HardFault"), "{stderr}");
        println!("{target}: on a Cortex-M3 without FPU the firmware faults and exits with 102 (HardFault handler)");
    }
    Some(Figures {
        infer: Sizes::of(&infer),
        wide: Sizes::of(&wide),
        full: Sizes::of(&full),
        code,
        stack_baseline,
        stack_inference,
        stack_training,
        stack_infer,
        stack_wide: wide_run.stack("wide"),
        stack_mixed: wide_run.stack("mixed"),
        circles_instructions: run.instructions_per_call("circles"),
        wide_instructions: wide_run.instructions_per_call("wide"),
        mixed_instructions: wide_run.instructions_per_call("mixed"),
        xor_instructions: instructions(&run, run.number("xor", &[], "ticks")),
        xor_epochs,
        xor_loss,
        trainer_adam,
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

/// The circles network's memory bill (f32), as the host computes it; the device prints the same
/// keys.
fn bill() -> [(&'static str, usize); 7] {
    type C = Circles;
    [
        ("params", <C as Network<f32, 2, 1>>::PARAM_BYTES),
        ("inference_scratch", <C as Network<f32, 2, 1>>::INFERENCE_SCRATCH_BYTES),
        ("tape", <C as Network<f32, 2, 1>>::TAPE_BYTES),
        ("train_scratch", <C as Network<f32, 2, 1>>::TRAIN_SCRATCH_BYTES),
        ("sgd_state", constnet::memory::optimizer_state_bytes::<f32, C, Sgd>()),
        ("adam_state", constnet::memory::optimizer_state_bytes::<f32, C, Adam>()),
        ("model", C::BYTES),
    ]
}

// ---------------------------------------------------------------------------------------------
// The tests.

/// Cortex-M4F: all three programs in QEMU compared with the host; sizes and flash budget;
/// weights in flash; no panic reachable from inference; the HardFault exit.
#[test]
fn cortex_m4f_firmware_in_qemu_matches_the_host() {
    match target_figures(M4) {
        Ok(f) => println!(
            "{M4}: infer {} bytes of flash (budget {INFER_FLASH_BUDGET}); {} instructions per circles inference",
            f.infer.flash, f.circles_instructions
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
            "{M0}: infer {} bytes of flash; {} instructions per circles inference",
            f.infer.flash, f.circles_instructions
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
    let result = FIGURES.get_or_init(|| {
        std::panic::catch_unwind(AssertUnwindSafe(run_template)).map_err(|e| {
            e.downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        })
    });
    match result {
        Ok(Some(sizes)) => Ok(sizes),
        Ok(None) => Err(String::new()),
        Err(e) => Err(format!("the firmware template failed: {e}")),
    }
}

fn run_template() -> Option<Sizes> {
    need(&format!("the `{M4}` target"), has_target(M4), &format!("install it with `rustup target add {M4}`"))?;
    need("qemu-system-arm", has_qemu(), "install it with `apt-get install qemu-system-arm`")?;
    let dir = template_dir();
    // `timeout` (coreutils) signals its whole process group, so it also ends the QEMU that
    // cargo starts as the runner; it exits with 124 if it had to. The build is not timed out.
    let build = cargo_in(&dir).args(["build", "--release"]).output().expect("run cargo");
    assert!(build.status.success(), "template build failed:\n{}", String::from_utf8_lossy(&build.stderr));
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
    Some(Sizes::of(&Elf::read(&dir.join("target").join(M4).join("release/firmware-template")).unwrap()))
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

/// `1234567` as `1 234 567`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// `text` as lines of at most 100 characters (words permitting), every line after the first
/// indented by `indent` spaces.
fn wrap(text: &str, indent: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.trim_start().is_empty() && line.chars().count() + 1 + word.chars().count() > 100 {
            out.push_str(&line);
            out.push('\n');
            line = " ".repeat(indent);
        } else if !line.trim_start().is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

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
    let rows: [(&str, &str, &Sizes); 7] = [
        ("`infer` (circles, hex output)", "M4F", &m4.infer),
        ("`infer`", "M0", &m0.infer),
        ("`wide` (`Wide` and `Mixed`, hex output)", "M4F", &m4.wide),
        ("`wide`", "M0", &m0.wide),
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
    let weights = <Circles as Network<f32, 2, 1>>::PARAM_BYTES;
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
            format!(
                "instructions per inference, `Wide` ({} parameters)",
                params(<Wide as Network<f32, 8, 10>>::PARAM_BYTES)
            ),
            m4.wide_instructions,
            m0.wide_instructions,
        ),
        (
            format!(
                "instructions per inference, `Mixed` ({} parameters)",
                params(<Mixed as Network<f32, 3, 4>>::PARAM_BYTES)
            ),
            m4.mixed_instructions,
            m0.mixed_instructions,
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
    s.push('\n');
    s.push_str(&wrap(
        &format!(
            "- **Training on the device.** XOR is solved in {} epochs with a final mean loss of {:.4}, on both cores \
             and on the host.",
            m4.xor_epochs, m4.xor_loss
        ),
        2,
    ));
    s.push_str("- **The bill** of the circles network (f32), from the constants, which the device prints too:\n\n");
    s.push_str("  | item | bytes |\n  |---|---|\n");
    let b: BTreeMap<&str, usize> = bill().into_iter().collect();
    let momentum = constnet::memory::optimizer_state_bytes::<f32, Circles, Momentum>();
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
    let (m4, m0, template) = match (target_figures(M4), target_figures(M0), template_figures()) {
        (Ok(m4), Ok(m0), Ok(template)) => (m4, m0, template),
        (a, b, c) => {
            // A failure is reported by its own test; a skip was printed there.
            let failed = [a.err(), b.err(), c.err()].into_iter().flatten().any(|e| !e.is_empty());
            note(&format!(
                "skipped: README firmware figures ({})",
                if failed { "a firmware check failed" } else { "tools missing" }
            ));
            assert!(!failed || !require(), "the firmware checks failed, so the README's figures could not be measured");
            return;
        }
    };
    let rustc = Command::new("rustc").current_dir(firmware_dir()).arg("--version").output().unwrap();
    let rustc = String::from_utf8_lossy(&rustc.stdout);
    let rustc = rustc.split(" (").next().unwrap_or("").trim();
    let fresh = render(m4, m0, template, rustc);
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (before, rest) =
        readme.split_once(FIGURES_BEGIN).unwrap_or_else(|| panic!("README: no `{FIGURES_BEGIN}` line"));
    let (current, after) = rest.split_once(FIGURES_END).unwrap_or_else(|| panic!("README: no `{FIGURES_END}` line"));
    let fresh_block = format!("\n{fresh}");
    if current == fresh_block {
        println!("README firmware figures are current:\n{fresh}");
    } else if std::env::var("CONSTNET_UPDATE_README").is_ok_and(|v| v == "1") {
        std::fs::write(&path, format!("{before}{FIGURES_BEGIN}{fresh_block}{FIGURES_END}{after}")).unwrap();
        note(&format!("README.md: firmware figures rewritten:\n{fresh}"));
    } else {
        let (old, new): (Vec<&str>, Vec<&str>) = (current.lines().collect(), fresh_block.lines().collect());
        let mut diff = String::new();
        for k in 0..old.len().max(new.len()) {
            let (a, b) = (old.get(k).copied().unwrap_or(""), new.get(k).copied().unwrap_or(""));
            if a != b {
                let _ = writeln!(diff, "README:   {a}\nmeasured: {b}");
            }
        }
        panic!(
            "the README's firmware figures differ from the measured ones; rewrite them with `{README_COMMAND}`.\n\
             {diff}"
        );
    }
}
