//! Weight initialisation schemes, drawn from any [`rand::Rng`].

use core::fmt;
use rand::Rng;

/// How a layer's weights (and biases) are drawn when a network is created with
/// `Net::init(&mut rng, init)`; `Net::random(&mut rng)` uses [`Init::Default`].
///
/// `fan_in` is the layer's input width and `fan_out` its output width. Biases start at zero,
/// except with [`Init::Uniform`], which draws them from the same range (the classic
/// genann/FANN behaviour). Samples are computed in `f64` from the generator's `next_u64`, so a
/// portable generator such as `rand::rngs::Xoshiro128PlusPlus` yields bit-identical networks on
/// a 64-bit host and a 32-bit microcontroller.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Init {
    /// Per activation: [`Init::HeNormal`] for ReLU and leaky ReLU, [`Init::GlorotUniform`] for
    /// the rest (see [`Activation::DEFAULT_INIT`](crate::Activation::DEFAULT_INIT)).
    Default,
    /// Weights and biases uniform in `[low, high)`; requires finite `low < high`.
    Uniform {
        /// Inclusive lower bound.
        low: f64,
        /// Exclusive upper bound.
        high: f64,
    },
    /// Normal with mean 0 and σ = 1/√fan_in: the rule of "Make Your Own Neural Network"
    /// (also known as LeCun normal).
    LeCunNormal,
    /// Xavier/Glorot uniform: `U(−a, a)` with `a = √(6 / (fan_in + fan_out))` (Keras' default).
    GlorotUniform,
    /// Xavier/Glorot normal: σ = √(2 / (fan_in + fan_out)).
    GlorotNormal,
    /// He/Kaiming uniform: `U(−a, a)` with `a = √(6 / fan_in)`.
    HeUniform,
    /// He/Kaiming normal: σ = √(2 / fan_in), suited to ReLU layers.
    HeNormal,
}

/// An [`Init`] whose parameters make no sense.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum InitError {
    /// `Init::Uniform` needs finite bounds with `low < high`.
    EmptyRange {
        /// The lower bound given.
        low: f64,
        /// The upper bound given.
        high: f64,
    },
}

impl fmt::Display for InitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            InitError::EmptyRange { low, high } => write!(
                f,
                "invalid uniform initialisation range [{low}, {high}): expected finite bounds with low < high"
            ),
        }
    }
}

impl core::error::Error for InitError {}

impl Init {
    /// Checks the scheme's parameters.
    ///
    /// # Errors
    /// [`InitError::EmptyRange`] for a uniform range that is empty, reversed or not finite.
    pub fn validate(self) -> Result<Self, InitError> {
        match self {
            Init::Uniform { low, high } if !(low.is_finite() && high.is_finite() && low < high) => {
                Err(InitError::EmptyRange { low, high })
            }
            other => Ok(other),
        }
    }

    /// Replaces [`Init::Default`] by the scheme an activation prefers.
    #[must_use]
    pub fn resolve(self, activation_default: Init) -> Init {
        match self {
            Init::Default => activation_default,
            other => other,
        }
    }

    /// Draws one weight for a layer with the given fan-in and fan-out.
    ///
    /// [`Init::Default`] must have been resolved first; if not, it draws as [`Init::GlorotUniform`].
    pub fn sample_weight<R: Rng + ?Sized>(self, fan_in: usize, fan_out: usize, rng: &mut R) -> f64 {
        let fan_in = fan_in.max(1) as f64;
        let fan_out = fan_out.max(1) as f64;
        match self {
            Init::Uniform { low, high } => low + (high - low) * unit_f64(rng),
            Init::LeCunNormal => standard_normal(rng) / sqrt(fan_in),
            Init::Default | Init::GlorotUniform => symmetric(sqrt(6.0 / (fan_in + fan_out)), rng),
            Init::GlorotNormal => standard_normal(rng) * sqrt(2.0 / (fan_in + fan_out)),
            Init::HeUniform => symmetric(sqrt(6.0 / fan_in), rng),
            Init::HeNormal => standard_normal(rng) * sqrt(2.0 / fan_in),
        }
    }

    /// Draws one bias: uniform for [`Init::Uniform`], zero otherwise.
    pub fn sample_bias<R: Rng + ?Sized>(self, rng: &mut R) -> f64 {
        match self {
            Init::Uniform { low, high } => low + (high - low) * unit_f64(rng),
            _ => 0.0,
        }
    }
}

