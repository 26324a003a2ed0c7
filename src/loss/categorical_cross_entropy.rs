use super::{Loss, clamp_probability, inside_probability_range, log_sum_exp};
use crate::{Activation, ActivationKind, Scalar};

/// Categorical cross-entropy with a one-hot (or any probability) target:
/// `L = −Σᵢ yᵢ·ln pᵢ`, `∂L/∂pᵢ = −yᵢ/pᵢ`.
///
/// After a [`Softmax`](crate::Softmax), `δ = ∂L/∂z = p·Σy − y`, which is `p − y` for a one-hot
/// target, and the value is computed from the logits as `Σy·logsumexp(z) − Σ yᵢzᵢ`, so a
/// zero probability never reaches a logarithm. With other activations probabilities are
/// clamped to `[1e-7, 1 − 1e-7]` for the value, and the gradient of an output outside that range
/// is 0 (Keras' clipping).
///
/// ```
/// use constnet::loss::{CategoricalCrossEntropy, Loss};
/// use constnet::{Activation, Softmax};
/// let z = [2.0f64, 1.0, 0.1];
/// let mut p = [0.0; 3];
/// Softmax::apply(&z, &mut p);
/// let y = [1.0, 0.0, 0.0];
/// assert!((CategoricalCrossEntropy.value(&p, &y) - 0.417030).abs() < 1e-6);
/// let delta = CategoricalCrossEntropy.delta::<Softmax>(&z, &p, &y);
/// assert!((delta[0] - (p[0] - 1.0)).abs() < 1e-15 && delta[1] == p[1]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CategoricalCrossEntropy;

impl<T: Scalar, const N: usize> Loss<T, N> for CategoricalCrossEntropy {
    type Target = [T; N];
    const NAME: &'static str = "categorical_cross_entropy";

    fn value(&self, prediction: &[T; N], target: &[T; N]) -> T {
        -prediction.iter().zip(target).map(|(&p, &y)| y * clamp_probability(p).ln()).sum::<T>()
    }

    fn gradient(&self, prediction: &[T; N], target: &[T; N]) -> [T; N] {
        core::array::from_fn(|i| {
            let p = prediction[i];
            if inside_probability_range(p) { -target[i] / p } else { T::ZERO }
        })
    }

    fn value_at<A: Activation>(&self, z: &[T; N], y: &[T; N], target: &[T; N]) -> T {
        if A::KIND != ActivationKind::Softmax {
            return self.value(y, target);
        }
        let mass: T = target.iter().copied().sum();
        let dot: T = z.iter().zip(target).map(|(&z, &t)| z * t).sum();
        mass * log_sum_exp(z) - dot
    }

    fn delta<A: Activation>(&self, z: &[T; N], y: &[T; N], target: &[T; N]) -> [T; N] {
        if A::KIND == ActivationKind::Softmax {
            let mass: T = target.iter().copied().sum();
            core::array::from_fn(|i| y[i] * mass - target[i])
        } else {
            let mut delta = [T::ZERO; N];
            A::backprop(z, y, &self.gradient(y, target), &mut delta);
            delta
        }
    }
}
