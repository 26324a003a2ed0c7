use super::{Loss, clamp_probability, inside_probability_range, log_sum_exp};
use crate::{Activation, ActivationKind, Scalar};

/// Cross-entropy with the target given as a class index `c < N`: `L = −ln p_c`,
/// `∂L/∂pᵢ = −[i = c]/p_c`.
///
/// Same maths as [`CategoricalCrossEntropy`](super::CategoricalCrossEntropy) with a one-hot
/// target, without storing it: after a [`Softmax`](crate::Softmax), `δ = p − onehot(c)` and
/// `L = logsumexp(z) − z_c`. Class indices are checked before training
/// ([`Loss::check_target`]); an out-of-range index that reaches these functions anyway gives a
/// NaN loss (which stops training with an error) and a zero gradient, never a panic.
///
/// ```
/// use constnet::loss::{Loss, SparseCategoricalCrossEntropy};
/// use constnet::Softmax;
/// let z = [2.0f64, 1.0, 0.1];
/// assert!((SparseCategoricalCrossEntropy.value_at::<Softmax>(&z, &[0.659001, 0.242433, 0.098566], &0) - 0.417030).abs() < 1e-6);
/// assert_eq!(Loss::<f64, 3>::check_target(&SparseCategoricalCrossEntropy, &3), Err(3));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SparseCategoricalCrossEntropy;

impl<T: Scalar, const N: usize> Loss<T, N> for SparseCategoricalCrossEntropy {
    type Target = usize;
    const NAME: &'static str = "sparse_categorical_cross_entropy";

    fn classes(&self) -> Option<usize> {
        Some(N)
    }

    fn check_target(&self, target: &usize) -> Result<(), usize> {
        if *target < N { Ok(()) } else { Err(*target) }
    }

    fn value(&self, prediction: &[T; N], target: &usize) -> T {
        match prediction.get(*target) {
            Some(&p) => -clamp_probability(p).ln(),
            None => T::from_f64(f64::NAN),
        }
    }

    fn gradient(&self, prediction: &[T; N], target: &usize) -> [T; N] {
        let mut g = [T::ZERO; N];
        if let (Some(gc), Some(&p)) = (g.get_mut(*target), prediction.get(*target))
            && inside_probability_range(p)
        {
            *gc = -T::ONE / p;
        }
        g
    }

    fn value_at<A: Activation>(&self, z: &[T; N], y: &[T; N], target: &usize) -> T {
        if A::KIND != ActivationKind::Softmax {
            return self.value(y, target);
        }
        match z.get(*target) {
            Some(&zc) => log_sum_exp(z) - zc,
            None => T::from_f64(f64::NAN),
        }
    }

    fn delta<A: Activation>(&self, z: &[T; N], y: &[T; N], target: &usize) -> [T; N] {
        if A::KIND == ActivationKind::Softmax {
            if *target >= N {
                return [T::ZERO; N];
            }
            // `yᵢ − [i = target]` as one vector operation: writing the one element into a copy
            // of `y` and reading the vector back stalled the store-to-load forwarding
            // (`y − 0` is `y` exactly, `−0` included).
            core::array::from_fn(|i| y[i] - if i == *target { T::ONE } else { T::ZERO })
        } else {
            let mut delta = [T::ZERO; N];
            A::backprop(z, y, &self.gradient(y, target), &mut delta);
            delta
        }
    }
}