#[inline]
fn sqrt(x: f64) -> f64 {
    num_traits::Float::sqrt(x)
}

/// Uniform in `[0, 1)` with 53 random bits, identical on every platform.
#[inline]
pub(crate) fn unit_f64<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Uniform in `[-a, a)`.
#[inline]
fn symmetric<R: Rng + ?Sized>(a: f64, rng: &mut R) -> f64 {
    a * (2.0 * unit_f64(rng) - 1.0)
}

/// One draw from N(0, 1) by the Box–Muller transform (one of the pair is discarded, which keeps
/// the sampler stateless).
pub(crate) fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    use num_traits::Float;
    // 1 − u lies in (0, 1], so the logarithm is finite.
    let u1 = 1.0 - unit_f64(rng);
    let u2 = unit_f64(rng);
    sqrt(-2.0 * Float::ln(u1)) * Float::cos(core::f64::consts::TAU * u2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{SeedableRng, rngs::Xoshiro128PlusPlus};

    fn moments(init: Init, fan_in: usize, fan_out: usize) -> (f64, f64, f64, f64) {
        let mut rng = Xoshiro128PlusPlus::seed_from_u64(7);
        let n = 20_000;
        let (mut sum, mut sq, mut lo, mut hi) = (0.0, 0.0, f64::MAX, f64::MIN);
        for _ in 0..n {
            let w = init.sample_weight(fan_in, fan_out, &mut rng);
            sum += w;
            sq += w * w;
            lo = lo.min(w);
            hi = hi.max(w);
        }
        let mean = sum / n as f64;
        (mean, sqrt(sq / n as f64 - mean * mean), lo, hi)
    }

    #[test]
    fn normal_schemes_have_the_documented_sigma() {
        for (init, sigma) in [
            (Init::LeCunNormal, 1.0 / sqrt(16.0)),
            (Init::HeNormal, sqrt(2.0 / 16.0)),
            (Init::GlorotNormal, sqrt(2.0 / 24.0)),
        ] {
            let (mean, sd, _, _) = moments(init, 16, 8);
            assert!(mean.abs() < 0.01, "{init:?} mean {mean}");
            assert!((sd / sigma - 1.0).abs() < 0.03, "{init:?} sd {sd}, expected {sigma}");
        }
    }

    #[test]
    fn uniform_schemes_stay_inside_their_limit() {
        for (init, limit) in [(Init::GlorotUniform, sqrt(6.0 / 24.0)), (Init::HeUniform, sqrt(6.0 / 16.0))] {
            let (mean, sd, lo, hi) = moments(init, 16, 8);
            assert!(lo >= -limit && hi < limit, "{init:?} range [{lo}, {hi}] vs ±{limit}");
            assert!(hi > 0.99 * limit && lo < -0.99 * limit, "{init:?} does not fill its range");
            assert!(mean.abs() < 0.01);
            // The standard deviation of U(−a, a) is a/√3.
            assert!((sd / (limit / sqrt(3.0)) - 1.0).abs() < 0.03);
        }
        let (_, _, lo, hi) = moments(Init::Uniform { low: 2.0, high: 3.0 }, 4, 4);
        assert!(lo >= 2.0 && hi < 3.0);
    }

    #[test]
    fn invalid_uniform_range_is_rejected() {
        for (low, high) in [(1.0, 1.0), (2.0, 1.0), (0.0, f64::INFINITY)] {
            let err = Init::Uniform { low, high }.validate().unwrap_err();
            assert_eq!(err, InitError::EmptyRange { low, high });
        }
        let nan = Init::Uniform { low: f64::NAN, high: 1.0 }.validate();
        assert!(matches!(nan, Err(InitError::EmptyRange { low, high: 1.0 }) if low.is_nan()));
        assert_eq!(Init::HeNormal.validate(), Ok(Init::HeNormal));
    }

    #[test]
    fn default_resolves_to_the_activation_choice() {
        assert_eq!(Init::Default.resolve(Init::HeNormal), Init::HeNormal);
        assert_eq!(Init::LeCunNormal.resolve(Init::HeNormal), Init::LeCunNormal);
    }
}
