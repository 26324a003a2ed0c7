//! Integer inference and fixed-point training on a Cortex-M0 (no FPU) in QEMU, checked against
//! the host: builds `examples/firmware` for `thumbv6m-none-eabi` and boots three programs —
//!
//! - `int8`: the circles classifier quantized to int8, inference only, integers only: its
//!   outputs must be bit-identical to the host's, and its flash, stack and instructions per
//!   sample are reported;
//! - `int8_vs_f32`: the same points through the `f32` network (software floats) and through the
//!   int8 twin, with the same instruction clock: the int8 path must take at least 4× fewer;
//! - `xor_fixed`: XOR trained on the device in Q16.16 and in `f32`: the Q16 run must solve XOR
//!   and match the host's bit for bit (epochs, outputs, weights, loss curve).
//!
//! Without `qemu-system-arm` or the `thumbv6m-none-eabi` target these checks print `skipped: …`
//! and pass, unless `CONSTNET_REQUIRE_QEMU=1`. `cargo test --test firmware_int8 -- --nocapture`
//! prints the figures of the README's "Integer inference and fixed point" section.
//! `examples/firmware/circles.q8` is `circles.cnet` quantized by [`quantize_circles`];
//! `CONSTNET_WRITE_WEIGHTS=1 cargo test --test firmware_int8 circles_q8` rewrites it.

#[path = "../examples/firmware/src/shared.rs"]
#[allow(dead_code)]
mod shared;

#[path = "../examples/firmware/src/int8_shared.rs"]
#[allow(dead_code)]
mod int8_shared;

use constnet::fixed::Q16;
use constnet::int8::Quantized;
use constnet::prelude::*;
use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
use int8_shared::{CIRCLES_Q8, POINTS_Q8, XorRun, train_xor};
use shared::{Circles, POINTS};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

static CIRCLES: Circles = include_model!(Circles, include_bytes!("../examples/firmware/circles.cnet"));

const M0: &str = "thumbv6m-none-eabi";
const QEMU_TIMEOUT: Duration = Duration::from_secs(120);

fn firmware_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/firmware")
}

/// `circles.cnet` quantized with the first 320 points of its own training data
/// (`circles(400, factor 0.5, noise 0.1)`, seed 3, as in `tests/firmware.rs`) as calibration set.
fn quantize_circles() -> Quantized<Circles> {
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(3);
    let mut inputs = [[0.0f32; 2]; 400];
    let mut targets = [[0.0f32; 1]; 400];
    constnet::data::circles(&mut inputs, &mut targets, 0.5, 0.1, &mut rng).unwrap();
    Quantized::quantize(&CIRCLES, &inputs[..320]).unwrap()
}

#[test]
fn circles_q8_is_circles_cnet_quantized() {
    let q = quantize_circles();
    let mut bytes = vec![0u8; Quantized::<Circles>::BYTES];
    q.to_bytes(&mut bytes).unwrap();
    let path = firmware_dir().join("circles.q8");
    if std::env::var_os("CONSTNET_WRITE_WEIGHTS").is_some() {
        std::fs::write(&path, &bytes).unwrap();
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "circles.q8 is stale: CONSTNET_WRITE_WEIGHTS=1 cargo test --test firmware_int8 circles_q8"
    );
    assert_eq!(CIRCLES_Q8, q, "compile-time and run-time decoding differ");
    for (i, (x, label)) in POINTS.iter().enumerate() {
        assert_eq!(POINTS_Q8[i], q.quantize_input(x), "the compiler quantized point {i} differently");
        assert_eq!(u8::from(q.forward_int8(&POINTS_Q8[i])[0] >= 0), *label, "int8 misclassifies {x:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Tools, build, runs.

fn require() -> bool {
    std::env::var("CONSTNET_REQUIRE_QEMU").is_ok_and(|v| v == "1")
}

/// Builds the firmware for the Cortex-M0 once; `None` (with a skip line) without the tools.
fn build() -> Option<&'static PathBuf> {
    static BUILD: OnceLock<Option<PathBuf>> = OnceLock::new();
    BUILD
        .get_or_init(|| {
            let qemu = Command::new("qemu-system-arm").arg("--version").output().is_ok_and(|o| o.status.success());
            let target = Command::new("rustc")
                .current_dir(firmware_dir())
                .args(["--print", "target-libdir", "--target", M0])
                .output()
                .is_ok_and(|o| {
                    o.status.success()
                        && std::fs::read_dir(String::from_utf8_lossy(&o.stdout).trim())
                            .is_ok_and(|mut d| d.next().is_some())
                });
            if !(qemu && target) {
                assert!(!require(), "qemu-system-arm or the {M0} target is missing and CONSTNET_REQUIRE_QEMU=1");
                use std::io::Write as _;
                let _ = writeln!(
                    std::io::stderr(),
                    "skipped: the Cortex-M0 checks need qemu-system-arm and `rustup target add {M0}`"
                );
                return None;
            }
            let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
            let out = Command::new(cargo)
                .current_dir(firmware_dir())
                .args(["build", "--release", "--target", M0])
                .env_remove("CARGO_TARGET_DIR")
                .env_remove("CARGO_BUILD_TARGET")
                .env_remove("RUSTFLAGS")
                .env_remove("CARGO_ENCODED_RUSTFLAGS")
                .env_remove("CARGO_BUILD_RUSTFLAGS")
                .output()
                .expect("run cargo");
            assert!(out.status.success(), "firmware build failed:\n{}", String::from_utf8_lossy(&out.stderr));
            Some(firmware_dir().join("target").join(M0).join("release"))
        })
        .as_ref()
}

/// Boots a program on QEMU's micro:bit (Cortex-M0) with the instruction clock; it must print
/// `done` and exit with 0. Returns its output.
fn boot(program: &Path) -> String {
    let started = Instant::now();
    let mut child = Command::new("qemu-system-arm")
        .args(["-machine", "microbit", "-nographic", "-semihosting-config", "enable=on,target=native"])
        .args(["-icount", "shift=0", "-kernel"])
        .arg(program)
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
    let out = child.wait_with_output().unwrap();
    // `int8` writes through SYS_WRITEC (no `core::fmt`), which QEMU puts on stderr.
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(status, Some(0), "{} ended with {status:?}:\n{stdout}", program.display());
    assert!(stdout.lines().any(|l| l == "done"), "no `done` line:\n{stdout}");
    stdout
}

/// The `key=value` fields of every line starting with `prefix `.
fn lines<'a>(out: &'a str, prefix: &str) -> Vec<BTreeMap<&'a str, &'a str>> {
    out.lines()
        .filter_map(|l| l.strip_prefix(prefix)?.strip_prefix(' '))
        .map(|rest| rest.split_whitespace().filter_map(|kv| kv.split_once('=')).collect())
        .collect()
}

/// A number printed in decimal or as `0x…`.
fn number(s: &str) -> u64 {
    match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).unwrap(),
        None => s.parse().unwrap(),
    }
}

