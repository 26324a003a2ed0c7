use super::{ActivationInfo, ActivationKind, ElementWise};
use crate::Scalar;

/// The threshold perceptron: `f(x) = 1` if `x ≥ 0`, else `0`.
///
/// **Inference only.** Its derivative is 0 everywhere except at 0, where it does not exist, so
/// back-propagation through it multiplies every upstream gradient by 0 and no weight before it
/// ever changes. That is why tutorials move on to the sigmoid, a smooth step. `derivative`
/// returns 0 and [`Activation::TRAINABLE`](super::Activation::TRAINABLE) is `false`, so the
/// training functions reject networks that contain it.
///
/// ```
/// use constnet::{ElementWise, Step};
/// assert_eq!(Step::value(0.0f32), 1.0);
/// assert_eq!(Step::value(-1e-9f32), 0.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Step;

impl ElementWise for Step {
    const INFO: ActivationInfo = ActivationInfo::new("Step").kind(ActivationKind::Step).function("step").untrainable();

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        if x >= T::ZERO { T::ONE } else { T::ZERO }
    }
    #[inline(always)]
    fn derivative<T: Scalar>(_x: T, _y: T) -> T {
        T::ZERO
    }
}
