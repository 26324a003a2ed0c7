//! `cargo run -p constnet-firmware-weights`: trains the networks the firmware keeps in flash and
//! writes them in the model byte format:
//!
//! - the circles classifier (`train_circles` in `examples/firmware/src/shared.rs`) to
//!   `examples/firmware/circles.cnet` and the copy in `examples/firmware-template`;
//! - its int8 twin (`quantize_circles` in `examples/firmware/src/int8_shared.rs`) to
//!   `examples/firmware/circles.q8`;
//! - the GRU rhythm classifier (`train_rhythm` in `examples/firmware/src/sequence_shared.rs`),
//!   in its streaming form, to `examples/firmware/rhythm.cnet`.
//!
//! It never reads the files it writes, so it works when a committed file is stale, corrupt or
//! from an older format version, which is exactly when the firmware (and `tests/firmware.rs` and
//! `tests/firmware_int8.rs`, which check the files against these runs) stops building or passing.

#[path = "../../../examples/firmware/src/shared.rs"]
#[allow(dead_code)]
mod shared;

#[path = "../../../examples/firmware/src/int8_shared.rs"]
#[allow(dead_code)]
mod int8_shared;

#[path = "../../../examples/firmware/src/sequence_shared.rs"]
#[allow(dead_code)]
mod sequence_shared;

use constnet::int8::Quantized;
use constnet::io::Model;
use int8_shared::{CIRCLES_Q8_FILE, quantize_circles};
use sequence_shared::{RHYTHM_FILE, RhythmStream, train_rhythm};
use shared::{CIRCLES_FILE, Circles, train_circles};
use std::path::Path;
use std::process::ExitCode;

/// The firmware template's copy of the circles model.
const TEMPLATE_FILE: &str = "examples/firmware-template/circles.cnet";

fn main() -> ExitCode {
    if !constnet::PORTABLE_MATH {
        eprintln!(
            "constnet was built with its `std` feature (platform float functions), so this run would not give the \
             bits the firmware computes. Run this tool on its own: `cargo run -p constnet-firmware-weights`."
        );
        return ExitCode::FAILURE;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let circles = train_circles().map_err(|e| format!("circles: training failed: {e}"))?;
    println!("circles: {}; validation accuracy {}", circles.report, circles.validation_accuracy);
    let mut bytes = [0u8; Circles::BYTES];
    circles.net.to_bytes(&mut bytes).map_err(|e| format!("circles: encoding failed: {e}"))?;
    write(CIRCLES_FILE, &bytes)?;
    write(TEMPLATE_FILE, &bytes)?;

    let q8 = quantize_circles(&circles.net).map_err(|e| format!("circles: quantization failed: {e}"))?;
    let mut bytes = [0u8; Quantized::<Circles>::BYTES];
    q8.to_bytes(&mut bytes).map_err(|e| format!("circles int8: encoding failed: {e}"))?;
    write(CIRCLES_Q8_FILE, &bytes)?;

    let rhythm = train_rhythm().map_err(|e| format!("rhythm: training failed: {e}"))?;
    println!("rhythm: {}; validation accuracy {}", rhythm.report, rhythm.validation_accuracy);
    let mut bytes = [0u8; RhythmStream::BYTES];
    rhythm.net.to_bytes(&mut bytes).map_err(|e| format!("rhythm: encoding failed: {e}"))?;
    write(RHYTHM_FILE, &bytes)
}

/// Writes `bytes` to `file` (relative to the repository root) and says whether it changed.
fn write(file: &str, bytes: &[u8]) -> Result<(), String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(file);
    let old = std::fs::read(&path).ok();
    std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let verdict = match old {
        Some(old) if old == bytes => "unchanged",
        Some(_) => "updated",
        None => "created",
    };
    println!("{file}: {} bytes, {verdict}", bytes.len());
    Ok(())
}
