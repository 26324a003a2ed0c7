use super::{Optimizer, for_each_with};
use crate::{Parameters, Scalar, optim::OptimError, optim::check};

/// RMSprop (Hinton): divide the step by a running root-mean-square of recent gradients:
///
/// ```text
/// v ← ρ·v + (1 − ρ)·g²
/// w ← w − η·g / (√v + ε)
/// ```
///
/// Defaults are Keras': `ρ = 0.9`, `ε = 1e-7`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RmsProp {
    /// Decay `ρ ∈ [0, 1)`.
    pub rho: f64,
    /// `ε > 0`.
    pub epsilon: f64,
}

impl Default for RmsProp {
    fn default() -> Self {
        Self { rho: 0.9, epsilon: 1e-7 }
    }
}

impl<T: Scalar> Optimizer<T> for RmsProp {
    type State<N: Parameters<T>> = N;
    const NAME: &'static str = "rmsprop";

    fn validate(&self) -> Result<(), OptimError> {
        check::<T>("rho", self.rho, |v| (0.0..1.0).contains(&v), "0 ≤ rho < 1")?;
        check::<T>("epsilon", self.epsilon, |v| v > 0.0, "epsilon > 0")
    }
    fn new_state<N: Parameters<T>>(&self) -> N {
        N::zeroed()
    }
    fn step<N: Parameters<T>>(&self, params: &mut N, grads: &N, mean_square: &mut N, lr: T) -> bool {
        let rho = T::from_f64(self.rho);
        let c = T::ONE - rho;
        let eps = T::from_f64(self.epsilon);
        for_each_with(params, grads, mean_square, |p, g, v| {
            *v = rho * *v + c * g * g;
            *p -= lr * g / (v.sqrt() + eps);
        })
    }
}
