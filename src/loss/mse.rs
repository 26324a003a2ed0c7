use super::{Loss, inverse_width};
use crate::Scalar;

/// Mean squared error: `L = (1/N)·Σᵢ (ŷᵢ − yᵢ)²`, `∂L/∂ŷᵢ = 2(ŷᵢ − yᵢ)/N`.
///
/// With one output this is the loss of the tree-age example in "Adventure of the Neurons": `ŷ = 6.25`, `y = 5` gives
/// `L = 1.5625` and `∂L/∂ŷ = 2.5`.
///
/// ```
/// use constnet::loss::{Loss, Mse};
/// assert_eq!(Mse.value(&[6.25f64], &[5.0]), 1.5625);
/// assert_eq!(Mse.gradient(&[6.25f64], &[5.0]), [2.5]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mse;

impl<T: Scalar, const N: usize> Loss<T, N> for Mse {
    type Target = [T; N];
    const NAME: &'static str = "mse";

    fn value(&self, prediction: &[T; N], target: &[T; N]) -> T {
        let sum: T = prediction.iter().zip(target).map(|(&p, &y)| (p - y) * (p - y)).sum();
        sum * inverse_width::<T, N>()
    }
    fn gradient(&self, prediction: &[T; N], target: &[T; N]) -> [T; N] {
        let scale = T::from_f64(2.0) * inverse_width::<T, N>();
        core::array::from_fn(|i| (prediction[i] - target[i]) * scale)
    }
}
