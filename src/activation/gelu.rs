use super::special::{FRAC_1_SQRT_2, FRAC_1_SQRT_2PI, erf, normal_cdf_fast, normal_pdf_fast};
use super::{ActivationInfo, ActivationKind, ElementWise};
use crate::{Init, Scalar};

/// The Gaussian error linear unit, exact (PyTorch's `nn.GELU()`): the input weighted by the
/// standard normal distribution function `Φ`,
///
/// ```text
/// GELU(x)  = x·Φ(x) = ½·x·(1 + erf(x/√2))
/// GELU'(x) = Φ(x) + x·φ(x),    φ(x) = e^{−x²/2}/√(2π)
/// ```
///
/// `erf` comes from `libm` (within 1 ulp in `f32` and `f64`), a call per value; [`FastGelu`]
/// computes the same function with a vectorising approximation, and [`GeluTanh`] is the
/// different function `approximate='tanh'`. Layers with GELU default to He initialisation.
///
/// ```
/// use constnet::{ElementWise, Gelu};
/// assert!((Gelu::value(1.0f64) - 0.8413447460685429).abs() < 1e-15);
/// assert!((Gelu::derivative(1.0f64, Gelu::value(1.0)) - 1.0833154705876864).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Gelu;

/// `Φ(x) = ½·(1 + erf(x/√2))`.
#[inline(always)]
fn normal_cdf<T: Scalar>(x: T) -> T {
    T::from_f64(0.5) * (T::ONE + erf(x * T::from_f64(FRAC_1_SQRT_2)))
}

impl ElementWise for Gelu {
    const INFO: ActivationInfo =
        ActivationInfo::new("Gelu").kind(ActivationKind::Gelu).function("gelu").default_init(Init::HeNormal);

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        x * normal_cdf(x)
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, _y: T) -> T {
        let pdf = T::from_f64(FRAC_1_SQRT_2PI) * (T::from_f64(-0.5) * x * x).exp();
        normal_cdf(x) + x * pdf
    }
}

/// [`Gelu`], the same function, with `Φ` from a branch-free approximation of `erfc` (Numerical
/// Recipes' Chebyshev fit, fractional error below 1.2e−7) and [`Scalar::exp_fast`], so a layer
/// of it vectorises.
///
/// Measured against the exact GELU (in `f64`) over all finite `f32` by the crate's tests: maximum
/// absolute error 4.8e−7, and relative error 3.6e−7 wherever `|GELU(x)| ≥ 1e−30` (the far
/// negative tail included, where `x·Φ(x)` is tiny). Reports the same
/// [`ActivationInfo::function`] as [`Gelu`], so their models interchange.
///
/// ```
/// use constnet::{ElementWise, FastGelu, Gelu};
/// for x in [-9.0f32, -2.0, -0.1, 0.0, 0.3, 1.0, 4.0] {
///     let (fast, exact) = (FastGelu::value(x), Gelu::value(x));
///     assert!((fast - exact).abs() <= 5e-7 * exact.abs().max(1.0));
/// }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FastGelu;

impl ElementWise for FastGelu {
    const INFO: ActivationInfo =
        ActivationInfo::new("FastGelu").kind(ActivationKind::Gelu).function("gelu").default_init(Init::HeNormal);

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        x * normal_cdf_fast(x)
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, _y: T) -> T {
        normal_cdf_fast(x) + x * normal_pdf_fast(x)
    }
}

/// `√(2/π)`.
const SQRT_2_OVER_PI: f64 = 0.797_884_560_802_865_4;
/// The cubic coefficient of the tanh approximation.
const CUBIC: f64 = 0.044_715;

/// GELU's tanh approximation (PyTorch's `nn.GELU(approximate='tanh')`, the form GPT-2 and BERT
/// use), a function of its own:
///
/// ```text
/// GeluTanh(x)  = ½·x·(1 + tanh u),    u = √(2/π)·(x + 0.044715·x³)
/// GeluTanh'(x) = ½·(1 + tanh u) + ½·x·(1 − tanh² u)·√(2/π)·(1 + 3·0.044715·x²)
/// ```
///
/// It differs from the exact [`Gelu`] by up to 4.7e−4 (near `x = ±2.4`), so the two do not share
/// a fingerprint. [`FastGeluTanh`] is the vectorising variant.
///
/// ```
/// use constnet::{ElementWise, GeluTanh};
/// assert!((GeluTanh::value(1.0f64) - 0.8411919906082768).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct GeluTanh;

/// `u = √(2/π)·(x + 0.044715·x³)`.
#[inline(always)]
fn tanh_argument<T: Scalar>(x: T) -> T {
    T::from_f64(SQRT_2_OVER_PI) * (T::from_f64(CUBIC) * x * x).mul_add(x, x)
}

/// The derivative from `x` and `tanh u`.
#[inline(always)]
fn gelu_tanh_derivative<T: Scalar>(x: T, t: T) -> T {
    let half = T::from_f64(0.5);
    let du = T::from_f64(SQRT_2_OVER_PI) * (T::from_f64(3.0 * CUBIC) * x).mul_add(x, T::ONE);
    half * (T::ONE + t) + half * x * (T::ONE - t * t) * du
}

impl ElementWise for GeluTanh {
    const INFO: ActivationInfo = ActivationInfo::new("GeluTanh")
        .kind(ActivationKind::GeluTanh)
        .function("gelu_tanh")
        .default_init(Init::HeNormal);

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        T::from_f64(0.5) * x * (T::ONE + tanh_argument(x).tanh())
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, _y: T) -> T {
        gelu_tanh_derivative(x, tanh_argument(x).tanh())
    }
}

/// [`GeluTanh`] with [`Scalar::tanh_fast`], so a layer of it vectorises: the tanh approximation
/// of GELU, itself approximated. Maximum absolute error against the exact `GeluTanh` over all
/// finite `f32`: 3.1e−7 where `|x| ≤ 1` and `|x|`·3.8e−7 beyond (the error of `tanh_fast`
/// scaled by `x/2`), measured by the crate's tests. Shares [`GeluTanh`]'s fingerprint.
///
/// ```
/// use constnet::{ElementWise, FastGeluTanh, GeluTanh};
/// for x in [-6.0f32, -1.0, 0.0, 0.2, 2.5] {
///     assert!((FastGeluTanh::value(x) - GeluTanh::value(x)).abs() <= 4e-7 * x.abs().max(1.0));
/// }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FastGeluTanh;

impl ElementWise for FastGeluTanh {
    const INFO: ActivationInfo = ActivationInfo::new("FastGeluTanh")
        .kind(ActivationKind::GeluTanh)
        .function("gelu_tanh")
        .default_init(Init::HeNormal);

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        T::from_f64(0.5) * x * (T::ONE + tanh_argument(x).tanh_fast())
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, _y: T) -> T {
        gelu_tanh_derivative(x, tanh_argument(x).tanh_fast())
    }
}
