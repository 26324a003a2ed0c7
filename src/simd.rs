//! Explicit SIMD for `f32` on x86-64, through [`pulp`]'s safe, runtime-checked tokens: `V3`
//! (AVX2 + FMA) for the per-sample `W·x` for inputs of 8 or more, and `V4` (AVX-512) for its
//! widest rows and for the two kernels whose vectors run across the 16 samples of a block: the
//! batched forward pass ([`crate::kernel::mat_block`]) and the weight gradient of a mini-batch
//! block. There every
//! output is its own sequence of operations, so 16-lane vectors change nothing but the speed
//! (LLVM's own code stays 256 bits wide on Intel's AVX-512 cores, which run 512-bit
//! multiply-adds at twice the rate: 115 against 62 per ns measured on this project's machine).
//! The per-sample `W·x` runs in AVX2 registers (`V3`), except for rows of
//! [`WIDE_ROWS`](crate::kernel) (256) inputs or more, whose order keeps 16 partial sums per
//! row: on CPUs with AVX-512 they fill one register, so every weight load is a whole cache line
//! (mnist's per-sample pass 3.18 → 2.66 µs native, 3.7 → 3.0 µs portable), and without it an
//! AVX2 kernel of 6 rows × two registers computes the same operations. For narrower rows the
//! 512-bit kernels were measured (2026-11-30) and not kept: 16 sums per row in one register made
//! digits' and audio's whole passes 5–7% slower native and 30–50% slower portable (the layer
//! alone was faster), and a bit-identical layout with two rows' 8 sums per register (the weights
//! interleaved in memory) took digits' first layer from 60 to 35 ns yet the pass from 86 to
//! 93 ns.
//!
//! # Same operations as the portable code
//! Every kernel here performs, for every output, exactly the floating-point operations of the
//! portable kernel in [`crate::kernel`] (the same products, the same partial sums, the same
//! reduction tree, and a fused multiply-add exactly where [`Scalar::mul_add`] is one), so its
//! results are bit-identical to the portable code's, whatever the CPU: a model gives the same
//! outputs with or without AVX2, on the host and on a microcontroller. Only the *grouping of
//! independent operations* into instructions differs:
//!
//! - one 8-lane register holds the [`LANES`](crate::kernel) partial sums of one row (16-lane
//!   rows use two registers, added lane by lane first, which is the first level of the
//!   portable reduction tree, or one AVX-512 register), so the loop over a row's inputs is one
//!   multiply-add per 8 (16) weights, with no shuffle;
//! - rows are processed 4, 6, 8 or 16 at a time so that at least 8 independent chains hide the
//!   multiply-add latency, and their partial sums are reduced together, lane `l` with lane
//!   `l + 4`, then `l + 2`, then `l + 1` (the portable `tree_sum`; 16-lane sums add `l + 8`
//!   first), by 17 shuffles and additions per 8 rows instead of 6 per row (`reduce16`: 24
//!   per 16 rows).
//!
//! Zero-padded tails are exact: a partial sum starts at `+0.0` and can never become `−0.0`
//! (that needs two negative zeros), so adding a padded `0·0 = +0.0` leaves it unchanged.
//!
//! The fixed-point accumulator contract ([`Scalar::Accumulator`]) is untouched: these paths run
//! only for `f32`, whose accumulator is `f32` itself.
//!
//! [`Scalar::mul_add`]: crate::Scalar::mul_add
//! [`Scalar::Accumulator`]: crate::Scalar::Accumulator

#[cfg(target_arch = "x86_64")]
use core::any::Any;

/// `Some(z)` with `z = W·x + b`, bit-identical to [`crate::kernel::mat_vec`], when `T` is `f32`,
/// the widths have a SIMD path and the CPU has AVX2 and FMA; `None` otherwise.
#[inline(always)]
pub(crate) fn mat_vec<T: 'static + Copy, const IN: usize, const OUT: usize>(
    w: &[[T; IN]; OUT],
    b: &[T; OUT],
    x: &[T; IN],
) -> Option<[T; OUT]> {
    #[cfg(target_arch = "x86_64")]
    {
        if IN >= 8 {
            let (w, b, x) = f32_args(w, b, x)?;
            let z = x86::mat_vec(w, b, x)?;
            return (&z as &dyn Any).downcast_ref::<[T; OUT]>().copied();
        }
    }
    let _ = (w, b, x);
    None
}

/// `gw[j] += Σₛ δₛ[j]·xₛ` (the weight gradient of a block of samples) with AVX-512 when `T` is
/// `f32` and the CPU has it: `true` if done, `false` (nothing changed) otherwise. Each gradient
/// element receives the same operations in the same order (sample by sample) as from the
/// portable kernel, so the result is the same bit for bit; only the vectors are wider.
#[inline(always)]
pub(crate) fn gradient_block<T: 'static + Copy, const IN: usize, const OUT: usize>(
    gw: &mut [[T; IN]; OUT],
    signals: &[[T; OUT]],
    x: &[[T; IN]],
) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        if IN >= 16
            && let Some(gw) = (gw as &mut dyn Any).downcast_mut::<[[f32; IN]; OUT]>()
        {
            return x86::gradient_block(gw, signals, x);
        }
    }
    let _ = (gw, signals, x);
    false
}

/// `Z = W·X + b` for a feature-major block of 16 or 32 samples with AVX-512 (16-lane vectors
/// across the samples) when `T` is `f32` and the CPU has it: `true` if `z` was written, `false`
/// otherwise. Every output receives the operations of [`crate::kernel::mat_block`], in its order
/// (bit-identical); only the vectors are wider than the 8 lanes LLVM chooses on its own.
#[inline(always)]
pub(crate) fn mat_block<T: 'static + Copy, const IN: usize, const OUT: usize, const S: usize>(
    w: &[[T; IN]; OUT],
    b: &[T; OUT],
    x: &[[T; S]; IN],
    z: &mut [[T; S]; OUT],
) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        // Smaller layers lose more to the call into AVX-512 code than the wider vectors gain:
        // circles' 2-4-6-6-4-1 batched pass took twice as long; 16 × 16 gains 15% when the
        // build targets AVX-512 (the kernel is inlined), and loses 35% when it is called from
        // the AVX2 code of a build for the baseline x86-64. Blocks of 32 samples are only
        // formed on CPUs with AVX-512 (`WIDE_BLOCK`), for which this kernel is the fast one.
        let worth = match S {
            16 => IN * OUT >= if cfg!(target_feature = "avx512f") { 128 } else { 1024 },
            WIDE_BLOCK => IN * OUT >= 128,
            _ => false,
        };
        if worth
            && let (Some(w), Some(b)) =
                ((w as &dyn Any).downcast_ref::<[[f32; IN]; OUT]>(), (b as &dyn Any).downcast_ref::<[f32; OUT]>())
            && let (Some(x), Some(z)) = (
                (x as &dyn Any).downcast_ref::<[[f32; S]; IN]>(),
                (z as &mut dyn Any).downcast_mut::<[[f32; S]; OUT]>(),
            )
        {
            return if S == 16 {
                x86::mat_block::<IN, OUT, S, 1>(w, b, x, z)
            } else {
                x86::mat_block::<IN, OUT, S, 2>(w, b, x, z)
            };
        }
    }
    let _ = (w, b, x, z);
    false
}

