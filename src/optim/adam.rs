use super::{Optimizer, check_adam_family, for_each_with2, power};
use crate::{Parameters, Scalar, optim::OptimError};

/// Adam (Kingma & Ba), with bias-corrected moments:
///
/// ```text
/// m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
/// m̂ = m / (1 − β₁ᵗ)              v̂ = v / (1 − β₂ᵗ)
/// w ← w − η·m̂ / (√v̂ + ε)
/// ```
///
/// This is PyTorch's placement of `ε`; the first step therefore moves every weight by about
/// `η·sign(g)`.
///
/// ```
/// use constnet::optim::{Adam, Optimizer};
/// use constnet::{Dense, Identity};
/// let adam = Adam::default();
/// let mut w = Dense::<f64, 1, 1, Identity>::from_parts([[1.0]], [0.0]);
/// let mut state = <Adam as Optimizer<f64>>::new_state::<Dense<f64, 1, 1, Identity>>(&adam);
/// adam.step(&mut w, &Dense::from_parts([[0.5]], [0.0]), &mut state, 0.01);
/// assert!((w.weights[0][0] - (1.0 - 0.01 * 0.5 / (0.5 + 1e-8))).abs() < 1e-12);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adam {
    /// Decay of the first moment, `β₁ ∈ [0, 1)`.
    pub beta1: f64,
    /// Decay of the second moment, `β₂ ∈ [0, 1)`.
    pub beta2: f64,
    /// `ε > 0`, keeps the division finite.
    pub epsilon: f64,
}

impl Default for Adam {
    /// `β₁ = 0.9`, `β₂ = 0.999`, `ε = 1e-8`.
    fn default() -> Self {
        Self { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }
    }
}

/// Moments of the Adam family, each shaped like the network, and the step count `t`.
#[derive(Clone, Debug, PartialEq)]
pub struct AdamState<N> {
    /// First moment `m` (Adamax: the same).
    pub m: N,
    /// Second moment `v` (Adamax: the infinity norm `u`).
    pub v: N,
    /// Number of steps taken.
    pub t: u32,
}

impl<N> AdamState<N> {
    /// Fresh state with zero moments.
    pub fn zeroed<T: Scalar>() -> Self
    where
        N: Parameters<T>,
    {
        Self { m: N::zeroed(), v: N::zeroed(), t: 0 }
    }
}

impl Adam {
    /// The Adam update with an optional decoupled weight decay `λ` (used by [`super::AdamW`]).
    #[inline]
    pub(crate) fn update<T: Scalar, N: Parameters<T>>(
        &self,
        params: &mut N,
        grads: &N,
        state: &mut AdamState<N>,
        lr: T,
        weight_decay: f64,
    ) -> bool {
        state.t = state.t.saturating_add(1);
        let (b1, b2) = (T::from_f64(self.beta1), T::from_f64(self.beta2));
        let (c1, c2) = (T::ONE - b1, T::ONE - b2);
        let step = T::from_f64(1.0 / (1.0 - power(self.beta1, state.t)));
        let inv_c2 = T::from_f64(1.0 / (1.0 - power(self.beta2, state.t)));
        let eps = T::from_f64(self.epsilon);
        let decay = T::ONE - lr * T::from_f64(weight_decay);
        let AdamState { m, v, .. } = state;
        for_each_with2(params, grads, m, v, |p, g, m, v| {
            *m = b1 * *m + c1 * g;
            *v = b2 * *v + c2 * g * g;
            *p = *p * decay - lr * (*m * step) / ((*v * inv_c2).sqrt() + eps);
        })
    }
}

impl<T: Scalar> Optimizer<T> for Adam {
    type State<N: Parameters<T>> = AdamState<N>;
    const NAME: &'static str = "adam";

    fn validate(&self) -> Result<(), OptimError> {
        check_adam_family::<T>(self.beta1, self.beta2, self.epsilon)
    }
    fn new_state<N: Parameters<T>>(&self) -> AdamState<N> {
        AdamState::zeroed()
    }
    fn step<N: Parameters<T>>(&self, params: &mut N, grads: &N, state: &mut AdamState<N>, lr: T) -> bool {
        self.update(params, grads, state, lr, 0.0)
    }
}
