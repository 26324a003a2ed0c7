//! A fixed-point scalar, [`Q16`] (Q16.16), so that a network runs *and trains* on a
//! microcontroller without a floating-point unit.
//!
//! A `Q16` is an `i32` counting units of 2⁻¹⁶: it spans `[−32768, 32768 − 2⁻¹⁶]` with a constant
//! resolution of 2⁻¹⁶ ≈ 1.53e−5. Every operation is integer arithmetic: addition is one `ADDS`,
//! a product is one 32 × 32 → 64-bit multiplication and a shift. It implements
//! [`Scalar`](crate::Scalar), so every layer, loss, optimizer and the training loop work with it
//! unchanged:
//!
//! ```
//! use constnet::fixed::Q16;
//! use constnet::optim::Adam;
//! use constnet::prelude::*;
//! use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
//!
//! network! { struct Xor<Q16> { hidden: Dense<2, 4, Tanh>, output: Dense<4, 1, Sigmoid> } }
//!
//! let (inputs, targets) = constnet::data::xor::<Q16>();
//! let mut rng = Xoshiro128PlusPlus::seed_from_u64(7);
//! let mut net = Xor::random(&mut rng);
//! // Adam's ε must be representable: the default 1e−8 is 0 in Q16 and is refused.
//! let adam = Adam { epsilon: 1e-4, ..Adam::default() };
//! let mut trainer = Trainer::new(adam, BinaryCrossEntropy, Schedule::Constant(0.05))?;
//! for _ in 0..300 {
//!     for (x, t) in inputs.iter().zip(&targets) {
//!         trainer.step(&mut net, x, t, &mut rng)?;
//!     }
//! }
//! let y = net.forward(&[Q16::ONE, Q16::ZERO]);
//! assert!(y[0] > Q16::from_f64(0.9));
//! # Ok::<(), constnet::train::TrainError>(())
//! ```
//!
//! The tests compare its back-propagation with `f64` on the same weights (within 2.7 × 2⁻¹⁶
//! relative, measured) and train XOR with SGD, momentum and Adam.
//!
//! # Why our own type rather than the `fixed` crate's `I16F16`
//! [`Scalar`](crate::Scalar) is this crate's trait and `I16F16` is foreign, so it would need a
//! newtype that forwards every operator anyway. Owning the type costs about as much code and
//! buys three things: no dependency (the library depends only on `num-traits` and `rand`), one
//! documented rounding rule for every operation (round to nearest, see below), and the
//! accumulator of [`Scalar::Accumulator`](crate::Scalar::Accumulator): dot products sum the exact
//! 64-bit products and round once, as an integer multiply-accumulate unit does. The elementary
//! functions (`exp`, `ln`, `tanh`, `sqrt`) are computed here in integer arithmetic with tested
//! maximum errors (the `fixed` crate offers none of them but `sqrt`).
//!
//! # Rounding and overflow
//! - `+`, `−`, negation and `abs` are exact, or **saturate** at [`Q16::MIN`]/[`Q16::MAX`]
//!   (`−Q16::MIN` is `Q16::MAX`). Nothing wraps, and nothing panics, in debug or release builds.
//! - `×` and `÷` round to nearest (ties toward +∞ for `×`, away from zero for `÷`) and saturate.
//!   Division by zero gives `MAX` or `MIN` by the sign of the dividend (`0 / 0 = 0`): the
//!   fixed-point stand-ins for ±∞ and NaN.
//! - Conversions from `f64` round to nearest and saturate; NaN becomes 0.
//! - [`Q16::MIN`] and [`Q16::MAX`] are where overflow lands, so
//!   [`Scalar::is_finite`](crate::Scalar::is_finite) is `false` for exactly these two values:
//!   the training loop's guards against non-finite losses and gradients then refuse an update
//!   that overflowed, as they refuse an `f32` update that became infinite.
//! - Dot products (every `Dense` forward pass) accumulate exact products in 64 bits, with
//!   saturating additions, and round once.
//!
//! # Elementary functions (maximum errors measured by this module's tests)
//! | function | domain | maximum error |
//! |---|---|---|
//! | `exp` | `x ≤ 10.397` (beyond: `MAX`; below −12: 0) | 0.51 ulp for `x ≤ 0`; 0.5 ulp + 2⁻²⁹ relative for `x > 0` (1.04 ulp measured, near `e^10.4`) |
//! | `ln` | `x > 0` (`ln 0` and below: `MIN`) | 0.51 ulp |
//! | `tanh` | all | 0.51 ulp |
//! | `sqrt` | `x ≥ 0` (negative: 0) | 0.5 ulp (correctly rounded) |
//!
//! One ulp is 2⁻¹⁶ ≈ 1.53e−5. The errors are measured against `f64` at every 4999th raw value
//! of the domain and at every raw value in `(−70000, 70000)` (|x| < 1.07); everything but the
//! last rounding is done in Q30 or finer.

mod math;

