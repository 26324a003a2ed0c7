use super::{Loss, clamp_probability, inside_probability_range, inverse_width, softplus};
use crate::{Activation, ActivationKind, Scalar};

/// Binary cross-entropy, averaged over the outputs:
/// `L = −(1/N)·Σᵢ [yᵢ·ln aᵢ + (1 − yᵢ)·ln(1 − aᵢ)]`, `∂L/∂aᵢ = (aᵢ − yᵢ) / (aᵢ(1 − aᵢ)·N)`.
///
/// After a [`Sigmoid`](crate::Sigmoid) the chain rule gives `δᵢ = ∂L/∂zᵢ = (aᵢ − yᵢ)/N`, and the
/// value is computed from the logit as `max(z, 0) − z·y + ln(1 + e^{−|z|})`: no `ln 0` and no
/// division by `a(1 − a)`, however saturated the output. With any other activation,
/// probabilities are clamped to `[1e-7, 1 − 1e-7]` for the value, and, as in Keras, the gradient
/// of an output outside that range is 0 (the clamp's derivative): an output that is not a
/// probability is not pushed further out.
///
/// ```
/// use constnet::loss::{BinaryCrossEntropy, Loss};
/// use constnet::Sigmoid;
/// let bce = BinaryCrossEntropy;
/// assert!((bce.value(&[0.7f64], &[1.0]) - 0.356675).abs() < 1e-6);
/// assert!((bce.gradient(&[0.7f64], &[1.0])[0] + 1.428571).abs() < 1e-6);
/// let z = [0.7f64.ln() - 0.3f64.ln()]; // σ(z) = 0.7
/// assert!((bce.delta::<Sigmoid>(&z, &[0.7], &[1.0])[0] + 0.3).abs() < 1e-12);
/// // A confidently wrong logit is a large finite loss, not infinity.
/// assert!((bce.value_at::<Sigmoid>(&[-800.0f64], &[0.0], &[1.0]) - 800.0).abs() < 1e-9);
/// // Not a probability: no gradient.
/// assert_eq!(bce.gradient(&[1.3f64], &[0.0]), [0.0]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BinaryCrossEntropy;

impl<T: Scalar, const N: usize> Loss<T, N> for BinaryCrossEntropy {
    type Target = [T; N];
    const NAME: &'static str = "binary_cross_entropy";

    fn value(&self, prediction: &[T; N], target: &[T; N]) -> T {
        let sum: T = prediction
            .iter()
            .zip(target)
            .map(|(&a, &y)| {
                let a = clamp_probability(a);
                -(y * a.ln() + (T::ONE - y) * (T::ONE - a).ln())
            })
            .sum();
        sum * inverse_width::<T, N>()
    }

    fn gradient(&self, prediction: &[T; N], target: &[T; N]) -> [T; N] {
        let scale = inverse_width::<T, N>();
        core::array::from_fn(|i| {
            let a = prediction[i];
            if inside_probability_range(a) { (a - target[i]) / (a * (T::ONE - a)) * scale } else { T::ZERO }
        })
    }

    fn value_at<A: Activation>(&self, z: &[T; N], y: &[T; N], target: &[T; N]) -> T {
        if A::KIND != ActivationKind::Sigmoid {
            return self.value(y, target);
        }
        let sum: T = z.iter().zip(target).map(|(&z, &t)| softplus(z) - z * t).sum();
        sum * inverse_width::<T, N>()
    }

    fn delta<A: Activation>(&self, z: &[T; N], y: &[T; N], target: &[T; N]) -> [T; N] {
        if A::KIND == ActivationKind::Sigmoid {
            let scale = inverse_width::<T, N>();
            core::array::from_fn(|i| (y[i] - target[i]) * scale)
        } else {
            let mut delta = [T::ZERO; N];
            A::backprop(z, y, &self.gradient(y, target), &mut delta);
            delta
        }
    }
}
