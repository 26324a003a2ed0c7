#!/usr/bin/env bash
# The firmware gate, run by .ci/run: lints the firmware crate, then builds it for the Cortex-M4F
# and the Cortex-M0, boots both programs in QEMU and checks them against the host, with every
# tool required (CONSTNET_REQUIRE_QEMU=1), printing the measured figures: section sizes, flash
# budget, stack high-water marks, host-vs-device comparison, training time, panic reachability.
# The checks themselves live in tests/firmware.rs, so plain `cargo test` runs them too.
set -euo pipefail
cd "$(dirname "$0")"

echo "-- firmware crate: rustfmt and clippy (Cortex-M4F and Cortex-M0)"
cargo fmt --check
cargo clippy --release -- -D warnings
cargo clippy --release --target thumbv6m-none-eabi -- -D warnings

echo "-- firmware checks (tests/firmware.rs)"
(cd ../.. && CONSTNET_REQUIRE_QEMU=1 cargo test --test firmware -- --nocapture --test-threads 1)

if command -v llvm-size >/dev/null; then
    echo "-- llvm-size -A, inference-only firmware"
    for target in thumbv7em-none-eabihf thumbv6m-none-eabi; do
        echo "$target:"
        llvm-size -A "target/$target/release/infer" | grep -E '^(section|\.vector_table|\.text|\.rodata|\.data|\.bss|\.uninit) '
    done
fi
