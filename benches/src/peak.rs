//! The same-run FMA peak: how many `f32` multiply-accumulates per nanosecond this core sustains
//! with the instructions this build may use, so that a workload's batched throughput can be
//! reported as a fraction of what the machine can do; and the same-run read bandwidth
//! ([`read_all`]), which bounds a per-sample pass whose weights do not fit in L1.
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

/// One KiB of `f32`s on a cache-line boundary: the unit of [`read_buffer`].
#[derive(Clone, Copy, Debug)]
#[repr(C, align(64))]
pub struct Kib(pub [f32; 256]);

/// A buffer of at least `bytes` bytes for [`read_all`], every element `1.0`.
pub fn read_buffer(bytes: usize) -> Vec<Kib> {
    vec![Kib([1.0; 256]); bytes.div_ceil(1024)]
}

/// Bytes [`read_all`] reads from a buffer of `bytes` bytes (whole KiB).
pub fn read_bytes(bytes: usize) -> usize {
    bytes.div_ceil(1024) * 1024
}

/// The streaming-read kernel: the sum of every element of `buf`, read in order in independent
/// vector sums (16 AVX-512 registers where the CPU has them, else whatever the build's target
/// vectorises), so that its time is the time to bring the buffer to the core. Run repeatedly on
/// a buffer the size of a network's parameters, it measures the read bandwidth of the cache
/// level that holds them: the bound on any pass that must read every weight once per sample.
#[inline(never)]
pub fn read_all(buf: &[Kib]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if let Some(simd) = pulp::x86::V4::try_new() {
        return simd.vectorize(
            #[inline(always)]
            || wide_read(simd, buf),
        );
    }
    narrow_read(buf)
}

/// [`read_all`] in 512-bit registers.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn wide_read(simd: pulp::x86::V4, buf: &[Kib]) -> f32 {
    use core::arch::x86_64::__m512;
    let f = simd.avx512f;
    let mut acc = [f._mm512_setzero_ps(); 16];
    for kib in buf {
        let (lines, _) = kib.0.as_chunks::<16>();
        for (a, line) in acc.iter_mut().zip(lines) {
            *a = f._mm512_add_ps(*a, pulp::cast::<[f32; 16], __m512>(*line));
        }
    }
    tree(&mut acc, |a, b| f._mm512_add_ps(a, b)).map_or(0.0, |v| pulp::cast::<__m512, [f32; 16]>(v).iter().sum())
}

/// [`read_all`] as plain code in 64 independent sums.
#[inline(never)]
fn narrow_read(buf: &[Kib]) -> f32 {
    let mut acc = [0.0f32; 64];
    for kib in buf {
        let (chunks, _) = kib.0.as_chunks::<64>();
        for chunk in chunks {
            for (a, &v) in acc.iter_mut().zip(chunk) {
                *a += v;
            }
        }
    }
    tree(&mut acc, |a, b| a + b).unwrap_or(0.0)
}

/// `add` over `v` as a balanced tree (the upper half onto the lower, repeatedly): a sequential
/// sum of the partial sums would take longer than reading a small buffer.
fn tree<V: Copy>(v: &mut [V], add: impl Fn(V, V) -> V) -> Option<V> {
    let mut live = v;
    while live.len() > 1 {
        let (low, high) = live.split_at_mut(live.len() / 2);
        for (a, &b) in low.iter_mut().zip(&*high) {
            *a = add(*a, b);
        }
        // An odd one out stays in the upper half: fold it into the first.
        if high.len() > low.len()
            && let (Some(a), Some(&b)) = (low.first_mut(), high.last())
        {
            *a = add(*a, b);
        }
        live = low;
    }
    live.first().copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The read kernel visits every element once, whichever path the CPU takes: a buffer of
    /// ones sums to its length (exact in `f32` below 2²⁴), for whole and partial passes.
    #[test]
    fn read_all_sums_every_element() {
        for bytes in [1, 1024, 5000, 401_408] {
            let buf = read_buffer(bytes);
            assert_eq!(read_all(&buf), (read_bytes(bytes) / 4) as f32, "{bytes} bytes");
            assert_eq!(narrow_read(&buf), (read_bytes(bytes) / 4) as f32, "{bytes} bytes");
        }
        assert_eq!(read_all(&[]), 0.0);
        let mut odd = [1.0f32, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(tree(&mut odd, |a, b| a + b), Some(15.0));
    }
}
