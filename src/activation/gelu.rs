use super::silu::sigmoid_fast_to_zero;
use super::special::{FRAC_1_SQRT_2, FRAC_1_SQRT_2PI, erfc, normal_cdf_fast, normal_pdf_fast};
use super::{ActivationInfo, ActivationKind, ElementWise, Sigmoid};
use crate::{Init, Scalar};

/// The Gaussian error linear unit, exact (PyTorch's `nn.GELU()`): the input weighted by the
/// standard normal distribution function `Φ`,
///
/// ```text
/// GELU(x)  = x·Φ(x) = ½·x·(1 + erf(x/√2)),   computed as ½·x·erfc(−x/√2)
/// GELU'(x) = Φ(x) + x·φ(x),                  φ(x) = e^{−x²/2}/√(2π)
/// ```
///
/// `erfc` comes from `libm` (within 1 ulp in `f32` and `f64`), so unlike `1 + erf` it keeps
/// its relative accuracy in the negative tail, where `GELU(x)` is tiny; it is a call per value.
/// [`FastGelu`] computes the same function with a vectorising approximation, and [`GeluTanh`]
/// is the different function `approximate='tanh'`. Layers with GELU default to He
/// initialisation.
///
/// ```
/// use constnet::{ElementWise, Gelu};
/// assert!((Gelu::value(1.0f64) - 0.8413447460685429).abs() < 1e-15);
/// assert!((Gelu::derivative(1.0f64, Gelu::value(1.0)) - 1.0833154705876864).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Gelu;

/// `Φ(x) = ½·erfc(−x/√2)`.
#[inline(always)]
fn normal_cdf<T: Scalar>(x: T) -> T {
    T::from_f64(0.5) * erfc(-x * T::from_f64(FRAC_1_SQRT_2))
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
/// Against the exact GELU (in `f64`) over every finite `f32` (measured once over all 2³² bit
/// patterns; the crate's tests check every 1009th): maximum absolute error 3.8e−7, the same as
/// the exact GELU computed in `f32` (both at `x ≈ 4.89`, the `f32` rounding of `Φ(x) ≈ 1`);
/// relative error 5.5e−7 for `x ≥ −1` (exact in `f32`: 2.2e−7) and 1.4e−6 for `x ≥ −3`. In the
/// far negative tail the relative error grows, as the exact `f32` computation's does, with the
/// rounding of `x²/2` in `f32` (to 1.5e−5, where GELU is below 1e−29). Reports the same
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
/// GeluTanh(x)  = ½·x·(1 + tanh u) = x·σ(2u),     u = √(2/π)·(x + 0.044715·x³)
/// GeluTanh'(x) = σ(2u) + 2x·σ(2u)·σ(−2u)·u',    u' = √(2/π)·(1 + 3·0.044715·x²)
/// ```
///
/// Computed in the sigmoid form, which is the same function without the cancellation of
/// `1 + tanh u` in the negative tail (where PyTorch's `float32` rounds to 0). It differs from
/// the exact [`Gelu`] by up to 4.7e−4 (near `x = ±2.4`), so the two do not share a
/// fingerprint. [`FastGeluTanh`] is the vectorising variant.
///
/// ```
/// use constnet::{ElementWise, GeluTanh};
/// assert!((GeluTanh::value(1.0f64) - 0.8411919906082768).abs() < 1e-15);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct GeluTanh;

/// `2u = 2·√(2/π)·(x + 0.044715·x³)`.
#[inline(always)]
fn twice_u<T: Scalar>(x: T) -> T {
    T::from_f64(2.0 * SQRT_2_OVER_PI) * (T::from_f64(CUBIC) * x * x).mul_add(x, x)
}

/// The derivative from `x`, `s = σ(2u)` and `s̄ = σ(−2u) = 1 − s`.
#[inline(always)]
fn gelu_tanh_derivative<T: Scalar>(x: T, s: T, s_bar: T) -> T {
    let du = T::from_f64(SQRT_2_OVER_PI) * (T::from_f64(3.0 * CUBIC) * x).mul_add(x, T::ONE);
    s + T::from_f64(2.0) * x * s * s_bar * du
}

impl ElementWise for GeluTanh {
    const INFO: ActivationInfo = ActivationInfo::new("GeluTanh")
        .kind(ActivationKind::GeluTanh)
        .function("gelu_tanh")
        .default_init(Init::HeNormal);

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        x * Sigmoid::value(twice_u(x))
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, _y: T) -> T {
        let v = twice_u(x);
        gelu_tanh_derivative(x, Sigmoid::value(v), Sigmoid::value(-v))
    }
}

