use super::{ActivationInfo, ActivationKind, ElementWise};
use crate::Scalar;

/// The identity, `f(x) = x`, `f'(x) = 1`: a linear layer, as in the tree-age regression of "Adventure of the Neurons".
///
/// ```
/// use constnet::{ElementWise, Identity};
/// assert_eq!(Identity::value(-2.5f32), -2.5);
/// assert_eq!(Identity::derivative(-2.5f32, -2.5), 1.0);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Identity;

impl ElementWise for Identity {
    const INFO: ActivationInfo = ActivationInfo::new("Identity").kind(ActivationKind::Identity).function("identity");

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        x
    }
    #[inline(always)]
    fn derivative<T: Scalar>(_x: T, _y: T) -> T {
        T::ONE
    }
}
