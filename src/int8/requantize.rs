//! TensorFlow Lite's integer requantization (see [`Multiplier`]).

/// A positive real multiplier as TFLite stores it, `M ≈ multiplier·2^(shift − 31)`: TensorFlow
/// Lite's integer requantization of an `i32` accumulator, in integers only.
///
/// `M = s_x·s_w / s_y` (input scale × weight scale ÷ output scale) is stored as a Q31
/// `multiplier ∈ [2³⁰, 2³¹)` and a power-of-two `shift`, `M ≈ multiplier·2^(shift − 31)`
/// ([`Multiplier::from_f64`], TFLite's `QuantizeMultiplier`). [`Multiplier::apply`] computes
/// `x·M` as TFLite's reference `MultiplyByQuantizedMultiplier` does (gemmlowp's arithmetic, the
/// default build, without `TFLITE_SINGLE_ROUNDING`):
///
/// 1. `x·2^shift` for a positive shift (a left shift; TFLite leaves its overflow undefined, here
///    it saturates);
/// 2. `SaturatingRoundingDoublingHighMul(x, multiplier)`: the high 32 bits of `2·x·multiplier`,
///    i.e. `x·multiplier / 2³¹`, rounded to nearest with **ties toward +∞** (gemmlowp adds
///    `2³⁰` to a non-negative product and `1 − 2³⁰` to a negative one, then truncates toward
///    zero); the one overflowing case, `i32::MIN·i32::MIN`, saturates to `i32::MAX`;
/// 3. `RoundingDivideByPOT(·, −shift)` for a negative shift: an arithmetic shift right,
///    rounded to nearest with **ties away from zero**.
///
/// So a result is rounded twice, exactly as TFLite does it; the tests check the two steps on
/// their ties and compare `apply` with the exact rational `x·M` (at most one unit apart, from
/// the double rounding and the 31-bit multiplier). TFLite built with `TFLITE_SINGLE_ROUNDING`
/// computes `(x·multiplier + 2^(30−shift)) >> (31 − shift)` instead — one rounding, ties toward
/// +∞ — and can differ from this in the last unit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Multiplier {
    /// The Q31 significand, in `[2³⁰, 2³¹)`, or 0 for `M = 0`.
    pub multiplier: i32,
    /// The power of two: `> 0` shifts left before the multiplication, `< 0` right after it.
    pub shift: i32,
}

impl Multiplier {
    /// TFLite's `QuantizeMultiplier`: `m = q·2^e` with `q ∈ [½, 1)`, `multiplier = round(q·2³¹)`
    /// (renormalised if that rounds up to 2³¹), `shift = e`. Multipliers below 2⁻³² become 0,
    /// as in TFLite. `None` if `m` is negative, not finite, or `2³⁰` or more (a shift TFLite
    /// refuses too).
    #[must_use]
    pub fn from_f64(m: f64) -> Option<Self> {
        if !(m.is_finite() && m >= 0.0) {
            return None;
        }
        if m == 0.0 {
            return Some(Self::default());
        }
        let (q, mut shift) = frexp(m);
        let mut multiplier = num_traits::Float::round(q * (1u64 << 31) as f64) as i64;
        if multiplier == 1 << 31 {
            multiplier /= 2;
            shift += 1;
        }
        if shift < -31 {
            return Some(Self::default());
        }
        if shift > 30 {
            return None;
        }
        Some(Self { multiplier: multiplier as i32, shift })
    }

    /// The real value `multiplier·2^(shift − 31)`.
    #[must_use]
    pub fn to_f64(self) -> f64 {
        self.multiplier as f64 * pow2(self.shift - 31)
    }

    /// `x·M`, as TFLite's `MultiplyByQuantizedMultiplier` (see the type's docs).
    #[inline(always)]
    #[must_use]
    pub fn apply(self, x: i32) -> i32 {
        apply(x, self.multiplier, self.shift)
    }
}

/// [`Multiplier::apply`] on the stored fields.
#[inline(always)]
pub(crate) fn apply(x: i32, multiplier: i32, shift: i32) -> i32 {
    let left = if shift > 0 { shift } else { 0 };
    let right = if shift > 0 { 0 } else { -shift };
    let scaled = if left > 0 { x.saturating_mul(1 << left) } else { x };
    rounding_divide_by_pot(saturating_rounding_doubling_high_mul(scaled, multiplier), right)
}

/// gemmlowp's `SaturatingRoundingDoublingHighMul`: `a·b / 2³¹` rounded to nearest, ties toward
/// +∞; `i32::MIN·i32::MIN` (the only product whose doubled high half overflows) is `i32::MAX`.
#[inline(always)]
#[must_use]
pub fn saturating_rounding_doubling_high_mul(a: i32, b: i32) -> i32 {
    let product = a as i64 * b as i64;
    // Written without branches (they mispredict on signs that vary sample by sample): the
    // nudge is 2³⁰ for a non-negative product and 1 − 2³⁰ for a negative one, and the
    // division by 2³¹ truncates toward zero by adding 2³¹ − 1 to negative sums before the shift.
    let negative = product >> 63; // 0 or −1
    let sum = product + (1 << 30) + (negative & (1 - (1i64 << 31)));
    let quotient = (sum + ((sum >> 63) & ((1i64 << 31) - 1))) >> 31;
    if a == i32::MIN && b == i32::MIN { i32::MAX } else { quotient as i32 }
}

