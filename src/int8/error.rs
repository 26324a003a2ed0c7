//! Why a network could not be quantized.

use core::fmt;

/// Why [`Quantized::quantize`](super::Quantized::quantize) refused a network or its calibration
/// data. Every message says what was found and what was expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum QuantizeError {
    /// No calibration samples: the activation ranges cannot be measured.
    EmptyCalibration,
    /// A calibration input holds NaN or an infinity.
    NonFiniteInput {
        /// Index of the sample.
        sample: usize,
        /// Index of the value within it.
        feature: usize,
    },
    /// A layer's weights or biases hold NaN or an infinity.
    NonFiniteWeights {
        /// The layer's name.
        layer: &'static str,
    },
    /// A layer produced NaN or an infinity on the calibration data (its weights overflow there).
    NonFiniteActivation {
        /// The layer's name.
        layer: &'static str,
    },
    /// A bias or a requantization multiplier does not fit its integer type: the bias is more
    /// than `2³¹` steps of the accumulator (the layer's weights are tiny next to it), or the
    /// multiplier `s_x·s_w/s_y` is `2³⁰` or more.
    OutOfRange {
        /// The layer's name.
        layer: &'static str,
        /// The neuron (output channel).
        neuron: usize,
        /// `"bias"` or `"multiplier"`.
        what: &'static str,
    },
}

impl fmt::Display for QuantizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            QuantizeError::EmptyCalibration => {
                write!(f, "empty calibration set: expected at least one sample to measure the activation ranges")
            }
            QuantizeError::NonFiniteInput { sample, feature } => write!(
                f,
                "calibration sample {sample} has a non-finite value at input {feature}: expected finite numbers"
            ),
            QuantizeError::NonFiniteWeights { layer } => {
                write!(f, "layer `{layer}` has non-finite weights or biases: expected finite numbers")
            }
            QuantizeError::NonFiniteActivation { layer } => write!(
                f,
                "layer `{layer}` gives non-finite values on the calibration data: expected finite activations"
            ),
            QuantizeError::OutOfRange { layer, neuron, what } => write!(
                f,
                "layer `{layer}`, neuron {neuron}: the quantized {what} does not fit in 32 bits \
                 (expected |bias| < 2³¹ accumulator steps and a multiplier below 2³⁰)"
            ),
        }
    }
}

impl core::error::Error for QuantizeError {}