/// [`GeluTanh`] with [`Scalar::sigmoid_fast`], so a layer of it vectorises: the tanh
/// approximation of GELU, itself approximated. Against the exact `GeluTanh` (in `f64`) over
/// every finite `f32` (measured once over all 2³² bit patterns; the crate's tests check every
/// 1009th): maximum absolute error 5.2e−7 (at `x ≈ 4.67`, where the value is 4.67), relative
/// error 2.8e−7 for `x ≥ −1`; in the negative tail the relative error grows with the rounding
/// of the argument of `exp`, as for the exact function computed in `f32`. Shares
/// [`GeluTanh`]'s fingerprint.
///
/// ```
/// use constnet::{ElementWise, FastGeluTanh, GeluTanh};
/// for x in [-6.0f32, -1.0, 0.0, 0.2, 2.5] {
///     assert!((FastGeluTanh::value(x) - GeluTanh::value(x)).abs() <= 3e-7 * GeluTanh::value(x).abs().max(1.0));
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
        x * sigmoid_fast_to_zero(twice_u(x))
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, _y: T) -> T {
        let v = twice_u(x);
        gelu_tanh_derivative(x, sigmoid_fast_to_zero(v), sigmoid_fast_to_zero(-v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Φ(x)` in `f64` from Python's `math.erfc`-grade `libm::erfc`.
    fn gelu(x: f64) -> f64 {
        0.5 * x * libm::erfc(-x * FRAC_1_SQRT_2)
    }

    fn gelu_tanh(x: f64) -> f64 {
        let v = 2.0 * SQRT_2_OVER_PI * (x + CUBIC * x * x * x);
        x / (1.0 + (-v).exp())
    }

    /// The largest absolute error of `fast` against `reference` over all of `f32` (every 1009th
    /// float), and the largest relative errors of `fast` and of `exact` (the exact function
    /// computed in `f32`) where `x ≥` each of `FROM` and the value is a normal `f32`. In the
    /// negative tail the rounding of the argument of `exp` in `f32` dominates the relative error,
    /// for the exact `f32` function as much as for the fast one, so both are measured.
    fn errors(fast: fn(f32) -> f32, exact: fn(f32) -> f32, reference: fn(f64) -> f64) -> (f64, [(f64, f64); 4]) {
        const FROM: [f32; 4] = [-1.0, -3.0, -6.0, -f32::MAX];
        let (mut absolute, mut relative) = (0.0f64, [(0.0f64, 0.0f64); 4]);
        for x in crate::activation::special::f32_range(-f32::MAX, f32::MAX, 1009) {
            let want = reference(f64::from(x));
            let (f, e) = (f64::from(fast(x)), f64::from(exact(x)));
            absolute = absolute.max((f - want).abs());
            if want.abs() >= 1e-30 {
                for (r, &from) in relative.iter_mut().zip(&FROM) {
                    if x >= from {
                        r.0 = r.0.max((f - want).abs() / want.abs());
                        r.1 = r.1.max((e - want).abs() / want.abs());
                    }
                }
            }
        }
        for ((fast, exact), from) in relative.iter().zip(FROM) {
            std::println!("  relative error for x ≥ {from:e}: fast {fast:.2e}, exact in f32 {exact:.2e}");
        }
        (absolute, relative)
    }

    #[test]
    fn fast_gelu_error_over_all_floats() {
        let (absolute, relative) = errors(FastGelu::value, Gelu::value, gelu);
        std::println!("FastGelu: max absolute error {absolute:.2e}");
        assert!(absolute < 4e-7, "{absolute:.3e}");
        assert!(relative[0].0 < 6e-7, "{relative:?}");
        for (fast, exact) in relative {
            assert!(fast < 3.0 * exact.max(2e-7), "{relative:?}");
        }
    }

    #[test]
    fn fast_gelu_tanh_error_over_all_floats() {
        let (absolute, relative) = errors(FastGeluTanh::value, GeluTanh::value, gelu_tanh);
        std::println!("FastGeluTanh: max absolute error {absolute:.2e}");
        assert!(relative[0].0 < 3e-7, "{relative:?}");
        for (fast, exact) in relative {
            assert!(fast < 1.5 * exact.max(2e-7), "{relative:?}");
        }
    }

    /// The tanh approximation is a different function: up to 4.7e−4 from the exact GELU.
    #[test]
    fn gelu_tanh_differs_from_gelu() {
        let mut worst = (0.0f64, 0.0f64);
        let mut x = -8.0;
        while x <= 8.0 {
            let d = (GeluTanh::value(x) - Gelu::value(x)).abs();
            if d > worst.0 {
                worst = (d, x);
            }
            x += 1e-3;
        }
        std::println!("|GeluTanh − Gelu| ≤ {:.3e} (at {:.3})", worst.0, worst.1);
        assert!((4.5e-4..4.8e-4).contains(&worst.0), "{worst:?}");
    }
}
