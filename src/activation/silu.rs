use super::{ActivationInfo, ActivationKind, ElementWise, Sigmoid};
use crate::{Init, Scalar};

/// The sigmoid linear unit, also called Swish (PyTorch's `nn.SiLU()`):
///
/// ```text
/// SiLU(x)  = x·σ(x)
/// SiLU'(x) = σ(x)·(1 + x·(1 − σ(x))) = y + σ(x)·(1 − y)
/// ```
///
/// `σ` is the exact [`Sigmoid`]; [`FastSilu`] is the vectorising variant. Layers with SiLU
/// default to He initialisation.
///
/// ```
/// use constnet::{ElementWise, Silu};
/// assert!((Silu::value(1.0f64) - 0.7310585786300049).abs() < 1e-15);
/// assert!((Silu::derivative(1.0f64, Silu::value(1.0)) - 0.9276705118714869).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Silu;

impl ElementWise for Silu {
    const INFO: ActivationInfo =
        ActivationInfo::new("Silu").kind(ActivationKind::Silu).function("silu").default_init(Init::HeNormal);

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        x * Sigmoid::value(x)
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, y: T) -> T {
        let s = Sigmoid::value(x);
        y + s * (T::ONE - y)
    }
}

/// [`Silu`] with [`Scalar::sigmoid_fast`], so a layer of it vectorises. Against the exact SiLU
/// (in `f64`) over every finite `f32`: relative error at most 2.0e−7 wherever `x ≥ −80`, so the
/// absolute error is at most 2.0e−7·|x| (1.3e−6 at `x = 13.8`, where SiLU is 13.8); below −80
/// the value is smaller than 2e−33 in magnitude, and below −88 it is 0 (measured once over all
/// 2³² bit patterns; the crate's tests check every 1009th). Shares [`Silu`]'s fingerprint.
///
/// ```
/// use constnet::{ElementWise, FastSilu, Silu};
/// for x in [-30.0f32, -2.0, 0.0, 0.7, 5.0] {
///     assert!((FastSilu::value(x) - Silu::value(x)).abs() <= 2e-7 * x.abs().max(1.0));
/// }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FastSilu;

impl ElementWise for FastSilu {
    const INFO: ActivationInfo =
        ActivationInfo::new("FastSilu").kind(ActivationKind::Silu).function("silu").default_init(Init::HeNormal);

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        x * sigmoid_fast_to_zero(x)
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, y: T) -> T {
        let s = sigmoid_fast_to_zero(x);
        y + s * (T::ONE - y)
    }
}

/// [`Scalar::sigmoid_fast`], but 0 below −88: the fast sigmoid saturates at about 6e−39 there
/// (its exponential is clamped), which a huge `x` would turn into a visible error in `x·σ(x)`.
#[inline(always)]
pub(crate) fn sigmoid_fast_to_zero<T: Scalar>(x: T) -> T {
    let s = x.sigmoid_fast();
    if x < T::from_f64(-88.0) { T::ZERO } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::special::max_error;

    /// `FastSilu` against `x·σ(x)` in `f64` over all of `f32` (every 1009th float).
    #[test]
    fn fast_silu_error_over_all_floats() {
        let e = max_error(1009, FastSilu::value, |x| x / (1.0 + (-x).exp()), |x, y| x >= -80.0 && y.abs() >= 1e-30);
        std::println!(
            "FastSilu: max absolute error {:.2e} at {}, relative {:.2e} at {}",
            e.absolute.0,
            e.absolute.1,
            e.relative.0,
            e.relative.1
        );
        assert!(e.relative.0 < 2e-7, "{:.3e}", e.relative.0);
        // Below −80, where the relative error is not measured, the value is below 1e−33.
        let tail = max_error(1009, FastSilu::value, |x| x / (1.0 + (-x).exp()), |_, _| false);
        assert!(tail.absolute.1 > 0.0, "the largest absolute error is on the positive side");
    }
}
