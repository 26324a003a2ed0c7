//! What a layer type quantizes to, and the contract of int8 layers.

use super::codec::Codec;
use super::dense::{Pass, QDense};
use super::params::round;
use super::params::{LayerRanges, QParams};
use super::{Int8Activation, Multiplier, QuantizeError};
use crate::io::Encoded;
use crate::layer::{Dense, Dropout, Storage};
use crate::{Layer, Parameters, Scalar};
use core::fmt::Debug;

/// A layer that runs on int8 values, from `[i8; IN]` to `[i8; OUT]`.
pub trait Int8Layer<const IN: usize, const OUT: usize>:
    Clone + Debug + PartialEq + Send + Sync + Codec + Encoded
{
    /// Inference, in integers only.
    fn forward(&self, x: &[i8; IN]) -> [i8; OUT];
}

/// A float layer that has an int8 twin: the layer type says what it quantizes to
/// ([`QuantizeLayer::Int8`]), what it records on the calibration data, and how it builds its
/// twin from the quantization of its input.
///
/// Implemented for [`Dense`] (any storage) with an activation that has an int8 form
/// ([`Int8Activation`]), and for [`Dropout`] (an identity at inference, [`Pass`]).
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no int8 form",
    note = "layers quantize through `constnet::int8::QuantizeLayer`: `Dense` with ReLU, identity, (fast) sigmoid, tanh or softmax, leaky ReLU or step, and `Dropout`"
)]
pub trait QuantizeLayer<T: Scalar, const IN: usize, const OUT: usize>: Layer<T, IN, OUT> {
    /// The int8 layer.
    type Int8: Int8Layer<IN, OUT>;

    /// The float forward pass that also records the ranges the quantization needs.
    fn observe(&self, x: &[T; IN], ranges: &mut LayerRanges) -> [T; OUT];

    /// The int8 layer for inputs quantized as `input`, from the ranges recorded on the
    /// calibration data; returns it with the quantization of its output.
    ///
    /// # Errors
    /// [`QuantizeError`] naming the layer (`name`) if its weights or activations are not finite,
    /// or a bias or multiplier does not fit 32 bits.
    fn quantize(
        &self,
        input: QParams,
        ranges: &LayerRanges,
        name: &'static str,
    ) -> Result<(Self::Int8, QParams), QuantizeError>;
}

/// `|b_q| + 127·255·IN` must stay below 2³¹ so that the accumulator never overflows.
const ACCUMULATOR_LIMIT: f64 = 2_147_483_647.0;

impl<T, A, S, const IN: usize, const OUT: usize> QuantizeLayer<T, IN, OUT> for Dense<T, IN, OUT, A, S>
where
    T: Scalar,
    A: Int8Activation,
    S: Storage,
{
    type Int8 = QDense<IN, OUT, A>;

    fn observe(&self, x: &[T; IN], ranges: &mut LayerRanges) -> [T; OUT] {
        let z = self.pre_activation(x);
        let mut y = [T::ZERO; OUT];
        <A as crate::Activation>::apply(&z, &mut y);
        ranges.z.observe_all(&z);
        ranges.y.observe_all(&y);
        y
    }

    fn quantize(
        &self,
        input: QParams,
        ranges: &LayerRanges,
        name: &'static str,
    ) -> Result<(Self::Int8, QParams), QuantizeError> {
        let (weights, bias) = (self.tensor(0), self.tensor(1));
        if !weights.iter().chain(bias).all(|v| v.is_finite()) {
            return Err(QuantizeError::NonFiniteWeights { layer: name });
        }
        if ranges.z.non_finite || ranges.y.non_finite {
            return Err(QuantizeError::NonFiniteActivation { layer: name });
        }
        let accumulator = A::accumulator_params(ranges);
        let (min, max) = A::clamp(accumulator);
        let output = A::output_params(ranges, accumulator);
        let table = A::table(accumulator, output);
        let (s_x, z_x) = (f64::from(input.scale), i64::from(input.zero_point));
        let mut layer =
            QDense::from_parts(table, [[0; IN]; OUT], [0; OUT], [0; OUT], [0; OUT], accumulator.zero_point, min, max);
        for j in 0..OUT {
            let row = &weights[j * IN..(j + 1) * IN];
            let largest = row.iter().fold(0.0f64, |m, w| m.max(w.to_f64().abs()));
            // Symmetric per-channel scale, stored as f32 as TFLite does; an all-zero row gets 1
            // (any scale represents it exactly).
            let s_w = if largest > 0.0 { f64::from((largest / 127.0) as f32) } else { 1.0 };
            let mut row_sum = 0i64;
            for (q, w) in layer.weights[j].iter_mut().zip(row) {
                *q = round(w.to_f64() / s_w).clamp(-127.0, 127.0) as i8;
                row_sum += i64::from(*q);
            }
            let b = round(bias[j].to_f64() / (s_x * s_w));
            if b.abs() + 127.0 * 255.0 * IN as f64 >= ACCUMULATOR_LIMIT {
                return Err(QuantizeError::OutOfRange { layer: name, neuron: j, what: "bias" });
            }
            // The input zero point folded into the bias: Σ w·(x − z_x) = Σ w·x − z_x·Σ w. The
            // accumulator wraps, so storing this sum wrapped keeps the final sum exact.
            layer.bias[j] = (b as i64 - z_x * row_sum) as i32;
            let m = Multiplier::from_f64(s_x * s_w / f64::from(accumulator.scale))
                .ok_or(QuantizeError::OutOfRange { layer: name, neuron: j, what: "multiplier" })?;
            layer.multiplier[j] = m.multiplier;
            layer.shift[j] = m.shift as i8;
        }
        Ok((layer, output))
    }
}

impl<T: Scalar, const N: usize, const RATE: u32> QuantizeLayer<T, N, N> for Dropout<T, N, RATE> {
    type Int8 = Pass<N>;

    fn observe(&self, x: &[T; N], _: &mut LayerRanges) -> [T; N] {
        *x
    }

    fn quantize(&self, input: QParams, _: &LayerRanges, _: &'static str) -> Result<(Pass<N>, QParams), QuantizeError> {
        Ok((Pass, input))
    }
}
