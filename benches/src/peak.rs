//! The same-run FMA peak: how many `f32` multiply-accumulates per nanosecond this core sustains
//! with the instructions this build may use, so that a workload's batched throughput can be
//! reported as a fraction of what the machine can do.
//!
//! The kernel updates independent values `v ← v·a + b` for [`ROUNDS`] rounds: enough
//! independent chains to hide the latency of the multiply-add, in as many registers as the
//! target has. It uses [`Scalar::mul_add`], the very operation constnet's kernels use: one
//! fused instruction when the build targets FMA (`-C target-cpu=native` on this machine),
//! a multiplication and an addition otherwise. On a CPU with AVX-512 it runs 512-bit vectors
//! explicitly ([`WIDE_ACCUMULATORS`] values), as constnet's batched kernels do there: LLVM's own
//! code stays 256 bits wide on Intel's AVX-512 cores, which have twice that peak.

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

/// Independent accumulators of the AVX-512 kernel: 16 registers of 16 lanes.
pub const WIDE_ACCUMULATORS: usize = 256;

/// Multiply-accumulates per call of [`fma_peak`] on this CPU.
pub fn macs() -> usize {
    if wide() { WIDE_ACCUMULATORS * ROUNDS } else { ACCUMULATORS * ROUNDS }
}

/// Whether [`fma_peak`] runs the AVX-512 kernel.
fn wide() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        pulp::x86::V4::try_new().is_some()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// Runs the kernel once; returns the sum of the accumulators so nothing is optimised away.
#[inline(never)]
pub fn fma_peak(a: f32, b: f32, seed: f32) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = pulp::x86::V4::try_new() {
        return simd.vectorize(
            #[inline(always)]
            || wide_peak(simd, a, b, seed),
        );
    }
    narrow_peak(a, b, seed)
}

/// The kernel in 512-bit registers, fused exactly where [`Scalar::mul_add`] is.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn wide_peak(simd: pulp::x86::V4, a: f32, b: f32, seed: f32) -> f32 {
    use core::arch::x86_64::__m512;
    let f = simd.avx512f;
    let (va, vb) = (f._mm512_set1_ps(a), f._mm512_set1_ps(b));
    let mut acc: [__m512; WIDE_ACCUMULATORS / 16] = core::array::from_fn(|k| f._mm512_set1_ps(seed + k as f32));
    let fused = cfg!(target_feature = "fma");
    for _ in 0..ROUNDS {
        for v in &mut acc {
            *v = if fused { f._mm512_fmadd_ps(*v, va, vb) } else { f._mm512_add_ps(f._mm512_mul_ps(*v, va), vb) };
        }
    }
    acc.iter().map(|&v| pulp::cast::<__m512, [f32; 16]>(v).iter().sum::<f32>()).sum()
}

/// The kernel as plain code, vectorised by the compiler for the build's target.
#[inline(never)]
fn narrow_peak(a: f32, b: f32, seed: f32) -> f32 {
    let mut acc: [f32; ACCUMULATORS] = core::array::from_fn(|k| seed + k as f32);
    for _ in 0..ROUNDS {
        for v in &mut acc {
            *v = Scalar::mul_add(*v, a, b);
        }
    }
    acc.iter().sum()
}