/// Samples per block of `forward_batch` on CPUs with AVX-512 ([`wide_blocks`]): two registers
/// of 16 samples share every weight broadcast of [`mat_block`].
pub(crate) const WIDE_BLOCK: usize = 32;

/// Whether `forward_batch` should run blocks of [`WIDE_BLOCK`] samples: on x86-64 CPUs with
/// AVX-512 (a cached runtime check). The results are the same bits as with blocks of 16: every
/// output's operations do not depend on how many samples share a block.
#[inline(always)]
pub(crate) fn wide_blocks() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        pulp::x86::V4::try_new().is_some()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// `x[i][s] = samples[s][i]` for a block of 16 or 32 samples of `f32`, 16 features at a time
/// through AVX-512 registers (a 16 × 16 transposition in 64 shuffles instead of 256 single
/// stores), when the CPU has it: `true` if done. Features past the last multiple of 16 are
/// copied one by one.
#[inline(always)]
pub(crate) fn transpose_block<T: 'static + Copy, const IN: usize, const S: usize>(
    samples: &[[T; IN]; S],
    x: &mut [[T; S]; IN],
) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        if (S == 16 || S == WIDE_BLOCK)
            && let (Some(samples), Some(x)) = (
                (samples as &dyn Any).downcast_ref::<[[f32; IN]; S]>(),
                (x as &mut dyn Any).downcast_mut::<[[f32; S]; IN]>(),
            )
        {
            return if S == 16 {
                x86::transpose_block::<IN, S, 1>(samples, x)
            } else {
                x86::transpose_block::<IN, S, 2>(samples, x)
            };
        }
    }
    let _ = (samples, x);
    false
}

/// Runs `f` with AVX2 and FMA enabled when the CPU has them (x86-64), so that the portable
/// loops inlined into it are vectorised 8 lanes wide even in a build for the baseline x86-64.
/// `f` must be `#[inline(always)]` (and everything it calls), or it runs as compiled outside.
///
/// The code is the same Rust code either way, and LLVM never contracts a multiplication and an
/// addition into a fused multiply-add by itself, so the results are the same bit for bit.
#[inline(always)]
pub(crate) fn with_avx2<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        if let Some(simd) = pulp::x86::V3::try_new() {
            return simd.vectorize(f);
        }
    }
    f()
}

