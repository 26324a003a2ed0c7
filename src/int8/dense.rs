//! The int8 twin of [`Dense`](crate::Dense), and of layers that pass values through.

use super::Int8Layer;
use super::activation::Int8Activation;
use super::codec::{Codec, Reader, Writer, le_bytes};
use super::requantize;
use crate::io::{ConstDecode, Encoded, ModelBytes};
use core::fmt;
use core::marker::PhantomData;

/// A quantized fully connected layer: `y = A(requantize(W_q·x_q + b'))`, all in integers.
///
/// ```text
/// accⱼ = b'ⱼ + Σᵢ W_q[j][i]·x_q[i]                  (i32, wrapping; exact for any calibrated layer)
/// vⱼ   = clamp(z_p + accⱼ·Mⱼ, min, max)              (TFLite's MultiplyByQuantizedMultiplier)
/// y    = A(v)                                        (nothing for ReLU/identity, a table otherwise)
/// ```
///
/// `W_q` holds the weights of neuron `j` scaled symmetrically by `s_w[j] = max|W[j]|/127`
/// (per output channel), `b'ⱼ = round(bⱼ / (s_x·s_w[j])) − z_x·Σᵢ W_q[j][i]` the bias in units of
/// the accumulator with the input's zero point `z_x` folded in (so the inner loop is a plain
/// multiply-accumulate), and `Mⱼ = s_x·s_w[j]/s_out` the requantization multiplier
/// ([`Multiplier`](super::Multiplier)).
///
/// # Shapes
/// | item | type | bytes |
/// |---|---|---|
/// | input `x_q` | `[i8; IN]` | |
/// | `weights` | `[[i8; IN]; OUT]` | `IN·OUT` |
/// | `bias`, `multiplier` | `[i32; OUT]` each | `8·OUT` |
/// | `shift` | `[i8; OUT]` | `OUT` |
/// | `zero_point`, `min`, `max` | `i8` each | 3 |
/// | `table` | [`Int8Activation::Table`] | 0, 256 (sigmoid, tanh) or 512 (softmax) |
/// | output | `[i8; OUT]` | |
#[derive(Clone, Debug, PartialEq)]
pub struct QDense<const IN: usize, const OUT: usize, A: Int8Activation> {
    /// The activation's table (first in the byte format, so it decodes at compile time).
    pub table: A::Table,
    /// `W_q`: row `j` holds neuron `j`'s weights, in `[−127, 127]`.
    pub weights: [[i8; IN]; OUT],
    /// `b'`: the bias with the input zero point folded in.
    pub bias: [i32; OUT],
    /// Q31 significands of the per-neuron requantization multipliers.
    pub multiplier: [i32; OUT],
    /// Their power-of-two exponents.
    pub shift: [i8; OUT],
    /// Zero point of the requantized accumulator.
    pub zero_point: i8,
    /// Lower end of the clamp after requantization (the fused ReLU).
    pub min: i8,
    /// Upper end of the clamp.
    pub max: i8,
    activation: PhantomData<A>,
}

impl<const IN: usize, const OUT: usize, A: Int8Activation> QDense<IN, OUT, A> {
    /// A layer from its parts (see the struct docs).
    #[allow(clippy::too_many_arguments)]
    #[must_use]
    pub const fn from_parts(
        table: A::Table,
        weights: [[i8; IN]; OUT],
        bias: [i32; OUT],
        multiplier: [i32; OUT],
        shift: [i8; OUT],
        zero_point: i8,
        min: i8,
        max: i8,
    ) -> Self {
        Self { table, weights, bias, multiplier, shift, zero_point, min, max, activation: PhantomData }
    }

    /// Bytes of the layer in the model format.
    pub const BYTES: usize = <A::Table as Codec>::BYTES + IN * OUT + 9 * OUT + 3;
}

impl<const IN: usize, const OUT: usize, A: Int8Activation> Int8Layer<IN, OUT> for QDense<IN, OUT, A> {
    #[inline]
    fn forward(&self, x: &[i8; IN]) -> [i8; OUT] {
        let mut y = [0i8; OUT];
        for (j, yj) in y.iter_mut().enumerate() {
            let mut acc = self.bias[j];
            for (&w, &xi) in self.weights[j].iter().zip(x) {
                // Products fit easily; the sum wraps, which is exact whenever the true sum fits
                // (quantization guarantees it) and never panics on bytes from elsewhere.
                acc = acc.wrapping_add(i32::from(w) * i32::from(xi));
            }
            let v = requantize::apply(acc, self.multiplier[j], i32::from(self.shift[j]));
            let v = v.saturating_add(i32::from(self.zero_point));
            // `max`/`min` rather than `clamp`, which asserts `min ≤ max` (a panic path).
            *yj = v.max(i32::from(self.min)).min(i32::from(self.max)) as i8;
        }
        A::apply_int8(&self.table, &mut y);
        y
    }
}

