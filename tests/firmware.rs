//! constnet on a real instruction set: builds `examples/firmware` for the Cortex-M4F and the
//! Cortex-M0, boots it in QEMU, and checks what the device printed against the host's own
//! computation of the same thing; also checks the flash budget, that the weights sit in flash,
//! and that no panic is reachable from the inference entry point.
//!
//! Without `qemu-system-arm`, the `thumbv7em-none-eabihf` target or `llvm-objdump`, the affected
//! checks print `skipped: install …` and pass, unless `CONSTNET_REQUIRE_QEMU=1` (set by
//! `.ci/run`), which turns a missing tool into a failure. `cargo test --test firmware --
//! --nocapture` prints the measured figures.
//!
//! The circles weights in `examples/firmware/circles.cnet` are produced by [`train_circles`];
//! `CONSTNET_WRITE_WEIGHTS=1 cargo test --test firmware circles_weights` rewrites the file.

#[path = "../examples/firmware/src/shared.rs"]
#[allow(dead_code)]
mod shared;

use constnet::data::circles;
use constnet::io::Model;
use constnet::loss::BinaryCrossEntropy;
use constnet::optim::{Adam, Schedule};
use constnet::prelude::*;
use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
use constnet::train::{Batch, Control, EarlyStopping, FitConfig, FitData, Metric, StopRules, Trainer};
use shared::{Circles, POINTS, Xor, XorRun};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The circles network exactly as the firmware gets it: decoded by the compiler from the same
/// file. The firmware's build fails if the file does not match the network.
static CIRCLES: Circles = include_model!(Circles, include_bytes!("../examples/firmware/circles.cnet"));

/// Flash the inference-only firmware for the Cortex-M4F may use: vector table, code, read-only
/// data (weights included) and the initial values of `.data`.
const INFER_FLASH_BUDGET: usize = 12 * 1024;
/// Largest difference between a device output and the host's that still passes. Both use the
/// same code and `libm`, so the expected difference is zero (the report says whether it was).
const TOLERANCE: f32 = 1e-6;
/// QEMU runs longer than this are killed and fail.
const QEMU_TIMEOUT: Duration = Duration::from_secs(60);

const M4: &str = "thumbv7em-none-eabihf";
const M0: &str = "thumbv6m-none-eabi";

fn firmware_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/firmware")
}

// ---------------------------------------------------------------------------------------------
// The weights: trained on the host, deterministically.

/// Trains the circles classifier: 400 points from `circles(factor 0.5, noise 0.1)` with seed 3,
/// 320 for training and 80 for validation, Adam (lr 0.01) on binary cross-entropy in
/// mini-batches of 8, at most 60 epochs with early stopping (patience 8, best weights restored).
/// Same code, same machine type ⇒ the same bits. Returns the network and the validation set.
fn train_circles() -> (Circles, Vec<[f32; 2]>, Vec<[f32; 1]>) {
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(3);
    let mut inputs = [[0.0f32; 2]; 400];
    let mut targets = [[0.0f32; 1]; 400];
    circles(&mut inputs, &mut targets, 0.5, 0.1, &mut rng).unwrap();
    let (train_x, valid_x) = inputs.split_at_mut(320);
    let (train_y, valid_y) = targets.split_at_mut(320);
    let mut net = Circles::random(&mut rng);
    let mut trainer = Trainer::new(Adam::default(), BinaryCrossEntropy, Schedule::Constant(0.01)).unwrap();
    let config = FitConfig::new(60).batch(Batch::Mini(8)).metric(Metric::Binary).stop(StopRules {
        early_stopping: Some(EarlyStopping { patience: 8, min_delta: 0.0, restore_best: true }),
        ..StopRules::default()
    });
    let data = FitData::new(train_x, train_y).with_validation(valid_x, valid_y);
    trainer.fit(&mut net, data, &config, &mut rng, |_| Control::Continue).unwrap();
    (net, valid_x.to_vec(), valid_y.to_vec())
}

/// The fraction of `inputs` that `net` puts in the right circle.
fn accuracy(net: &Circles, inputs: &[[f32; 2]], targets: &[[f32; 1]]) -> f64 {
    let right = inputs.iter().zip(targets).filter(|(x, t)| (net.forward(x)[0] >= 0.5) == (t[0] == 1.0)).count();
    right as f64 / inputs.len() as f64
}

