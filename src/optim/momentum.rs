use super::{Optimizer, for_each_with};
use crate::{Parameters, Scalar, optim::OptimError, optim::check};

/// Gradient descent with momentum, in PyTorch's form:
///
/// ```text
/// b ← μ·b + g
/// w ← w − η·b                 (classic)
/// w ← w − η·(g + μ·b)         (Nesterov)
/// ```
///
/// The classic form `v ← μ·v − η·g; w ← w + v` agrees with this one only while `η` is constant;
/// this form keeps the velocity independent of the learning rate, so schedules behave.
/// On `f(w) = w²/2` from `w = 1` with `η = 0.1`, `μ = 0.9` the first three steps give
/// `0.9, 0.72, 0.486`.
///
/// ```
/// use constnet::optim::{Momentum, Optimizer};
/// use constnet::{Dense, Identity, Parameters};
/// let opt = Momentum { momentum: 0.9, nesterov: false };
/// let mut w = Dense::<f64, 1, 1, Identity>::from_parts([[1.0]], [0.0]);
/// let mut state = <Momentum as Optimizer<f64>>::new_state::<Dense<f64, 1, 1, Identity>>(&opt);
/// for expected in [0.9, 0.72, 0.486] {
///     let grads = w.clone(); // ∂(w²/2)/∂w = w
///     opt.step(&mut w, &grads, &mut state, 0.1);
///     assert!((w.weights[0][0] - expected).abs() < 1e-12);
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Momentum {
    /// `μ`, in `[0, 1)`.
    pub momentum: f64,
    /// Use Nesterov's look-ahead update.
    pub nesterov: bool,
}

impl Default for Momentum {
    /// `μ = 0.9`, classic.
    fn default() -> Self {
        Self { momentum: 0.9, nesterov: false }
    }
}

impl<T: Scalar> Optimizer<T> for Momentum {
    type State<N: Parameters<T>> = N;
    const NAME: &'static str = "momentum";

    fn validate(&self) -> Result<(), OptimError> {
        check::<T>("momentum", self.momentum, |v| (0.0..1.0).contains(&v), "0 ≤ momentum < 1")
    }
    fn new_state<N: Parameters<T>>(&self) -> N {
        N::zeroed()
    }
    #[inline]
    fn step<N: Parameters<T>>(&self, params: &mut N, grads: &N, velocity: &mut N, lr: T) -> bool {
        let mu = T::from_f64(self.momentum);
        if self.nesterov {
            for_each_with(params, grads, velocity, |p, g, b| {
                *b = mu * *b + g;
                *p -= lr * (g + mu * *b);
            })
        } else {
            for_each_with(params, grads, velocity, |p, g, b| {
                *b = mu * *b + g;
                *p -= lr * *b;
            })
        }
    }
}