use crate::io::{ConstDecode, Encoded, ModelBytes};
use core::fmt;
use core::iter::Sum;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// A Q16.16 fixed-point number: `i32` in units of 2⁻¹⁶. See the [module docs](self) for
/// rounding, saturation and the accuracy of its functions.
///
/// ```
/// use constnet::fixed::Q16;
/// let a = Q16::from_f64(1.5);
/// assert_eq!((a * a).to_f64(), 2.25);
/// assert_eq!(Q16::MAX + Q16::ONE, Q16::MAX); // saturates
/// assert_eq!(Q16::ONE / Q16::ZERO, Q16::MAX);
/// ```
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct Q16(i32);

/// Fractional bits of [`Q16`].
const FRAC: u32 = 16;

impl Q16 {
    /// 0.
    pub const ZERO: Self = Self(0);
    /// 1.
    pub const ONE: Self = Self(1 << FRAC);
    /// The largest value, `32768 − 2⁻¹⁶`: where positive overflow saturates.
    pub const MAX: Self = Self(i32::MAX);
    /// The smallest value, `−32768`: where negative overflow saturates.
    pub const MIN: Self = Self(i32::MIN);
    /// The resolution, 2⁻¹⁶ (one ulp).
    pub const EPSILON: Self = Self(1);

    /// The value whose raw representation is `bits` (`bits / 65536`).
    #[must_use]
    pub const fn from_bits(bits: i32) -> Self {
        Self(bits)
    }

    /// The raw representation: the value times 65536.
    #[must_use]
    pub const fn to_bits(self) -> i32 {
        self.0
    }

    /// The integer `n`, saturating.
    #[must_use]
    pub const fn from_int(n: i32) -> Self {
        Self::saturate((n as i64) << FRAC)
    }

    /// `value` rounded to the nearest `Q16` (ties away from zero), saturating; NaN becomes 0.
    /// A `const fn`, so constants can be written in decimal.
    #[must_use]
    pub const fn from_f64(value: f64) -> Self {
        if value.is_nan() {
            return Self::ZERO;
        }
        let scaled = value * (1u64 << FRAC) as f64;
        if scaled >= i32::MAX as f64 {
            Self::MAX
        } else if scaled <= i32::MIN as f64 {
            Self::MIN
        } else {
            // `as` truncates toward zero; adding ±0.5 first rounds half away from zero.
            Self((if scaled >= 0.0 { scaled + 0.5 } else { scaled - 0.5 }) as i32)
        }
    }

    /// The exact value as an `f64`.
    #[must_use]
    pub const fn to_f64(self) -> f64 {
        self.0 as f64 / (1u64 << FRAC) as f64
    }

    /// A 64-bit value in units of 2⁻¹⁶, saturated to the `i32` range.
    #[inline(always)]
    const fn saturate(raw: i64) -> Self {
        if raw > i32::MAX as i64 {
            Self::MAX
        } else if raw < i32::MIN as i64 {
            Self::MIN
        } else {
            Self(raw as i32)
        }
    }

    /// `e^self`; see the [module docs](self) for its accuracy.
    #[must_use]
    pub fn exp(self) -> Self {
        math::exp(self.0).map_or(Self::MAX, Self::saturate)
    }

    /// `ln self`; `MIN` for `self ≤ 0`.
    #[must_use]
    pub fn ln(self) -> Self {
        if self.0 <= 0 { Self::MIN } else { Self(math::ln(self.0)) }
    }

    /// `tanh self`.
    #[must_use]
    pub fn tanh(self) -> Self {
        Self(math::tanh(self.0))
    }

    /// `√self`, correctly rounded; 0 for `self ≤ 0`.
    #[must_use]
    pub fn sqrt(self) -> Self {
        if self.0 <= 0 { Self::ZERO } else { Self(math::sqrt(self.0)) }
    }

    /// `|self|`, saturating (`|MIN| = MAX`).
    #[must_use]
    pub const fn abs(self) -> Self {
        Self(self.0.saturating_abs())
    }
}

impl fmt::Debug for Q16 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.to_f64(), f)
    }
}

impl fmt::Display for Q16 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.to_f64(), f)
    }
}

impl Add for Q16 {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        Self(self.0.saturating_add(rhs.0))
    }
}

impl Sub for Q16 {
    type Output = Self;
    #[inline(always)]
    fn sub(self, rhs: Self) -> Self {
        Self(self.0.saturating_sub(rhs.0))
    }
}

impl Neg for Q16 {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        Self(self.0.saturating_neg())
    }
}

impl Mul for Q16 {
    type Output = Self;
    /// The exact 64-bit product, rounded to nearest (ties toward +∞), saturating.
    #[inline(always)]
    fn mul(self, rhs: Self) -> Self {
        let product = self.0 as i64 * rhs.0 as i64;
        Self::saturate((product + (1 << (FRAC - 1))) >> FRAC)
    }
}

