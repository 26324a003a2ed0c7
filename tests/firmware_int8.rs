//! Integer inference and fixed-point training on a Cortex-M0 (no FPU) in QEMU, checked against
//! the host: builds `examples/firmware` for `thumbv6m-none-eabi` and boots three programs —
//!
//! - `int8`: the circles classifier quantized to int8, inference only, integers only: its
//!   outputs must be bit-identical to the host's, its flash must fit in 6 KiB, no panic may be
//!   reachable from `constnet_infer_int8`, and its stack and instructions per sample are
//!   reported;
//! - `int8_vs_f32`: the same points through the `f32` network (software floats) and through the
//!   int8 twin, with the same instruction clock: the int8 path must take at least 4× fewer;
//! - `xor_fixed`: XOR trained on the device in Q16.16 and in `f32`: the Q16 run must solve XOR
//!   and match the host's bit for bit (epochs, outputs, weights, loss curve).
//!
//! Without `qemu-system-arm`, the `thumbv6m-none-eabi` target or `llvm-objdump` these checks
//! print `skipped: …` and pass, unless `CONSTNET_REQUIRE_QEMU=1`. The figures are the README's
//! (section "Integer inference and fixed point"): the test fails when the README's generated
//! block differs, and `CONSTNET_UPDATE_README=1 cargo test --test firmware_int8` rewrites it.
//! `examples/firmware/circles.q8` is `circles.cnet` quantized by `quantize_circles`
//! (`examples/firmware/src/int8_shared.rs`); `cargo run -p constnet-firmware-weights` rewrites
//! it with the other weights. The tools, builds and QEMU runs are `tests/firmware_support`'s,
//! shared with `tests/firmware.rs`.

mod firmware_support;

#[path = "../examples/firmware/src/shared.rs"]
#[allow(dead_code)]
mod shared;

#[path = "../examples/firmware/src/int8_shared.rs"]
#[allow(dead_code)]
mod int8_shared;

use constnet::fixed::Q16;
use constnet::int8::Quantized;
use constnet::io::Model;
use constnet::prelude::*;
use constnet_elf_check::{Elf, check_no_panic};
use firmware_support::*;
use int8_shared::{CIRCLES_Q8_FILE, XorRun, points_q8, quantize_circles, train_xor};
use shared::{CIRCLES_FILE, Circles, POINTS};
use std::fmt::Write as _;
use std::sync::OnceLock;

/// Flash the int8-only inference program may use on the Cortex-M0 (issue 10's target).
const INT8_FLASH_BUDGET: usize = 6 * 1024;
/// The command that rewrites the README's int8 figures.
const README_COMMAND: &str = "CONSTNET_UPDATE_README=1 cargo test --test firmware_int8";
/// The generated part of the README's "Integer inference and fixed point" section lies between
/// these lines.
const FIGURES_BEGIN: &str = "<!-- int8 firmware figures: begin -->";
const FIGURES_END: &str = "<!-- int8 firmware figures: end -->";

/// The committed `circles.cnet`, decoded at run time, so that a stale file fails the checks
/// with the regeneration command instead of failing to compile this test.
fn committed_circles() -> &'static Circles {
    static NET: OnceLock<Circles> = OnceLock::new();
    NET.get_or_init(|| {
        Circles::from_bytes(&read_committed(CIRCLES_FILE))
            .unwrap_or_else(|e| undecodable(CIRCLES_FILE, "the circles network", e))
    })
}

/// The committed `circles.q8`, decoded at run time (the firmware decodes it at compile time).
fn committed_q8() -> &'static Quantized<Circles> {
    static NET: OnceLock<Quantized<Circles>> = OnceLock::new();
    NET.get_or_init(|| {
        Quantized::<Circles>::from_bytes(&read_committed(CIRCLES_Q8_FILE))
            .unwrap_or_else(|e| undecodable(CIRCLES_Q8_FILE, "the int8 circles network", e))
    })
}

