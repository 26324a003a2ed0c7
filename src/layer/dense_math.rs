//! The arithmetic of a dense layer on borrowed weights, whatever their [`Storage`](super::Storage).

use super::DenseTape;
use crate::kernel::{mat_block, mat_vec, sum_of_squares};
use crate::{Activation, Init, Scalar};
use rand::Rng;

/// `y = A(W·x + b)`.
#[inline(always)]
pub(crate) fn forward<T: Scalar, A: Activation, const IN: usize, const OUT: usize>(
    w: &[[T; IN]; OUT],
    b: &[T; OUT],
    x: &[T; IN],
) -> [T; OUT] {
    let z = mat_vec(w, b, x);
    let mut y = [T::ZERO; OUT];
    A::apply(&z, &mut y);
    y
}

/// `y = A(W·x + b)` for a feature-major block of samples.
#[inline(always)]
pub(crate) fn forward_block<T: Scalar, A: Activation, const IN: usize, const OUT: usize, const S: usize>(
    w: &[[T; IN]; OUT],
    b: &[T; OUT],
    x: &[[T; S]; IN],
) -> [[T; S]; OUT] {
    let mut y = mat_block(w, b, x);
    A::apply_block(&mut y);
    y
}

/// Records `z` and `y = A(z)`.
#[inline(always)]
pub(crate) fn forward_train<T: Scalar, A: Activation, const IN: usize, const OUT: usize>(
    w: &[[T; IN]; OUT],
    b: &[T; OUT],
    x: &[T; IN],
    tape: &mut DenseTape<T, OUT>,
) {
    tape.z = mat_vec(w, b, x);
    A::apply(&tape.z, &mut tape.y);
}

/// Records `z` and `y = A(z)` for each sample of a block (mini-batch training). A whole block of
/// [`BLOCK`](crate::batch::BLOCK) samples is transposed to feature-major and run through
/// [`mat_block`] and the activation's block form, exactly as `forward_batch` computes it, then
/// each sample's `z` and `y` are written to its tape. A partial block, and scalars whose
/// accumulator is wider than themselves (fixed point: `mat_block` would round every product),
/// take [`forward_train`] sample by sample.
#[inline(always)]
pub(crate) fn forward_train_block<T: Scalar, A: Activation, const IN: usize, const OUT: usize>(
    w: &[[T; IN]; OUT],
    b: &[T; OUT],
    x: &[[T; IN]],
    tapes: &mut [DenseTape<T, OUT>],
) {
    use crate::batch::BLOCK;
    let whole = <&[[T; IN]; BLOCK]>::try_from(x);
    let exact_accumulator = core::mem::size_of::<T::Accumulator>() == core::mem::size_of::<T>();
    let (Ok(samples), true, true) = (whole, exact_accumulator, tapes.len() == BLOCK) else {
        for (xs, tape) in x.iter().zip(tapes) {
            forward_train::<T, A, IN, OUT>(w, b, xs, tape);
        }
        return;
    };
    crate::simd::with_avx2(
        #[inline(always)]
        || {
            let mut block = [[T::ZERO; BLOCK]; IN];
            crate::batch::transpose_in(samples, &mut block);
            let z = mat_block(w, b, &block);
            let mut y = z;
            A::apply_block(&mut y);
            for (s, tape) in tapes.iter_mut().enumerate() {
                for ((tz, ty), (zj, yj)) in tape.z.iter_mut().zip(tape.y.iter_mut()).zip(z.iter().zip(&y)) {
                    *tz = zj[s];
                    *ty = yj[s];
                }
            }
        },
    );
}

/// `δ = A'(z)ᵀ·∂L/∂y`.
#[inline(always)]
pub(crate) fn error_signal<T: Scalar, A: Activation, const OUT: usize>(
    tape: &DenseTape<T, OUT>,
    d_out: &[T; OUT],
) -> [T; OUT] {
    let mut delta = [T::ZERO; OUT];
    A::backprop(&tape.z, &tape.y, d_out, &mut delta);
    delta
}

