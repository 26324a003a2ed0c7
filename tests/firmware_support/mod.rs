//! What the firmware checks (`tests/firmware.rs`, `tests/firmware_int8.rs`) share: finding the
//! tools, building `examples/firmware` for a core, booting a program in QEMU and reading what it
//! printed, comparing host and device values, and keeping a generated block of the README
//! current. Each test binary includes it with `mod firmware_support;`.
//!
//! Without `qemu-system-arm`, a Cortex-M target or `llvm-objdump`, [`need`] prints
//! `skipped: install …` and the check passes, unless `CONSTNET_REQUIRE_QEMU=1` (set by `.ci/run`),
//! which turns a missing tool into a failure.
#![allow(dead_code)] // each test binary uses its own part

use constnet_elf_check::Elf;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// QEMU runs longer than this are killed and fail.
pub const QEMU_TIMEOUT: Duration = Duration::from_secs(60);
/// Largest difference between a device output and the host's that still passes. In the portable
/// configuration both sides compute the same bits, and that is checked separately.
pub const TOLERANCE: f32 = 1e-6;

/// The Cortex-M4F target (QEMU mps2-an386).
pub const M4: &str = "thumbv7em-none-eabihf";
/// The Cortex-M0 target (QEMU's BBC micro:bit).
pub const M0: &str = "thumbv6m-none-eabi";

/// The command that regenerates the committed weights (`circles.cnet`, `circles.q8`,
/// `rhythm.cnet`).
pub const WEIGHTS_COMMAND: &str = "cargo run -p constnet-firmware-weights";

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `examples/firmware`.
pub fn firmware_dir() -> PathBuf {
    root().join("examples/firmware")
}

/// Prints to stderr past the test harness's capture, so that a plain `cargo test` shows it.
pub fn note(message: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{message}");
}

/// `CONSTNET_REQUIRE_QEMU=1`: missing tools fail instead of skipping.
pub fn require() -> bool {
    std::env::var("CONSTNET_REQUIRE_QEMU").is_ok_and(|v| v == "1")
}

/// `Some(())` if the tool is there. Otherwise prints the skip line and returns `None`, or fails
/// when `CONSTNET_REQUIRE_QEMU=1`.
pub fn need(what: &str, found: bool, install: &str) -> Option<()> {
    if found {
        return Some(());
    }
    assert!(!require(), "{what} not found, and CONSTNET_REQUIRE_QEMU=1 makes the firmware checks mandatory: {install}");
    note(&format!("skipped: firmware checks need {what}: {install}"));
    None
}

/// `need` for a Rust target.
pub fn need_target(target: &str) -> Option<()> {
    need(
        &format!("the `{target}` target"),
        has_target(target),
        &format!("install it with `rustup target add {target}`"),
    )
}

/// `need` for QEMU.
pub fn need_qemu() -> Option<()> {
    need("qemu-system-arm", has_qemu(), "install it with `apt-get install qemu-system-arm`")
}

/// `need` for `llvm-objdump`; returns its path.
pub fn need_objdump() -> Option<PathBuf> {
    let found = constnet_elf_check::objdump();
    need(
        "llvm-objdump",
        found.is_some(),
        "install it with `apt-get install llvm` or `rustup component add llvm-tools`",
    )?;
    found
}

/// `true` if host results must equal the device's bit for bit (see [`constnet::PORTABLE_MATH`]).
/// Under `CONSTNET_REQUIRE_QEMU=1` (CI) anything else is a failure, so CI never loses the check.
pub fn portable() -> bool {
    static SAID: OnceLock<()> = OnceLock::new();
    let portable = constnet::PORTABLE_MATH;
    assert!(
        portable || !require(),
        "CONSTNET_REQUIRE_QEMU=1, but this test binary was built with constnet's `std` feature, in which host \
         floats differ from the device's: run `cargo test --test firmware --test firmware_int8` without `--features \
         std` and without a crate that enables `constnet/std` in the same command"
    );
    SAID.get_or_init(|| {
        note(if portable {
            "firmware: constnet built without `std` (libm floats, no fused multiply-add): host and device results \
             are compared bit for bit"
        } else {
            "note: firmware: constnet built with `std` (platform floats): host and device results are compared \
             with tolerance 1e-6 only, and the committed weights are not compared with host training; run `cargo test \
             --test firmware` without the `std` feature for the bit-for-bit checks"
        })
    });
    portable
}