/// Instructions from SysTick ticks, with the calibration line (ticks per 10⁶ instructions).
fn instructions(out: &str, ticks: u64) -> f64 {
    let calibration = &lines(out, "clock calibration")[0];
    assert_eq!(number(calibration["instructions"]), 1_000_000);
    let per_million = number(calibration["ticks"]);
    assert!(per_million > 0, "the clock did not run");
    ticks as f64 * 1e6 / per_million as f64
}

/// The sizes of an ELF's sections, from `llvm-size -A`-compatible parsing of the file itself.
fn sections(path: &Path) -> BTreeMap<String, usize> {
    let d = std::fs::read(path).unwrap();
    let u16_at = |o: usize| u16::from_le_bytes([d[o], d[o + 1]]) as usize;
    let u32_at = |o: usize| u32::from_le_bytes([d[o], d[o + 1], d[o + 2], d[o + 3]]) as usize;
    let (shoff, shentsize, shnum, shstrndx) = (u32_at(0x20), u16_at(0x2e), u16_at(0x30), u16_at(0x32));
    let strtab = u32_at(shoff + shstrndx * shentsize + 16);
    (0..shnum)
        .map(|i| {
            let h = shoff + i * shentsize;
            let name = strtab + u32_at(h);
            let end = d[name..].iter().position(|&b| b == 0).unwrap();
            (String::from_utf8_lossy(&d[name..name + end]).into_owned(), u32_at(h + 20))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The checks.

#[test]
fn int8_inference_on_the_cortex_m0_is_bit_identical_to_the_host() {
    let Some(dir) = build() else { return };
    let out = boot(&dir.join("int8"));
    let results = lines(&out, "int8");
    let points: Vec<_> = results.iter().filter(|f| f.contains_key("y")).collect();
    assert_eq!(points.len(), POINTS.len(), "{out}");
    for (i, f) in points.iter().enumerate() {
        let x = [number(f["x0"]) as u8 as i8, number(f["x1"]) as u8 as i8];
        assert_eq!(
            x,
            CIRCLES_Q8.quantize_input(&POINTS[i].0),
            "point {i}: the device's input differs from the host's quantization"
        );
        let device = number(f["y"]) as u8 as i8;
        let host = CIRCLES_Q8.forward_int8(&x)[0];
        assert_eq!(device, host, "point {i}: device {device}, host {host}");
        assert_eq!(number(f["class"]) as u8, POINTS[i].1, "point {i} misclassified");
    }
    let summary = results.iter().find(|f| f.contains_key("samples")).unwrap();
    let per_sample = instructions(&out, number(summary["ticks"])) / number(summary["samples"]) as f64;
    let stack = number(lines(&out, "stack")[0]["bytes"]);
    let s = sections(&dir.join("int8"));
    let flash = s[".vector_table"] + s[".text"] + s[".rodata"] + s.get(".data").copied().unwrap_or(0);
    println!(
        "int8 circles on the Cortex-M0: 12/12 outputs bit-identical to the host; {per_sample:.0} instructions per sample \
         (SysTick under -icount, 1 tick = {:.1} instructions); stack high-water mark {stack} B; flash {flash} B \
         (.vector_table {}, .text {}, .rodata {}); Quantized<Circles> = {} B",
        1e6 / number(lines(&out, "clock calibration")[0]["ticks"]) as f64,
        s[".vector_table"],
        s[".text"],
        s[".rodata"],
        Quantized::<Circles>::PARAM_BYTES
    );
}

#[test]
fn int8_inference_takes_at_least_4x_fewer_instructions_than_soft_float() {
    let Some(dir) = build() else { return };
    let out = boot(&dir.join("int8_vs_f32"));
    let cost = &lines(&out, "cost")[0];
    let samples = number(cost["samples"]) as f64;
    let f32_per = instructions(&out, number(cost["f32_ticks"])) / samples;
    let int8_per = instructions(&out, number(cost["int8_ticks"])) / samples;
    println!(
        "circles inference on the Cortex-M0: f32 (software floats) {f32_per:.0} instructions per sample, int8 {int8_per:.0}: {:.1}× fewer",
        f32_per / int8_per
    );
    assert_eq!(cost["disagree"], "0");
    assert!(f32_per >= 4.0 * int8_per, "int8 {int8_per} vs f32 {f32_per} instructions per sample");
}

#[test]
fn fixed_point_xor_trains_on_the_cortex_m0_like_the_host() {
    let Some(dir) = build() else { return };
    let out = boot(&dir.join("xor_fixed"));
    let runs = lines(&out, "xor");
    let (q, f) =
        (runs.iter().find(|r| r["scalar"] == "q16").unwrap(), runs.iter().find(|r| r["scalar"] == "f32").unwrap());
    assert_eq!(q["solved"], "1", "Q16 XOR not solved on the device:\n{out}");
    let host: XorRun<Q16> = train_xor::<Q16>().unwrap();
    let host_f32: XorRun<f32> = train_xor::<f32>().unwrap();
    assert!(host.solved);
    assert_eq!(number(q["epochs"]) as usize, host.epochs);
    assert_eq!(number(f["epochs"]) as usize, host_f32.epochs);
    let words = |prefix: &str| -> Vec<u32> {
        let line = out.lines().find_map(|l| l.strip_prefix(prefix)).unwrap_or_else(|| panic!("no `{prefix}` line"));
        line.split_whitespace().map(|w| number(w) as u32).collect()
    };
    let host_outputs: Vec<u32> = host.outputs.iter().map(|y| y.to_bits() as u32).collect();
    assert_eq!(words("q16 outputs"), host_outputs, "outputs differ from the host's");
    let host_weights: Vec<u32> =
        (0..4).flat_map(|t| host.net.tensor(t).iter().map(|w| w.to_bits() as u32).collect::<Vec<_>>()).collect();
    assert_eq!(words("q16 weights"), host_weights, "trained weights differ from the host's");
    let host_curve: Vec<u32> = host.curve.iter().map(|l| l.to_bits() as u32).collect();
    assert_eq!(words("q16 curve"), host_curve);
    let f32_curve: Vec<u32> = host_f32.curve.iter().map(|l| l.to_bits()).collect();
    assert_eq!(words("f32 curve"), f32_curve);
    let (q_instr, f_instr) = (instructions(&out, number(q["ticks"])), instructions(&out, number(f["ticks"])));
    println!(
        "XOR 2-4-1 (Adam, lr 0.05, ε 1e-4) on the Cortex-M0: Q16 solved in {} epochs, {:.2} M instructions ({:.0} per step); \
         f32 (software floats) in {} epochs, {:.2} M instructions ({:.0} per step); Q16 run bit-identical to the host",
        host.epochs,
        q_instr / 1e6,
        q_instr / (4 * host.epochs) as f64,
        host_f32.epochs,
        f_instr / 1e6,
        f_instr / (4 * host_f32.epochs) as f64,
    );
    println!("loss by epoch, Q16 / f32:");
    for e in [1, 2, 5, 10, 20, 30, 40, 50, 60, 64] {
        let (a, b) = (host.curve.get(e - 1).map(|v| v.to_f64()), host_f32.curve.get(e - 1).map(|&v| f64::from(v)));
        if let (Some(a), Some(b)) = (a, b)
            && (a != 0.0 || b != 0.0)
        {
            println!("  {e:>2}: {a:.4} / {b:.4}");
        }
    }
    let stack = number(lines(&out, "stack")[0]["bytes"]);
    println!("stack high-water mark of the Q16 training run: {stack} B");
}
