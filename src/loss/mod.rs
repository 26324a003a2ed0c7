//! Loss functions: how far a prediction `ŷ` is from its target `y`, and the gradient that
//! starts back-propagation.
//!
//! Every loss gives its value `L(ŷ, y)` and its gradient `∂L/∂ŷ`. Training needs the error
//! signal of the output layer, `δ = ∂L/∂z` at the pre-activation `z`; [`Loss::delta`] computes it.
//! For sigmoid + binary cross-entropy and softmax + cross-entropy the chain rule collapses to
//! `δ = p − y`, which these losses use directly (and compute their values from the logits `z`),
//! so training never takes `log(0)` or divides by `p(1 − p)`.

mod binary_cross_entropy;
mod categorical_cross_entropy;
mod half_mse;
mod mae;
mod mse;
mod sparse_categorical_cross_entropy;
mod sum_squared_error;

pub use binary_cross_entropy::BinaryCrossEntropy;
pub use categorical_cross_entropy::CategoricalCrossEntropy;
pub use half_mse::HalfMse;
pub use mae::Mae;
pub use mse::Mse;
pub use sparse_categorical_cross_entropy::SparseCategoricalCrossEntropy;
pub use sum_squared_error::SumSquaredError;

use crate::{Activation, Scalar};
use core::fmt::Debug;

/// A loss over a network output of width `N`.
///
/// The target type is part of the loss: `[T; N]` for most, a class index `usize` for
/// [`SparseCategoricalCrossEntropy`]. Because `N` is a const parameter, pairing a loss with a
/// network of another output width does not compile.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a loss for outputs of width {N}",
    note = "the loss's width must equal the network's output width"
)]
pub trait Loss<T: Scalar, const N: usize>: Copy + Debug + Send + Sync {
    /// What a sample's expected output is written as.
    type Target: Copy + Debug + Send + Sync;

    /// Name for reports.
    const NAME: &'static str;

    /// `Some(classes)` when targets are class indices that must be `< classes`.
    fn classes(&self) -> Option<usize> {
        None
    }
    /// Checks one target before training; `Err(class)` names an out-of-range class index.
    fn check_target(&self, target: &Self::Target) -> Result<(), usize> {
        let _ = target;
        Ok(())
    }
    /// `L(ŷ, y)`.
    fn value(&self, prediction: &[T; N], target: &Self::Target) -> T;
    /// `∂L/∂ŷ`.
    fn gradient(&self, prediction: &[T; N], target: &Self::Target) -> [T; N];

    /// `L` for an output layer with activation `A`, pre-activation `z` and output `y = A(z)`.
    /// Cross-entropies paired with their natural activation compute it from `z`, stably.
    fn value_at<A: Activation>(&self, z: &[T; N], y: &[T; N], target: &Self::Target) -> T {
        let _ = z;
        self.value(y, target)
    }
    /// The output layer's error signal `δ = ∂L/∂z = A'(z)ᵀ·∂L/∂ŷ`; fused to `p − y` where the
    /// loss and activation allow it.
    fn delta<A: Activation>(&self, z: &[T; N], y: &[T; N], target: &Self::Target) -> [T; N] {
        let mut delta = [T::ZERO; N];
        A::backprop(z, y, &self.gradient(y, target), &mut delta);
        delta
    }
}

/// `1/N` as a scalar, for the losses that average over the outputs.
#[inline(always)]
fn inverse_width<T: Scalar, const N: usize>() -> T {
    T::ONE / T::from_f64(N as f64)
}

/// Predictions are clamped to `[ε, 1 − ε]` before a logarithm or a division by `p(1 − p)`
/// (Keras' `epsilon()`), on the paths that cannot use the fused form.
const PROBABILITY_EPSILON: f64 = 1e-7;

#[inline(always)]
fn clamp_probability<T: Scalar>(p: T) -> T {
    let eps = T::from_f64(PROBABILITY_EPSILON);
    p.max(eps).min(T::ONE - eps)
}

/// The derivative of [`clamp_probability`]: 1 inside `[ε, 1 − ε]`, 0 outside (and for NaN). A
/// cross-entropy gradient is multiplied by it, as Keras' clipped losses are: an output that is not
/// a probability (`1.3` from an `Identity` layer) gets no gradient, instead of one evaluated at
/// the clamped value that pushes it further out.
#[inline(always)]
fn inside_probability_range<T: Scalar>(p: T) -> bool {
    let eps = T::from_f64(PROBABILITY_EPSILON);
    p >= eps && p <= T::ONE - eps
}

/// `ln(1 + eˣ)` without overflow: `max(x, 0) + ln(1 + e^{−|x|})`.
#[inline(always)]
fn softplus<T: Scalar>(x: T) -> T {
    x.max(T::ZERO) + (T::ONE + (-x.abs()).exp()).ln()
}

/// `ln Σ eᶻ` without overflow.
///
/// For `f32` the exponentials are [`Scalar::exp_fast`] (within 2 ulp, so the loss is within
/// about 2e−7 of the one computed with `libm`'s `expf`), computed in SIMD vectors: ten `expf`
/// calls per sample were a tenth of a digits-sized mini-batch epoch. `f64` and the fixed-point
/// scalars keep [`Scalar::exp`] (`f64`'s fast exponential is only `f32`-accurate).
#[inline]
fn log_sum_exp<T: Scalar, const N: usize>(z: &[T; N]) -> T {
    let Some(&first) = z.first() else { return T::ZERO };
    // Trees, not folds, as in the softmax: independent exponentials and `⌈log₂ N⌉` dependent steps.
    let max = crate::kernel::tree_max(*z, first);
    let mut e = [T::ZERO; N];
    if core::any::TypeId::of::<T>() == core::any::TypeId::of::<f32>() {
        crate::kernel::map_in_lanes(z, &mut e, |v| (v - max).exp_fast());
    } else {
        e = z.map(|v| (v - max).exp());
    }
    max + crate::kernel::tree_sum(e, T::ZERO).ln()
}

#[cfg(test)]
mod tests {
    /// The `f32` log-sum-exp (fast exponentials) stays within 2.5e−7 (relative, or absolute for
    /// values below 1) of the one computed in `f64`, including a confident mistake whose terms
    /// underflow.
    #[test]
    fn f32_log_sum_exp_is_accurate() {
        let mut worst = 0.0f64;
        for seed in 0..2000u32 {
            let z: [f32; 10] = core::array::from_fn(|i| {
                let h = (i as u32 + 1).wrapping_mul(2_654_435_761).wrapping_add(seed.wrapping_mul(40_503));
                ((h >> 8) as f32 / 16_777_216.0 - 0.5) * [1.0, 8.0, 40.0, 200.0][(seed % 4) as usize]
            });
            let exact = super::log_sum_exp(&z.map(f64::from));
            let fast = super::log_sum_exp(&z) as f64;
            worst = worst.max((fast - exact).abs() / exact.abs().max(1.0));
        }
        std::println!("f32 log-sum-exp: worst error {worst:.3e}");
        assert!(worst < 2.5e-7, "worst error {worst:.3e}");
        let mistake = super::log_sum_exp(&[0.0f32, 150.0]) - 0.0;
        assert_eq!(mistake, 150.0);
    }
}
