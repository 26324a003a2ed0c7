use super::{Loss, inverse_width};
use crate::Scalar;

/// Mean absolute error: `L = (1/N)·Σᵢ |ŷᵢ − yᵢ|`, `∂L/∂ŷᵢ = sign(ŷᵢ − yᵢ)/N` (0 where equal).
///
/// ```
/// use constnet::loss::{Loss, Mae};
/// assert_eq!(Mae.value(&[1.0f32, -1.0], &[0.0, 0.0]), 1.0);
/// assert_eq!(Mae.gradient(&[1.0f32, -1.0, 0.0, 0.0], &[0.0; 4]), [0.25, -0.25, 0.0, 0.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mae;

impl<T: Scalar, const N: usize> Loss<T, N> for Mae {
    type Target = [T; N];
    const NAME: &'static str = "mae";

    fn value(&self, prediction: &[T; N], target: &[T; N]) -> T {
        let sum: T = prediction.iter().zip(target).map(|(&p, &y)| (p - y).abs()).sum();
        sum * inverse_width::<T, N>()
    }
    fn gradient(&self, prediction: &[T; N], target: &[T; N]) -> [T; N] {
        let scale = inverse_width::<T, N>();
        core::array::from_fn(|i| {
            let d = prediction[i] - target[i];
            if d > T::ZERO {
                scale
            } else if d < T::ZERO {
                -scale
            } else {
                T::ZERO
            }
        })
    }
}
