//! The special functions the newer activations need, for any [`Scalar`]: `erf`, `expm1` and
//! `log1p` from `libm` (the `f32` routine for scalars of up to 4 bytes, the `f64` one otherwise),
//! and a branch-free approximation of `erfc` that vectorises (for [`FastGelu`](super::FastGelu)).

use crate::Scalar;

/// `f(x)` with `libm`'s `f32` function for scalars of up to 4 bytes and its `f64` function
/// otherwise; `x` travels through `f64` ([`Scalar::to_f64`]), which is exact for `f32`.
#[inline(always)]
fn through_libm<T: Scalar>(x: T, single: fn(f32) -> f32, double: fn(f64) -> f64) -> T {
    if T::BYTES <= 4 { T::from_f64(f64::from(single(x.to_f64() as f32))) } else { T::from_f64(double(x.to_f64())) }
}

/// The error function `erf x = 2/√π ∫₀ˣ e^{−t²} dt` (`libm`, within 1 ulp).
#[inline(always)]
pub(crate) fn erf<T: Scalar>(x: T) -> T {
    through_libm(x, libm::erff, libm::erf)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libm_functions_match_reference_values() {
        // From Python's math module (math.erf, math.expm1, math.log1p).
        assert!((erf(0.5f64) - 0.5204998778130465).abs() < 1e-16);
        assert!((erf(-1.7f64) - -0.9837904585907746).abs() < 1e-16);
        assert!((expm1(1e-10f64) - 1.00000000005e-10).abs() < 1e-25);
        assert!((log1p(1e-10f64) - 9.9999999995e-11).abs() < 1e-25);
        assert!((erf(0.5f32) - 0.520_499_9).abs() < 1e-7);
    }
}