/// Reads a committed file of the repository (path relative to the root).
pub fn read_committed(file: &str) -> Vec<u8> {
    let path = root().join(file);
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}; write it with `{WEIGHTS_COMMAND}`", path.display()))
}

/// The failure for a committed model file that does not decode: names the regeneration command.
pub fn undecodable(file: &str, what: &str, error: impl std::fmt::Display) -> ! {
    panic!("{file} does not decode as {what} ({error}); regenerate it with `{WEIGHTS_COMMAND}`")
}

// ---------------------------------------------------------------------------------------------
// Tools, builds and runs.

/// `true` if rustc (the pinned toolchain) has the standard library for `target`.
pub fn has_target(target: &str) -> bool {
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

/// `true` if `qemu-system-arm` runs.
pub fn has_qemu() -> bool {
    Command::new("qemu-system-arm").arg("--version").output().is_ok_and(|o| o.status.success())
}

/// `cargo` in `dir`, with nothing from the outer build: the crate there has its own target
/// directory, flags and `.cargo/config.toml`, which applies only when cargo runs from inside it
/// (toolchain.md, pitfall P2).
pub fn cargo_in(dir: &Path) -> Command {
    let mut cmd = Command::new(cargo());
    isolate(cmd.current_dir(dir));
    cmd
}

/// The cargo running this test.
pub fn cargo() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Removes the outer build's target directory, target and flags from `cmd`'s environment.
pub fn isolate(cmd: &mut Command) -> &mut Command {
    for var in
        ["CARGO_TARGET_DIR", "CARGO_BUILD_TARGET", "RUSTFLAGS", "CARGO_ENCODED_RUSTFLAGS", "CARGO_BUILD_RUSTFLAGS"]
    {
        cmd.env_remove(var);
    }
    cmd
}

/// The checkout under a fixed name: a symbolic link in the temporary directory, replaced if it
/// points elsewhere. Cargo mixes the absolute path of a path dependency outside the building
/// workspace (constnet, for the firmware) into that crate's `-C metadata`, hence into its symbol
/// hashes, and with them LLVM's link-time inlining order changes: the GRU program's code
/// measured 12 bytes and 4 instructions per step apart in two clones of the same commit. Built
/// through this link, every clone builds the same bytes. Two different checkouts building
/// firmware at the same moment on one machine would race for the link.
pub fn fixed_checkout_path() -> PathBuf {
    let link = std::env::temp_dir().join("constnet-firmware-checkout");
    let root = root();
    if std::fs::read_link(&link).ok().as_deref() != Some(root) {
        let staged = std::env::temp_dir().join(format!("constnet-firmware-checkout.{}", std::process::id()));
        let _ = std::fs::remove_file(&staged);
        std::os::unix::fs::symlink(root, &staged).expect("create a symbolic link in the temporary directory");
        std::fs::rename(&staged, &link).expect("move the symbolic link into place");
    }
    link
}

/// `--config` arguments that remap the checkout (reached through `link` or directly) and
/// cargo's home to fixed names in the firmware's panic-location strings, so that `.rodata` does
/// not depend on where the repository or cargo live either.
pub fn path_independent(link: &Path) -> [String; 2] {
    let mut remaps = vec![(link.to_path_buf(), "/constnet"), (root().to_path_buf(), "/constnet")];
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    remaps.extend(cargo_home.map(|home| (home, "/cargo")));
    let flags: Vec<String> =
        remaps.iter().map(|(from, to)| format!("'--remap-path-prefix={}={to}'", from.display())).collect();
    [
        "--config".into(),
        format!("target.'cfg(all(target_arch = \"arm\", target_os = \"none\"))'.rustflags = [{}]", flags.join(", ")),
    ]
}

/// `cargo build --release` of the crate at `crate_dir` (relative to the checkout) through
/// [`fixed_checkout_path`] and with [`path_independent`] paths, run from inside the crate so
/// that its `.cargo/config.toml` applies: the build whose sizes the README reports.
pub fn path_independent_release_build(crate_dir: &str) -> Command {
    let link = fixed_checkout_path();
    let mut cmd = cargo_in(&root().join(crate_dir));
    cmd.args(["build", "--release", "--manifest-path"])
        .arg(link.join(crate_dir).join("Cargo.toml"))
        .args(path_independent(&link));
    cmd
}

/// `cargo build --release --target …` of the firmware (all its programs), once per target and
/// test binary; returns the directory of the ELF files.
pub fn build(target: &str) -> PathBuf {
    static BUILT: OnceLock<std::sync::Mutex<BTreeMap<String, PathBuf>>> = OnceLock::new();
    let built = BUILT.get_or_init(Default::default);
    let mut built = built.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(dir) = built.get(target) {
        return dir.clone();
    }
    let dir = firmware_dir();
    let started = Instant::now();
    let out =
        path_independent_release_build("examples/firmware").args(["--target", target]).output().expect("run cargo");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "firmware build for {target} failed:\n{stderr}\n(if `include_model!` refuses circles.cnet, circles.q8 or \
         rhythm.cnet, regenerate them with `{WEIGHTS_COMMAND}`)"
    );
    println!("firmware build ({target}, release): {:.1} s", started.elapsed().as_secs_f64());
    let bin = dir.join("target").join(target).join("release");
    built.insert(target.to_string(), bin.clone());
    bin
}

