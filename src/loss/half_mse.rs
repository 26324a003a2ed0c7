use super::{Loss, inverse_width};
use crate::Scalar;

/// Half mean squared error, the cost of the 2-4-1 article: `C = 1/(2N)·Σᵢ (ŷᵢ − yᵢ)²`,
/// `∂C/∂ŷᵢ = (ŷᵢ − yᵢ)/N`. The ½ cancels the 2 of the derivative.
///
/// ```
/// use constnet::loss::{HalfMse, Loss};
/// let (p, y) = ([0.2f64, 0.9], [0.0, 1.0]);
/// assert!((HalfMse.value(&p, &y) - 0.0125).abs() < 1e-15);
/// let g = HalfMse.gradient(&p, &y);
/// assert!((g[0] - 0.1).abs() < 1e-15 && (g[1] + 0.05).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HalfMse;

impl<T: Scalar, const N: usize> Loss<T, N> for HalfMse {
    type Target = [T; N];
    const NAME: &'static str = "half_mse";

    fn value(&self, prediction: &[T; N], target: &[T; N]) -> T {
        let sum: T = prediction.iter().zip(target).map(|(&p, &y)| (p - y) * (p - y)).sum();
        sum * inverse_width::<T, N>() * T::from_f64(0.5)
    }
    fn gradient(&self, prediction: &[T; N], target: &[T; N]) -> [T; N] {
        let scale = inverse_width::<T, N>();
        core::array::from_fn(|i| (prediction[i] - target[i]) * scale)
    }
}