/// gemmlowp's `RoundingDivideByPOT`: `x / 2^exponent` rounded to nearest, ties away from zero,
/// for `exponent ∈ [0, 31]`.
#[inline(always)]
#[must_use]
pub fn rounding_divide_by_pot(x: i32, exponent: i32) -> i32 {
    let exponent = exponent.clamp(0, 31) as u32;
    let mask = ((1i64 << exponent) - 1) as i32;
    let remainder = x & mask;
    let threshold = (mask >> 1) + i32::from(x < 0);
    (x >> exponent) + i32::from(remainder > threshold)
}

/// `m = q·2^e` with `q ∈ [½, 1)`, for finite `m > 0`.
fn frexp(m: f64) -> (f64, i32) {
    let bits = m.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    if exponent == 0 {
        // Subnormal: scale into the normal range first.
        let (q, e) = frexp(m * pow2(64));
        return (q, e - 64);
    }
    let q = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (q, exponent - 1022)
}

/// `2^e` for `|e| ≤ 1000`.
fn pow2(e: i32) -> f64 {
    f64::from_bits(((1023 + e as i64) as u64) << 52)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn high_mul_rounds_ties_toward_plus_infinity() {
        // 2³⁰·1 / 2³¹ = ½ → 1; −½ → 0; 3·2³⁰/2³¹ = 1.5 → 2; −1.5 → −1.
        assert_eq!(saturating_rounding_doubling_high_mul(1 << 30, 1), 1);
        assert_eq!(saturating_rounding_doubling_high_mul(-(1 << 30), 1), 0);
        assert_eq!(saturating_rounding_doubling_high_mul(3 << 29, 2), 2);
        assert_eq!(saturating_rounding_doubling_high_mul(-(3 << 29), 2), -1);
        // Not ties: −0.6 → −1, −0.4 → 0.
        assert_eq!(saturating_rounding_doubling_high_mul(-1_288_490_189, 1), -1);
        assert_eq!(saturating_rounding_doubling_high_mul(-858_993_459, 1), 0);
        assert_eq!(saturating_rounding_doubling_high_mul(i32::MIN, i32::MIN), i32::MAX);
        assert_eq!(saturating_rounding_doubling_high_mul(i32::MIN, i32::MAX), -i32::MAX);
    }

    #[test]
    fn divide_by_pot_rounds_ties_away_from_zero() {
        assert_eq!(rounding_divide_by_pot(5, 1), 3);
        assert_eq!(rounding_divide_by_pot(-5, 1), -3);
        assert_eq!(rounding_divide_by_pot(6, 2), 2); // 1.5 → 2
        assert_eq!(rounding_divide_by_pot(-6, 2), -2);
        assert_eq!(rounding_divide_by_pot(5, 2), 1); // 1.25 → 1
        assert_eq!(rounding_divide_by_pot(-7, 2), -2); // −1.75 → −2
        assert_eq!(rounding_divide_by_pot(i32::MIN, 31), -1);
        assert_eq!(rounding_divide_by_pot(i32::MAX, 31), 1);
        assert_eq!(rounding_divide_by_pot(17, 0), 17);
    }

    #[test]
    fn multipliers_are_normalised_like_tflite() {
        let half = Multiplier::from_f64(0.5).unwrap();
        assert_eq!(half, Multiplier { multiplier: 1 << 30, shift: 0 });
        let m = Multiplier::from_f64(0.0123).unwrap();
        assert!((m.to_f64() - 0.0123).abs() < 0.0123 * 1e-9);
        assert!((1 << 30..=i32::MAX).contains(&m.multiplier));
        let big = Multiplier::from_f64(3.0).unwrap();
        assert_eq!(big.shift, 2);
        assert_eq!(big.apply(100), 300);
        // Just below 1: the significand rounds up to 2³¹ and is renormalised.
        assert_eq!(Multiplier::from_f64(1.0 - 1e-12).unwrap(), Multiplier { multiplier: 1 << 30, shift: 1 });
        assert_eq!(Multiplier::from_f64(1e-12).unwrap(), Multiplier::default());
        assert_eq!(Multiplier::from_f64(0.0).unwrap().apply(12345), 0);
        for bad in [-1.0, f64::NAN, f64::INFINITY, 2f64.powi(31)] {
            assert_eq!(Multiplier::from_f64(bad), None, "{bad}");
        }
    }

    #[test]
    fn apply_is_within_one_unit_of_the_exact_product() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..200_000 {
            let r = next();
            let m = (0.5 + (r >> 11) as f64 / (1u64 << 53) as f64) * pow2((r % 40) as i32 - 32);
            let x = (next() as i32) >> (next() % 31);
            let q = Multiplier::from_f64(m).unwrap();
            let exact = x as f64 * q.to_f64();
            // TFLite scales x by 2^shift before multiplying (undefined if that overflows; here
            // it saturates): only products whose scaled input fits are comparable.
            if exact.abs() > 2e9 || (x as f64 * pow2(q.shift.max(0))).abs() >= 2f64.powi(31) {
                continue;
            }
            let got = q.apply(x);
            assert!((got as f64 - exact).abs() <= 1.0, "{x} × {m} = {exact}, got {got}");
        }
    }
}