impl<const IN: usize, const OUT: usize, A: Int8Activation> Codec for QDense<IN, OUT, A> {
    const BYTES: usize = Self::BYTES;
    fn write(&self, out: &mut Writer<'_>) {
        self.table.write(out);
        self.weights.write(out);
        self.bias.write(out);
        self.multiplier.write(out);
        self.shift.write(out);
        [self.zero_point, self.min, self.max].write(out);
    }
    fn read(input: &mut Reader<'_>) -> Self {
        let table = A::Table::read(input);
        let weights = Codec::read(input);
        let (bias, multiplier, shift) = (Codec::read(input), Codec::read(input), Codec::read(input));
        let [zero_point, min, max] = <[i8; 3]>::read(input);
        Self::from_parts(table, weights, bias, multiplier, shift, zero_point, min, max)
    }
}

impl<const IN: usize, const OUT: usize, A: Int8Activation> Encoded for QDense<IN, OUT, A> {
    const ENCODED_BYTES: usize = Self::BYTES;
}

/// Decoded at compile time: the table through its own [`ConstDecode`], then the fixed fields.
impl<B: ModelBytes, const IN: usize, const OUT: usize, A: Int8Activation> ConstDecode<B> for QDense<IN, OUT, A>
where
    A::Table: ConstDecode<B>,
{
    const DECODED: Self = {
        let (bytes, weights) = (B::BYTES, B::AT + <A::Table as Codec>::BYTES);
        let bias = weights + IN * OUT;
        let multiplier = bias + 4 * OUT;
        let shift = multiplier + 4 * OUT;
        let rest = shift + OUT;
        Self::from_parts(
            <A::Table as ConstDecode<B>>::DECODED,
            matrix_i8(bytes, weights),
            vector_i32(bytes, bias),
            vector_i32(bytes, multiplier),
            vector_i8(bytes, shift),
            le_bytes::<1>(bytes, rest)[0] as i8,
            le_bytes::<1>(bytes, rest + 1)[0] as i8,
            le_bytes::<1>(bytes, rest + 2)[0] as i8,
        )
    };
}

const fn vector_i8<const N: usize>(bytes: &[u8], at: usize) -> [i8; N] {
    let mut out = [0; N];
    let mut i = 0;
    while i < N {
        out[i] = le_bytes::<1>(bytes, at + i)[0] as i8;
        i += 1;
    }
    out
}

const fn matrix_i8<const N: usize, const M: usize>(bytes: &[u8], at: usize) -> [[i8; N]; M] {
    let mut out = [[0; N]; M];
    let mut r = 0;
    while r < M {
        out[r] = vector_i8(bytes, at + r * N);
        r += 1;
    }
    out
}

const fn vector_i32<const N: usize>(bytes: &[u8], at: usize) -> [i32; N] {
    let mut out = [0; N];
    let mut i = 0;
    while i < N {
        out[i] = i32::from_le_bytes(le_bytes::<4>(bytes, at + 4 * i));
        i += 1;
    }
    out
}

/// A layer that gives its input unchanged: the int8 twin of [`Dropout`](crate::Dropout) (an
/// identity at inference). Zero bytes.
pub struct Pass<const N: usize>;

impl<const N: usize> Int8Layer<N, N> for Pass<N> {
    #[inline(always)]
    fn forward(&self, x: &[i8; N]) -> [i8; N] {
        *x
    }
}

impl<const N: usize> Codec for Pass<N> {
    const BYTES: usize = 0;
    fn write(&self, _: &mut Writer<'_>) {}
    fn read(_: &mut Reader<'_>) -> Self {
        Pass
    }
}

impl<const N: usize> Encoded for Pass<N> {
    const ENCODED_BYTES: usize = 0;
}

impl<B: ModelBytes, const N: usize> ConstDecode<B> for Pass<N> {
    const DECODED: Self = Pass;
}

impl<const N: usize> Clone for Pass<N> {
    fn clone(&self) -> Self {
        Pass
    }
}

impl<const N: usize> PartialEq for Pass<N> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<const N: usize> fmt::Debug for Pass<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pass<{N}>")
    }
}
