//! The same-run FMA peak: how many `f32` multiply-accumulates per nanosecond this core sustains
//! with the instructions this build may use, so that a workload's batched throughput can be
//! reported as a fraction of what the machine can do.
//!
//! The kernel updates [`ACCUMULATORS`] independent values `v ← v·a + b` for [`ROUNDS`] rounds:
//! enough independent chains to hide the latency of the multiply-add, in as many registers as
//! the target has. It uses [`Scalar::mul_add`], the very operation constnet's kernels use: one
//! fused instruction when the build targets FMA (`-C target-cpu=native` on this machine),
//! a multiplication and an addition otherwise.

use constnet::Scalar;

/// Independent accumulators: 8 chains of one full SIMD register each.
pub const ACCUMULATORS: usize = if cfg!(target_feature = "avx512f") {
    128
} else if cfg!(target_feature = "avx") {
    64
} else {
    // SSE: 12 chains of 4, to cover a 6-cycle multiply-then-add chain at 2 per cycle.
    48
};

/// Rounds per call.
pub const ROUNDS: usize = 512;

/// Multiply-accumulates per call of [`fma_peak`].
pub const MACS: usize = ACCUMULATORS * ROUNDS;

/// Runs the kernel once; returns the sum of the accumulators so nothing is optimised away.
#[inline(never)]
pub fn fma_peak(a: f32, b: f32, seed: f32) -> f32 {
    let mut acc: [f32; ACCUMULATORS] = core::array::from_fn(|k| seed + k as f32);
    for _ in 0..ROUNDS {
        for v in &mut acc {
            *v = Scalar::mul_add(*v, a, b);
        }
    }
    acc.iter().sum()
}