/// Runs `measure` once per `cell` (several tests share one measurement), catching its panic:
/// `Ok` with the figures, `Err("")` if a tool is missing (the skip was printed), `Err` with the
/// failure otherwise.
pub fn once<T>(
    cell: &'static OnceLock<Result<Option<T>, String>>,
    measure: impl FnOnce() -> Option<T>,
) -> Result<&'static T, String> {
    let result = cell.get_or_init(|| {
        std::panic::catch_unwind(AssertUnwindSafe(measure)).map_err(|e| {
            e.downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default()
        })
    });
    match result {
        Ok(Some(figures)) => Ok(figures),
        Ok(None) => Err(String::new()),
        Err(e) if e.is_empty() => Err("failed".to_string()),
        Err(e) => Err(e.clone()),
    }
}

/// What one QEMU run printed, and how it ended.
#[derive(Debug)]
pub struct Run {
    /// Standard output.
    pub stdout: String,
    /// The exit status; `None` if it was killed.
    pub status: Option<i32>,
    /// Wall-clock time.
    pub wall: Duration,
}

impl Run {
    /// The `key=value` fields of every line starting with `prefix `.
    pub fn all(&self, prefix: &str) -> Vec<BTreeMap<&str, &str>> {
        self.stdout
            .lines()
            .filter_map(|l| l.strip_prefix(prefix)?.strip_prefix(' '))
            .map(|rest| rest.split_whitespace().filter_map(|kv| kv.split_once('=')).collect())
            .collect()
    }

    /// The value of `key` in the first `prefix …` line that has it and whose fields include all
    /// of `with`.
    pub fn get(&self, prefix: &str, with: &[(&str, &str)], key: &str) -> &str {
        self.all(prefix)
            .into_iter()
            .find(|f| f.contains_key(key) && with.iter().all(|(k, v)| f.get(k) == Some(v)))
            .and_then(|f| f.get(key).copied())
            .unwrap_or_else(|| panic!("no `{prefix} … {key}=…` line with {with:?} in the output:\n{}", self.stdout))
    }

    /// [`get`](Self::get) as a number, decimal or `0x…`.
    pub fn number(&self, prefix: &str, with: &[(&str, &str)], key: &str) -> u64 {
        number(self.get(prefix, with, key))
    }