impl Div for Q16 {
    type Output = Self;
    /// Rounded to nearest (ties away from zero), saturating; `x / 0` is `MAX`, `MIN` or 0 by the
    /// sign of `x`.
    #[inline]
    fn div(self, rhs: Self) -> Self {
        if rhs.0 == 0 {
            return match self.0 {
                0 => Self::ZERO,
                n if n > 0 => Self::MAX,
                _ => Self::MIN,
            };
        }
        let (n, d) = ((self.0 as i64) << FRAC, rhs.0 as i64);
        // Round half away from zero: add half the divisor with the quotient's sign.
        let half = d.abs() / 2;
        let q = if (n < 0) == (d < 0) { (n + half) / d } else { (n - half) / d };
        Self::saturate(q)
    }
}

macro_rules! assign_ops {
    ($($trait:ident $method:ident $op:tt),*) => {$(
        impl $trait for Q16 {
            #[inline(always)]
            fn $method(&mut self, rhs: Self) {
                *self = *self $op rhs;
            }
        }
    )*};
}
assign_ops!(AddAssign add_assign +, SubAssign sub_assign -, MulAssign mul_assign *, DivAssign div_assign /);

impl Sum for Q16 {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, |a, b| a + b)
    }
}

/// What sums of [`Q16`] products accumulate in: a Q32.32 value in an `i64` (a product of two
/// `Q16`s is exact there), with saturating addition. See
/// [`Scalar::Accumulator`](crate::Scalar::Accumulator).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Q16Sum(i64);

impl Add for Q16Sum {
    type Output = Self;
    #[inline(always)]
    fn add(self, rhs: Self) -> Self {
        Self(self.0.saturating_add(rhs.0))
    }
}

impl crate::Scalar for Q16 {
    const ZERO: Self = Self::ZERO;
    const ONE: Self = Self::ONE;
    const BYTES: usize = 4;
    const TYPE_TAG: u8 = 4;
    const NAME: &'static str = "Q16";
    type Accumulator = Q16Sum;

    #[inline(always)]
    fn from_f64(value: f64) -> Self {
        Self::from_f64(value)
    }
    #[inline(always)]
    fn to_f64(self) -> f64 {
        self.to_f64()
    }
    #[inline]
    fn exp(self) -> Self {
        self.exp()
    }
    #[inline]
    fn ln(self) -> Self {
        self.ln()
    }
    #[inline]
    fn tanh(self) -> Self {
        self.tanh()
    }
    #[inline]
    fn sqrt(self) -> Self {
        self.sqrt()
    }
    #[inline(always)]
    fn abs(self) -> Self {
        self.abs()
    }
    /// `false` for [`Q16::MIN`] and [`Q16::MAX`], where overflow saturates.
    #[inline(always)]
    fn is_finite(self) -> bool {
        self.0 != i32::MIN && self.0 != i32::MAX
    }
    #[inline(always)]
    fn widen(self) -> Q16Sum {
        Q16Sum((self.0 as i64) << FRAC)
    }
    #[inline(always)]
    fn narrow(sum: Q16Sum) -> Self {
        // Round to nearest (ties toward +∞) without overflowing near i64::MAX.
        Self::saturate((sum.0 >> FRAC) + ((sum.0 >> (FRAC - 1)) & 1))
    }
    #[inline(always)]
    fn mul_acc(self, b: Self, sum: Q16Sum) -> Q16Sum {
        sum + Q16Sum(self.0 as i64 * b.0 as i64)
    }
    /// `self·a + b` rounded once.
    #[inline(always)]
    fn mul_add(self, a: Self, b: Self) -> Self {
        Self::narrow(self.mul_acc(a, b.widen()))
    }
    #[inline]
    fn write_le(self, out: &mut [u8]) {
        out[..4].copy_from_slice(&self.0.to_le_bytes());
    }
    #[inline]
    fn read_le(bytes: &[u8]) -> Self {
        Self(i32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }
}

/// The little-endian `i32` at byte offset `at` (bytes past the end read as 0, so decoding never
/// panics; the model check rejects such bytes first).
const fn bits_at(bytes: &[u8], at: usize) -> i32 {
    let mut raw = [0u8; 4];
    let mut i = 0;
    while i < 4 {
        if at + i < bytes.len() {
            raw[i] = bytes[at + i];
        }
        i += 1;
    }
    i32::from_le_bytes(raw)
}

impl<B: ModelBytes, const N: usize> ConstDecode<B> for [Q16; N] {
    const DECODED: Self = {
        let mut out = [Q16::ZERO; N];
        let mut i = 0;
        while i < N {
            out[i] = Q16(bits_at(B::BYTES, B::AT + 4 * i));
            i += 1;
        }
        out
    };
}

impl<B: ModelBytes, const N: usize, const M: usize> ConstDecode<B> for [[Q16; N]; M] {
    const DECODED: Self = {
        let mut out = [[Q16::ZERO; N]; M];
        let mut r = 0;
        while r < M {
            let mut i = 0;
            while i < N {
                out[r][i] = Q16(bits_at(B::BYTES, B::AT + 4 * (r * N + i)));
                i += 1;
            }
            r += 1;
        }
        out
    };
}

// `[Q16; N]` is `Encoded` through the blanket impl for scalars.
const _: () = assert!(<[Q16; 3] as Encoded>::ENCODED_BYTES == 12);

#[cfg(test)]
mod tests;
