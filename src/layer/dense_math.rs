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
