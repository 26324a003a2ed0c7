//! The number type a network computes in.

use core::fmt::Debug;
use core::iter::Sum;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// The element type of weights, activations and gradients: `f32` or `f64`.
///
/// The trait names exactly the arithmetic and the few functions the library needs, rather than
/// requiring [`num_traits::Float`], so that a fixed-point type for FPU-less microcontrollers can
/// implement it later without pretending to be IEEE floating point. The `f32` and `f64`
/// implementations forward to [`num_traits::Float`], which uses `libm` in `no_std` builds and
/// the platform intrinsics with the `std` feature.
///
/// The byte-level items ([`Scalar::BYTES`], [`Scalar::TYPE_TAG`], [`Scalar::write_le`],
/// [`Scalar::read_le`]) describe how a value is stored in the model byte format.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a constnet scalar",
    label = "networks compute in `f32` or `f64`",
    note = "use `f32` or `f64` as the network's scalar type"
)]
pub trait Scalar:
    Copy
    + Default
    + Debug
    + PartialEq
    + PartialOrd
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
{
    /// Additive identity.
    const ZERO: Self;
    /// Multiplicative identity.
    const ONE: Self;
    /// Size of one value in the byte format.
    const BYTES: usize;
    /// Tag written into the model header so `f32` bytes are never read as `f64`.
    const TYPE_TAG: u8;
    /// Human-readable name, used in error messages.
    const NAME: &'static str;

    /// Converts from `f64`, rounding to nearest (used for hyper-parameters and initialisation).
    fn from_f64(value: f64) -> Self;
    /// Converts to `f64` exactly (`f32` widens losslessly).
    fn to_f64(self) -> f64;
    /// `e^self`.
    fn exp(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// Hyperbolic tangent.
    fn tanh(self) -> Self;
    /// Square root.
    fn sqrt(self) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
    /// `true` unless the value is NaN or infinite.
    fn is_finite(self) -> bool;

    /// The larger of two values; NaN-free inputs assumed (no NaN propagation rules are promised).
    #[inline(always)]
    fn max(self, other: Self) -> Self {
        if self >= other { self } else { other }
    }
    /// The smaller of two values.
    #[inline(always)]
    fn min(self, other: Self) -> Self {
        if self <= other { self } else { other }
    }
    /// Writes the value little-endian into the first [`Scalar::BYTES`] bytes of `out`.
    fn write_le(self, out: &mut [u8]);
    /// Reads a value written by [`Scalar::write_le`] from the first [`Scalar::BYTES`] bytes.
    fn read_le(bytes: &[u8]) -> Self;
}

macro_rules! impl_float_scalar {
    ($t:ty, $bytes:expr, $tag:expr) => {
        impl Scalar for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const BYTES: usize = $bytes;
            const TYPE_TAG: u8 = $tag;
            const NAME: &'static str = stringify!($t);

            #[inline(always)]
            fn from_f64(value: f64) -> Self {
                value as $t
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn exp(self) -> Self {
                num_traits::Float::exp(self)
            }
            #[inline(always)]
            fn ln(self) -> Self {
                num_traits::Float::ln(self)
            }
            #[inline(always)]
            fn tanh(self) -> Self {
                num_traits::Float::tanh(self)
            }
            #[inline(always)]
            fn sqrt(self) -> Self {
                num_traits::Float::sqrt(self)
            }
            #[inline(always)]
            fn abs(self) -> Self {
                <$t>::abs(self)
            }
            #[inline(always)]
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
            #[inline]
            fn write_le(self, out: &mut [u8]) {
                out[..$bytes].copy_from_slice(&self.to_le_bytes());
            }
            #[inline]
            fn read_le(bytes: &[u8]) -> Self {
                let mut raw = [0u8; $bytes];
                raw.copy_from_slice(&bytes[..$bytes]);
                <$t>::from_le_bytes(raw)
            }
        }
    };
}

impl_float_scalar!(f32, 4, 1);
impl_float_scalar!(f64, 8, 2);

#[cfg(test)]
mod tests {
    use super::Scalar;

    #[test]
    fn byte_round_trip_is_exact() {
        let mut buf = [0u8; 8];
        for v in [0.0f64, -1.5, 1e-300, f64::MAX, core::f64::consts::PI] {
            v.write_le(&mut buf);
            assert_eq!(f64::read_le(&buf).to_bits(), v.to_bits());
            let v32 = v as f32;
            v32.write_le(&mut buf);
            assert_eq!(f32::read_le(&buf).to_bits(), v32.to_bits());
        }
        assert_ne!(f32::TYPE_TAG, f64::TYPE_TAG);
    }

    #[test]
    fn functions_match_reference_values() {
        // Reference values from Python's math module.
        let x = 0.7f64;
        assert!((Scalar::exp(x) - 2.0137527074704766).abs() < 1e-15);
        assert!((Scalar::tanh(x) - 0.6043677771171636).abs() < 1e-15);
        assert!((Scalar::ln(x) - -0.35667494393873245).abs() < 1e-15);
        assert_eq!(Scalar::max(1.0f32, 2.0), 2.0);
        assert_eq!(Scalar::min(1.0f32, 2.0), 1.0);
        assert!(!Scalar::is_finite(f32::NAN));
    }
}
