//! The number type a network computes in.

use crate::fast_math;
use core::fmt::Debug;
use core::iter::Sum;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// The element type of weights, activations and gradients: `f32`, `f64`, or a type of your
/// own (fixed point, for microcontrollers without an FPU).
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
    label = "networks compute in `f32`, `f64` or a type implementing `constnet::Scalar`",
    note = "use `f32` or `f64` as the network's scalar type, or implement `constnet::Scalar`"
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

    /// What sums of products accumulate in before one rounding back to `Self`: `Self` for
    /// `f32`/`f64`; a wider type for a fixed-point scalar, so that a dot product of `n` terms is
    /// rounded once instead of `n` times (as an integer multiply-accumulate unit does).
    type Accumulator: Copy + Add<Output = Self::Accumulator>;

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

    /// `self` in the accumulator type, exactly.
    fn widen(self) -> Self::Accumulator;
    /// An accumulated sum rounded back to `Self` (saturating for fixed-point types).
    fn narrow(sum: Self::Accumulator) -> Self;
    /// `sum + self·b`, accumulated without rounding to `Self`. For `f32`/`f64` this is
    /// [`Scalar::mul_add`]; the dense kernels use it for every multiply-accumulate.
    #[inline(always)]
    fn mul_acc(self, b: Self, sum: Self::Accumulator) -> Self::Accumulator {
        sum + (self * b).widen()
    }

    /// `self·a + b`. A single fused multiply-add (one rounding) when the build targets a CPU
    /// with FMA and has `std` (`-C target-cpu=native` on a recent x86-64); otherwise a
    /// multiplication and an addition. The kernels use it for every multiply-accumulate.
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        self * a + b
    }
    /// `e^self`, approximated with only arithmetic and bit operations, so a loop of them
    /// vectorises. For `f32`: maximum relative error 1.0e−7 (under 2 ulp) on `[−87.33, 88]`,
    /// measured over that whole range by this crate's tests; outside it the result saturates at
    /// `e^−87.33` and `e^88` (never 0 or ∞). `f64` uses the same polynomial (relative error
    /// 1.2e−9, far from `f64` precision) on `[−708, 709]`. NaN stays NaN. The default (for other scalar types) is [`Scalar::exp`].
    #[inline(always)]
    fn exp_fast(self) -> Self {
        self.exp()
    }
    /// `e^self − 1` from the same approximation as [`Scalar::exp_fast`], with the `− 1` folded
    /// into its last operation (`2ⁿ·q + (2ⁿ − 1)`, one rounding), so it keeps its relative
    /// accuracy near 0 where `exp_fast() − 1` cancels. For `f32`: maximum relative error 1.8e−7
    /// on `[−87.33, 88]` (the crate's tests; `f64`: 3.4e−9); below `−87.33` it is `e^−87.33 − 1`
    /// (that is, −1). NaN stays NaN. The default (for other scalar types) is `exp_fast() − 1`.
    ///
    /// ```
    /// use constnet::Scalar;
    /// let x = 1e-6f32;
    /// assert!((x.exp_m1_fast() - x).abs() < 1e-12); // e^x − 1 ≈ x, no cancellation
    /// assert_eq!((-200.0f32).exp_m1_fast(), -1.0);
    /// ```
    #[inline(always)]
    fn exp_m1_fast(self) -> Self {
        self.exp_fast() - Self::ONE
    }
    /// `tanh self`, approximated by a rational function (Eigen's) that vectorises. For `f32`:
    /// maximum absolute error 3.8e−7 and relative error 3.8e−7 (where `|tanh x| ≥ 1e−3`) over
    /// all finite `f32`, measured by this crate's tests; the result stays in `[−1, 1]`. `f64`:
    /// the same approximation, so `f32`-level accuracy (absolute error 2.6e−7). NaN stays NaN.
    #[inline(always)]
    fn tanh_fast(self) -> Self {
        self.tanh()
    }
    /// The logistic sigmoid `1 / (1 + e^{−self})` with [`Scalar::exp_fast`]. For `f32`: maximum
    /// absolute error 9e−8 over all finite `f32`, relative error 1.8e−7 for `x ≥ −80`, measured
    /// by this crate's tests (`f64`: 3e−10 absolute); the result stays in `[0, 1]`. NaN stays NaN.
    #[inline(always)]
    fn sigmoid_fast(self) -> Self {
        Self::ONE / (Self::ONE + (-self).exp_fast())
    }

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
    ///
    /// # Panics
    /// If `out` is shorter than [`Scalar::BYTES`]; the library only calls it with exact chunks.
    fn write_le(self, out: &mut [u8]);
    /// Reads a value written by [`Scalar::write_le`] from the first [`Scalar::BYTES`] bytes.
    ///
    /// # Panics
    /// If `bytes` is shorter than [`Scalar::BYTES`]; the library only calls it with exact chunks.
    fn read_le(bytes: &[u8]) -> Self;
}

macro_rules! impl_float_scalar {
    ($t:ty, $bytes:expr, $tag:expr, $exp:path, $exp_m1:path, $tanh:path, $sigmoid:path) => {
        impl Scalar for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const BYTES: usize = $bytes;
            const TYPE_TAG: u8 = $tag;
            const NAME: &'static str = stringify!($t);
            type Accumulator = $t;

            #[inline(always)]
            fn widen(self) -> Self {
                self
            }
            #[inline(always)]
            fn narrow(sum: Self) -> Self {
                sum
            }
            #[inline(always)]
            fn mul_acc(self, b: Self, sum: Self) -> Self {
                <$t as Scalar>::mul_add(self, b, sum)
            }

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
            #[cfg(all(feature = "std", target_feature = "fma"))]
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self {
                <$t>::mul_add(self, a, b)
            }
            #[inline(always)]
            fn exp_fast(self) -> Self {
                $exp(self)
            }
            #[inline(always)]
            fn exp_m1_fast(self) -> Self {
                $exp_m1(self)
            }
            #[inline(always)]
            fn tanh_fast(self) -> Self {
                $tanh(self)
            }
            #[inline(always)]
            fn sigmoid_fast(self) -> Self {
                $sigmoid(self)
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

impl_float_scalar!(f32, 4, 1, fast_math::exp_f32, fast_math::exp_m1_f32, fast_math::tanh_f32, fast_math::sigmoid_f32);
impl_float_scalar!(f64, 8, 2, fast_math::exp_f64, fast_math::exp_m1_f64, fast_math::tanh_f64, fast_math::sigmoid_f64);

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
