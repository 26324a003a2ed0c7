//! `cargo run -p constnet-firmware-weights`: trains the circles classifier the firmware keeps in
//! flash (`train_circles` in `examples/firmware/src/shared.rs`) and writes it to
//! `examples/firmware/circles.cnet` (and the copy in `examples/firmware-template`) in the model
//! byte format.
//!
//! It never reads the file it writes, so it works when the committed file is stale, corrupt or
//! from an older format version, which is exactly when the firmware (and `tests/firmware.rs`,
//! which checks the file against this training run) stops building or passing.

#[path = "../../../examples/firmware/src/shared.rs"]
#[allow(dead_code)]
mod shared;

use constnet::io::Model;
use shared::{CIRCLES_FILE, Circles, train_circles};
use std::path::Path;
use std::process::ExitCode;

/// The firmware template's copy of the same model.
const TEMPLATE_FILE: &str = "examples/firmware-template/circles.cnet";

fn main() -> ExitCode {
    if !constnet::PORTABLE_MATH {
        eprintln!(
            "constnet was built with its `std` feature (platform float functions), so this run would not give the \
             bits the firmware computes. Run this tool on its own: `cargo run -p constnet-firmware-weights`."
        );
        return ExitCode::FAILURE;
    }
    let run = match train_circles() {
        Ok(run) => run,
        Err(e) => {
            eprintln!("training failed: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut bytes = [0u8; Circles::BYTES];
    if let Err(e) = run.net.to_bytes(&mut bytes) {
        eprintln!("encoding failed: {e}");
        return ExitCode::FAILURE;
    }
    println!("{}; validation accuracy {}", run.report, run.validation_accuracy);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    for file in [CIRCLES_FILE, TEMPLATE_FILE] {
        let path = root.join(file);
        let old = std::fs::read(&path).ok();
        if let Err(e) = std::fs::write(&path, bytes) {
            eprintln!("cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        let verdict = match old {
            Some(old) if old == bytes => "unchanged",
            Some(_) => "updated",
            None => "created",
        };
        println!("{file}: {} bytes, {verdict}", bytes.len());
    }
    ExitCode::SUCCESS
}
