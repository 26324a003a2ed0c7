use super::{Adam, AdamState, Optimizer};
use crate::{Parameters, Scalar, optim::OptimError, optim::check};

/// AdamW (Loshchilov & Hutter): Adam with weight decay *decoupled* from the gradient,
/// as in PyTorch: `w ← w·(1 − η·λ)` and then the [`Adam`] update.
///
/// Unlike L2 regularisation (adding `λ·w` to the gradient), the decay is not rescaled by
/// Adam's per-weight step size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamW {
    /// The Adam part.
    pub adam: Adam,
    /// `λ ≥ 0`.
    pub weight_decay: f64,
}

impl Default for AdamW {
    /// Adam's defaults and `λ = 0.01`.
    fn default() -> Self {
        Self { adam: Adam::default(), weight_decay: 0.01 }
    }
}

impl<T: Scalar> Optimizer<T> for AdamW {
    type State<N: Parameters<T>> = AdamState<N>;
    const NAME: &'static str = "adamw";

    fn validate(&self) -> Result<(), OptimError> {
        <Adam as Optimizer<T>>::validate(&self.adam)?;
        check::<T>("weight decay", self.weight_decay, |v| v >= 0.0, "weight decay ≥ 0")
    }
    fn new_state<N: Parameters<T>>(&self) -> AdamState<N> {
        AdamState::zeroed()
    }
    fn step<N: Parameters<T>>(&self, params: &mut N, grads: &N, state: &mut AdamState<N>, lr: T) -> bool {
        self.adam.update(params, grads, state, lr, self.weight_decay)
    }
}
