//! Activations on int8 values: ReLU and identity fused into the requantization clamp, sigmoid,
//! tanh and other element-wise functions through a 256-entry table, softmax through a table of
//! exponentials and one integer division.

use super::codec::{Codec, Reader, Writer};
use super::params::round;
use super::params::{LayerRanges, QParams};
use crate::activation::{
    Activation, ElementWise, FastSigmoid, FastSoftmax, FastTanh, Identity, LeakyRelu, Relu, Sigmoid, Softmax, Step,
    Tanh,
};
use crate::io::{ConstDecode, Encoded, ModelBytes};
use core::fmt::Debug;

/// An [`Activation`] that has an int8 form: how the layer's requantized accumulator is
/// quantized, what the activation stores (nothing, or a table), and how it runs on int8 values.
///
/// A layer computes `acc = Σ w·x + b` in `i32`, requantizes it to int8 in the quantization
/// [`Int8Activation::accumulator_params`] chooses, clamps it to
/// [`Int8Activation::clamp`], and hands the result to [`Int8Activation::apply_int8`] with the
/// layer's [`Int8Activation::Table`]. For ReLU and identity the clamp *is* the activation
/// (TFLite's fused activation); for everything else `apply_int8` maps the values through a table
/// built at quantization time.
///
/// Implement it for an element-wise activation of your own with [`Lut::of`]:
///
/// ```
/// use constnet::activation::ActivationInfo;
/// use constnet::int8::{Int8Activation, LayerRanges, Lut, QParams};
/// use constnet::prelude::*;
///
/// #[derive(Clone, Copy, Debug, Default, PartialEq)]
/// struct Square;
/// impl ElementWise for Square {
///     const INFO: ActivationInfo = ActivationInfo::new("Square");
///     fn value<T: Scalar>(x: T) -> T { x * x }
///     fn derivative<T: Scalar>(x: T, _: T) -> T { x + x }
/// }
/// impl Int8Activation for Square {
///     type Table = Lut;
///     fn accumulator_params(ranges: &LayerRanges) -> QParams { ranges.z.params() }
///     fn output_params(ranges: &LayerRanges, _: QParams) -> QParams { ranges.y.params() }
///     fn table(input: QParams, output: QParams) -> Lut { Lut::of(|x| x * x, input, output) }
///     fn apply_int8<const N: usize>(table: &Lut, v: &mut [i8; N]) { table.apply(v) }
/// }
/// ```
pub trait Int8Activation: Activation {
    /// What a layer stores for the function: `()` or a table.
    type Table: Clone + Debug + PartialEq + Send + Sync + 'static + Codec;

    /// Quantization of the requantized accumulator (the pre-activation): the layer's output for
    /// fused activations, the table's input otherwise.
    fn accumulator_params(ranges: &LayerRanges) -> QParams;
    /// The clamp after requantization, in the accumulator's quantization: the whole int8 range
    /// unless the activation is fused into it.
    fn clamp(accumulator: QParams) -> (i8, i8) {
        let _ = accumulator;
        (i8::MIN, i8::MAX)
    }
    /// Quantization of the layer's output.
    fn output_params(ranges: &LayerRanges, accumulator: QParams) -> QParams;
    /// The table, from the quantization of its input and output.
    fn table(input: QParams, output: QParams) -> Self::Table;
    /// The function on requantized values, in place.
    fn apply_int8<const N: usize>(table: &Self::Table, v: &mut [i8; N]);
}

/// A function on int8 values as a table: `table[q + 128] = f(q)`, 256 bytes.
///
/// Built by [`Lut::of`] from a real function and the quantizations of its input and output:
/// each entry is the exact function of the dequantized input, rounded to the output's
/// quantization (half away from zero) and clamped to int8. So the table adds no error of its own
/// beyond the output's rounding (half a step) and the clamp at the ends of the range: with
/// TFLite's fixed output quantizations, sigmoid is within 1/512 of the exact value below
/// 0.998 and within 1/256 above (255/256 stands for everything up to 1), tanh within 1/256 and
/// 1/128 at the top (127/128 for 1); tested over every entry for a range of input scales.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lut(pub [i8; 256]);

impl Lut {
    /// The table of `f` from `input` to `output` quantization.
    #[must_use]
    pub fn of(f: impl Fn(f64) -> f64, input: QParams, output: QParams) -> Self {
        Self(core::array::from_fn(|i| {
            let y = f(input.real(i as i32 - 128));
            let q = round(y / f64::from(output.scale)) + f64::from(output.zero_point);
            if q.is_nan() { output.zero_point } else { q.clamp(-128.0, 127.0) as i8 }
        }))
    }

    /// `v[i] ← table[v[i]]`.
    #[inline(always)]
    pub fn apply<const N: usize>(&self, v: &mut [i8; N]) {
        for q in v.iter_mut() {
            // `q ^ 0x80` as u8 is `q + 128`: always in bounds, so no check is emitted.
            *q = self.0[(*q as u8 ^ 0x80) as usize];
        }
    }
}

