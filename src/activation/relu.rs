use super::{ElementWise, element_wise_activation};
use crate::{Init, Scalar};

/// The rectified linear unit, `ReLU(x) = max(0, x)`, with `ReLU'(x) = 1` for `x > 0`, else `0`.
///
/// The derivative at the kink `x = 0` is taken as 0, as in TensorFlow and PyTorch. Layers with
/// ReLU default to He initialisation.
///
/// ```
/// use constnet::{ElementWise, Relu};
/// assert_eq!(Relu::value(-3.0f32), 0.0);
/// assert_eq!(Relu::value(2.0f32), 2.0);
/// assert_eq!(Relu::derivative(2.0f32, 2.0), 1.0);
/// assert_eq!(Relu::derivative(0.0f32, 0.0), 0.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Relu;

impl ElementWise for Relu {
    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        if x > T::ZERO { x } else { T::ZERO }
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, _y: T) -> T {
        if x > T::ZERO { T::ONE } else { T::ZERO }
    }
}

element_wise_activation!(Relu, Relu, const DEFAULT_INIT: Init = Init::HeNormal;);