/// `circles.q8` is `circles.cnet` quantized, byte for byte; the points the compiler quantizes
/// for the device are the host's quantization of them, and int8 classifies them all right.
#[test]
fn circles_q8_is_circles_cnet_quantized() {
    let q = quantize_circles(committed_circles()).unwrap();
    let mut bytes = vec![0u8; Quantized::<Circles>::BYTES];
    q.to_bytes(&mut bytes).unwrap();
    assert!(
        read_committed(CIRCLES_Q8_FILE) == bytes,
        "{CIRCLES_Q8_FILE} is not {CIRCLES_FILE} quantized: regenerate it with `{WEIGHTS_COMMAND}`"
    );
    assert_eq!(*committed_q8(), q, "decoding the bytes does not give the quantized network back");
    let points = points_q8(q.input);
    for (i, (x, label)) in POINTS.iter().enumerate() {
        assert_eq!(points[i], q.quantize_input(x), "the compile-time quantization of point {i} differs");
        assert_eq!(u8::from(q.forward_int8(&points[i])[0] >= 0), *label, "int8 misclassifies {x:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The programs, each run once (the checks and the README test share the runs).

/// What the `int8` program measured.
#[derive(Debug)]
struct Int8Figures {
    sizes: Sizes,
    /// The `f32` inference-only program (`infer`), for comparison.
    infer: Sizes,
    /// Code bytes reachable from `constnet_infer_int8` and from `constnet_infer` (f32).
    code_int8: usize,
    code_f32: usize,
    stack: usize,
    /// The stack high-water mark of `infer` (f32).
    stack_f32: usize,
    instructions_per_sample: u64,
    outputs: usize,
}

fn int8_figures() -> Result<&'static Int8Figures, String> {
    static FIGURES: OnceLock<Result<Option<Int8Figures>, String>> = OnceLock::new();
    once(&FIGURES, measure_int8)
}

fn measure_int8() -> Option<Int8Figures> {
    need_target(M0)?;
    let dir = build(M0);
    let elf = Elf::read(&dir.join("int8")).unwrap();
    let sizes = Sizes::of(&elf);
    assert!(
        sizes.flash <= INT8_FLASH_BUDGET,
        "the int8 program needs {} bytes of flash on the Cortex-M0, over the budget of {INT8_FLASH_BUDGET} \
         ({sizes:?})",
        sizes.flash
    );
    check_in_flash(&elf, "CIRCLES_INT8", Quantized::<Circles>::PARAM_BYTES, "int8");
    // No formatting code at all: nothing in the program prints through `core::fmt`, and neither
    // handler (panic, HardFault) formats.
    let fmt = formatting_symbols(&elf);
    assert!(fmt.is_empty(), "the int8 program links core::fmt: {fmt:?}");

    let objdump = need_objdump()?;
    // The program holds no panic path at all, so no canary either; the walk's canary is checked
    // on the other programs of the same build (tests/firmware.rs).
    let int8 = check_no_panic(&objdump, &dir.join("int8"), &["constnet_infer_int8"], None)
        .unwrap_or_else(|e| panic!("{M0} int8: {e}"));
    let f32 = check_no_panic(&objdump, &dir.join("infer"), &["constnet_infer"], Some("constnet_panic_canary"))
        .unwrap_or_else(|e| panic!("{M0} infer: {e}"));
    println!(
        "{M0} int8: no panic reachable from constnet_infer_int8: {} bytes of code in {:?}",
        int8[0].code_bytes, int8[0].reachable
    );

    need_qemu()?;
    let run = qemu(&dir.join("int8"), M0);
    let lines: Vec<_> = run.all("int8").into_iter().filter(|f| f.contains_key("y")).collect();
    assert_eq!(lines.len(), POINTS.len(), "expected one line per point:\n{}", run.stdout);
    let q = committed_q8();
    for (i, f) in lines.iter().enumerate() {
        assert_eq!(f["i"], i.to_string());
        let x = [number(f["x0"]) as u8 as i8, number(f["x1"]) as u8 as i8];
        assert_eq!(
            x,
            q.quantize_input(&POINTS[i].0),
            "point {i}: the device's input differs from the host's quantization"
        );
        let (device, host) = (number(f["y"]) as u8 as i8, q.forward_int8(&x)[0]);
        assert_eq!(device, host, "point {i}: device {device}, host {host}");
        assert_eq!(f["class"], POINTS[i].1.to_string(), "point {i} misclassified");
    }
    // The f32 program, for its stack (its outputs are checked by tests/firmware.rs).
    let stack_f32 = qemu(&dir.join("infer"), M0).stack("inference");
    let figures = Int8Figures {
        sizes,
        infer: Sizes::read(&dir.join("infer")),
        code_int8: int8[0].code_bytes,
        code_f32: f32[0].code_bytes,
        stack: run.stack("int8"),
        stack_f32,
        instructions_per_sample: run.instructions_per_call("int8"),
        outputs: lines.len(),
    };
    println!(
        "int8 circles on the Cortex-M0: {n}/{n} outputs bit-identical to the host; {} instructions per sample; stack \
         high-water mark {} B; flash {} B ({:?})",
        figures.instructions_per_sample,
        figures.stack,
        figures.sizes.flash,
        figures.sizes,
        n = figures.outputs,
    );
    Some(figures)
}

/// What `int8_vs_f32` measured: instructions per sample.
#[derive(Debug)]
struct CostFigures {
    f32: u64,
    int8: u64,
}

fn cost_figures() -> Result<&'static CostFigures, String> {
    static FIGURES: OnceLock<Result<Option<CostFigures>, String>> = OnceLock::new();
    once(&FIGURES, || {
        need_target(M0)?;
        let dir = build(M0);
        need_qemu()?;
        let run = qemu(&dir.join("int8_vs_f32"), M0);
        assert_eq!(run.get("cost", &[], "disagree"), "0", "f32 and int8 classify differently:\n{}", run.stdout);
        let samples = run.number("cost", &[], "samples");
        let per_sample = |key| instructions(&run, run.number("cost", &[], key)) / samples;
        Some(CostFigures { f32: per_sample("f32_ticks"), int8: per_sample("int8_ticks") })
    })
}

/// What `xor_fixed` measured, with the host's runs it matched.
#[derive(Debug)]
struct XorFigures {
    q16: XorRun<Q16>,
    f32: XorRun<f32>,
    q16_instructions: u64,
    f32_instructions: u64,
    stack: usize,
}

fn xor_figures() -> Result<&'static XorFigures, String> {
    static FIGURES: OnceLock<Result<Option<XorFigures>, String>> = OnceLock::new();
    once(&FIGURES, measure_xor)
}