/// The committed weights load (at run time and at compile time, identically) and classify the
/// firmware's points and the validation set; host training still works. Whether host training
/// still reproduces the file bit for bit is reported: kernel changes that reorder floating-point
/// operations legitimately change the trained bits, and then the file is regenerated with
/// `CONSTNET_WRITE_WEIGHTS=1 cargo test --test firmware circles_weights`.
#[test]
fn circles_weights_load_classify_and_match_host_training() {
    let (net, valid_x, valid_y) = train_circles();
    let mut bytes = [0u8; Circles::BYTES];
    net.to_bytes(&mut bytes).unwrap();
    let path = firmware_dir().join("circles.cnet");
    if std::env::var_os("CONSTNET_WRITE_WEIGHTS").is_some() {
        std::fs::write(&path, bytes).unwrap();
        println!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    let host_accuracy = accuracy(&net, &valid_x, &valid_y);
    assert!(host_accuracy >= 0.95, "host training reached only {host_accuracy} validation accuracy");

    let committed = std::fs::read(&path).unwrap();
    assert_eq!(Circles::from_bytes(&committed).as_ref(), Ok(&CIRCLES), "runtime and const decoding differ");
    for (x, label) in POINTS {
        assert_eq!(u8::from(CIRCLES.forward(&x)[0] >= 0.5), label, "committed weights misclassify {x:?}");
    }
    let committed_accuracy = accuracy(&CIRCLES, &valid_x, &valid_y);
    assert!(committed_accuracy >= 0.95, "committed weights: validation accuracy {committed_accuracy}");
    if committed == bytes {
        println!("circles.cnet reproduced bit for bit by host training; validation accuracy {host_accuracy}");
    } else {
        use std::io::Write as _;
        let _ = writeln!(
            std::io::stderr(),
            "note: host training no longer reproduces {} bit for bit (the training or kernel numerics changed; \
             its validation accuracy is {host_accuracy}, the committed weights' {committed_accuracy}); regenerate \
             it with `CONSTNET_WRITE_WEIGHTS=1 cargo test --test firmware circles_weights`",
            path.display()
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Tools, builds and runs.

fn require() -> bool {
    std::env::var("CONSTNET_REQUIRE_QEMU").is_ok_and(|v| v == "1")
}

/// `Ok(())` if the tool is there. Otherwise prints the skip line and returns `Err`, or fails
/// the test when `CONSTNET_REQUIRE_QEMU=1`. The skip line goes straight to stderr, past the test
/// harness's output capture, so that a plain `cargo test` shows it.
fn need(what: &str, found: bool, install: &str) -> Result<(), ()> {
    if found {
        return Ok(());
    }
    assert!(!require(), "{what} not found, and CONSTNET_REQUIRE_QEMU=1 makes the firmware checks mandatory: {install}");
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "skipped: firmware checks need {what}: {install}");
    Err(())
}

fn runs(cmd: &mut Command) -> bool {
    cmd.output().is_ok_and(|o| o.status.success())
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
    runs(Command::new("qemu-system-arm").arg("--version"))
}

/// An `llvm-objdump` that can disassemble Thumb: on the PATH, versioned, or rustup's
/// `llvm-tools` component.
fn objdump() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = ["llvm-objdump", "rust-objdump"].iter().map(PathBuf::from).collect();
    candidates.extend((14..=22).rev().map(|v| PathBuf::from(format!("llvm-objdump-{v}"))));
    if let Ok(out) = Command::new("rustc").args(["--print", "sysroot"]).output() {
        let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if let Ok(dirs) = std::fs::read_dir(sysroot.join("lib/rustlib")) {
            candidates.extend(dirs.flatten().map(|d| d.path().join("bin/llvm-objdump")));
        }
    }
    candidates.into_iter().find(|c| runs(Command::new(c).arg("--version")))
}

/// The ELF files of one `cargo build --release` of the firmware.
#[derive(Debug)]
struct Build {
    firmware: Option<PathBuf>,
    infer: PathBuf,
    seconds: f64,
}

/// Builds the firmware for `target` (once per test run), from inside its directory so that its
/// `.cargo/config.toml` applies (toolchain.md, pitfall P2).
fn build(target: &'static str) -> &'static Result<Build, String> {
    static M4_BUILD: OnceLock<Result<Build, String>> = OnceLock::new();
    static M0_BUILD: OnceLock<Result<Build, String>> = OnceLock::new();
    let cell = if target == M4 { &M4_BUILD } else { &M0_BUILD };
    cell.get_or_init(|| {
        let dir = firmware_dir();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let started = Instant::now();
        let out = Command::new(cargo)
            .current_dir(&dir)
            .args(["build", "--release", "--target", target])
            // The firmware has its own target directory and flags; nothing from the outer build.
            .env_remove("CARGO_TARGET_DIR")
            .env_remove("CARGO_BUILD_TARGET")
            .env_remove("RUSTFLAGS")
            .env_remove("CARGO_ENCODED_RUSTFLAGS")
            .env_remove("CARGO_BUILD_RUSTFLAGS")
            .output()
            .map_err(|e| format!("could not run cargo: {e}"))?;
        if !out.status.success() {
            return Err(format!("firmware build for {target} failed:\n{}", String::from_utf8_lossy(&out.stderr)));
        }
        let bin = dir.join("target").join(target).join("release");
        Ok(Build {
            firmware: Some(bin.join("constnet-firmware")),
            infer: bin.join("infer"),
            seconds: started.elapsed().as_secs_f64(),
        })
    })
}

/// What one QEMU run printed, and how it ended.
#[derive(Debug)]
struct Run {
    stdout: String,
    status: Option<i32>,
    wall: Duration,
}

impl Run {
    /// The `key=value` fields of the first line starting with `prefix `, for which `filter`
    /// holds.
    fn fields(&self, prefix: &str, filter: impl Fn(&BTreeMap<&str, &str>) -> bool) -> Option<BTreeMap<&str, &str>> {
        self.all(prefix).into_iter().find(|f| filter(f))
    }

    fn all(&self, prefix: &str) -> Vec<BTreeMap<&str, &str>> {
        self.stdout
            .lines()
            .filter_map(|l| l.strip_prefix(prefix)?.strip_prefix(' '))
            .map(|rest| rest.split_whitespace().filter_map(|kv| kv.split_once('=')).collect())
            .collect()
    }

    fn get(&self, prefix: &str, key: &str) -> &str {
        self.fields(prefix, |f| f.contains_key(key))
            .and_then(|f| f.get(key).copied())
            .unwrap_or_else(|| panic!("no `{prefix} … {key}=…` line in the output:\n{}", self.stdout))
    }

    fn stack(&self, part: &str) -> usize {
        self.fields("stack", |f| f.get("part") == Some(&part))
            .and_then(|f| f.get("bytes")?.parse().ok())
            .unwrap_or_else(|| panic!("no stack figure for {part}:\n{}", self.stdout))
    }
}

/// Boots `elf` in QEMU with semihosting and checks that it printed `done` and exited with 0.
fn qemu(elf: &Path, target: &str) -> Run {
    let machine: &[&str] =
        if target == M4 { &["-machine", "mps2-an386", "-cpu", "cortex-m4"] } else { &["-machine", "microbit"] };
    let (run, stderr) = boot(elf, machine);
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
    run
}

/// Boots `elf` on a QEMU `machine` with semihosting; kills it after [`QEMU_TIMEOUT`]. Returns
/// what it printed on stdout and on stderr.
fn boot(elf: &Path, machine: &[&str]) -> (Run, String) {
    let started = Instant::now();
    let mut child = Command::new("qemu-system-arm")
        .args(machine)
        .args(["-nographic", "-semihosting-config", "enable=on,target=native", "-icount", "shift=0", "-kernel"])
        .arg(elf)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start qemu-system-arm");
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
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    (Run { stdout, status, wall }, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// The training time in SysTick ticks, and the ticks of the calibration loop (10⁶ instructions).
fn training_ticks(run: &Run) -> (u64, u64) {
    assert_eq!(run.get("clock", "instructions"), "1000000");
    let per_million: u64 = run.get("clock", "ticks").parse().unwrap();
    assert!(per_million > 0, "the SysTick clock did not run:\n{}", run.stdout);
    (run.get("xor", "ticks").parse().unwrap(), per_million)
}

fn hex_u32(s: &str) -> u32 {
    u32::from_str_radix(s.trim_start_matches("0x"), 16).unwrap_or_else(|_| panic!("not hex: {s}"))
}

/// Compares the device's circles outputs with the host's; returns how many were bit-identical.
fn check_circles(run: &Run, target: &str) -> usize {
    let lines = run.all("circles");
    assert_eq!(lines.len(), POINTS.len(), "expected one line per point:\n{}", run.stdout);
    let mut identical = 0;
    for (i, ((x, label), line)) in POINTS.iter().zip(&lines).enumerate() {
        assert_eq!(line["i"], i.to_string());
        let device = f32::from_bits(hex_u32(line["p"]));
        let host = CIRCLES.forward(x)[0];
        assert!(
            (device - host).abs() <= TOLERANCE,
            "{target}: point {i} {x:?}: device p = {device:e}, host p = {host:e} (tolerance {TOLERANCE:e})"
        );
        assert_eq!(line["class"], u8::from(device >= 0.5).to_string());
        assert_eq!(line["class"], label.to_string(), "{target}: point {i} {x:?} misclassified");
        identical += usize::from(device.to_bits() == host.to_bits());
    }
    identical
}

// ---------------------------------------------------------------------------------------------
// ELF: sections and symbols, read directly (no binutils needed).

struct Elf {
    sections: Vec<(String, u32, u32, u32)>, // name, flags, address, size
    symbols: Vec<(String, u32, u32)>,       // name, address, size
}

fn elf(path: &Path) -> Elf {
    let d = std::fs::read(path).unwrap();
    assert_eq!(&d[..6], b"\x7fELF\x01\x01", "{}: not a 32-bit little-endian ELF", path.display());
    let u16_at = |o: usize| u16::from_le_bytes([d[o], d[o + 1]]) as usize;
    let u32_at = |o: usize| u32::from_le_bytes([d[o], d[o + 1], d[o + 2], d[o + 3]]);
    let (shoff, shentsize, shnum, shstrndx) = (u32_at(0x20) as usize, u16_at(0x2e), u16_at(0x30), u16_at(0x32));
    let header = |i: usize| shoff + i * shentsize;
    let cstr = |o: usize| {
        let end = d[o..].iter().position(|&b| b == 0).unwrap();
        String::from_utf8_lossy(&d[o..o + end]).into_owned()
    };
    let strtab = u32_at(header(shstrndx) + 16) as usize;
    let mut sections = Vec::new();
    let mut symbols = Vec::new();
    for i in 0..shnum {
        let h = header(i);
        let (name, kind, flags, addr, offset, size, link) = (
            cstr(strtab + u32_at(h) as usize),
            u32_at(h + 4),
            u32_at(h + 8),
            u32_at(h + 12),
            u32_at(h + 16) as usize,
            u32_at(h + 20),
            u32_at(h + 24) as usize,
        );
        if kind == 2 {
            // SHT_SYMTAB: 16-byte entries, names in the linked string table.
            let names = u32_at(header(link) + 16) as usize;
            for s in (offset..offset + size as usize).step_by(16) {
                symbols.push((cstr(names + u32_at(s) as usize), u32_at(s + 4), u32_at(s + 8)));
            }
        }
        sections.push((name, flags, addr, size));
    }
    Elf { sections, symbols }
}

impl Elf {
    fn size(&self, name: &str) -> usize {
        self.sections.iter().find(|s| s.0 == name).map_or(0, |s| s.3 as usize)
    }
    /// Bytes in flash: everything loaded at a flash address, plus `.data`'s initial values.
    fn flash(&self) -> usize {
        ["vector_table", "text", "rodata", "data"].iter().map(|s| self.size(&format!(".{s}"))).sum()
    }
    /// Static RAM: `.data`, `.bss`, `.uninit`.
    fn ram(&self) -> usize {
        [".data", ".bss", ".uninit"].iter().map(|s| self.size(s)).sum()
    }
    fn table(&self) -> String {
        format!(
            ".vector_table {:>6}  .text {:>6}  .rodata {:>6}  .data {:>4}  .bss {:>5}  | flash {:>6} B, static RAM {:>5} B",
            self.size(".vector_table"),
            self.size(".text"),
            self.size(".rodata"),
            self.size(".data"),
            self.size(".bss"),
            self.flash(),
            self.ram()
        )
    }
    fn symbol(&self, name: &str) -> Option<(u32, u32)> {
        self.symbols.iter().find(|s| s.0 == name).map(|s| (s.1, s.2))
    }
}

/// The circles weights are in `.rodata`, in flash: not copied to RAM.
fn check_weights_in_flash(elf: &Elf, what: &str) {
    let (addr, size) = elf.symbol("CIRCLES").unwrap_or_else(|| panic!("{what}: no CIRCLES symbol"));
    assert_eq!(size as usize, 117 * 4, "{what}: CIRCLES has {size} bytes");
    let rodata = elf.sections.iter().find(|s| s.0 == ".rodata").unwrap();
    assert!(
        addr >= rodata.2 && addr + size <= rodata.2 + rodata.3 && addr < 0x2000_0000,
        "{what}: CIRCLES at {addr:#x} is not in .rodata ({:#x}+{:#x}) in flash",
        rodata.2,
        rodata.3
    );
}

// ---------------------------------------------------------------------------------------------
// Panic reachability: the call graph of the linked binary, from llvm-objdump's disassembly.

/// Functions (by start address) with their names, direct call/branch targets, and any indirect
/// branch (which would make the walk incomplete).
struct CallGraph {
    names: BTreeMap<u32, String>,
    edges: BTreeMap<u32, BTreeSet<u32>>,
    indirect: BTreeMap<u32, Vec<String>>,
}

fn call_graph(objdump: &Path, elf: &Path) -> CallGraph {
    let out = Command::new(objdump).args(["-d", "-C", "--no-show-raw-insn"]).arg(elf).output().unwrap();
    assert!(out.status.success(), "llvm-objdump failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut names = BTreeMap::new();
    let mut branches: Vec<(u32, u32)> = Vec::new(); // (function, target)
    let mut indirect: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    let mut current = None;
    for line in text.lines() {
        // `000001a0 <constnet_infer>:` starts a function; `<$d>:`/`<$t>:` only mark data and
        // code inside one (ARM mapping symbols).
        if let Some((addr, rest)) = line.split_once(" <")
            && let Some(name) = rest.strip_suffix(">:")
            && let Ok(addr) = u32::from_str_radix(addr.trim(), 16)
        {
            if !name.starts_with('$') {
                names.insert(addr, name.to_string());
                current = Some(addr);
            }
            continue;
        }
        let Some(func) = current else { continue };
        // `     1a4:      	bl	0x12c <foo>`: mnemonic and operands, tab-separated.
        let mut parts = line.split('\t').map(str::trim).filter(|p| !p.is_empty()).skip(1);
        let (Some(mnemonic), operands) = (parts.next(), parts.next().unwrap_or("")) else { continue };
        // Without the width suffix (`.w`/`.n`) and the condition (`bne` → `b`, `bxls` → `bx`).
        let m = mnemonic.split('.').next().unwrap_or(mnemonic);
        let base = |stem: &str| m == stem || m.strip_prefix(stem).is_some_and(|c| CONDITIONS.contains(&c));
        let writes_pc = operands.starts_with("pc,") && !m.starts_with("cmp");
        if (base("bx") || base("blx")) && operands != "lr" || (base("mov") || base("ldr")) && writes_pc {
            indirect.entry(func).or_default().push(format!("{mnemonic} {operands}"));
        } else if (base("b") || base("bl") || m == "cbz" || m == "cbnz")
            && let Some(target) = operands
                .split_whitespace()
                .find_map(|t| t.strip_prefix("0x").and_then(|h| u32::from_str_radix(h, 16).ok()))
        {
            branches.push((func, target));
        }
    }
    // A branch's target belongs to the function with the greatest start at or below it.
    let mut edges: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for (func, target) in branches {
        if let Some((&callee, _)) = names.range(..=target).next_back()
            && callee != func
        {
            edges.entry(func).or_default().insert(callee);
        }
    }
    CallGraph { names, edges, indirect }
}

impl CallGraph {
    /// Every function reachable from `entry` (names and start addresses), and the indirect
    /// branches among them.
    fn reachable(&self, entry: &str) -> (Vec<String>, Vec<String>, BTreeSet<u32>) {
        let start = self.names.iter().find(|(_, n)| *n == entry).map(|(a, _)| *a);
        let start = start.unwrap_or_else(|| panic!("no function `{entry}` in the disassembly"));
        let (mut seen, mut todo) = (BTreeSet::from([start]), vec![start]);
        while let Some(f) = todo.pop() {
            for &g in self.edges.get(&f).into_iter().flatten() {
                if seen.insert(g) {
                    todo.push(g);
                }
            }
        }
        let names = seen.iter().map(|a| self.names[a].clone()).collect();
        let indirect = seen.iter().flat_map(|a| self.indirect.get(a).into_iter().flatten().cloned()).collect();
        (names, indirect, seen)
    }
}

/// ARM condition codes, as suffixes of branch mnemonics.
const CONDITIONS: [&str; 16] =
    ["eq", "ne", "cs", "hs", "cc", "lo", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le"];

/// Names that mean a panic can happen.
fn is_panic(name: &str) -> bool {
    [
        "panic",
        "unwrap_failed",
        "expect_failed",
        "slice_index",
        "slice_end_index",
        "slice_start_index",
        "unreachable",
        "rust_begin_unwind",
        "abort",
    ]
    .iter()
    .any(|p| name.contains(p))
}

/// Checks that nothing reachable from `constnet_infer` can panic, and that the same walk does
/// find the panic in `constnet_panic_canary` (so the check can fail). Returns the reachable
/// functions and their total code size.
fn check_no_panic(objdump: &Path, elf_path: &Path, what: &str) -> (Vec<String>, usize) {
    let graph = call_graph(objdump, elf_path);
    let (reachable, indirect, addresses) = graph.reachable("constnet_infer");
    let panics: Vec<_> = reachable.iter().filter(|n| is_panic(n)).collect();
    assert!(panics.is_empty(), "{what}: panics reachable from constnet_infer: {panics:?}\nreachable: {reachable:#?}");
    assert!(
        indirect.is_empty(),
        "{what}: indirect branches reachable from constnet_infer (cannot be followed): {indirect:?}"
    );
    let (canary, _, _) = graph.reachable("constnet_panic_canary");
    assert!(
        canary.iter().any(|n| n.contains("panic_bounds_check")),
        "{what}: the walk did not find the canary's panic_bounds_check; the checker is broken: {canary:?}"
    );
    // Code size: Thumb function symbols carry the address with bit 0 set.
    let symbols: BTreeMap<u32, u32> =
        elf(elf_path).symbols.iter().map(|s| (s.1 & !1, s.2)).filter(|s| s.1 > 0).collect();
    let code = addresses.iter().map(|a| symbols.get(a).copied().unwrap_or(0) as usize).sum();
    (reachable, code)
}

// ---------------------------------------------------------------------------------------------
// Comparing a full firmware run (both parts) with the host.

/// Checks the memory bill, part 1 and part 2 of a `constnet-firmware` run against the host;
/// returns the report lines.
fn check_full_run(run: &Run, target: &str) -> Vec<String> {
    let mut report = Vec::new();
    // The memory bill the device computed is the host's (all of it is target-independent except
    // the trainer, whose settings hold pointer-sized fields).
    type C = Circles;
    let bill = [
        ("params", <C as Network<f32, 2, 1>>::PARAM_BYTES),
        ("inference_scratch", <C as Network<f32, 2, 1>>::INFERENCE_SCRATCH_BYTES),
        ("tape", <C as Network<f32, 2, 1>>::TAPE_BYTES),
        ("train_scratch", <C as Network<f32, 2, 1>>::TRAIN_SCRATCH_BYTES),
        ("sgd_state", constnet::memory::optimizer_state_bytes::<f32, C, constnet::optim::Sgd>()),
        ("adam_state", constnet::memory::optimizer_state_bytes::<f32, C, Adam>()),
        ("model", C::BYTES),
    ];
    for (key, host) in bill {
        assert_eq!(run.get("bill", key), host.to_string(), "{target}: memory bill: {key}");
    }

    // Part 1: inference from flash.
    let identical = check_circles(run, target);
    report.push(format!(
        "part 1 (inference from flash): {identical}/{} outputs bit-identical to the host (tolerance {TOLERANCE:e})",
        POINTS.len()
    ));
    assert_eq!(identical, POINTS.len(), "{target}: not bit-identical although both sides use libm");

    // Part 2: the same training run on both sides.
    let host: XorRun = shared::train_xor().unwrap();
    assert!(host.solved, "the host run did not solve XOR in {} epochs", host.epochs);
    let epochs: usize = run.get("xor", "epochs").parse().unwrap();
    assert_eq!(epochs, host.epochs, "{target}: device and host trained for different numbers of epochs");
    assert_eq!(run.get("xor", "solved"), "1");
    let loss = f64::from_bits(u64::from_str_radix(run.get("xor", "loss").trim_start_matches("0x"), 16).unwrap());
    assert!((loss - host.loss).abs() <= f64::from(TOLERANCE), "{target}: loss: device {loss}, host {}", host.loss);
    let outputs: Vec<f32> = run.get("xor", "outputs").split(',').map(|h| f32::from_bits(hex_u32(h))).collect();
    for (d, h) in outputs.iter().zip(host.outputs) {
        assert!((d - h).abs() <= TOLERANCE, "{target}: xor outputs: device {outputs:?}, host {:?}", host.outputs);
    }
    let weights_hex = run.get("xor", "weights");
    let weights: Vec<u8> =
        (0..weights_hex.len()).step_by(2).map(|i| u8::from_str_radix(&weights_hex[i..i + 2], 16).unwrap()).collect();
    // The device's weights arrive in the model byte format: decode them as such.
    let device_net = Xor::from_bytes(&weights).expect("the device's weights are a valid Xor model");
    let mut max_diff = 0.0f32;
    for t in 0..<Xor as Parameters<f32>>::TENSORS {
        for (d, h) in device_net.tensor(t).iter().zip(host.net.tensor(t)) {
            max_diff = max_diff.max((d - h).abs());
        }
    }
    assert!(max_diff <= TOLERANCE, "{target}: xor weights differ by up to {max_diff:e}");
    let mut host_weights = [0u8; Xor::BYTES];
    host.net.to_bytes(&mut host_weights).unwrap();
    let weights_identical = weights == host_weights;
    let outputs_identical = outputs.iter().zip(host.outputs).all(|(d, h)| d.to_bits() == h.to_bits());
    let loss_identical = loss.to_bits() == host.loss.to_bits();
    report.push(format!(
        "part 2 (XOR trained on the device): solved after {epochs} epochs on device and host, loss {loss:.6} \
         (host {:.6}); bit-identical: weights {weights_identical}, outputs {outputs_identical}, loss \
         {loss_identical}; largest weight difference {max_diff:e}",
        host.loss
    ));
    let (ticks, per_million) = training_ticks(run);
    report.push(format!(
        "part 2 time: {ticks} SysTick ticks; a calibration loop of 10^6 instructions took {per_million} ticks, so \
         training took about {:.2} M instructions (QEMU -icount shift=0); whole QEMU run {:.2} s wall-clock",
        ticks as f64 / per_million as f64,
        run.wall.as_secs_f64()
    ));
    let stack_size: usize = run.get("bill", "stack_size").parse().unwrap();
    let (baseline, inference, training) = (run.stack("baseline"), run.stack("inference"), run.stack("training"));
    assert!(baseline < inference && inference < training && training < stack_size);
    report.push(format!(
        "stack high-water marks (bytes from the top of the stack, {stack_size} available): baseline {baseline}, \
         part 1 {inference} (+{} over baseline), part 2 {training} (+{})",
        inference - baseline,
        training - baseline
    ));
    assert!(
        weights_identical && outputs_identical && loss_identical,
        "{target}: within tolerance but not bit-identical although both sides use libm"
    );
    report
}

// ---------------------------------------------------------------------------------------------
// The tests.

/// Cortex-M4F: both parts in QEMU and compared with the host; sizes and flash budget; weights in
/// flash; no panic reachable from inference.
#[test]
fn cortex_m4f_firmware_in_qemu_matches_the_host() {
    if need(&format!("the `{M4}` target"), has_target(M4), &format!("install it with `rustup target add {M4}`"))
        .is_err()
    {
        return;
    }
    let build = build(M4).as_ref().unwrap_or_else(|e| panic!("{e}"));
    println!("firmware build ({M4}, release): {:.1} s", build.seconds);
    let firmware = build.firmware.as_ref().unwrap();
    let (full, infer) = (elf(firmware), elf(&build.infer));
    println!("sizes, {M4}:");
    println!("  constnet-firmware (both parts, float printing): {}", full.table());
    println!("  infer (inference only, hex printing):            {}", infer.table());
    check_weights_in_flash(&full, "constnet-firmware");
    check_weights_in_flash(&infer, "infer");
    assert!(
        infer.flash() <= INFER_FLASH_BUDGET,
        "the inference firmware needs {} bytes of flash, over the budget of {INFER_FLASH_BUDGET}",
        infer.flash()
    );
    println!(
        "  flash budget (infer): {} of {INFER_FLASH_BUDGET} bytes used, {} bytes to spare",
        infer.flash(),
        INFER_FLASH_BUDGET - infer.flash()
    );

    if need(
        "llvm-objdump",
        objdump().is_some(),
        "install it with `apt-get install llvm` or `rustup component add llvm-tools`",
    )
    .is_ok()
    {
        let objdump = objdump().unwrap();
        for (path, what) in [(&build.infer, "infer"), (firmware, "constnet-firmware")] {
            let (reachable, code) = check_no_panic(&objdump, path, what);
            println!(
                "  no panic reachable from constnet_infer in {what}: it reaches {reachable:?}, {code} bytes of code \
                 (+ {} bytes of weights)",
                117 * 4
            );
        }
    }

    if need("qemu-system-arm", has_qemu(), "install it with `apt-get install qemu-system-arm`").is_err() {
        return;
    }
    let run = qemu(firmware, M4);
    println!("--- constnet-firmware on QEMU mps2-an386 ({M4}) ---\n{}---", run.stdout);
    for line in check_full_run(&run, M4) {
        println!("{M4}: {line}");
    }
    // A fault exits instead of hanging: the FPU build on a Cortex-M3 without FPU (lm3s6965evb)
    // faults at its first float instruction, and the HardFault handler exits with 102.
    let (fault, stderr) = boot(&build.infer, &["-machine", "lm3s6965evb"]);
    assert_eq!(fault.status, Some(102), "expected the HardFault exit:\n{}\n{stderr}", fault.stdout);
    assert!(stderr.contains("HardFault"), "{stderr}");
    println!("{M4}: on a Cortex-M3 without FPU the firmware faults and exits with 102 (HardFault handler)");

    let run = qemu(&build.infer, M4);
    check_circles(&run, M4);
    println!(
        "{M4}: infer: outputs bit-identical to the host; inference stack high-water {} bytes; QEMU {:.2} s",
        run.stack("inference"),
        run.wall.as_secs_f64()
    );
}

/// Cortex-M0 (no FPU, soft float): the library and both firmware programs built for
/// `thumbv6m-none-eabi` and booted on QEMU's BBC micro:bit board.
#[test]
fn cortex_m0_firmware_in_qemu_matches_the_host() {
    if need(&format!("the `{M0}` target"), has_target(M0), &format!("install it with `rustup target add {M0}`"))
        .is_err()
    {
        return;
    }
    let build = build(M0).as_ref().unwrap_or_else(|e| panic!("{e}"));
    let firmware = build.firmware.as_ref().unwrap();
    println!("firmware build ({M0}, release): {:.1} s", build.seconds);
    println!("sizes, {M0}:");
    println!("  constnet-firmware: {}", elf(firmware).table());
    println!("  infer:             {}", elf(&build.infer).table());
    check_weights_in_flash(&elf(&build.infer), "infer (M0)");
    if need(
        "llvm-objdump",
        objdump().is_some(),
        "install it with `apt-get install llvm` or `rustup component add llvm-tools`",
    )
    .is_ok()
    {
        let (_, code) = check_no_panic(&objdump().unwrap(), &build.infer, "infer (M0)");
        println!("  no panic reachable from constnet_infer in infer ({M0}); {code} bytes of code");
    }

    if need("qemu-system-arm", has_qemu(), "install it with `apt-get install qemu-system-arm`").is_err() {
        return;
    }
    let run = qemu(&build.infer, M0);
    assert_eq!(run.stdout.lines().next(), Some(format!("target {M0}").as_str()));
    check_circles(&run, M0);
    println!(
        "{M0}: infer on microbit: outputs bit-identical to the host; inference stack high-water {} bytes",
        run.stack("inference")
    );
    let run = qemu(firmware, M0);
    println!("--- constnet-firmware on QEMU microbit ({M0}) ---\n{}---", run.stdout);
    for line in check_full_run(&run, M0) {
        println!("{M0}: {line}");
    }
}
