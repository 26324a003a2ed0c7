use super::{OptimError, check};
use crate::Scalar;

/// The learning rate as a function of the optimizer step (counted from 0, as in TensorFlow).
///
/// ```
/// use constnet::optim::Schedule;
/// let cosine = Schedule::Cosine { initial: 0.1, decay_steps: 100, alpha: 0.0 };
/// let rates = [0, 25, 50, 75, 100, 150].map(|s| cosine.rate(s));
/// for (got, want) in rates.iter().zip([0.1, 0.085355, 0.05, 0.014645, 0.0, 0.0]) {
///     assert!((got - want).abs() < 1e-6);
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Schedule {
    /// `η` at every step.
    Constant(f64),
    /// `η₀·factorᶠˡᵒᵒʳ⁽ˢᵗᵉᵖ ᐟ ᵉᵛᵉʳʸ⁾`: multiply by `factor` every `every` steps.
    StepDecay {
        /// `η₀`.
        initial: f64,
        /// Multiplier in `(0, 1]`.
        factor: f64,
        /// Steps between drops, ≥ 1.
        every: u64,
    },
    /// TensorFlow's `ExponentialDecay`: `η₀·rate^(step/decay_steps)`, with the exponent floored
    /// when `staircase`.
    Exponential {
        /// `η₀`.
        initial: f64,
        /// Decay rate in `(0, 1]`.
        rate: f64,
        /// Steps for one factor of `rate`, ≥ 1.
        decay_steps: u64,
        /// Floor the exponent.
        staircase: bool,
    },
    /// TensorFlow's `CosineDecay`: with `s = min(step, decay_steps)`,
    /// `η₀·((1 − α)·½·(1 + cos(π·s/decay_steps)) + α)`.
    Cosine {
        /// `η₀`.
        initial: f64,
        /// Steps to decay over, ≥ 1.
        decay_steps: u64,
        /// Final fraction of `η₀`, in `[0, 1]`.
        alpha: f64,
    },
}

impl Schedule {
    /// The initial learning rate.
    pub fn initial(&self) -> f64 {
        match *self {
            Schedule::Constant(lr) => lr,
            Schedule::StepDecay { initial, .. }
            | Schedule::Exponential { initial, .. }
            | Schedule::Cosine { initial, .. } => initial,
        }
    }

    /// Checks every parameter, as written and as the scalar `T` of the network will see it (a
    /// rate that overflows `T` is refused).
    ///
    /// # Errors
    /// [`OptimError::InvalidLearningRate`] for a non-positive or non-finite `η₀`,
    /// [`OptimError::NotRepresentable`] for one that is infinite or 0 in `T`,
    /// [`OptimError::InvalidHyperParameter`] for the other parameters.
    pub fn validate<T: Scalar>(&self) -> Result<(), OptimError> {
        let initial = self.initial();
        if !(initial.is_finite() && initial > 0.0) {
            return Err(OptimError::InvalidLearningRate { value: initial });
        }
        check::<T>("learning rate", initial, |r| r > 0.0, "a finite number greater than 0")?;
        let steps = |name, n: u64| check::<T>(name, n as f64, |n| n >= 1.0, "at least 1 step");
        match *self {
            Schedule::Constant(_) => Ok(()),
            Schedule::StepDecay { factor, every, .. } => {
                check::<T>("decay factor", factor, |f| f > 0.0 && f <= 1.0, "0 < factor ≤ 1")?;
                steps("decay interval", every)
            }
            Schedule::Exponential { rate, decay_steps, .. } => {
                check::<T>("decay rate", rate, |r| r > 0.0 && r <= 1.0, "0 < rate ≤ 1")?;
                steps("decay steps", decay_steps)
            }
            Schedule::Cosine { decay_steps, alpha, .. } => {
                check::<T>("alpha", alpha, |a| (0.0..=1.0).contains(&a), "0 ≤ alpha ≤ 1")?;
                steps("decay steps", decay_steps)
            }
        }
    }

    /// The learning rate at `step`.
    // The constant rate inline: a call here sat inside every training step of a tiny network
    // (its argument registers spilled around it).
    #[inline(always)]
    pub fn rate(&self, step: u64) -> f64 {
        match *self {
            Schedule::Constant(lr) => lr,
            _ => self.varying_rate(step),
        }
    }

    #[inline(never)]
    fn varying_rate(&self, step: u64) -> f64 {
        use num_traits::Float;
        match *self {
            Schedule::Constant(lr) => lr,
            Schedule::StepDecay { initial, factor, every } => {
                initial * Float::powf(factor, (step / every.max(1)) as f64)
            }
            Schedule::Exponential { initial, rate, decay_steps, staircase } => {
                let mut exponent = step as f64 / decay_steps.max(1) as f64;
                if staircase {
                    exponent = Float::floor(exponent);
                }
                initial * Float::powf(rate, exponent)
            }
            Schedule::Cosine { initial, decay_steps, alpha } => {
                let decay_steps = decay_steps.max(1);
                let progress = step.min(decay_steps) as f64 / decay_steps as f64;
                let cosine = 0.5 * (1.0 + Float::cos(core::f64::consts::PI * progress));
                initial * ((1.0 - alpha) * cosine + alpha)
            }
        }
    }
}