fn measure_xor() -> Option<XorFigures> {
    need_target(M0)?;
    let dir = build(M0);
    need_qemu()?;
    let run = qemu(&dir.join("xor_fixed"), M0);
    let with = |scalar| [("scalar", scalar)];
    assert_eq!(run.get("xor", &with("q16"), "solved"), "1", "Q16 XOR not solved on the device:\n{}", run.stdout);
    let host: XorRun<Q16> = train_xor::<Q16>().unwrap();
    let host_f32: XorRun<f32> = train_xor::<f32>().unwrap();
    assert!(host.solved && host_f32.solved);
    assert_eq!(run.number("xor", &with("q16"), "epochs") as usize, host.epochs);
    assert_eq!(run.number("xor", &with("f32"), "epochs") as usize, host_f32.epochs);
    let words = |prefix: &str| -> Vec<u32> { run.words(prefix).into_iter().map(|w| number(w) as u32).collect() };
    let host_outputs: Vec<u32> = host.outputs.iter().map(|y| y.to_bits() as u32).collect();
    assert_eq!(words("q16 outputs"), host_outputs, "outputs differ from the host's");
    let host_weights: Vec<u32> =
        (0..4).flat_map(|t| host.net.tensor(t).iter().map(|w| w.to_bits() as u32).collect::<Vec<_>>()).collect();
    assert_eq!(words("q16 weights"), host_weights, "trained weights differ from the host's");
    let host_curve: Vec<u32> = host.curve.iter().map(|l| l.to_bits() as u32).collect();
    assert_eq!(words("q16 curve"), host_curve, "the Q16 loss curve differs from the host's");
    // The f32 run is compared bit for bit too, in the portable configuration.
    let f32_curve: Vec<f32> = words("f32 curve").into_iter().map(f32::from_bits).collect();
    compare("f32 XOR loss curve", &f32_curve, &host_f32.curve);
    Some(XorFigures {
        q16_instructions: instructions(&run, run.number("xor", &with("q16"), "ticks")),
        f32_instructions: instructions(&run, run.number("xor", &with("f32"), "ticks")),
        stack: run.stack("xor_q16"),
        q16: host,
        f32: host_f32,
    })
}

