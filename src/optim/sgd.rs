use super::{Optimizer, for_each};
use crate::{Parameters, Scalar, optim::OptimError};

/// Plain gradient descent: `w ← w − η·∂L/∂w`.
///
/// ```
/// use constnet::optim::{Optimizer, Sgd};
/// use constnet::{Dense, Identity, Parameters};
/// let mut layer = Dense::<f64, 1, 1, Identity>::from_parts([[0.2]], [0.9]);
/// let grads = Dense::from_parts([[6.25]], [1.25]);
/// Sgd.step(&mut layer, &grads, &mut (), 0.05);
/// assert!((layer.weights[0][0] + 0.1125).abs() < 1e-12); // w1 of the tree-age example (README, "References")
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sgd;

impl<T: Scalar> Optimizer<T> for Sgd {
    type State<N: Parameters<T>> = ();
    const NAME: &'static str = "sgd";
    const PLAIN_GRADIENT_DESCENT: bool = true;

    fn validate(&self) -> Result<(), OptimError> {
        Ok(())
    }
    fn new_state<N: Parameters<T>>(&self) {}
    #[inline]
    fn step<N: Parameters<T>>(&self, params: &mut N, grads: &N, _state: &mut (), lr: T) -> bool {
        for_each(params, grads, |p, g| *p -= lr * g)
    }
}
