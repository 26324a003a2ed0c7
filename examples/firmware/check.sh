#!/usr/bin/env bash
# The firmware gate, run by .ci/run: lints the firmware crates, then builds the firmware for the
# Cortex-M4F and the Cortex-M0, boots its programs and the template in QEMU and checks them against
# the host, with every tool required (CONSTNET_REQUIRE_QEMU=1), printing the measured figures:
# section sizes, flash budget, stack high-water marks, instructions per inference and per training
# run, host-vs-device comparison, panic reachability, and whether the README shows these figures.
# The checks themselves live in tests/firmware.rs, so plain `cargo test` runs them too.
set -euo pipefail
cd "$(dirname "$0")"

echo "-- firmware crates: rustfmt and clippy (Cortex-M4F and Cortex-M0; the template)"
cargo fmt --check
cargo clippy --release -- -D warnings
cargo clippy --release --target thumbv6m-none-eabi -- -D warnings
(cd ../firmware-template && cargo fmt --check && cargo clippy --release -- -D warnings)

echo "-- firmware checks (tests/firmware.rs), in the portable configuration (constnet without std)"
(cd ../.. && CONSTNET_REQUIRE_QEMU=1 cargo test --test firmware -- --nocapture --test-threads 1)

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
            --canary constnet_panic_canary)
done
