//! Branch-free approximations of `exp`, `tanh` and the logistic sigmoid that the compiler can
//! vectorise: only multiplications, additions, one division, comparisons that become selects,
//! and integer operations on the bits of the float. No table, no call into `libm`.
//!
//! They are reached through [`Scalar::exp_fast`](crate::Scalar::exp_fast),
//! [`Scalar::tanh_fast`](crate::Scalar::tanh_fast) and
//! [`Scalar::sigmoid_fast`](crate::Scalar::sigmoid_fast), and used by the activations
//! [`FastSigmoid`](crate::FastSigmoid), [`FastTanh`](crate::FastTanh) and
//! [`FastSoftmax`](crate::FastSoftmax). The maximum errors quoted on those methods are measured
//! by the tests at the end of this file over the whole input range.
//!
//! NaN in gives NaN out: the range checks are written so that a NaN fails both comparisons and
//! passes through, so training still notices a non-finite value.
//!
//! They are written for latency as much as for throughput: in a tiny network's training step
//! each sigmoid sits on the dependency chain from one step's weights to the next. So the range
//! check selects a saturated value after the computation instead of clamping before it, the
//! polynomial is three multiply-adds deep, and the sigmoid's `1 + e^{−x}` is one multiply-add
//! after it: about 50 instead of 68 cycles of latency, counted from the instructions' latencies.