// ---------------------------------------------------------------------------------------------
// The checks.

/// Fails with the measurement's failure; passes (the skip was printed) when a tool is missing.
fn check<T>(result: Result<&'static T, String>) -> Option<&'static T> {
    match result {
        Ok(figures) => Some(figures),
        Err(e) if e.is_empty() => None,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn int8_inference_on_the_cortex_m0_is_bit_identical_to_the_host_and_fits_6_kib() {
    check(int8_figures());
}

#[test]
fn int8_inference_takes_at_least_4x_fewer_instructions_than_soft_float() {
    let Some(cost) = check(cost_figures()) else { return };
    println!(
        "circles inference on the Cortex-M0: f32 (software floats) {} instructions per sample, int8 {}: {:.1}× fewer",
        cost.f32,
        cost.int8,
        cost.f32 as f64 / cost.int8 as f64
    );
    assert!(cost.f32 >= 4 * cost.int8, "int8 {} vs f32 {} instructions per sample", cost.int8, cost.f32);
}

#[test]
fn fixed_point_xor_trains_on_the_cortex_m0_like_the_host() {
    let Some(x) = check(xor_figures()) else { return };
    println!(
        "XOR 2-4-1 on the Cortex-M0: Q16 solved in {} epochs, {} instructions; f32 (software floats) in {} epochs, {} \
         instructions; Q16 run bit-identical to the host; stack {} B",
        x.q16.epochs, x.q16_instructions, x.f32.epochs, x.f32_instructions, x.stack
    );
}

/// `12.3 M` for instruction counts in the millions.
fn millions(n: u64) -> String {
    format!("{:.1} M", n as f64 / 1e6)
}

/// `61 k`.
fn thousands(n: f64) -> String {
    format!("{:.0} k", n / 1e3)
}

/// The README's generated int8 figures, in Markdown.
fn render(int8: &Int8Figures, cost: &CostFigures, xor: &XorFigures, rustc: &str) -> String {
    let mut s = String::new();
    s.push_str(&wrap(
        &format!(
            "Measured on QEMU's `microbit` machine, a Cortex-M0 without FPU, by `cargo test --test firmware_int8` \
             (release, `opt-level = \"s\"`, LTO, {rustc}; instructions counted as in \"Firmware\"); it fails when this \
             text differs from what it measured, and `{README_COMMAND}` rewrites it."
        ),
        0,
    ));
    s.push('\n');
    s.push_str("| circles on the Cortex-M0 | f32 (software floats) | int8 |\n|---|--:|--:|\n");
    let _ = writeln!(
        s,
        "| instructions per sample (`int8_vs_f32`) | {} | **{} ({:.1}× fewer)** |",
        grouped(cost.f32),
        grouped(cost.int8),
        cost.f32 as f64 / cost.int8 as f64
    );
    let _ = writeln!(
        s,
        "| inference-only program, flash | {} (`infer`) | **{}** (`int8`; budget {}) |",
        grouped(int8.infer.flash as u64),
        grouped(int8.sizes.flash as u64),
        grouped(INT8_FLASH_BUDGET as u64)
    );
    let _ = writeln!(
        s,
        "| code reachable from the entry point, no panic reachable | {} (`constnet_infer`) | {} \
         (`constnet_infer_int8`) |",
        grouped(int8.code_f32 as u64),
        grouped(int8.code_int8 as u64)
    );
    let _ = writeln!(
        s,
        "| stack high-water mark of the program | {} B | {} B |",
        grouped(int8.stack_f32 as u64),
        grouped(int8.stack as u64)
    );
    let _ = writeln!(s, "| host ≡ device | | {n}/{n} outputs bit-identical |", n = int8.outputs);
    s.push('\n');
    let z = &int8.sizes;
    s.push_str(&wrap(
        &format!(
            "- **The int8 program** (`src/bin/int8.rs`): `.vector_table` {}, `.text` {}, `.rodata` {} (of which {} for \
             the `Quantized<Circles>` `static`), `.data` {}. No formatting code is linked: it prints with \
             `constnet_firmware::out` (hex and decimal in a few lines of its own), and the firmware's panic and \
             HardFault handlers print through the same, without `core::fmt` (about 2.5 KB on the Cortex-M0). \
             `infer` prints its integers with `core::fmt`.",
            grouped(z.vector_table as u64),
            grouped(z.text as u64),
            grouped(z.rodata as u64),
            Quantized::<Circles>::PARAM_BYTES,
            z.data
        ),
        2,
    ));
    let steps_q16 = 4 * xor.q16.epochs;
    let steps_f32 = 4 * xor.f32.epochs;
    let (per_q16, per_f32) =
        (xor.q16_instructions as f64 / steps_q16 as f64, xor.f32_instructions as f64 / steps_f32 as f64);
    let mut curve = String::new();
    for e in [1, 10, 20, 40, 64] {
        if let (Some(a), Some(b)) = (xor.q16.curve.get(e - 1), xor.f32.curve.get(e - 1)) {
            let _ = write!(curve, "{}{e}: {:.3} / {:.3}", if curve.is_empty() { "" } else { ", " }, a.to_f64(), b);
        }
    }
    s.push_str(&wrap(
        &format!(
            "- **XOR trained on the Cortex-M0 in Q16** (2-4-1, tanh/sigmoid, Adam lr 0.05 with ε 10⁻⁴ for both, \
             per-sample steps from seed 7 until every output is within 0.1): solved in {} epochs, **{} instructions** \
             ({} per step), bit-identical to the host (outputs, all 17 weights, loss curve); the same run in `f32` \
             (software floats) took {} epochs and {} instructions ({} per step): {:.1}× fewer instructions per step in \
             Q16. The stack high-water mark of the Q16 run is {} B. Loss by epoch, Q16 / f32: {curve}.",
            xor.q16.epochs,
            millions(xor.q16_instructions),
            thousands(per_q16),
            xor.f32.epochs,
            millions(xor.f32_instructions),
            thousands(per_f32),
            per_f32 / per_q16,
            grouped(xor.stack as u64)
        ),
        2,
    ));
    s
}

/// The figures in the README's "Integer inference and fixed point" section are the measured ones.
#[test]
fn readme_int8_figures_are_the_measured_ones() {
    let (int8, cost, xor) = (int8_figures(), cost_figures(), xor_figures());
    let all = [int8.as_ref().err(), cost.as_ref().err(), xor.as_ref().err()];
    let Some(_) =
        all_measured("README int8 figures", all.iter().map(|e| e.map_or(Ok(()), |e| Err(e.clone()))).collect())
    else {
        return;
    };
    let fresh = render(int8.unwrap(), cost.unwrap(), xor.unwrap(), &rustc_version());
    check_readme_block(FIGURES_BEGIN, FIGURES_END, &fresh, README_COMMAND);
}
