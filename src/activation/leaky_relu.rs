use super::{ActivationInfo, ActivationKind, ElementWise};
use crate::{Init, Scalar};

/// Leaky ReLU with slope [`LeakyRelu::SLOPE`] = 0.01 for negative inputs:
/// `f(x) = x` for `x > 0`, else `0.01·x`; `f'(x) = 1` for `x > 0`, else `0.01`.
///
/// The slope is PyTorch's default; it keeps a small gradient alive for negative inputs so a
/// unit cannot "die". Layers with leaky ReLU default to He initialisation.
///
/// ```
/// use constnet::{ElementWise, LeakyRelu};
/// assert_eq!(LeakyRelu::value(-2.0f64), -0.02);
/// assert_eq!(LeakyRelu::derivative(-2.0f64, -0.02), 0.01);
/// assert_eq!(LeakyRelu::value(3.0f64), 3.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct LeakyRelu;

impl LeakyRelu {
    /// The slope for negative inputs.
    pub const SLOPE: f64 = 0.01;
}

impl ElementWise for LeakyRelu {
    const INFO: ActivationInfo = ActivationInfo::new("LeakyRelu")
        .kind(ActivationKind::LeakyRelu)
        .function("leaky_relu(0.01)")
        .default_init(Init::HeNormal);

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        if x < T::ZERO { x * T::from_f64(Self::SLOPE) } else { x }
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, _y: T) -> T {
        if x > T::ZERO { T::ONE } else { T::from_f64(Self::SLOPE) }
    }
}