/// `Wᵀ·δ`, row by row as `Σⱼ δⱼ·W[j]` (contiguous, so it vectorises).
#[inline(always)]
pub(crate) fn input_gradient<T: Scalar, const IN: usize, const OUT: usize>(
    w: &[[T; IN]; OUT],
    delta: &[T; OUT],
) -> [T; IN] {
    let mut dx = [T::ZERO; IN];
    for (row, &d) in w.iter().zip(delta) {
        for (dxi, &wi) in dx.iter_mut().zip(row) {
            *dxi = wi.mul_add(d, *dxi);
        }
    }
    dx
}

/// `W ← W + k·δ·xᵀ`, `b ← b + k·δ`: one contiguous multiply-add per weight row.
#[inline(always)]
pub(crate) fn rank_one_update<T: Scalar, const IN: usize, const OUT: usize>(
    w: &mut [[T; IN]; OUT],
    b: &mut [T; OUT],
    k: T,
    delta: &[T; OUT],
    x: &[T; IN],
) {
    for ((row, bj), &d) in w.iter_mut().zip(b.iter_mut()).zip(delta) {
        let kd = k * d;
        *bj += kd;
        for (wi, &xi) in row.iter_mut().zip(x) {
            *wi = kd.mul_add(xi, *wi);
        }
    }
}

/// Gradient rows kept in registers by [`gradient_block`].
const GRAD_ROWS: usize = 4;
/// Inputs per register tile of [`gradient_block`] and [`input_gradient_block`]: one AVX-512 or
/// two AVX registers of `f32`.
const GRAD_LANES: usize = 16;
/// Samples sharing each load of a weight row in [`input_gradient_block`].
const GRAD_SAMPLES: usize = 4;

/// `gw += Σₛ δₛ·xₛᵀ`, `gb += Σₛ δₛ` over a block of samples, in sample order: every element gets
/// the additions [`rank_one_update`] with `k = 1` gives it sample by sample, bit for bit
/// (`1·δ = δ` exactly). A tile of [`GRAD_ROWS`] × [`GRAD_LANES`] gradients stays in registers while
/// the samples stream past, so the gradient matrix is read and written once per block instead of
/// once per sample.
#[inline(always)]
pub(crate) fn gradient_block<T: Scalar, const IN: usize, const OUT: usize>(
    gw: &mut [[T; IN]; OUT],
    gb: &mut [T; OUT],
    signals: &[[T; OUT]],
    x: &[[T; IN]],
) {
    for signal in signals {
        for (bj, &d) in gb.iter_mut().zip(signal) {
            *bj += d;
        }
    }
    if crate::simd::gradient_block(gw, signals, x) {
        return;
    }
    crate::simd::with_avx2(
        #[inline(always)]
        || gradient_rows(gw, 0, signals, x),
    );
}

/// `gw[r] += Σₛ δₛ[first + r]·xₛ` for the rows `gw` of the gradient starting at row `first`.
#[inline(always)]
pub(crate) fn gradient_rows<T: Scalar, const IN: usize, const OUT: usize>(
    gw: &mut [[T; IN]],
    first: usize,
    signals: &[[T; OUT]],
    x: &[[T; IN]],
) {
    let n_chunks = IN / GRAD_LANES;
    let done = n_chunks * GRAD_LANES;
    let (tiles, rest) = gw.as_chunks_mut::<GRAD_ROWS>();
    let rest_first = first + tiles.len() * GRAD_ROWS;
    for (t, tile) in tiles.iter_mut().enumerate() {
        let j = first + t * GRAD_ROWS;
        let tile_signal = |signal: &[T; OUT]| -> [T; GRAD_ROWS] {
            match signal.get(j..).and_then(<[T]>::first_chunk::<GRAD_ROWS>) {
                Some(d) => *d,
                None => [T::ZERO; GRAD_ROWS],
            }
        };
        for c in 0..n_chunks {
            let mut acc = [[T::ZERO; GRAD_LANES]; GRAD_ROWS];
            for (a, row) in acc.iter_mut().zip(tile.iter()) {
                *a = row.as_chunks::<GRAD_LANES>().0[c];
            }
            for (signal, xs) in signals.iter().zip(x) {
                let d = tile_signal(signal);
                let xc = &xs.as_chunks::<GRAD_LANES>().0[c];
                for r in 0..GRAD_ROWS {
                    for l in 0..GRAD_LANES {
                        acc[r][l] = d[r].mul_add(xc[l], acc[r][l]);
                    }
                }
            }
            for (a, row) in acc.iter().zip(tile.iter_mut()) {
                row.as_chunks_mut::<GRAD_LANES>().0[c] = *a;
            }
        }
        if done < IN {
            for (r, row) in tile.iter_mut().enumerate() {
                for (signal, xs) in signals.iter().zip(x) {
                    let d = tile_signal(signal)[r];
                    for (g, &xi) in row.iter_mut().zip(xs).skip(done) {
                        *g = d.mul_add(xi, *g);
                    }
                }
            }
        }
    }
    for (k, row) in rest.iter_mut().enumerate() {
        for (signal, xs) in signals.iter().zip(x) {
            let d = signal.get(rest_first + k).copied().unwrap_or(T::ZERO);
            for (g, &xi) in row.iter_mut().zip(xs) {
                *g = d.mul_add(xi, *g);
            }
        }
    }
}

