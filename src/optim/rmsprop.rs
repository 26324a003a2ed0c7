use super::{Optimizer, for_each_with};
use crate::{Parameters, Scalar, optim::OptimError, optim::check};

/// RMSprop (Hinton): divide the step by a running root-mean-square of recent gradients. This is
/// **Keras'** RMSprop (`keras.optimizers.RMSprop` without momentum, not centered), formula and
/// defaults:
///
/// ```text
/// v ← ρ·v + (1 − ρ)·g²          (v starts at 0)
/// w ← w − η·g / √(v + ε)
/// ```
///
/// Defaults: `ρ = 0.9`, `ε = 1e-7`, and Keras' learning rate is `η = 0.001` (set it in the
/// [`Schedule`](super::Schedule)).
///
/// Why Keras' convention and not PyTorch's (`w ← w − η·g / (√v + ε)`, `α = 0.99`, `ε = 1e-8`):
/// these defaults are the ones `RmsProp::default()` always had, and the library's other
/// Keras-derived pieces ([`Adamax`](super::Adamax), the cosine schedule, the demo's models)
/// follow Keras too. The two formulas differ most for small gradients: with `ε` inside the root
/// a parameter whose gradients are tiny moves by at most `η·|g|/√ε` per step, while PyTorch's
/// form scales any gradient to a step of order `η`, however small it is (`η/√(1 − ρ)`, 3.2·η,
/// on the first step with `ρ = 0.9`).
///
/// The operations are evaluated in Keras' order, so an `f64` network follows Keras' float64
/// updates to rounding (a test checks 1e-12 over several steps against values computed from
/// Keras' formula by `tools/rmsprop_reference.py`).
///
/// ```
/// use constnet::optim::{Optimizer, RmsProp};
/// use constnet::{Dense, Identity};
///
/// // Keras' docstring example: minimise w²/2 (gradient w) from w = 10 with η = 0.1.
/// let opt = RmsProp::default();
/// let mut w = Dense::<f64, 1, 1, Identity>::from_parts([[10.0]], [0.0]);
/// let mut state = <RmsProp as Optimizer<f64>>::new_state::<Dense<f64, 1, 1, Identity>>(&opt);
/// let grads = w.clone();
/// opt.step(&mut w, &grads, &mut state, 0.1);
/// assert!((w.weights[0][0] - 9.683772).abs() < 1e-6);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RmsProp {
    /// Decay of the mean square, `ρ ∈ [0, 1)` (Keras' `rho`).
    pub rho: f64,
    /// `ε > 0`, added to the mean square under the root.
    pub epsilon: f64,
}

impl Default for RmsProp {
    /// Keras' defaults: `ρ = 0.9`, `ε = 1e-7`.
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
        // Keras computes `1 - rho` in double precision, then casts it to the variable's type.
        let c = T::from_f64(1.0 - self.rho);
        let eps = T::from_f64(self.epsilon);
        for_each_with(params, grads, mean_square, |p, g, v| {
            *v = rho * *v + c * (g * g);
            *p -= lr * g / (*v + eps).sqrt();
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Dense, Identity};

    type One = Dense<f64, 1, 1, Identity>;

    /// The weight after each step of `opt` from `w0`, the gradient given by `grad(w)`.
    fn run(opt: RmsProp, w0: f64, lr: f64, steps: usize, mut grad: impl FnMut(usize, f64) -> f64) -> [f64; 8] {
        let mut w = One::from_parts([[w0]], [0.0]);
        let mut state = <RmsProp as Optimizer<f64>>::new_state::<One>(&opt);
        let mut out = [f64::NAN; 8];
        for (k, slot) in out.iter_mut().enumerate().take(steps) {
            let g = grad(k, w.weights[0][0]);
            opt.step(&mut w, &One::from_parts([[g]], [0.0]), &mut state, lr);
            *slot = w.weights[0][0];
        }
        out
    }

    fn assert_matches(got: &[f64], want: &[f64], what: &str) {
        for (k, (g, w)) in got.iter().zip(want).enumerate() {
            assert!((g - w).abs() <= 1e-12, "{what}, step {}: {g} vs Keras {w}", k + 1);
        }
    }

    // Every literal below is printed by `python3 tools/rmsprop_reference.py`, which evaluates
    // Keras' `RMSprop.update_step` formula in double precision.
    const GRADS: [f64; 8] = [0.5, -0.25, 1e-4, 3.0, -2e-3, 0.0, 7e-5, -1.5];

    #[test]
    fn matches_keras_with_the_default_hyper_parameters() {
        let got = run(RmsProp::default(), 1.0, 0.01, 8, |k, _| GRADS[k]);
        let keras = [
            0.9683772866436797,
            0.983121456617157,
            0.9831152399305685,
            0.9518938126357376,
            0.9519157528130033,
            0.9519157528130033,
            0.9519148995838999,
            0.9683719134015236,
        ];
        assert_matches(&got, &keras, "defaults");
    }

    #[test]
    fn matches_keras_with_other_hyper_parameters() {
        let got = run(RmsProp { rho: 0.5, epsilon: 1e-3 }, -2.0, 0.05, 8, |k, _| GRADS[k]);
        let keras = [
            -2.0704295212273762,
            -2.0298206980832565,
            -2.0298435496293084,
            -2.1003630070698396,
            -2.1002965280633945,
            -2.1002965280633945,
            -2.1003011785119874,
            -2.0371109858887113,
        ];
        assert_matches(&got, &keras, "rho 0.5, epsilon 1e-3");
    }

    #[test]
    fn matches_keras_on_its_docstring_quadratic() {
        let got = run(RmsProp::default(), 10.0, 0.1, 6, |_, w| w);
        let keras = [
            9.683772235564302,
            9.45788024948112,
            9.270530980376865,
            9.105434557977535,
            8.955067101121024,
            8.815248270410661,
        ];
        assert_matches(&got[..6], &keras, "w²/2");
        // Keras prints 9.683772 (float32) after the first step.
        assert!((got[0] - 9.683772).abs() < 5e-7);
    }

    #[test]
    fn epsilon_inside_the_root_bounds_steps_on_tiny_gradients() {
        let got = run(RmsProp::default(), 0.0, 0.001, 5, |_, _| 1e-5);
        let keras = [
            -3.162119558142924e-05,
            -6.324096844736145e-05,
            -9.485946103352221e-05,
            -0.00012647680150084414,
            -0.0001580931051688853,
        ];
        assert_matches(&got[..5], &keras, "tiny gradients");
        // PyTorch's placement, ε outside the root, would move the weight about 3·η on the
        // first step, a hundred times further: the formula really is Keras'.
        let pytorch_first = -0.001 * 1e-5 / ((0.1f64 * 1e-10).sqrt() + 1e-7);
        assert!(pytorch_first < -3e-3 && got[0] > -4e-5, "{pytorch_first} vs {}", got[0]);
    }
}
