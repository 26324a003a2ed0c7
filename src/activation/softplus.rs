use super::special::log1p;
use super::{ActivationInfo, ActivationKind, ElementWise, Sigmoid};
use crate::{Init, Scalar};

/// Softplus, a smooth ReLU (PyTorch's `nn.Softplus()` with `β = 1`):
///
/// ```text
/// Softplus(x)  = ln(1 + eˣ),   computed as max(x, 0) + ln(1 + e^{−|x|})
/// Softplus'(x) = σ(x)
/// ```
///
/// The rewritten form never overflows and keeps full relative accuracy for very negative `x`
/// (where the value is about `eˣ`). PyTorch instead returns `x` itself above its threshold
/// `x > 20`, where the two differ by less than `e^{−20}` ≈ 2.1e−9. Its outputs are positive, so
/// it suits parameters that must be, such as a predicted scale. Layers with Softplus default to
/// He initialisation. No fast variant: the logarithm is the cost, and `Scalar` has no fast one.
///
/// ```
/// use constnet::{ElementWise, Softplus};
/// assert!((Softplus::value(0.0f64) - core::f64::consts::LN_2).abs() < 1e-16);
/// assert!((Softplus::value(-50.0f64) - 1.9287498479639178e-22).abs() < 1e-36);
/// assert_eq!(Softplus::value(1000.0f32), 1000.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Softplus;

impl ElementWise for Softplus {
    const INFO: ActivationInfo = ActivationInfo::new("Softplus")
        .kind(ActivationKind::Softplus)
        .function("softplus(1)")
        .default_init(Init::HeNormal);

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        x.max(T::ZERO) + log1p((-x.abs()).exp())
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, _y: T) -> T {
        Sigmoid::value(x)
    }
}
