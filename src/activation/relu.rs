use super::{ActivationInfo, ActivationKind, ElementWise};
use crate::{Init, Scalar};

/// The rectified linear unit, `ReLU(x) = max(0, x)`, with `ReLU'(x) = 1` for `x > 0`, else `0`.
///
/// The derivative at the kink `x = 0` is taken as 0, as in TensorFlow and PyTorch. NaN stays NaN. Layers with
/// ReLU default to He initialisation.
///
/// ```
/// use constnet::{ElementWise, Relu};
/// assert_eq!(Relu::value(-3.0f32), 0.0);
/// assert_eq!(Relu::value(2.0f32), 2.0);
/// assert_eq!(Relu::derivative(2.0f32, 2.0), 1.0);
/// assert_eq!(Relu::derivative(0.0f32, 0.0), 0.0);
/// assert!(Relu::value(f32::NAN).is_nan());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Relu;

impl ElementWise for Relu {
    const INFO: ActivationInfo =
        ActivationInfo::new("Relu").kind(ActivationKind::Relu).function("relu").default_init(Init::HeNormal);

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        // Written so that NaN passes through (`NaN < 0` is false): a NaN input must not become
        // a finite prediction.
        if x < T::ZERO { T::ZERO } else { x }
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, _y: T) -> T {
        if x > T::ZERO { T::ONE } else { T::ZERO }
    }
}