/// Softmax's table: `table[d] = round(2¹⁵·e^{−s·d})` for `d = max − q ∈ [0, 255]`, where `s`
/// is the input scale, 512 bytes.
///
/// [`ExpLut::softmax`] then computes, in integers only, `pᵢ = table[max − qᵢ] / Σⱼ table[max − qⱼ]`
/// (one `u32` division for the reciprocal of the sum) and the output `round(256·pᵢ) − 128`,
/// saturated at 127: TFLite's output quantization for softmax, scale 1/256 and zero point −128.
/// Error against the exact softmax of the dequantized inputs: at most 1/256 + 1/512 in each
/// probability, measured by the tests over random inputs and scales.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpLut(pub [u16; 256]);

impl ExpLut {
    /// `e^{−scale·d}` in Q15 for `d = 0..256`.
    #[must_use]
    pub fn new(input: QParams) -> Self {
        let s = f64::from(input.scale);
        Self(core::array::from_fn(|d| round(num_traits::Float::exp(-s * d as f64) * 32768.0) as u16))
    }

    /// Softmax of `v` in place (input in the table's quantization, output scale 1/256, zero
    /// point −128).
    #[inline]
    pub fn softmax<const N: usize>(&self, v: &mut [i8; N]) {
        const { assert!(N <= 65_536, "int8 softmax: the sum of 2¹⁵-scaled exponentials must fit in u32") }
        let Some(&first) = v.first() else { return };
        let max = v.iter().fold(first, |m, &q| m.max(q));
        let mut e = [0u16; N];
        let mut sum = 0u32;
        for (ei, &q) in e.iter_mut().zip(v.iter()) {
            // `max − q ∈ [0, 255]`.
            *ei = self.0[(max as i32 - q as i32) as u8 as usize];
            sum += u32::from(*ei);
        }
        // The largest term is 2¹⁵, so the sum is at least 2¹⁵ and the reciprocal at most 2¹⁶:
        // every `eᵢ·recip ≤ 2³¹` fits.
        let recip = (1u32 << 31) / sum.max(1);
        for (q, &ei) in v.iter_mut().zip(&e) {
            let p = (u32::from(ei) * recip + (1 << 22)) >> 23; // round(256·eᵢ/Σ) ∈ [0, 256]
            *q = (p.min(255) as i32 - 128) as i8;
        }
    }
}

/// TFLite's fixed output quantization of the logistic sigmoid: `[0, 1)` in steps of 1/256.
pub const SIGMOID_OUTPUT: QParams = QParams { scale: 1.0 / 256.0, zero_point: -128 };
/// TFLite's fixed output quantization of tanh: `[−1, 1)` in steps of 1/128.
pub const TANH_OUTPUT: QParams = QParams { scale: 1.0 / 128.0, zero_point: 0 };
/// TFLite's fixed output quantization of softmax: `[0, 1)` in steps of 1/256.
pub const SOFTMAX_OUTPUT: QParams = QParams { scale: 1.0 / 256.0, zero_point: -128 };

impl Int8Activation for Identity {
    type Table = ();
    fn accumulator_params(ranges: &LayerRanges) -> QParams {
        ranges.z.params()
    }
    fn output_params(_: &LayerRanges, accumulator: QParams) -> QParams {
        accumulator
    }
    fn table(_: QParams, _: QParams) {}
    #[inline(always)]
    fn apply_int8<const N: usize>(_: &(), _: &mut [i8; N]) {}
}

/// ReLU fused into the requantization: the output range (never below 0) is the accumulator's
/// quantization, and the clamp at the zero point is the `max(·, 0)`.
impl Int8Activation for Relu {
    type Table = ();
    fn accumulator_params(ranges: &LayerRanges) -> QParams {
        ranges.y.params()
    }
    fn clamp(accumulator: QParams) -> (i8, i8) {
        (accumulator.zero_point, i8::MAX)
    }
    fn output_params(_: &LayerRanges, accumulator: QParams) -> QParams {
        accumulator
    }
    fn table(_: QParams, _: QParams) {}
    #[inline(always)]
    fn apply_int8<const N: usize>(_: &(), _: &mut [i8; N]) {}
}

/// Implements [`Int8Activation`] through a [`Lut`] for element-wise activations, with a fixed
/// output quantization or the calibrated range of the output.
macro_rules! lut_activation {
    ($($name:ty => $output:expr),* $(,)?) => {$(
        impl Int8Activation for $name {
            type Table = Lut;
            fn accumulator_params(ranges: &LayerRanges) -> QParams {
                ranges.z.params()
            }
            fn output_params(ranges: &LayerRanges, _: QParams) -> QParams {
                let fixed: Option<QParams> = $output;
                fixed.unwrap_or_else(|| ranges.y.params())
            }
            fn table(input: QParams, output: QParams) -> Lut {
                Lut::of(|x| <$name as ElementWise>::value(x), input, output)
            }
            #[inline(always)]
            fn apply_int8<const N: usize>(table: &Lut, v: &mut [i8; N]) {
                table.apply(v);
            }
        }
    )*};
}

