use super::Loss;
use crate::Scalar;

/// Sum of squared errors, the "Make Your Own Neural Network" error: `L = Σᵢ (ŷᵢ − yᵢ)²`,
/// `∂L/∂ŷᵢ = 2(ŷᵢ − yᵢ)`.
///
/// ```
/// use constnet::loss::{Loss, SumSquaredError};
/// assert_eq!(SumSquaredError.value(&[0.5f32, 1.0], &[0.0, 0.0]), 1.25);
/// assert_eq!(SumSquaredError.gradient(&[0.5f32, 1.0], &[0.0, 0.0]), [1.0, 2.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SumSquaredError;

impl<T: Scalar, const N: usize> Loss<T, N> for SumSquaredError {
    type Target = [T; N];
    const NAME: &'static str = "sse";

    fn value(&self, prediction: &[T; N], target: &[T; N]) -> T {
        prediction.iter().zip(target).map(|(&p, &y)| (p - y) * (p - y)).sum()
    }
    fn gradient(&self, prediction: &[T; N], target: &[T; N]) -> [T; N] {
        let two = T::from_f64(2.0);
        core::array::from_fn(|i| (prediction[i] - target[i]) * two)
    }
}
