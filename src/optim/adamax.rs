use super::{AdamState, Optimizer, check_adam_family, for_each_with2, power};
use crate::{Parameters, Scalar, optim::OptimError};

/// Adamax, Adam with the infinity norm, as Keras defines it (the circles article uses it):
///
/// ```text
/// m ← β₁·m + (1 − β₁)·g          u ← max(β₂·u, |g|)
/// w ← w − η/(1 − β₁ᵗ) · m / (u + ε)
/// ```
///
/// Defaults are Keras': `η = 0.001` (set it in the schedule), `β₁ = 0.9`, `β₂ = 0.999`, `ε = 1e-7`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adamax {
    /// `β₁ ∈ [0, 1)`.
    pub beta1: f64,
    /// `β₂ ∈ [0, 1)`.
    pub beta2: f64,
    /// `ε > 0`.
    pub epsilon: f64,
}

impl Default for Adamax {
    fn default() -> Self {
        Self { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }
    }
}

impl<T: Scalar> Optimizer<T> for Adamax {
    type State<N: Parameters<T>> = AdamState<N>;
    const NAME: &'static str = "adamax";

    fn validate(&self) -> Result<(), OptimError> {
        check_adam_family::<T>(self.beta1, self.beta2, self.epsilon)
    }
    fn new_state<N: Parameters<T>>(&self) -> AdamState<N> {
        AdamState::zeroed()
    }
    fn step<N: Parameters<T>>(&self, params: &mut N, grads: &N, state: &mut AdamState<N>, lr: T) -> bool {
        state.t = state.t.saturating_add(1);
        let (b1, b2) = (T::from_f64(self.beta1), T::from_f64(self.beta2));
        let c1 = T::ONE - b1;
        let rate = lr * T::from_f64(1.0 / (1.0 - power(self.beta1, state.t)));
        let eps = T::from_f64(self.epsilon);
        let AdamState { m, v: u, .. } = state;
        for_each_with2(params, grads, m, u, |p, g, m, u| {
            *m = b1 * *m + c1 * g;
            *u = (b2 * *u).max(g.abs());
            *p -= rate * *m / (*u + eps);
        })
    }
}