/// `e^x = 2ⁿ·e^r` with `n = round(x / ln 2)` and `r = x − n·ln 2 ∈ [−ln2/2, ln2/2]`
/// (Cody–Waite: `ln 2` split in a part with few mantissa bits, so `n·LN2_HI` is exact), then
/// `e^r ≈ 1 + r + r²·P(r)` with Cephes' minimax coefficients for `expf`, and `2ⁿ` assembled in
/// the exponent bits. Outside `[MIN, MAX]` the result is replaced by `e^MIN ≈ 1.2e−38` or
/// `e^MAX`, so it is never 0, subnormal or infinite.
macro_rules! fast_math {
    ($t:ty, $bits:ty, $ibits:ty, mantissa = $mant:expr, bias = $bias:expr, min = $min:expr, max = $max:expr,
     exp = $exp:ident, exp_m1 = $exp_m1:ident, exp_plus = $exp_plus:ident, tanh = $tanh:ident, sigmoid = $sigmoid:ident) => {
        /// `e^x + c` as `2ⁿ·q + (2ⁿ + c)` (`q ≈ e^r − 1`), one rounding after the polynomial, so
        /// `exp`, `exp_m1` and the sigmoid's `1 + e^{−x}` are each one multiply-add after it.
        /// Computed unclamped and replaced outside `[MIN, MAX]` by the value at the edge, so the
        /// range check is off the dependency chain; a NaN fails both comparisons and passes.
        // The same decimal constants serve `f32` and `f64`.
        #[allow(clippy::excessive_precision)]
        #[inline(always)]
        fn $exp_plus(x: $t, c: $t) -> $t {
            const LOG2E: $t = core::f64::consts::LOG2_E as $t;
            // 0.693359375 has 9 significant bits, so n·LN2_HI is exact for |n| < 2¹⁵.
            const LN2_HI: $t = 0.693_359_375;
            const LN2_LO: $t = -2.121_944_4e-4;
            // Adding 1.5·2^mantissa rounds to an integer and leaves it in the low mantissa bits.
            const ROUND: $t = 1.5 * (1u64 << $mant) as $t;
            const P0: $t = 1.987_569_150_0e-4;
            const P1: $t = 1.398_199_950_7e-3;
            const P2: $t = 8.333_451_907_3e-3;
            const P3: $t = 4.166_579_589_4e-2;
            const P4: $t = 1.666_666_545_9e-1;
            const P5: $t = 5.000_000_120_1e-1;
            let in_range = |x: $t| {
                let fma = <$t as crate::Scalar>::mul_add;
                let shifted = fma(x, LOG2E, ROUND);
                let n = shifted - ROUND;
                let r = fma(n, -LN2_LO, fma(n, -LN2_HI, x));
                // q = r + P5·r² + P4·r³ + … + P0·r⁷ by Estrin's scheme: three multiply-adds deep.
                let r2 = r * r;
                let r4 = r2 * r2;
                let low = fma(r2, fma(P4, r, P5), r);
                let high = fma(r2, fma(P0, r, P1), fma(P2, r, P3));
                let q = fma(r4, high, low);
                // The integer n sits in the low bits of `shifted`; rebuild 2ⁿ from it.
                let n_int = (shifted.to_bits() as $ibits).wrapping_sub(ROUND.to_bits() as $ibits);
                let two_n = <$t>::from_bits((n_int.wrapping_add($bias) as $bits) << $mant);
                fma(q, two_n, two_n + c)
            };
            saturate(x, in_range(x), $min, $max, in_range($min), in_range($max))
        }

        /// Fast `e^x`; see the module docs.
        #[inline(always)]
        pub(crate) fn $exp(x: $t) -> $t {
            // `2ⁿ + (−0.0)` is exactly `2ⁿ`, and LLVM drops the addition (it keeps `+ 0.0`).
            $exp_plus(x, -0.0)
        }

        /// Fast `e^x − 1`: `2ⁿ·q + (2ⁿ − 1)` with one rounding. `2ⁿ − 1` is exact for
        /// `|n| ≤ 24` (beyond, one of the two terms dwarfs the other), and near 0 `n = 0`, so
        /// the result is `q` itself, with `q`'s relative accuracy.
        #[inline(always)]
        pub(crate) fn $exp_m1(x: $t) -> $t {
            $exp_plus(x, -1.0)
        }

        /// Fast `tanh x`: Eigen's odd/even rational minimax approximation `x·P(x²)/Q(x²)` on
        /// `[−7.9, 7.9]` (beyond which `tanh` rounds to ±1 in `f32`), and `x` itself where
        /// `|x| < 0.0004`.
        #[allow(clippy::excessive_precision)]
        #[inline(always)]
        pub(crate) fn $tanh(x: $t) -> $t {
            const CLAMP: $t = 7.905_311_107_635_498;
            const A1: $t = 4.893_524_558_917_86e-3;
            const A3: $t = 6.372_619_288_754_36e-4;
            const A5: $t = 1.485_722_357_179_79e-5;
            const A7: $t = 5.122_297_090_371_14e-8;
            const A9: $t = -8.604_671_522_137_35e-11;
            const A11: $t = 2.000_187_904_824_77e-13;
            const A13: $t = -2.760_768_477_423_55e-16;
            const B0: $t = 4.893_525_185_543_85e-3;
            const B2: $t = 2.268_434_632_439e-3;
            const B4: $t = 1.185_347_056_866_54e-4;
            const B6: $t = 1.198_258_394_667_02e-6;
            let in_range = |c: $t| {
                let fma = <$t as crate::Scalar>::mul_add;
                let u = c * c;
                let u2 = u * u;
                let u4 = u2 * u2;
                // P and Q in u = x² by Estrin's scheme.
                let p = fma(u4, fma(u2, A13, fma(A11, u, A9)), fma(u2, fma(A7, u, A5), fma(A3, u, A1)));
                let q = fma(u2, fma(B6, u, B4), fma(B2, u, B0));
                c * p / q
            };
            // Beyond ±CLAMP the value at ±CLAMP, selected afterwards (see `saturate`).
            let y = saturate(x, in_range(x), -CLAMP, CLAMP, in_range(-CLAMP), in_range(CLAMP));
            if x.abs() < 0.0004 { x } else { y }
        }

        /// Fast logistic sigmoid `1 / (e^{−x} + 1)`, the `+ 1` folded into the exponential's last
        /// multiply-add. Outside the exponential's range the value at its edge is selected, so
        /// the result is in `[~1e−38, 1]` with no special case.
        #[inline(always)]
        pub(crate) fn $sigmoid(x: $t) -> $t {
            1.0 / $exp_plus(-x, 1.0)
        }
    };
}

/// `y`, or `at_lo` where `x < lo` and `at_hi` where `x > hi`: two selects on comparisons of the
/// input, so only the selects wait for `y` (a clamp of `x` before computing `y` put two
/// `max`/`min` latencies on the chain). `y` may be garbage, infinite or NaN outside the range;
/// it is discarded there. A NaN `x` fails both comparisons and keeps `y` (NaN).
#[inline(always)]
fn saturate<T: PartialOrd>(x: T, y: T, lo: T, hi: T, at_lo: T, at_hi: T) -> T {
    let y = if x < lo { at_lo } else { y };
    if x > hi { at_hi } else { y }
}