    /// The bytes of a `stack part=… bytes=…` line.
    pub fn stack(&self, part: &str) -> usize {
        self.number("stack", &[("part", part)], "bytes") as usize
    }

    /// Instructions per call of the part timed in a `time part=… calls=… ticks=…` line, from the
    /// SysTick clock calibrated against a loop of 10⁶ instructions (QEMU `-icount shift=0`).
    pub fn instructions_per_call(&self, part: &str) -> u64 {
        let calls = self.number("time", &[("part", part)], "calls");
        instructions(self, self.number("time", &[("part", part)], "ticks")) / calls
    }

    /// The words of the line starting with `prefix` (after it).
    pub fn words(&self, prefix: &str) -> Vec<&str> {
        let line = self.stdout.lines().find_map(|l| l.strip_prefix(prefix)).unwrap_or_else(|| {
            panic!("no `{prefix}` line in the output:\n{}", self.stdout);
        });
        line.split_whitespace().collect()
    }
}

/// A number printed in decimal or as `0x…`.
pub fn number(s: &str) -> u64 {
    match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => s.parse(),
    }
    .unwrap_or_else(|_| panic!("`{s}` is not a number"))
}

/// SysTick `ticks` in instructions, by the run's calibration line.
pub fn instructions(run: &Run, ticks: u64) -> u64 {
    assert_eq!(run.get("clock", &[], "instructions"), "1000000");
    let per_million = run.number("clock", &[], "ticks");
    assert!(per_million > 0, "the SysTick clock did not run:\n{}", run.stdout);
    (ticks * 1_000_000 + per_million / 2) / per_million
}

/// The QEMU machine for a target: mps2-an386 (Cortex-M4F) or the BBC micro:bit (Cortex-M0).
pub fn machine(target: &str) -> &'static [&'static str] {
    if target == M4 { &["-machine", "mps2-an386", "-cpu", "cortex-m4"] } else { &["-machine", "microbit"] }
}

/// Boots `elf` in QEMU with semihosting and checks that it printed `target <target>` first and
/// `done`, and exited with 0.
pub fn qemu(elf: &Path, target: &str) -> Run {
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
pub fn run_with_timeout(cmd: &mut Command) -> (Run, String) {
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
pub fn boot(elf: &Path, machine: &[&str]) -> (Run, String) {
    run_with_timeout(
        Command::new("qemu-system-arm")
            .args(machine)
            .args(["-nographic", "-semihosting-config", "enable=on,target=native", "-icount", "shift=0", "-kernel"])
            .arg(elf),
    )
}

/// `0x3f800000` (or without `0x`) as a `u32`.
pub fn hex_u32(s: &str) -> u32 {
    u32::from_str_radix(s.trim_start_matches("0x"), 16).unwrap_or_else(|_| panic!("not hex: {s}"))
}

/// `0a1b…` as bytes.
pub fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

/// Compares device outputs with the host's: within [`TOLERANCE`] always, bit for bit in the
/// portable configuration. `what` names the values in messages.
pub fn compare(what: &str, device: &[f32], host: &[f32]) {
    assert_eq!(device.len(), host.len(), "{what}: device gave {device:?}, host {host:?}");
    for (d, h) in device.iter().zip(host) {
        assert!((d - h).abs() <= TOLERANCE, "{what}: device {device:?}, host {host:?} (tolerance {TOLERANCE:e})");
    }
    if portable() {
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(device), bits(host), "{what}: within tolerance but not bit-identical: {device:?} vs {host:?}");
    }
}

/// Section sizes of one program.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    /// `.vector_table`.
    pub vector_table: usize,
    /// `.text`.
    pub text: usize,
    /// `.rodata`.
    pub rodata: usize,
    /// `.data`.
    pub data: usize,
    /// `.bss`.
    pub bss: usize,
    /// Flash: vector table, code, read-only data and `.data`'s initial values.
    pub flash: usize,
    /// Static RAM: `.data`, `.bss` and `.uninit`.
    pub ram: usize,
}

