//! `exp`, `ln`, `tanh` and `sqrt` of Q16.16 values in integer arithmetic.
//!
//! Intermediate values are Q30 (`i64` holding value·2³⁰) or finer, so that the only error that
//! matters is the final rounding to Q16; the tests in `tests.rs` measure the maximum errors
//! quoted in the module docs of [`super`] over the whole input range.

/// `ln 2` in Q48 (value·2⁴⁸, rounded).
const LN2_Q48: i64 = 195_103_586_505_167;
/// `ln 2` in Q30.
const LN2_Q30: i64 = 744_261_118;
/// `log₂ e` in Q30.
const LOG2E_Q30: i64 = 1_549_082_005;
/// `1/k!` in Q30 for `k = 0..=9`: the Taylor series of `eʳ` for `|r| ≤ ln2/2`, whose next term is
/// below 2⁻³².
const EXP_TAYLOR: [i64; 10] =
    [1_073_741_824, 1_073_741_824, 536_870_912, 178_956_971, 44_739_243, 8_947_849, 1_491_308, 213_044, 26_631, 2_959];
/// `1/(2k+1)` in Q30 for `k = 0..=5`: `ln m = 2·atanh s = 2·Σ s^(2k+1)/(2k+1)`, `|s| ≤ 0.172`.
const ATANH_TAYLOR: [i64; 6] = [1_073_741_824, 357_913_941, 214_748_365, 153_391_689, 119_304_647, 97_612_893];
/// One in Q30.
const ONE_Q30: i64 = 1 << 30;

/// `(a·b) / 2³⁰` rounded (ties toward +∞), for Q30 operands of magnitude below 2³².
#[inline(always)]
fn mul_q30(a: i64, b: i64) -> i64 {
    (a * b + (1 << 29)) >> 30
}

/// `v / 2^shift` rounded (ties toward +∞); `v·2^−shift` for a negative shift.
#[inline(always)]
fn shift_round(v: i64, shift: i32) -> i64 {
    if shift > 0 { (v + (1 << (shift - 1))) >> shift } else { v << -shift }
}

/// `eˣ = 2ᵏ·eʳ` for `x` in Q16 with `|x| ≤ 16`: returns `(eʳ in Q30, k)`. `k = round(x·log₂e)`
/// and `r = x − k·ln 2` is computed in Q48 (exact enough for any `k` here), then `eʳ` by its
/// Taylor series to degree 9 in Q30 (Horner).
fn exp_parts(x: i32) -> (i64, i32) {
    let k = ((x as i64 * LOG2E_Q30 + (1 << 45)) >> 46) as i32;
    let r_q48 = ((x as i64) << 32) - k as i64 * LN2_Q48;
    let r = (r_q48 + (1 << 17)) >> 18;
    let mut p = EXP_TAYLOR[9];
    let mut n = 9;
    while n > 0 {
        n -= 1;
        p = EXP_TAYLOR[n] + mul_q30(r, p);
    }
    (p, k)
}

/// Q16 inputs from which `eˣ` rounds to 0 (`e⁻¹²` is below half an ulp).
const EXP_ZERO_BELOW: i32 = -12 << 16;
/// Q16 inputs above which `eˣ` exceeds `Q16::MAX` (`ln 32768 ≈ 10.397`).
const EXP_OVERFLOW_ABOVE: i32 = 681_391;

/// `eˣ` in Q16 units as an `i64` (the caller saturates), or `None` when it overflows `Q16::MAX`.
pub(super) fn exp(x: i32) -> Option<i64> {
    if x > EXP_OVERFLOW_ABOVE {
        return None;
    }
    if x < EXP_ZERO_BELOW {
        return Some(0);
    }
    let (p, k) = exp_parts(x);
    Some(shift_round(p, 14 - k))
}

/// `e^{x}` in Q30 for `−16 ≤ x ≤ 0` in Q16.
fn exp_q30_nonpositive(x: i32) -> i64 {
    let (p, k) = exp_parts(x);
    shift_round(p, -k)
}

/// `tanh x` in Q16: `sign(x)·(1 − e^{−2|x|}) / (1 + e^{−2|x|})`, with `e^{−2|x|}` and the
/// quotient in Q30. For `|x| ≥ 8`, `1 − tanh|x| < 2.3e−7` is below half an ulp: ±1.
pub(super) fn tanh(x: i32) -> i32 {
    const SATURATED: i32 = 8 << 16;
    let magnitude = x.unsigned_abs();
    let t = if magnitude >= SATURATED as u32 {
        1 << 16
    } else {
        let e = exp_q30_nonpositive(-2 * magnitude as i32);
        let t30 = ((ONE_Q30 - e) << 30) / (ONE_Q30 + e);
        shift_round(t30, 14) as i32
    };
    if x < 0 { -t } else { t }
}

/// `ln x` in Q16 for `x > 0` in Q16: `x = m·2ᵉ` with `m ∈ [1/√2, √2)` in Q30, then
/// `ln x = (e − 16)·ln 2 + 2·atanh((m − 1)/(m + 1))`.
pub(super) fn ln(x: i32) -> i32 {
    debug_assert!(x > 0);
    let mut e = 31 - x.leading_zeros() as i32; // x ∈ [2ᵉ, 2ᵉ⁺¹)
    let mut m = (x as i64) << (30 - e); // m ∈ [1, 2) in Q30
    // √2 in Q30.
    if m > 1_518_500_250 {
        m >>= 1;
        e += 1;
    }
    let s = ((m - ONE_Q30) << 30) / (m + ONE_Q30);
    let s2 = mul_q30(s, s);
    let mut q = ATANH_TAYLOR[5];
    let mut k = 5;
    while k > 0 {
        k -= 1;
        q = ATANH_TAYLOR[k] + mul_q30(s2, q);
    }
    let ln_m = 2 * mul_q30(s, q);
    shift_round((e as i64 - 16) * LN2_Q30 + ln_m, 14) as i32
}

/// `√x` in Q16 for `x > 0` in Q16, correctly rounded: `round(√(x·2¹⁶))` in integers.
pub(super) fn sqrt(x: i32) -> i32 {
    let n = (x as u64) << 16;
    let r = isqrt(n);
    // √n ≥ r + ½  ⇔  n ≥ r² + r + ¼  ⇔  n > r² + r (integers).
    (if n - r * r > r { r + 1 } else { r }) as i32
}

/// `⌊√n⌋`, digit by digit (two bits of `n` per step).
fn isqrt(n: u64) -> u64 {
    let mut rest = n;
    let mut root = 0u64;
    let mut bit = 1u64 << 62;
    while bit > n {
        bit >>= 2;
    }
    while bit != 0 {
        if rest >= root + bit {
            rest -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    root
}