fast_math!(
    f32,
    u32,
    i32,
    mantissa = 23,
    bias = 127,
    min = -87.33,
    max = 88.0,
    exp = exp_f32,
    exp_m1 = exp_m1_f32,
    exp_plus = exp_plus_f32,
    tanh = tanh_f32,
    sigmoid = sigmoid_f32
);
fast_math!(
    f64,
    u64,
    i64,
    mantissa = 52,
    bias = 1023,
    min = -708.0,
    max = 709.0,
    exp = exp_f64,
    exp_m1 = exp_m1_f64,
    exp_plus = exp_plus_f64,
    tanh = tanh_f64,
    sigmoid = sigmoid_f64
);

#[cfg(test)]
mod tests {
    use super::*;

    /// Every `stride`-th `f32` from `lo` to `hi` (walking the bit patterns, so every binade is
    /// covered evenly), plus both ends.
    fn f32_range(lo: f32, hi: f32, stride: u32) -> impl Iterator<Item = f32> {
        // Map floats to a monotonic integer line.
        fn key(x: f32) -> i64 {
            let b = x.to_bits() as i32;
            if b < 0 { -((b & 0x7fff_ffff) as i64) } else { b as i64 }
        }
        fn unkey(k: i64) -> f32 {
            if k < 0 { f32::from_bits(((-k) as u32) | 0x8000_0000) } else { f32::from_bits(k as u32) }
        }
        let (a, b) = (key(lo), key(hi));
        (a..=b).step_by(stride as usize).map(unkey).chain(core::iter::once(hi))
    }

    /// Max relative error of `exp_f32` against `f64::exp` over [−87.33, 88]: every 97th float
    /// (about 23 million points).
    #[test]
    fn exp_f32_relative_error_over_its_range() {
        let mut worst = (0.0f64, 0.0f32);
        for x in f32_range(-87.33, 88.0, 97) {
            let exact = (x as f64).exp();
            let err = ((exp_f32(x) as f64 - exact) / exact).abs();
            if err > worst.0 {
                worst = (err, x);
            }
        }
        std::println!("exp_f32: max relative error {:.3e} at x = {}", worst.0, worst.1);
        assert!(worst.0 < 1.1e-7, "max relative error {:.3e} at {}", worst.0, worst.1);
        // Saturation outside the range, NaN passes.
        assert_eq!(exp_f32(-1000.0), exp_f32(-87.33));
        assert!(exp_f32(-1000.0) > 0.0 && exp_f32(1000.0).is_finite());
        // The unclamped computation overflows to NaN for these; the selects replace it.
        assert_eq!(exp_f32(f32::NEG_INFINITY), exp_f32(-87.33));
        assert_eq!(exp_f32(f32::INFINITY), exp_f32(88.0));
        assert_eq!(exp_f32(f32::MAX), exp_f32(88.0));
        assert!(exp_f32(f32::NAN).is_nan());
        assert_eq!(exp_f32(0.0), 1.0);
    }

    /// Max relative error of `exp_m1_f32` against `f64::exp_m1` over [−87.33, 88] (every 97th
    /// float), where `exp − 1` would cancel near 0.
    #[test]
    fn exp_m1_f32_relative_error_over_its_range() {
        let mut worst = (0.0f64, 0.0f32);
        for x in f32_range(-87.33, 88.0, 97) {
            let exact = (x as f64).exp_m1();
            if exact != 0.0 {
                let err = ((exp_m1_f32(x) as f64 - exact) / exact).abs();
                if err > worst.0 {
                    worst = (err, x);
                }
            }
        }
        std::println!("exp_m1_f32: max relative error {:.3e} at x = {}", worst.0, worst.1);
        assert!(worst.0 < 1.8e-7, "max relative error {:.3e} at {}", worst.0, worst.1);
        assert_eq!(exp_m1_f32(0.0), 0.0);
        assert_eq!(exp_m1_f32(1e-30), 1e-30);
        assert_eq!(exp_m1_f32(-1000.0), -1.0);
        assert_eq!(exp_m1_f32(f32::NEG_INFINITY), -1.0);
        assert!(exp_m1_f32(f32::INFINITY).is_finite() && exp_m1_f32(f32::NAN).is_nan());
    }