/// `d_x[s] = Wᵀ·δₛ` for a block of samples, each element summed over the rows in order as
/// [`input_gradient`] does (bit-identical); [`GRAD_SAMPLES`] samples share each load of a row.
#[inline(always)]
pub(crate) fn input_gradient_block<T: Scalar, const IN: usize, const OUT: usize>(
    w: &[[T; IN]; OUT],
    signals: &[[T; OUT]],
    d_x: &mut [[T; IN]],
) {
    crate::simd::with_avx2(
        #[inline(always)]
        || input_gradient_block_portable(w, signals, d_x),
    );
}

#[inline(always)]
fn input_gradient_block_portable<T: Scalar, const IN: usize, const OUT: usize>(
    w: &[[T; IN]; OUT],
    signals: &[[T; OUT]],
    d_x: &mut [[T; IN]],
) {
    let (sig_groups, sig_rest) = signals.as_chunks::<GRAD_SAMPLES>();
    let (dx_groups, dx_rest) = d_x.as_chunks_mut::<GRAD_SAMPLES>();
    for (sig, dx) in sig_groups.iter().zip(dx_groups) {
        let n_chunks = IN / GRAD_LANES;
        for c in 0..n_chunks {
            let mut acc = [[T::ZERO; GRAD_LANES]; GRAD_SAMPLES];
            for (j, row) in w.iter().enumerate() {
                let wc = &row.as_chunks::<GRAD_LANES>().0[c];
                for s in 0..GRAD_SAMPLES {
                    let d = sig[s][j];
                    for l in 0..GRAD_LANES {
                        acc[s][l] = wc[l].mul_add(d, acc[s][l]);
                    }
                }
            }
            for (a, out) in acc.iter().zip(dx.iter_mut()) {
                out.as_chunks_mut::<GRAD_LANES>().0[c] = *a;
            }
        }
        let done = n_chunks * GRAD_LANES;
        if done < IN {
            for (s, out) in dx.iter_mut().enumerate() {
                for v in out.iter_mut().skip(done) {
                    *v = T::ZERO;
                }
                for (row, &d) in w.iter().zip(&sig[s]) {
                    for (v, &wi) in out.iter_mut().zip(row).skip(done) {
                        *v = wi.mul_add(d, *v);
                    }
                }
            }
        }
    }
    for (sig, out) in sig_rest.iter().zip(dx_rest) {
        *out = input_gradient(w, sig);
    }
}

/// `‖δ·xᵀ‖² + ‖δ‖² = ‖δ‖²·(‖x‖² + 1)`.
#[inline(always)]
pub(crate) fn gradient_norm2<T: Scalar, const IN: usize, const OUT: usize>(x: &[T; IN], delta: &[T; OUT]) -> T {
    sum_of_squares(delta) * (sum_of_squares(x) + T::ONE)
}

/// Draws weights and biases in place with `init` (already resolved for the activation).
pub(crate) fn init<T: Scalar, R: Rng + ?Sized, const IN: usize, const OUT: usize>(
    w: &mut [[T; IN]; OUT],
    b: &mut [T; OUT],
    rng: &mut R,
    init: Init,
) {
    for row in w.iter_mut() {
        for wi in row.iter_mut() {
            *wi = T::from_f64(init.sample_weight(IN, OUT, rng));
        }
    }
    for bj in b.iter_mut() {
        *bj = T::from_f64(init.sample_bias(rng));
    }
}
