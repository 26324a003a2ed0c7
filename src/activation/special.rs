//! The special functions the newer activations need, for any [`Scalar`]: `erfc`, `expm1` and
//! `log1p` from `libm` (the `f32` routine for scalars of up to 4 bytes, the `f64` one otherwise),
//! and a branch-free approximation of `erfc` that vectorises (for [`FastGelu`](super::FastGelu)).

use crate::Scalar;

/// `f(x)` with `libm`'s `f32` function for scalars of up to 4 bytes and its `f64` function
/// otherwise; `x` travels through `f64` ([`Scalar::to_f64`]), which is exact for `f32`.
#[inline(always)]
fn through_libm<T: Scalar>(x: T, single: fn(f32) -> f32, double: fn(f64) -> f64) -> T {
    if T::BYTES <= 4 { T::from_f64(f64::from(single(x.to_f64() as f32))) } else { T::from_f64(double(x.to_f64())) }
}

/// The complementary error function `erfc x = 1 − erf x = 2/√π ∫ₓ^∞ e^{−t²} dt` (`libm`,
/// within 1 ulp; accurate where it is tiny, unlike `1 − erf x`).
#[inline(always)]
pub(crate) fn erfc<T: Scalar>(x: T) -> T {
    through_libm(x, libm::erfcf, libm::erfc)
}

/// `eˣ − 1`, accurate near 0 (`libm`).
#[inline(always)]
pub(crate) fn expm1<T: Scalar>(x: T) -> T {
    through_libm(x, libm::expm1f, libm::expm1)
}

/// `ln(1 + x)`, accurate near 0 (`libm`).
#[inline(always)]
pub(crate) fn log1p<T: Scalar>(x: T) -> T {
    through_libm(x, libm::log1pf, libm::log1p)
}

/// `1/√2`.
pub(crate) const FRAC_1_SQRT_2: f64 = core::f64::consts::FRAC_1_SQRT_2;
/// `1/√(2π)`, the standard normal density at 0.
pub(crate) const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// The standard normal distribution function `Φ(x) = ½·erfc(−x/√2)`, branch-free, with
/// [`Scalar::exp_fast`]: Numerical Recipes' Chebyshev fit of `erfc` (`erfcc`, fractional error
/// below 1.2e−7 for every argument), so `Φ` keeps its relative accuracy in the far negative
/// tail, where `x·Φ(x)` (GELU) is tiny. Used by [`FastGelu`](super::FastGelu); its measured
/// error is on that type.
#[allow(clippy::excessive_precision)]
#[inline(always)]
pub(crate) fn normal_cdf_fast<T: Scalar>(x: T) -> T {
    let c = |v: f64| T::from_f64(v);
    // erfc(z) for z = |x|/√2 ≥ 0 is t·exp(−z² + P(t)), t = 1/(1 + z/2).
    let z = x.abs() * c(FRAC_1_SQRT_2);
    let t = T::ONE / (T::ONE + c(0.5) * z);
    let mut p = c(0.170_872_77);
    for k in [
        -0.822_152_23,
        1.488_515_87,
        -1.135_203_98,
        0.278_868_07,
        -0.186_288_06,
        0.096_784_18,
        0.374_091_96,
        1.000_023_68,
    ] {
        p = p.mul_add(t, c(k));
    }
    let p = p.mul_add(t, c(-1.265_512_23));
    let erfc = t * (p - z * z).exp_fast();
    // Φ(x) = erfc(−x/√2)/2: erfc(z)/2 for x < 0, 1 − erfc(z)/2 otherwise (a select, no branch).
    let half = c(0.5) * erfc;
    if x < T::ZERO { half } else { T::ONE - half }
}

/// The standard normal density `φ(x) = e^{−x²/2}/√(2π)` with [`Scalar::exp_fast`].
#[inline(always)]
pub(crate) fn normal_pdf_fast<T: Scalar>(x: T) -> T {
    T::from_f64(FRAC_1_SQRT_2PI) * (T::from_f64(-0.5) * x * x).exp_fast()
}

/// Every `stride`-th `f32` from `lo` to `hi` (walking the bit patterns, so every binade is
/// covered evenly), plus both ends: the points of the fast activations' error measurements.
#[cfg(test)]
pub(crate) fn f32_range(lo: f32, hi: f32, stride: u32) -> impl Iterator<Item = f32> {
    fn key(x: f32) -> i64 {
        let b = x.to_bits() as i32;
        if b < 0 { -i64::from(b & 0x7fff_ffff) } else { i64::from(b) }
    }
    fn unkey(k: i64) -> f32 {
        if k < 0 { f32::from_bits(((-k) as u32) | 0x8000_0000) } else { f32::from_bits(k as u32) }
    }
    (key(lo)..=key(hi)).step_by(stride as usize).map(unkey).chain(core::iter::once(hi))
}

/// The largest absolute error, and the largest relative error where `relative_where(x, exact)`,
/// of `fast` against `exact` (computed in `f64`) over every `stride`-th `f32`; with the worst
/// points.
#[cfg(test)]
pub(crate) struct MaxError {
    pub absolute: (f64, f32),
    pub relative: (f64, f32),
}

#[cfg(test)]
pub(crate) fn max_error(
    stride: u32,
    fast: impl Fn(f32) -> f32,
    exact: impl Fn(f64) -> f64,
    relative_where: impl Fn(f32, f64) -> bool,
) -> MaxError {
    let mut worst = MaxError { absolute: (0.0, 0.0), relative: (0.0, 0.0) };
    for x in f32_range(-f32::MAX, f32::MAX, stride) {
        let (y, want) = (f64::from(fast(x)), exact(f64::from(x)));
        assert!(!y.is_nan(), "NaN at {x}");
        let err = (y - want).abs();
        if err > worst.absolute.0 {
            worst.absolute = (err, x);
        }
        if relative_where(x, want) && err / want.abs() > worst.relative.0 {
            worst.relative = (err / want.abs(), x);
        }
    }
    worst
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libm_functions_match_reference_values() {
        // From Python's math module (math.erf, math.expm1, math.log1p).
        assert!((erfc(0.5f64) - 0.4795001221869535).abs() < 1e-16);
        assert!((erfc(-1.7f64) - 1.9837904585907746).abs() < 1e-15);
        assert!((erfc(6.0f64) - 2.1519736712498916e-17).abs() < 1e-31);
        assert!((expm1(1e-10f64) - 1.00000000005e-10).abs() < 1e-25);
        assert!((log1p(1e-10f64) - 9.9999999995e-11).abs() < 1e-25);
        assert!((erfc(0.5f32) - 0.479_500_1).abs() < 1e-7);
    }
}
