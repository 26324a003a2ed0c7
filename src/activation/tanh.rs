use super::{ActivationInfo, ActivationKind, ElementWise};
use crate::Scalar;

/// The hyperbolic tangent, `tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ)`, with `tanh'(x) = 1 − tanh²(x)`.
///
/// A zero-centred sigmoid with range (−1, 1).
///
/// ```
/// use constnet::{ElementWise, Tanh};
/// let y = Tanh::value(0.5f64);
/// assert!((y - 0.46211715726000974).abs() < 1e-15);
/// assert!((Tanh::derivative(0.5, y) - (1.0 - y * y)).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Tanh;

impl ElementWise for Tanh {
    const INFO: ActivationInfo = ActivationInfo::new("Tanh").kind(ActivationKind::Tanh).function("tanh");

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        x.tanh()
    }
    #[inline(always)]
    fn derivative<T: Scalar>(_x: T, y: T) -> T {
        T::ONE - y * y
    }
}
