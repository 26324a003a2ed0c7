use super::{ActivationInfo, ActivationKind, ElementWise};
use crate::Scalar;

/// The logistic sigmoid, `σ(x) = 1 / (1 + e⁻ˣ)`, with `σ'(x) = σ(x)·(1 − σ(x))`.
///
/// Squashes any input into (0, 1), which makes it the output of a binary classifier. It is
/// evaluated as `e^x / (1 + e^x)` for negative `x`, so `e^{-x}` never overflows.
///
/// ```
/// use constnet::{ElementWise, Sigmoid};
/// let y = Sigmoid::value(1.05f64); // the first neuron of Rashid's *Make Your Own Neural Network*
/// assert!((y - 0.7408).abs() < 1e-4);
/// assert!((Sigmoid::derivative(1.05, y) - y * (1.0 - y)).abs() < 1e-15);
/// assert_eq!(Sigmoid::value(-1000.0f32), 0.0); // no NaN, no overflow
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Sigmoid;

impl ElementWise for Sigmoid {
    const INFO: ActivationInfo = ActivationInfo::new("Sigmoid").kind(ActivationKind::Sigmoid).function("sigmoid");

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        if x >= T::ZERO {
            T::ONE / (T::ONE + (-x).exp())
        } else {
            let e = x.exp();
            e / (T::ONE + e)
        }
    }
    #[inline(always)]
    fn derivative<T: Scalar>(_x: T, y: T) -> T {
        y * (T::ONE - y)
    }
}