    /// Max absolute error of `fast_tanh` against `f64::tanh` over all of `f32` (every 211th
    /// float), and relative error where `|tanh x| ≥ 1e−3`.
    #[test]
    fn tanh_f32_error_over_all_floats() {
        let (mut abs, mut rel) = (0.0f64, 0.0f64);
        for x in f32_range(-f32::MAX, f32::MAX, 211) {
            let exact = (x as f64).tanh();
            let y = tanh_f32(x) as f64;
            abs = abs.max((y - exact).abs());
            if exact.abs() >= 1e-3 {
                rel = rel.max(((y - exact) / exact).abs());
            }
            assert!(y.abs() <= 1.0, "tanh({x}) = {y}");
        }
        std::println!("tanh_f32: max absolute error {abs:.3e}, relative {rel:.3e}");
        assert!(abs < 4e-7 && rel < 4e-7, "abs {abs:.3e} rel {rel:.3e}");
        assert!(tanh_f32(f32::NAN).is_nan());
        assert_eq!(tanh_f32(f32::INFINITY), tanh_f32(7.905_311));
        assert_eq!(tanh_f32(f32::NEG_INFINITY), -tanh_f32(f32::INFINITY));
        assert!(tanh_f32(f32::INFINITY) > 0.999_999);
        assert_eq!(tanh_f32(1e-20), 1e-20);
    }

    /// Max absolute error of the fast sigmoid against `1/(1+e^{−x})` in `f64` over all of `f32`
    /// (every 211th float), and relative error for `x ≥ −80` (where the exact value is a normal
    /// `f32`).
    #[test]
    fn sigmoid_f32_error_over_all_floats() {
        let (mut abs, mut rel) = (0.0f64, 0.0f64);
        for x in f32_range(-f32::MAX, f32::MAX, 211) {
            let exact = 1.0 / (1.0 + (-(x as f64)).exp());
            let y = sigmoid_f32(x) as f64;
            abs = abs.max((y - exact).abs());
            if x >= -80.0 {
                rel = rel.max(((y - exact) / exact).abs());
            }
            assert!((0.0..=1.0).contains(&y), "sigmoid({x}) = {y}");
        }
        std::println!("sigmoid_f32: max absolute error {abs:.3e}, relative {rel:.3e}");
        assert!(abs < 1e-7 && rel < 2e-7, "abs {abs:.3e} rel {rel:.3e}");
        assert!(sigmoid_f32(f32::NAN).is_nan());
        assert_eq!(sigmoid_f32(f32::INFINITY), 1.0);
        assert_eq!(sigmoid_f32(f32::NEG_INFINITY), sigmoid_f32(-88.0));
        assert!(sigmoid_f32(f32::NEG_INFINITY) > 0.0);
    }

    /// The `f64` versions use the same polynomials, so they have `f32`-level accuracy.
    #[test]
    fn f64_versions_have_f32_level_accuracy() {
        let (mut e, mut m, mut t, mut s) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        let mut x = -700.0f64;
        while x <= 700.0 {
            e = e.max(((exp_f64(x) - x.exp()) / x.exp()).abs());
            m = m.max(((exp_m1_f64(x) - x.exp_m1()) / x.exp_m1()).abs());
            t = t.max((tanh_f64(x) - x.tanh()).abs());
            s = s.max((sigmoid_f64(x) - 1.0 / (1.0 + (-x).exp())).abs());
            x += 0.000_37;
        }
        // exp_m1 near 0, where `exp − 1` would cancel.
        for k in 1..2000 {
            let x = k as f64 * 1e-6 - 1e-3;
            m = m.max(((exp_m1_f64(x) - x.exp_m1()) / x.exp_m1()).abs());
        }
        std::println!("f64: exp rel {e:.3e}, exp_m1 rel {m:.3e}, tanh abs {t:.3e}, sigmoid abs {s:.3e}");
        assert!(
            e < 2e-9 && m < 4e-9 && t < 3e-7 && s < 1e-9,
            "exp {e:.3e} exp_m1 {m:.3e} tanh {t:.3e} sigmoid {s:.3e}"
        );
        assert!(exp_f64(f64::NAN).is_nan() && tanh_f64(f64::NAN).is_nan() && sigmoid_f64(f64::NAN).is_nan());
        assert_eq!(exp_f64(f64::INFINITY), exp_f64(709.0));
        assert_eq!(exp_f64(f64::NEG_INFINITY), exp_f64(-708.0));
        assert_eq!(sigmoid_f64(f64::INFINITY), 1.0);
        assert!(sigmoid_f64(f64::NEG_INFINITY) > 0.0 && tanh_f64(f64::INFINITY) <= 1.0);
    }
}
