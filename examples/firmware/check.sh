#!/usr/bin/env bash
# The firmware gate, run by .ci/run: lints the firmware crates, then builds the firmware for the
# Cortex-M4F and the Cortex-M0, boots its programs and the template in QEMU and checks them against
# the host, with every tool required (CONSTNET_REQUIRE_QEMU=1), printing the measured figures:
# section sizes, flash budgets (infer on the M4F, int8 on the M0), stack high-water marks,
# instructions per inference, per GRU step and per training run, host-vs-device comparison
# (circles, wide layers, the GRU step by step, int8, Q16 training), panic reachability, and whether
# the README shows these figures. The checks themselves live in tests/firmware.rs and
# tests/firmware_int8.rs, so plain `cargo test` runs them too.
set -euo pipefail
cd "$(dirname "$0")"

echo "-- firmware crates: rustfmt and clippy (Cortex-M4F and Cortex-M0; the template)"
cargo fmt --check
cargo clippy --release -- -D warnings
cargo clippy --release --target thumbv6m-none-eabi -- -D warnings
(cd ../firmware-template && cargo fmt --check && cargo clippy --release -- -D warnings)

echo "-- firmware checks (tests/firmware.rs, tests/firmware_int8.rs), in the portable configuration (constnet without std)"
(cd ../.. && CONSTNET_REQUIRE_QEMU=1 cargo test --test firmware --test firmware_int8 -- --nocapture --test-threads 1)

# The test proves inference panic-free at the firmware's own `opt-level = "s"`; the smallest
# builds keep the most bounds checks, so prove it at `opt-level = "z"` too, with the same tool
# a user runs on their own firmware.
echo "-- no panic reachable at opt-level z either (constnet-elf-check)"
for target in thumbv7em-none-eabihf thumbv6m-none-eabi; do
    CARGO_PROFILE_RELEASE_OPT_LEVEL=z cargo build --release --target "$target" --bins --target-dir target/opt-z
    bin="examples/firmware/target/opt-z/$target/release"
    (cd ../.. &&
        cargo run -q -p constnet-elf-check -- "$bin/infer" --entry constnet_infer --canary constnet_panic_canary &&
        cargo run -q -p constnet-elf-check -- "$bin/wide" --entry constnet_infer_wide --entry constnet_infer_mixed \
            --canary constnet_panic_canary &&
        cargo run -q -p constnet-elf-check -- "$bin/sequence" --entry constnet_sequence_step \
            --canary constnet_panic_canary &&
        cargo run -q -p constnet-elf-check -- "$bin/int8" --entry constnet_infer_int8)
done