impl Sizes {
    /// The sizes of a linked program.
    pub fn of(elf: &Elf) -> Sizes {
        Sizes {
            vector_table: elf.size(".vector_table"),
            text: elf.size(".text"),
            rodata: elf.size(".rodata"),
            data: elf.size(".data"),
            bss: elf.size(".bss"),
            flash: elf.flash(),
            ram: elf.ram(),
        }
    }

    /// Reads the sizes of the ELF at `path`.
    pub fn read(path: &Path) -> Sizes {
        Sizes::of(&Elf::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
    }
}

/// The `name` static holds `bytes` bytes in `.rodata`, in flash (not copied to RAM).
pub fn check_in_flash(elf: &Elf, name: &str, bytes: usize, what: &str) {
    let symbol = elf.symbol(name).unwrap_or_else(|| panic!("{what}: no `{name}` symbol"));
    assert_eq!(symbol.size as usize, bytes, "{what}: {name} has {} bytes", symbol.size);
    assert!(elf.symbol_in(name, ".rodata") && symbol.addr < 0x2000_0000, "{what}: {name} is not in .rodata in flash");
}

/// The symbols of `core::fmt`'s formatting machinery in `elf` (mangled names of `core::fmt::…`;
/// `core::panicking::panic_fmt`, the call into the panic handler, is not one).
pub fn formatting_symbols(elf: &Elf) -> Vec<&str> {
    elf.symbols.iter().map(|s| s.name.as_str()).filter(|n| n.contains("core3fmt") || n.contains("core..fmt")).collect()
}

// ---------------------------------------------------------------------------------------------
// The README's generated blocks.

/// `1234567` as `1 234 567` (narrow no-break spaces).
pub fn grouped(n: u64) -> String {
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
pub fn wrap(text: &str, indent: usize) -> String {
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

/// The rustc that builds the firmware, as `rustc 1.95.0`.
pub fn rustc_version() -> String {
    let out = Command::new("rustc").current_dir(firmware_dir()).arg("--version").output().unwrap();
    String::from_utf8_lossy(&out.stdout).split(" (").next().unwrap_or("").trim().to_string()
}

/// Checks that the README's block between the lines `begin` and `end` is `fresh`; with
/// `CONSTNET_UPDATE_README=1` rewrites it instead. A difference fails, naming `command`, which
/// rewrites it.
pub fn check_readme_block(begin: &str, end: &str, fresh: &str, command: &str) {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let (before, rest) = readme.split_once(begin).unwrap_or_else(|| panic!("README: no `{begin}` line"));
    let (current, after) = rest.split_once(end).unwrap_or_else(|| panic!("README: no `{end}` line"));
    let fresh_block = format!("\n{fresh}");
    if current == fresh_block {
        println!("README block `{begin}` is current:\n{fresh}");
    } else if std::env::var("CONSTNET_UPDATE_README").is_ok_and(|v| v == "1") {
        std::fs::write(&path, format!("{before}{begin}{fresh_block}{end}{after}")).unwrap();
        note(&format!("README.md: block `{begin}` rewritten:\n{fresh}"));
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
            "the README's figures after `{begin}` differ from the measured ones; rewrite them with `{command}`.\n{diff}"
        );
    }
}

/// For a README check: the figures if every measurement succeeded; `None` (after a note) if a
/// tool is missing; fails if a measurement failed under `CONSTNET_REQUIRE_QEMU=1` (a failure is
/// reported by its own test too).
pub fn all_measured<T>(what: &str, results: Vec<Result<T, String>>) -> Option<Vec<T>> {
    let failed = results.iter().any(|r| r.as_ref().is_err_and(|e| !e.is_empty()));
    if results.iter().all(Result::is_ok) {
        return Some(results.into_iter().flatten().collect());
    }
    note(&format!("skipped: {what} ({})", if failed { "a firmware check failed" } else { "tools missing" }));
    assert!(!failed || !require(), "the firmware checks failed, so {what} could not be measured");
    None
}
