use super::{ActivationInfo, ActivationKind, ElementWise};
use crate::{Init, Scalar};

/// The hard hyperbolic tangent (PyTorch's `nn.Hardtanh()`): the identity clamped to `[−1, 1]`.
///
/// ```text
/// Hardtanh(x)  = min(max(x, −1), 1)
/// Hardtanh'(x) = 1 for −1 < x < 1, else 0
/// ```
///
/// Cheap (two comparisons) and bounded like `tanh`, which makes it a favourite for fixed-point
/// and microcontroller inference. NaN stays NaN.
///
/// ```
/// use constnet::{ElementWise, Hardtanh};
/// assert_eq!([-3.0f32, -0.5, 2.0].map(Hardtanh::value), [-1.0, -0.5, 1.0]);
/// assert_eq!(Hardtanh::derivative(2.0f32, 1.0), 0.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Hardtanh;

/// `x` clamped to `[lo, hi]`; a NaN fails both comparisons and passes through.
#[inline(always)]
fn clamp<T: Scalar>(x: T, lo: T, hi: T) -> T {
    let x = if x < lo { lo } else { x };
    if x > hi { hi } else { x }
}

/// 1 strictly inside `(lo, hi)`, else 0 (PyTorch's convention at the corners).
#[inline(always)]
fn inside<T: Scalar>(x: T, lo: T, hi: T) -> T {
    if x > lo && x < hi { T::ONE } else { T::ZERO }
}

impl ElementWise for Hardtanh {
    const INFO: ActivationInfo =
        ActivationInfo::new("Hardtanh").kind(ActivationKind::Hardtanh).function("hardtanh(-1,1)");

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        clamp(x, -T::ONE, T::ONE)
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, _y: T) -> T {
        inside(x, -T::ONE, T::ONE)
    }
}

/// ReLU capped at 6 (PyTorch's `nn.ReLU6()`, MobileNet's activation): bounded outputs keep
/// low-precision (int8, fixed-point) inference accurate.
///
/// ```text
/// ReLU6(x)  = min(max(x, 0), 6)
/// ReLU6'(x) = 1 for 0 < x < 6, else 0
/// ```
///
/// Layers with ReLU6 default to He initialisation. NaN stays NaN.
///
/// ```
/// use constnet::{ElementWise, Relu6};
/// assert_eq!([-1.0f32, 2.5, 9.0].map(Relu6::value), [0.0, 2.5, 6.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Relu6;

impl ElementWise for Relu6 {
    const INFO: ActivationInfo =
        ActivationInfo::new("Relu6").kind(ActivationKind::Relu6).function("relu6").default_init(Init::HeNormal);

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        clamp(x, T::ZERO, T::from_f64(6.0))
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, _y: T) -> T {
        inside(x, T::ZERO, T::from_f64(6.0))
    }
}
