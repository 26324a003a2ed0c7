//! Element types of a safetensors file, and reading one element as an `f64` (`const`, total:
//! never panics, whatever the bytes).

/// The element type of a tensor in a safetensors file, as far as constnet cares: the four
/// floating-point types it reads, and any other by its safetensors name (refused on import).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dtype {
    /// IEEE 754 half precision (`F16`), widened exactly.
    F16,
    /// bfloat16 (`BF16`), widened exactly.
    BF16,
    /// IEEE 754 single precision (`F32`).
    F32,
    /// IEEE 754 double precision (`F64`).
    F64,
    /// Any other element type (integers, booleans, 8-bit and smaller floats, complex), by its
    /// safetensors name such as `"I64"`.
    Other(&'static str),
}

impl Dtype {
    /// The safetensors name: `"F16"`, `"BF16"`, `"F32"`, `"F64"`, or the other type's name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Dtype::F16 => "F16",
            Dtype::BF16 => "BF16",
            Dtype::F32 => "F32",
            Dtype::F64 => "F64",
            Dtype::Other(name) => name,
        }
    }

    /// Bytes per element of the floating-point types; 0 for the others.
    #[must_use]
    pub const fn bytes(self) -> usize {
        match self {
            Dtype::F16 | Dtype::BF16 => 2,
            Dtype::F32 => 4,
            Dtype::F64 => 8,
            Dtype::Other(_) => 0,
        }
    }

    /// Whether constnet reads it: `F16`, `BF16`, `F32` or `F64`.
    #[must_use]
    pub const fn is_float(self) -> bool {
        self.bytes() > 0
    }

    /// The dtype a network over a scalar with [`Scalar::TYPE_TAG`](crate::Scalar::TYPE_TAG)
    /// `tag` stores exactly: `F32` for `f32` (tag 1), `F64` for `f64` (tag 2).
    #[must_use]
    pub const fn of_scalar_tag(tag: u8) -> Option<Dtype> {
        match tag {
            1 => Some(Dtype::F32),
            2 => Some(Dtype::F64),
            _ => None,
        }
    }

    /// `true` when both are the same type (`Other` types compare by name).
    #[must_use]
    pub const fn same(self, other: Dtype) -> bool {
        match (self, other) {
            (Dtype::F16, Dtype::F16)
            | (Dtype::BF16, Dtype::BF16)
            | (Dtype::F32, Dtype::F32)
            | (Dtype::F64, Dtype::F64) => true,
            (Dtype::Other(a), Dtype::Other(b)) => super::naming::str_eq(a, b),
            _ => false,
        }
    }
}

/// `bytes[i]`, or 0 past the end.
const fn byte(bytes: &[u8], i: usize) -> u8 {
    if i < bytes.len() { bytes[i] } else { 0 }
}

/// The little-endian `N`-byte word at `at` (bytes past the end read as 0).
const fn word<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut raw = [0u8; N];
    let mut i = 0;
    while i < N {
        raw[i] = byte(bytes, at.saturating_add(i));
        i += 1;
    }
    raw
}

/// An IEEE 754 half-precision value, widened exactly to `f32` (every `f16` is an `f32`;
/// subnormals become normal `f32`s, NaN payloads are kept in the high mantissa bits).
#[must_use]
pub const fn f16_to_f32(bits: u16) -> f32 {
    let sign = ((bits >> 15) as u32) << 31;
    let exponent = ((bits >> 10) & 0x1f) as u32;
    let mantissa = (bits & 0x3ff) as u32;
    if exponent == 0 {
        // Zero or subnormal: mantissa · 2⁻²⁴, exact in f32.
        let magnitude = mantissa as f32 / 16_777_216.0;
        return if sign == 0 { magnitude } else { -magnitude };
    }
    if exponent == 0x1f {
        return f32::from_bits(sign | 0x7f80_0000 | (mantissa << 13));
    }
    f32::from_bits(sign | ((exponent + 127 - 15) << 23) | (mantissa << 13))
}