/// The arguments as `f32` arrays when `T` is `f32` (free after monomorphisation).
#[cfg(target_arch = "x86_64")]
#[inline(always)]
#[allow(clippy::type_complexity)]
fn f32_args<'a, T: 'static, const IN: usize, const OUT: usize>(
    w: &'a [[T; IN]; OUT],
    b: &'a [T; OUT],
    x: &'a [T; IN],
) -> Option<(&'a [[f32; IN]; OUT], &'a [f32; OUT], &'a [f32; IN])> {
    let w = (w as &dyn Any).downcast_ref::<[[f32; IN]; OUT]>()?;
    let b = (b as &dyn Any).downcast_ref::<[f32; OUT]>()?;
    let x = (x as &dyn Any).downcast_ref::<[f32; IN]>()?;
    Some((w, b, x))
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use core::arch::x86_64::__m256;
    use pulp::x86::{V3, V4};

    /// `a·b + c` exactly as `<f32 as Scalar>::mul_add` computes it in this build: fused when the
    /// build targets FMA and has `std`, else a rounded product and a rounded sum.
    const FUSED: bool = cfg!(all(feature = "std", target_feature = "fma"));

    /// 8 lanes.
    type V = __m256;

    #[inline(always)]
    fn load(a: &[f32; 8]) -> V {
        pulp::cast(*a)
    }

    #[inline(always)]
    fn store(v: V) -> [f32; 8] {
        pulp::cast(v)
    }

    #[inline(always)]
    fn madd(s: V3, a: V, b: V, c: V) -> V {
        if FUSED { s.fma._mm256_fmadd_ps(a, b, c) } else { s.avx._mm256_add_ps(s.avx._mm256_mul_ps(a, b), c) }
    }

    /// `[f32; 8]` holding `values` then zeros.
    #[inline(always)]
    fn padded(values: &[f32]) -> [f32; 8] {
        let mut out = [0.0; 8];
        for (o, &v) in out.iter_mut().zip(values) {
            *o = v;
        }
        out
    }

    /// The tree sums of 8 registers of 8 partial sums, `t(v) = ((v₀+v₄)+(v₂+v₆)) + ((v₁+v₅)+(v₃+v₇))`,
    /// as one register: lane `k` holds `t(a[k])`.
    #[inline(always)]
    fn reduce8(s: V3, a: [V; 8]) -> V {
        let avx = s.avx;
        // Passed as (r0, r4, r1, r5, r2, r6, r3, r7): the shuffles below leave the sums of the
        // 0th, 2nd, 4th and 6th argument in the low half and the others in the high half.
        let [r0, r1, r2, r3, r4, r5, r6, r7] = a;
        let q = [r0, r4, r1, r5, r2, r6, r3, r7];
        // Level 1: vₗ + vₗ₊₄, two rows per register.
        let p = |x: V, y: V| {
            avx._mm256_add_ps(avx._mm256_permute2f128_ps::<0x20>(x, y), avx._mm256_permute2f128_ps::<0x31>(x, y))
        };
        let (p01, p23, p45, p67) = (p(q[0], q[1]), p(q[2], q[3]), p(q[4], q[5]), p(q[6], q[7]));
        // Level 2: uₗ + uₗ₊₂.
        let h =
            |x: V, y: V| avx._mm256_add_ps(avx._mm256_shuffle_ps::<0x44>(x, y), avx._mm256_shuffle_ps::<0xEE>(x, y));
        let (lo, hi) = (h(p01, p23), h(p45, p67));
        // Level 3: w₀ + w₁.
        avx._mm256_hadd_ps(lo, hi)
    }

    /// `z = W·x + b` with the order of [`crate::kernel::mat_vec`] for `IN ≥ 8`, or `None` without
    /// AVX2 + FMA.
    #[inline(always)]
    pub(super) fn mat_vec<const IN: usize, const OUT: usize>(
        w: &[[f32; IN]; OUT],
        b: &[f32; OUT],
        x: &[f32; IN],
    ) -> Option<[f32; OUT]> {
        if IN >= crate::kernel::WIDE_ROWS {
            if let Some(simd) = V4::try_new() {
                return Some(simd.vectorize(
                    #[inline(always)]
                    || rows16_wide(simd, w, b, x),
                ));
            }
            let simd = V3::try_new()?;
            return Some(simd.vectorize(
                #[inline(always)]
                || rows16_six(simd, w, b, x),
            ));
        }
        let simd = V3::try_new()?;
        Some(simd.vectorize(
            #[inline(always)]
            || {
                let mut z = [0.0f32; OUT];
                if (16..64).contains(&IN) {
                    rows16(simd, w, b, x, &mut z);
                } else if IN >= 64 || OUT.is_multiple_of(4) {
                    rows8(simd, w, b, x, &mut z, OUT);
                } else {
                    // 8 ≤ IN < 16 and rows outside the portable 4-row groups: those rows are a
                    // tree of single products there, computed by the portable code.
                    let grouped = OUT / 4 * 4;
                    rows8(simd, w, b, x, &mut z, grouped);
                    for ((zj, &bj), row) in z.iter_mut().zip(b).zip(w).skip(grouped) {
                        *zj = bj + crate::kernel::dot_acc::<f32, IN>(row, x);
                    }
                }
                z
            },
        ))
    }

    /// [`mat_vec`] for rows of [`WIDE_ROWS`](crate::kernel) inputs or more through the AVX2
    /// kernel even on a CPU with AVX-512, so the tests check both (`None` without AVX2 + FMA).
    #[cfg(test)]
    pub(super) fn mat_vec_wide_avx2<const IN: usize, const OUT: usize>(
        w: &[[f32; IN]; OUT],
        b: &[f32; OUT],
        x: &[f32; IN],
    ) -> Option<[f32; OUT]> {
        let simd = V3::try_new()?;
        Some(simd.vectorize(
            #[inline(always)]
            || rows16_six(simd, w, b, x),
        ))
    }

    /// Writes `z[j] = b[j] + t(accᵣ)` for a group of up to 8 rows starting at `start`.
    #[inline(always)]
    fn finish<const OUT: usize>(s: V3, acc: [V; 8], b: &[f32; OUT], z: &mut [f32; OUT], start: usize, n: usize) {
        let sums = store(reduce8(s, acc));
        if let (Some(zs), Some(bs)) = (z.get_mut(start..start + n), b.get(start..start + n)) {
            for ((zj, &bj), &t) in zs.iter_mut().zip(bs).zip(&sums) {
                *zj = bj + t;
            }
        }
    }

    /// Rows with 8 partial sums each (inputs in chunks of 8, the tail in the first lanes), the
    /// first `rows` rows of `z`.
    #[inline(always)]
    fn rows8<const IN: usize, const OUT: usize>(
        s: V3,
        w: &[[f32; IN]; OUT],
        b: &[f32; OUT],
        x: &[f32; IN],
        z: &mut [f32; OUT],
        rows: usize,
    ) {
        let (x_body, x_tail) = x.as_chunks::<8>();
        let x_tail = load(&padded(x_tail));
        let zero = s.avx._mm256_setzero_ps();
        let mut start = 0;
        let grouped = match w.split_at_checked(rows) {
            Some((grouped, _)) => grouped,
            None => w,
        };
        for group in grouped.chunks(8) {
            let mut acc = [zero; 8];
            if let Ok(g) = <&[[f32; IN]; 8]>::try_from(group) {
                for (c, xc) in x_body.iter().enumerate() {
                    let xv = load(xc);
                    for r in 0..8 {
                        let (body, _) = g[r].as_chunks::<8>();
                        acc[r] = madd(s, load(&body[c]), xv, acc[r]);
                    }
                }
            } else {
                for (a, row) in acc.iter_mut().zip(group) {
                    let (body, _) = row.as_chunks::<8>();
                    for (wc, xc) in body.iter().zip(x_body) {
                        *a = madd(s, load(wc), load(xc), *a);
                    }
                }
            }
            if !IN.is_multiple_of(8) {
                for (a, row) in acc.iter_mut().zip(group) {
                    let (_, tail) = row.as_chunks::<8>();
                    *a = madd(s, load(&padded(tail)), x_tail, *a);
                }
            }
            finish(s, acc, b, z, start, group.len());
            start += group.len();
        }
    }

    /// Rows with 16 partial sums each (two registers), for 16 ≤ IN < 64.
    #[inline(always)]
    fn rows16<const IN: usize, const OUT: usize>(
        s: V3,
        w: &[[f32; IN]; OUT],
        b: &[f32; OUT],
        x: &[f32; IN],
        z: &mut [f32; OUT],
    ) {
        let avx = s.avx;
        let zero = avx._mm256_setzero_ps();
        let (x_body, x_tail) = x.as_chunks::<16>();
        let (x_tail_lo, x_tail_hi) = x_tail.split_at(x_tail.len().min(8));
        let (x_tail_lo, x_tail_hi) = (load(&padded(x_tail_lo)), load(&padded(x_tail_hi)));
        let mut start = 0;
        for group in w.chunks(8) {
            let mut acc = [zero; 8];
            // Four rows at a time: eight chains of multiply-adds in flight.
            for (quad, sums) in group.chunks(4).zip(acc.chunks_mut(4)) {
                let mut lo = [zero; 4];
                let mut hi = [zero; 4];
                for (c, xc) in x_body.iter().enumerate() {
                    let (xl, xh) = xc.split_at(8);
                    let (xl, xh) = (load(first8(xl)), load(first8(xh)));
                    for (r, row) in quad.iter().enumerate() {
                        let (body, _) = row.as_chunks::<16>();
                        let (wl, wh) = body[c].split_at(8);
                        lo[r] = madd(s, load(first8(wl)), xl, lo[r]);
                        hi[r] = madd(s, load(first8(wh)), xh, hi[r]);
                    }
                }
                for (r, row) in quad.iter().enumerate() {
                    if !IN.is_multiple_of(16) {
                        let (_, tail) = row.as_chunks::<16>();
                        let (tl, th) = tail.split_at(tail.len().min(8));
                        lo[r] = madd(s, load(&padded(tl)), x_tail_lo, lo[r]);
                        if IN % 16 > 8 {
                            hi[r] = madd(s, load(&padded(th)), x_tail_hi, hi[r]);
                        }
                    }
                }
                for ((sum, l), h) in sums.iter_mut().zip(lo).zip(hi) {
                    *sum = avx._mm256_add_ps(l, h);
                }
            }
            finish(s, acc, b, z, start, group.len());
            start += group.len();
        }
    }

    /// Rows of [`WIDE_ROWS`](crate::kernel) inputs or more, with 16 partial sums each, in AVX2
    /// registers (CPUs without AVX-512): 6 rows at a time, each row's sums in two registers
    /// (lanes 0–7 and 8–15, added lane by lane at the end: the first level of the portable
    /// 16-lane tree), 12 accumulators and two of `x` in AVX2's 16 registers; `reduce8` then
    /// finishes 6 rows (and two zeros) together. 4 rows at a time measured 8% slower on mnist's
    /// first layer, 8 rows spill.
    #[inline(always)]
    fn rows16_six<const IN: usize, const OUT: usize>(
        s: V3,
        w: &[[f32; IN]; OUT],
        b: &[f32; OUT],
        x: &[f32; IN],
    ) -> [f32; OUT] {
        let mut z = [0.0f32; OUT];
        in_groups::<OUT, 6>(
            #[inline(always)]
            |start, n| rows16_six_group(s, w, b, x, &mut z, start, n),
        );
        z
    }

    /// Calls `group(start, n)` for the rows of an `OUT`-row matrix, `G` at a time, then for
    /// the remainder (`n` is a constant at each call, so the group's loops over rows unroll).
    #[inline(always)]
    fn in_groups<const OUT: usize, const G: usize>(mut group: impl FnMut(usize, usize)) {
        let full = OUT / G * G;
        let mut start = 0;
        while start < full {
            group(start, G);
            start += G;
        }
        if full < OUT {
            group(full, OUT - full);
        }
    }

    /// [`rows16_six`] for the `n ≤ 6` rows from `start` (a constant at each call, so the loops
    /// over rows unroll).
    #[inline(always)]
    fn rows16_six_group<const IN: usize, const OUT: usize>(
        s: V3,
        w: &[[f32; IN]; OUT],
        b: &[f32; OUT],
        x: &[f32; IN],
        z: &mut [f32; OUT],
        start: usize,
        n: usize,
    ) {
        let avx = s.avx;
        let zero = avx._mm256_setzero_ps();
        let (x_body, x_tail) = x.as_chunks::<16>();
        let (x_tail_lo, x_tail_hi) = x_tail.split_at(x_tail.len().min(8));
        let (x_tail_lo, x_tail_hi) = (load(&padded(x_tail_lo)), load(&padded(x_tail_hi)));
        let rows: [&[f32; IN]; 6] = core::array::from_fn(|r| &w[(start + r).min(OUT.saturating_sub(1))]);
        let mut lo = [zero; 6];
        let mut hi = [zero; 6];
        for (c, xc) in x_body.iter().enumerate() {
            let (xl, xh) = xc.as_chunks::<8>().0.split_at(1);
            let (xl, xh) = (load(&xl[0]), load(&xh[0]));
            for ((l, h), row) in lo.iter_mut().zip(hi.iter_mut()).zip(&rows).take(n) {
                let (wl, wh) = row.as_chunks::<16>().0[c].as_chunks::<8>().0.split_at(1);
                *l = madd(s, load(&wl[0]), xl, *l);
                *h = madd(s, load(&wh[0]), xh, *h);
            }
        }
        if !IN.is_multiple_of(16) {
            for ((l, h), row) in lo.iter_mut().zip(hi.iter_mut()).zip(&rows).take(n) {
                let tail = row.as_chunks::<16>().1;
                let (tl, th) = tail.split_at(tail.len().min(8));
                *l = madd(s, load(&padded(tl)), x_tail_lo, *l);
                if IN % 16 > 8 {
                    *h = madd(s, load(&padded(th)), x_tail_hi, *h);
                }
            }
        }
        let mut acc = [zero; 8];
        for ((a, l), h) in acc.iter_mut().zip(lo).zip(hi) {
            *a = avx._mm256_add_ps(l, h);
        }
        finish(s, acc, b, z, start, n);
    }

    /// Rows of [`WIDE_ROWS`](crate::kernel) inputs or more, with 16 partial sums each, in
    /// AVX-512 registers: one register per row holds all 16 sums (16 consecutive weights are one
    /// 64-byte load, a whole cache line), 16 rows at a time share each load of `x`, and
    /// [`reduce16`] finishes the 16 rows together. mnist's 784 × 128 layer streams its 401 KB
    /// of weights from L2 at 89% of the bandwidth this way (2.59 against 3.18 µs per sample
    /// with 8 sums per row in AVX2 registers).
    #[inline(always)]
    fn rows16_wide<const IN: usize, const OUT: usize>(
        s: V4,
        w: &[[f32; IN]; OUT],
        b: &[f32; OUT],
        x: &[f32; IN],
    ) -> [f32; OUT] {
        let mut z = [0.0f32; OUT];
        in_groups::<OUT, 16>(
            #[inline(always)]
            |start, n| rows16_wide_group(s, w, b, x, &mut z, start, n),
        );
        z
    }

    /// [`rows16_wide`] for the `n ≤ 16` rows from `start` (a constant at each call); the
    /// accumulators of missing rows stay zero.
    #[inline(always)]
    fn rows16_wide_group<const IN: usize, const OUT: usize>(
        s: V4,
        w: &[[f32; IN]; OUT],
        b: &[f32; OUT],
        x: &[f32; IN],
        z: &mut [f32; OUT],
        start: usize,
        n: usize,
    ) {
        let f = s.avx512f;
        let (x_body, x_tail) = x.as_chunks::<16>();
        let x_tail: W = pulp::cast(padded16(x_tail));
        let rows: [&[f32; IN]; 16] = core::array::from_fn(|r| &w[(start + r).min(OUT.saturating_sub(1))]);
        let mut acc = [f._mm512_setzero_ps(); 16];
        for (c, xc) in x_body.iter().enumerate() {
            let xv = halves16(s, xc);
            for (a, row) in acc.iter_mut().zip(&rows).take(n) {
                *a = madd16(s, pulp::cast(row.as_chunks::<16>().0[c]), xv, *a);
            }
        }
        if !IN.is_multiple_of(16) {
            for (a, row) in acc.iter_mut().zip(&rows).take(n) {
                *a = madd16(s, pulp::cast(padded16(row.as_chunks::<16>().1)), x_tail, *a);
            }
        }
        let sums = reduce16(s, acc);
        // A whole group is one 64-byte store, which the next layer's loads of 16 or of 8
        // values can be forwarded from.
        if n == 16
            && let (Some(zs), Some(bs)) = (z.get_mut(start..start + 16), b.get(start..start + 16))
            && let (Ok(zs), Ok(bs)) = (<&mut [f32; 16]>::try_from(zs), <&[f32; 16]>::try_from(bs))
        {
            *zs = pulp::cast(f._mm512_add_ps(pulp::cast(*bs), sums));
            return;
        }
        let sums: [f32; 16] = pulp::cast(sums);
        if let (Some(zs), Some(bs)) = (z.get_mut(start..start + n), b.get(start..start + n)) {
            for ((zj, &bj), &t) in zs.iter_mut().zip(bs).zip(&sums) {
                *zj = bj + t;
            }
        }
    }

    /// 16 values as one register from two 8-value loads: the previous layer may have stored
    /// them 8 at a time (AVX2 code), and one 64-byte load spanning two such stores cannot be
    /// forwarded from the store buffer; it waits until they reach the cache (digits' output
    /// layer stalled on its inputs).
    #[inline(always)]
    fn halves16(s: V4, v: &[f32; 16]) -> W {
        let (low, high) = v.split_at(8);
        let (low, high): (V, V) =
            (load(low.try_into().unwrap_or(&[0.0; 8])), load(high.try_into().unwrap_or(&[0.0; 8])));
        s.avx512dq._mm512_insertf32x8::<1>(s.avx512f._mm512_castps256_ps512(low), high)
    }

    /// `[f32; 16]` holding `values` then zeros.
    #[inline(always)]
    fn padded16(values: &[f32]) -> [f32; 16] {
        let mut out = [0.0; 16];
        for (o, &v) in out.iter_mut().zip(values) {
            *o = v;
        }
        out
    }

    /// The tree sums of 16 registers of 16 partial sums, `t(v) = t₈(vₗ + vₗ₊₈)` with `t₈` the
    /// 8-lane tree of [`reduce8`], as one register: lane `k` holds `t(a[k])`. Four levels of one
    /// addition per pair of registers, the pairs gathered by shuffles: `vₗ + vₗ₊₈` (256-bit
    /// halves), `+ vₗ₊₄` (128-bit quarters), `+ vₗ₊₂` and `+ vₗ₊₁` (within quarters).
    #[inline(always)]
    fn reduce16(s: V4, a: [W; 16]) -> W {
        let f = s.avx512f;
        // The shuffles leave row `r` in lane `ORDER[r]` (an involution), so the registers go in
        // that order and the sums come out in row order.
        const ORDER: [usize; 16] = [0, 2, 1, 3, 8, 10, 9, 11, 4, 6, 5, 7, 12, 14, 13, 15];
        let mut q = a;
        for (qr, &o) in q.iter_mut().zip(&ORDER) {
            *qr = a[o];
        }
        // Level 1: registers k and k + 8 → one register, row k in the low half, k + 8 high.
        let mut u = [f._mm512_setzero_ps(); 8];
        for k in 0..8 {
            let (x, y) = (q[k], q[k + 8]);
            u[k] = f._mm512_add_ps(f._mm512_shuffle_f32x4::<0x44>(x, y), f._mm512_shuffle_f32x4::<0xEE>(x, y));
        }
        // Level 2: quarters of u[k] and u[k + 4] → rows k, k + 8, k + 4, k + 12 (4 sums each).
        let mut v = [f._mm512_setzero_ps(); 4];
        for k in 0..4 {
            let (x, y) = (u[k], u[k + 4]);
            v[k] = f._mm512_add_ps(f._mm512_shuffle_f32x4::<0x88>(x, y), f._mm512_shuffle_f32x4::<0xDD>(x, y));
        }
        // Level 3: pairs within quarters of v[k] and v[k + 2] (2 sums per row).
        let mut t = [f._mm512_setzero_ps(); 2];
        for k in 0..2 {
            let (x, y) = (v[k], v[k + 2]);
            t[k] = f._mm512_add_ps(f._mm512_shuffle_ps::<0x44>(x, y), f._mm512_shuffle_ps::<0xEE>(x, y));
        }
        // Level 4: the last pairs.
        let (x, y) = (t[0], t[1]);
        f._mm512_add_ps(f._mm512_shuffle_ps::<0x88>(x, y), f._mm512_shuffle_ps::<0xDD>(x, y))
    }

    /// [`super::mat_block`] for `S = 16·H` samples (one AVX-512 register of 16 samples per
    /// half), or `false` without AVX-512: rows in tiles of 8 (of 4 for the last ones of the
    /// portable 4-row tiles) with `H` registers each, inputs in order, in passes of
    /// [`INPUT_CHUNK`](crate::kernel) inputs for wide layers; the last `OUT % 4` rows with even
    /// and odd inputs in two sums, as the portable kernel does. `H = 2` shares every weight
    /// broadcast between two registers of samples: 10 loads for 16 multiply-adds instead of 9
    /// for 8 (a 64 × 32 layer: 23 against 29 ns per sample, `forward_batch` only).
    #[inline(always)]
    pub(super) fn mat_block<const IN: usize, const OUT: usize, const S: usize, const H: usize>(
        w: &[[f32; IN]; OUT],
        b: &[f32; OUT],
        x: &[[f32; S]; IN],
        z: &mut [[f32; S]; OUT],
    ) -> bool {
        debug_assert_eq!(S, 16 * H);
        let Some(simd) = V4::try_new() else { return false };
        simd.vectorize(
            #[inline(always)]
            || {
                let f = simd.avx512f;
                let tiled = OUT / 4 * 4;
                let (w_tiled, w_rest) = w.split_at(tiled);
                let (z_tiled, z_rest) = z.split_at_mut(tiled);
                for (zj, &bj) in z_tiled.iter_mut().zip(b) {
                    *zj = [bj; S];
                }
                let mut start = 0;
                // The same bytes of inputs per pass whatever the block's width.
                let chunk = crate::kernel::INPUT_CHUNK / H;
                while start < IN {
                    let end = if IN - start > chunk { start + chunk } else { IN };
                    let mut rows = w_tiled.chunks_exact(8).zip(z_tiled.chunks_exact_mut(8));
                    for (wt, zt) in rows.by_ref() {
                        block_tile::<8, H, IN, S>(simd, wt, zt, x, start, end);
                    }
                    let done = tiled / 8 * 8;
                    let (w4, z4) = (&w_tiled[done..], &mut z_tiled[done..]);
                    if !w4.is_empty() {
                        block_tile::<4, H, IN, S>(simd, w4, z4, x, start, end);
                    }
                    start = end;
                }
                // The last rows: even and odd inputs in two sums, added at the end.
                for ((row, zj), &bj) in w_rest.iter().zip(z_rest.iter_mut()).zip(&b[tiled..]) {
                    for h in 0..H {
                        let (mut even, mut odd) = (f._mm512_set1_ps(bj), f._mm512_setzero_ps());
                        let (pairs, last) = x.as_chunks::<2>();
                        for (p, [xe, xo]) in pairs.iter().enumerate() {
                            even = madd16(simd, f._mm512_set1_ps(row[2 * p]), pulp::cast(*chunk16(xe, h)), even);
                            odd = madd16(simd, f._mm512_set1_ps(row[2 * p + 1]), pulp::cast(*chunk16(xo, h)), odd);
                        }
                        if let ([xl], Some(&wl)) = (last, row.last()) {
                            even = madd16(simd, f._mm512_set1_ps(wl), pulp::cast(*chunk16(xl, h)), even);
                        }
                        *chunk16_mut(zj, h) = pulp::cast(f._mm512_add_ps(even, odd));
                    }
                }
            },
        );
        true
    }

    /// `R` rows of a block of `16·H` samples: `z[r] += Σᵢ W[r][i]·x[i]` over inputs
    /// `start..end`, in order; each weight is broadcast once for the `H` registers of samples.
    #[inline(always)]
    fn block_tile<const R: usize, const H: usize, const IN: usize, const S: usize>(
        s: V4,
        w: &[[f32; IN]],
        z: &mut [[f32; S]],
        x: &[[f32; S]; IN],
        start: usize,
        end: usize,
    ) {
        let f = s.avx512f;
        let mut acc = [[f._mm512_setzero_ps(); H]; R];
        for (a, zr) in acc.iter_mut().zip(z.iter()) {
            for (h, ah) in a.iter_mut().enumerate() {
                *ah = pulp::cast(*chunk16(zr, h));
            }
        }
        for (i, xi) in x.iter().enumerate().take(end).skip(start) {
            let mut xv = [f._mm512_setzero_ps(); H];
            for (h, v) in xv.iter_mut().enumerate() {
                *v = pulp::cast(*chunk16(xi, h));
            }
            for (a, row) in acc.iter_mut().zip(w) {
                let wv = f._mm512_set1_ps(row[i]);
                for (ah, &xh) in a.iter_mut().zip(&xv) {
                    *ah = madd16(s, wv, xh, *ah);
                }
            }
        }
        for (zr, a) in z.iter_mut().zip(acc) {
            for (h, ah) in a.into_iter().enumerate() {
                *chunk16_mut(zr, h) = pulp::cast(ah);
            }
        }
    }

    /// [`super::transpose_block`] for `S = 16·H` samples, or `false` without AVX-512.
    #[inline(always)]
    pub(super) fn transpose_block<const IN: usize, const S: usize, const H: usize>(
        samples: &[[f32; IN]; S],
        x: &mut [[f32; S]; IN],
    ) -> bool {
        debug_assert_eq!(S, 16 * H);
        let Some(simd) = V4::try_new() else { return false };
        simd.vectorize(
            #[inline(always)]
            || {
                let (chunks, _) = x.as_chunks_mut::<16>();
                for (c, out) in chunks.iter_mut().enumerate() {
                    for h in 0..H {
                        let mut rows = [simd.avx512f._mm512_setzero_ps(); 16];
                        for (s, r) in rows.iter_mut().enumerate() {
                            *r = pulp::cast(*chunk16(&samples[16 * h + s], c));
                        }
                        for (o, v) in out.iter_mut().zip(transpose16(simd, rows)) {
                            *chunk16_mut(o, h) = pulp::cast(v);
                        }
                    }
                }
                let done = IN / 16 * 16;
                for (s, sample) in samples.iter().enumerate() {
                    for (row, &v) in x.iter_mut().zip(sample).skip(done) {
                        row[s] = v;
                    }
                }
            },
        );
        true
    }

    /// The transpose of a 16 × 16 matrix held as 16 rows: element `j` of result `e` is element
    /// `e` of row `j`. 64 shuffles: 32-bit and 64-bit interleaves within 128-bit lanes, which
    /// leave `u[4g + m]`'s lane `L` holding element `4L + m` of rows `4g … 4g + 3`, then a 4 × 4
    /// transposition of 128-bit lanes for each `m`.
    #[inline(always)]
    fn transpose16(s: V4, r: [W; 16]) -> [W; 16] {
        let f = s.avx512f;
        // Plain loops, no closures: a closure does not inherit the AVX-512 feature, so in a build
        // for the baseline x86-64 the intrinsics inside one were calls.
        let mut t = r;
        for k in 0..8 {
            let (a, b) = (r[2 * k], r[2 * k + 1]);
            t[2 * k] = f._mm512_unpacklo_ps(a, b);
            t[2 * k + 1] = f._mm512_unpackhi_ps(a, b);
        }
        let mut u = t;
        for g in 0..4 {
            for h in 0..2 {
                let (a, b) = (t[4 * g + h], t[4 * g + 2 + h]);
                u[4 * g + 2 * h] = f._mm512_shuffle_ps::<0x44>(a, b);
                u[4 * g + 2 * h + 1] = f._mm512_shuffle_ps::<0xEE>(a, b);
            }
        }
        let mut out = u;
        for m in 0..4 {
            let p0 = f._mm512_shuffle_f32x4::<0x88>(u[m], u[4 + m]);
            let p1 = f._mm512_shuffle_f32x4::<0xDD>(u[m], u[4 + m]);
            let p2 = f._mm512_shuffle_f32x4::<0x88>(u[8 + m], u[12 + m]);
            let p3 = f._mm512_shuffle_f32x4::<0xDD>(u[8 + m], u[12 + m]);
            out[m] = f._mm512_shuffle_f32x4::<0x88>(p0, p2);
            out[8 + m] = f._mm512_shuffle_f32x4::<0xDD>(p0, p2);
            out[4 + m] = f._mm512_shuffle_f32x4::<0x88>(p1, p3);
            out[12 + m] = f._mm512_shuffle_f32x4::<0xDD>(p1, p3);
        }
        out
    }

    /// `a·b + c` on 16 lanes exactly as `<f32 as Scalar>::mul_add` computes it in this build.
    #[inline(always)]
    fn madd16(s: V4, a: W, b: W, c: W) -> W {
        let f = s.avx512f;
        if FUSED { f._mm512_fmadd_ps(a, b, c) } else { f._mm512_add_ps(f._mm512_mul_ps(a, b), c) }
    }

    /// `gw[j] += Σₛ δₛ[j]·xₛ` with 16-lane AVX-512 vectors, or `false` without AVX-512. `T` is
    /// `f32` (the caller checked); the samples are reached through `Any` one at a time, which
    /// the optimiser folds away.
    #[inline(always)]
    pub(super) fn gradient_block<T: 'static, const IN: usize, const OUT: usize>(
        gw: &mut [[f32; IN]; OUT],
        signals: &[[T; OUT]],
        x: &[[T; IN]],
    ) -> bool {
        use core::any::Any;
        let Some(simd) = V4::try_new() else { return false };
        let samples = || {
            signals.iter().zip(x).filter_map(|(d, x)| {
                let d = (d as &dyn Any).downcast_ref::<[f32; OUT]>()?;
                let x = (x as &dyn Any).downcast_ref::<[f32; IN]>()?;
                Some((d, x))
            })
        };
        simd.vectorize(
            #[inline(always)]
            || {
                let (tiles, rest) = gw.as_chunks_mut::<8>();
                for (t, tile) in tiles.iter_mut().enumerate() {
                    gradient_tile(simd, tile, t * 8, samples());
                }
                let first = tiles.len() * 8;
                for (k, row) in rest.iter_mut().enumerate() {
                    gradient_tile(simd, core::array::from_mut(row), first + k, samples());
                }
            },
        );
        true
    }

    /// 16 lanes.
    type W = core::arch::x86_64::__m512;

    /// `R` gradient rows starting at row `first`: each 16-input chunk of them stays in `R`
    /// registers while the samples stream past; the inputs past the last whole chunk are added
    /// element by element, in the same order.
    #[inline(always)]
    fn gradient_tile<'a, const R: usize, const IN: usize, const OUT: usize>(
        s: V4,
        rows: &mut [[f32; IN]; R],
        first: usize,
        samples: impl Iterator<Item = (&'a [f32; OUT], &'a [f32; IN])> + Clone,
    ) {
        let f = s.avx512f;
        if first.checked_add(R).is_none_or(|end| end > OUT) {
            return;
        }
        for c in 0..IN / 16 {
            let mut acc: [W; R] = core::array::from_fn(|r| pulp::cast(*chunk16(&rows[r], c)));
            for (d, x) in samples.clone() {
                let xv: W = pulp::cast(*chunk16(x, c));
                for (r, a) in acc.iter_mut().enumerate() {
                    *a = madd16(s, f._mm512_set1_ps(d[first + r]), xv, *a);
                }
            }
            for (row, a) in rows.iter_mut().zip(acc) {
                *chunk16_mut(row, c) = pulp::cast(a);
            }
        }
        let done = IN / 16 * 16;
        if done < IN {
            for (r, row) in rows.iter_mut().enumerate() {
                for (d, x) in samples.clone() {
                    let dj = d[first + r];
                    for (g, &xi) in row.iter_mut().zip(x).skip(done) {
                        *g = <f32 as crate::Scalar>::mul_add(dj, xi, *g);
                    }
                }
            }
        }
    }

    /// Chunk `c` of 16 values of a row.
    #[inline(always)]
    fn chunk16<const IN: usize>(row: &[f32; IN], c: usize) -> &[f32; 16] {
        &row.as_chunks::<16>().0[c]
    }

    /// Chunk `c` of 16 values of a row, mutably.
    #[inline(always)]
    fn chunk16_mut<const IN: usize>(row: &mut [f32; IN], c: usize) -> &mut [f32; 16] {
        &mut row.as_chunks_mut::<16>().0[c]
    }

    /// The first 8 values of a slice of at least 8.
    #[inline(always)]
    fn first8(v: &[f32]) -> &[f32; 8] {
        match v.first_chunk::<8>() {
            Some(c) => c,
            None => &[0.0; 8],
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::kernel::{mat_vec, mat_vec_portable};

    /// Deterministic values in `[−1, 1)` with some exact zeros, negative zeros and large values.
    fn value(k: usize) -> f32 {
        let h = (k as u32).wrapping_mul(2_654_435_761).rotate_left(13) ^ 0x9e37_79b9;
        match h % 17 {
            0 => 0.0,
            1 => -0.0,
            2 => (h % 1000) as f32 * 1e3,
            _ => (h % 20_000) as f32 / 10_000.0 - 1.0,
        }
    }

    /// The SIMD path (when the CPU has it) gives bit for bit what the portable code gives.
    #[test]
    fn simd_mat_vec_is_bit_identical_to_the_portable_kernel() {
        fn check<const IN: usize, const OUT: usize>() {
            for seed in 0..3 {
                let w: [[f32; IN]; OUT] =
                    core::array::from_fn(|j| core::array::from_fn(|i| value(seed * 7919 + j * IN + i)));
                let b: [f32; OUT] = core::array::from_fn(|j| value(seed * 31 + 100_000 + j));
                let x: [f32; IN] = core::array::from_fn(|i| value(seed * 17 + 200_000 + i));
                let fast = mat_vec(&w, &b, &x);
                let portable = mat_vec_portable(&w, &b, &x);
                for (j, (f, p)) in fast.iter().zip(&portable).enumerate() {
                    assert_eq!(f.to_bits(), p.to_bits(), "{IN}x{OUT}, row {j}: {f} vs {p}");
                }
                // The AVX2 kernel for wide rows, which CPUs with AVX-512 skip.
                #[cfg(target_arch = "x86_64")]
                if IN >= crate::kernel::WIDE_ROWS
                    && let Some(avx2) = super::x86::mat_vec_wide_avx2(&w, &b, &x)
                {
                    for (j, (f, p)) in avx2.iter().zip(&portable).enumerate() {
                        assert_eq!(f.to_bits(), p.to_bits(), "AVX2 {IN}x{OUT}, row {j}: {f} vs {p}");
                    }
                }
            }
        }
        check::<8, 1>();
        check::<8, 16>();
        check::<9, 5>();
        check::<12, 7>();
        check::<15, 8>();
        check::<16, 1>();
        check::<16, 16>();
        check::<17, 3>();
        check::<24, 9>();
        check::<32, 10>();
        check::<40, 13>();
        check::<63, 17>();
        check::<64, 32>();
        check::<64, 64>();
        check::<70, 3>();
        check::<100, 33>();
        check::<128, 10>();
        check::<255, 6>();
        check::<256, 1>();
        check::<256, 16>();
        check::<257, 7>();
        check::<270, 19>();
        check::<300, 33>();
        check::<784, 128>();
    }

    /// The AVX-512 weight-gradient kernel (when the CPU has it) gives bit for bit what the
    /// portable kernel gives, for whole 16-input chunks, tails, 8-row tiles and the rows after
    /// them, and partial blocks of samples.
    #[test]
    fn simd_gradient_block_is_bit_identical_to_the_portable_kernel() {
        fn check<const IN: usize, const OUT: usize>(samples: usize) {
            let gw0: [[f32; IN]; OUT] = core::array::from_fn(|j| core::array::from_fn(|i| value(j * IN + i + 7)));
            let signals: [[f32; OUT]; 16] =
                core::array::from_fn(|s| core::array::from_fn(|j| value(50_000 + s * OUT + j)));
            let x: [[f32; IN]; 16] = core::array::from_fn(|s| core::array::from_fn(|i| value(90_000 + s * IN + i)));
            let (signals, x) = (&signals[..samples], &x[..samples]);
            let mut fast = gw0;
            let used = crate::simd::gradient_block(&mut fast, signals, x);
            let mut portable = gw0;
            crate::layer::dense_math::gradient_rows(&mut portable, 0, signals, x);
            if !used {
                std::println!("no AVX-512 on this CPU: {IN}x{OUT} compared with itself");
                fast = portable;
            }
            for (j, (f, p)) in fast.iter().zip(&portable).enumerate() {
                assert_eq!(f.map(f32::to_bits), p.map(f32::to_bits), "{IN}x{OUT}, {samples} samples, row {j}");
            }
        }
        check::<16, 1>(16);
        check::<16, 8>(3);
        check::<17, 9>(16);
        check::<64, 32>(16);
        check::<64, 10>(7);
        check::<40, 13>(1);
        check::<784, 17>(16);
    }

    /// The AVX-512 block kernel (when the CPU has it) gives bit for bit what the portable
    /// `mat_block` gives, for blocks of 16 and of 32 samples, and a block of 32 gives each
    /// sample what a block of 16 gives it: 8- and 4-row tiles, the last `OUT % 4` rows (even
    /// and odd inputs), odd input counts, and inputs in several passes (more than 256).
    #[test]
    fn simd_mat_block_is_bit_identical_to_the_portable_kernel() {
        fn check<const IN: usize, const OUT: usize, const S: usize>() {
            let w: [[f32; IN]; OUT] = core::array::from_fn(|j| core::array::from_fn(|i| value(j * IN + i + 3)));
            let b: [f32; OUT] = core::array::from_fn(|j| value(70_000 + j));
            let x: [[f32; S]; IN] = core::array::from_fn(|i| core::array::from_fn(|s| value(80_000 + i * S + s)));
            let mut fast = [[0.0f32; S]; OUT];
            let used = crate::simd::mat_block(&w, &b, &x, &mut fast);
            let mut portable = [[f32::NAN; S]; OUT];
            crate::kernel::mat_block_portable(&w, &b, &x, &mut portable);
            // Each half of the block on its own, as a block of 16.
            for h in 0..S / 16 {
                let half: [[f32; 16]; IN] = core::array::from_fn(|i| core::array::from_fn(|s| x[i][16 * h + s]));
                let mut z16 = [[f32::NAN; 16]; OUT];
                crate::kernel::mat_block_portable(&w, &b, &half, &mut z16);
                for (j, (p, q)) in portable.iter().zip(&z16).enumerate() {
                    assert_eq!(
                        p[16 * h..16 * h + 16].iter().map(|v| v.to_bits()).collect::<std::vec::Vec<_>>(),
                        q.map(f32::to_bits),
                        "{IN}x{OUT}, block of {S}, half {h}, row {j}"
                    );
                }
            }
            if !used {
                std::println!("no AVX-512 on this CPU: {IN}x{OUT} in blocks of {S} not compared");
                return;
            }
            for (j, (f, p)) in fast.iter().zip(&portable).enumerate() {
                assert_eq!(f.map(f32::to_bits), p.map(f32::to_bits), "{IN}x{OUT}, block of {S}, row {j}");
            }
        }
        // Layers of at least 128 weights (smaller ones stay on the portable kernel).
        fn both<const IN: usize, const OUT: usize>() {
            check::<IN, OUT, 16>();
            check::<IN, OUT, 32>();
        }
        both::<64, 17>();
        both::<33, 34>();
        both::<128, 10>();
        both::<64, 32>();
        both::<1024, 1>();
        both::<300, 21>();
        both::<520, 9>();
    }

    /// The AVX-512 transposition of a block (when the CPU has it) puts every value where the
    /// portable loop does, for whole 16-feature chunks and a tail.
    #[test]
    fn simd_transpose_block_transposes() {
        fn check<const IN: usize, const S: usize>() {
            let samples: [[f32; IN]; S] = core::array::from_fn(|s| core::array::from_fn(|i| (s * 1000 + i) as f32));
            let mut x = [[f32::NAN; S]; IN];
            if !crate::simd::transpose_block(&samples, &mut x) {
                std::println!("no AVX-512 on this CPU: transposition of {IN} × {S} not checked");
                return;
            }
            for (i, row) in x.iter().enumerate() {
                for (s, &v) in row.iter().enumerate() {
                    assert_eq!(v, samples[s][i], "{IN} features, {S} samples: x[{i}][{s}]");
                }
            }
        }
        check::<1, 16>();
        check::<16, 16>();
        check::<17, 16>();
        check::<64, 16>();
        check::<100, 16>();
        check::<1, 32>();
        check::<17, 32>();
        check::<64, 32>();
        check::<100, 32>();
    }
}