lut_activation! {
    Sigmoid => Some(SIGMOID_OUTPUT),
    FastSigmoid => Some(SIGMOID_OUTPUT),
    Tanh => Some(TANH_OUTPUT),
    FastTanh => Some(TANH_OUTPUT),
    LeakyRelu => None,
    Step => None,
}

macro_rules! softmax_activation {
    ($($name:ty),*) => {$(
        impl Int8Activation for $name {
            type Table = ExpLut;
            fn accumulator_params(ranges: &LayerRanges) -> QParams {
                ranges.z.params()
            }
            fn output_params(_: &LayerRanges, _: QParams) -> QParams {
                SOFTMAX_OUTPUT
            }
            fn table(input: QParams, _: QParams) -> ExpLut {
                ExpLut::new(input)
            }
            #[inline(always)]
            fn apply_int8<const N: usize>(table: &ExpLut, v: &mut [i8; N]) {
                table.softmax(v);
            }
        }
    )*};
}

softmax_activation!(Softmax, FastSoftmax);

impl Codec for Lut {
    const BYTES: usize = 256;
    fn write(&self, out: &mut Writer<'_>) {
        self.0.write(out);
    }
    fn read(input: &mut Reader<'_>) -> Self {
        Self(<[i8; 256]>::read(input))
    }
}

impl Codec for ExpLut {
    const BYTES: usize = 512;
    fn write(&self, out: &mut Writer<'_>) {
        self.0.write(out);
    }
    fn read(input: &mut Reader<'_>) -> Self {
        Self(<[u16; 256]>::read(input))
    }
}

impl Encoded for Lut {
    const ENCODED_BYTES: usize = 256;
}

impl<B: ModelBytes> ConstDecode<B> for Lut {
    const DECODED: Self = Self(<[i8; 256] as ConstDecode<B>>::DECODED);
}

impl Encoded for ExpLut {
    const ENCODED_BYTES: usize = 512;
}

impl<B: ModelBytes> ConstDecode<B> for ExpLut {
    const DECODED: Self = Self(<[u16; 256] as ConstDecode<B>>::DECODED);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    fn sigmoid(x: f64) -> f64 {
        1.0 / (1.0 + (-x).exp())
    }

    /// Every table entry against the function at the dequantized input: within half an output
    /// step, except at the top, where the clamp at 127 costs up to one step (sigmoid 255/256
    /// for values up to 1, tanh 127/128).
    #[test]
    fn tables_are_the_rounded_function() {
        for scale in [0.01f32, 0.05, 0.1, 0.3] {
            for zero_point in [-128i8, -20, 0, 77] {
                let input = QParams { scale, zero_point };
                type Case = (Lut, fn(f64) -> f64, QParams);
                let cases: [Case; 2] = [
                    (Sigmoid::table(input, SIGMOID_OUTPUT), sigmoid, SIGMOID_OUTPUT),
                    (Tanh::table(input, TANH_OUTPUT), f64::tanh, TANH_OUTPUT),
                ];
                for (lut, f, output) in cases {
                    let step = f64::from(output.scale);
                    for q in -128..=127i32 {
                        let entry = lut.0[(q + 128) as usize];
                        let got = f64::from(output.dequantize(entry));
                        let want = f(input.real(q));
                        let bound = if entry == 127 { step } else { step / 2.0 };
                        assert!(
                            (got - want).abs() <= bound + 1e-12,
                            "scale {scale} zp {zero_point} q {q}: {got} vs {want}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn softmax_is_within_one_and_a_half_steps_of_the_exact_one() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut worst: f64 = 0.0;
        for _ in 0..20_000 {
            let input =
                QParams { scale: 0.01 + (next() % 1000) as f32 / 2000.0, zero_point: (next() % 256) as u8 as i8 };
            let table = ExpLut::new(input);
            let mut v: [i8; 10] = core::array::from_fn(|_| (next() % 256) as u8 as i8);
            let real: Vec<f64> = v.iter().map(|&q| input.real(q.into())).collect();
            let max = real.iter().cloned().fold(f64::MIN, f64::max);
            let sum: f64 = real.iter().map(|x| (x - max).exp()).sum();
            table.softmax(&mut v);
            for (q, x) in v.iter().zip(&real) {
                let err = (f64::from(SOFTMAX_OUTPUT.dequantize(*q)) - (x - max).exp() / sum).abs();
                worst = worst.max(err);
            }
        }
        assert!(worst <= 1.5 / 256.0, "int8 softmax: worst error {worst}");
        let mut flat = [5i8; 4];
        ExpLut::new(QParams { scale: 0.1, zero_point: 0 }).softmax(&mut flat);
        assert_eq!(flat, [-64; 4], "a uniform distribution is exactly 1/4");
    }

    #[test]
    fn relu_is_the_clamp_at_the_zero_point() {
        let mut ranges = LayerRanges::default();
        ranges.y.observe(0.0);
        ranges.y.observe(6.0);
        let acc = Relu::accumulator_params(&ranges);
        assert_eq!(Relu::clamp(acc), (-128, 127));
        assert_eq!(acc.dequantize(-128), 0.0);
        assert_eq!(Identity::clamp(acc), (-128, 127));
    }
}