/// A bfloat16 value, widened exactly to `f32` (it is the top half of an `f32`).
#[must_use]
pub const fn bf16_to_f32(bits: u16) -> f32 {
    f32::from_bits((bits as u32) << 16)
}

/// Element `index` of a flat little-endian array of `dtype` in `data`, widened to `f64`
/// (exactly for all four floating-point types). 0 for other types and past the end of `data`.
#[must_use]
pub const fn element(dtype: Dtype, data: &[u8], index: usize) -> f64 {
    let at = index.saturating_mul(dtype.bytes());
    match dtype {
        Dtype::F16 => f16_to_f32(u16::from_le_bytes(word::<2>(data, at))) as f64,
        Dtype::BF16 => bf16_to_f32(u16::from_le_bytes(word::<2>(data, at))) as f64,
        Dtype::F32 => f32::from_le_bytes(word::<4>(data, at)) as f64,
        Dtype::F64 => f64::from_le_bytes(word::<8>(data, at)),
        Dtype::Other(_) => 0.0,
    }
}

/// The raw little-endian bytes of element `index` (for a copy without conversion; zero-padded
/// past the end of `data`).
#[must_use]
pub const fn raw<const N: usize>(data: &[u8], index: usize) -> [u8; N] {
    word::<N>(data, index.saturating_mul(N))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every one of the 65 536 half-precision values, against the definition
    /// `(−1)ˢ · 2^(e−15) · (1 + m/1024)` (subnormals `(−1)ˢ · 2⁻¹⁴ · m/1024`) computed in `f64`.
    #[test]
    fn f16_widening_is_exact_for_every_value() {
        for bits in 0..=u16::MAX {
            let (sign, exponent, mantissa) = (bits >> 15, i32::from((bits >> 10) & 0x1f), f64::from(bits & 0x3ff));
            let magnitude = match exponent {
                0 => 2f64.powi(-14) * mantissa / 1024.0,
                31 if mantissa == 0.0 => f64::INFINITY,
                31 => f64::NAN,
                e => 2f64.powi(e - 15) * (1.0 + mantissa / 1024.0),
            };
            let expected = if sign == 1 { -magnitude } else { magnitude };
            let got = f16_to_f32(bits);
            if expected.is_nan() {
                assert!(got.is_nan(), "{bits:#06x}");
                assert_eq!(got.to_bits() >> 13 & 0x3ff, u32::from(bits & 0x3ff), "{bits:#06x}: NaN payload");
            } else {
                assert_eq!(got as f64, expected, "{bits:#06x}");
                assert_eq!(got.is_sign_negative(), sign == 1, "{bits:#06x}: sign");
            }
            assert_eq!(element(Dtype::F16, &bits.to_le_bytes(), 0).to_bits(), (got as f64).to_bits());
        }
    }

    #[test]
    fn bf16_is_the_top_half_of_an_f32() {
        for value in [1.0f32, -2.5, 3.140625, f32::INFINITY, -0.0, 1.0e-39] {
            let bits = (value.to_bits() >> 16) as u16;
            assert_eq!(bf16_to_f32(bits).to_bits(), value.to_bits() & 0xffff_0000);
        }
        assert_eq!(element(Dtype::BF16, &[0x80, 0x3f], 0), 1.0);
    }

    #[test]
    fn elements_past_the_end_read_as_zero() {
        let data = 1.5f32.to_le_bytes();
        assert_eq!(element(Dtype::F32, &data, 0), 1.5);
        assert_eq!(element(Dtype::F32, &data, 1), 0.0);
        assert_eq!(element(Dtype::F64, &data, usize::MAX), 0.0);
        assert_eq!(element(Dtype::Other("I32"), &data, 0), 0.0);
        assert_eq!(raw::<4>(&data, 0), data);
    }
}
