use super::special::expm1;
use super::{ActivationInfo, ActivationKind, ElementWise};
use crate::{Init, Scalar};

/// The exponential linear unit with `α = 1` (PyTorch's `nn.ELU()`):
///
/// ```text
/// ELU(x) = x            for x > 0        ELU'(x) = 1              for x > 0
///          α·(eˣ − 1)   otherwise                  α·eˣ = y + α   otherwise
/// ```
///
/// Smooth for `α = 1`, negative outputs down to `−α` pull the mean activation towards zero, and
/// no unit can die as with ReLU. `eˣ − 1` is computed with `expm1`, accurate near 0. Layers
/// with ELU default to He initialisation. [`FastElu`] is the vectorising variant.
///
/// ```
/// use constnet::{ElementWise, Elu};
/// assert_eq!(Elu::value(2.0f64), 2.0);
/// assert!((Elu::value(-1.0f64) - (-0.6321205588285577)).abs() < 1e-16);
/// assert!((Elu::derivative(-1.0f64, Elu::value(-1.0)) - 0.36787944117144233).abs() < 1e-16);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Elu;

impl Elu {
    /// `α`, the value ELU tends to for `x → −∞` is `−α`.
    pub const ALPHA: f64 = 1.0;
}

impl ElementWise for Elu {
    const INFO: ActivationInfo =
        ActivationInfo::new("Elu").kind(ActivationKind::Elu).function("elu(1)").default_init(Init::HeNormal);

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        if x > T::ZERO { x } else { T::from_f64(Self::ALPHA) * expm1(x) }
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, y: T) -> T {
        if x > T::ZERO { T::ONE } else { y + T::from_f64(Self::ALPHA) }
    }
}

/// [`Elu`] with `eˣ` from [`Scalar::exp_fast`], so a layer of it vectorises.
///
/// For `x ≤ 0` it computes `α·(eˣ − 1)` with [`Scalar::exp_m1_fast`], which folds the `− 1`
/// into the exponential's last step, so it stays accurate near 0. Against the exact ELU (in
/// `f64`) over every finite `f32`: maximum absolute error 4.7e−8, relative error 1.5e−7
/// (measured once over all 2³² bit patterns in a build without FMA; the crate's tests check
/// every 1009th). Reports the same
/// [`ActivationInfo::function`] as [`Elu`], so their models interchange.
///
/// ```
/// use constnet::{ElementWise, Elu, FastElu};
/// for x in [-20.0f32, -1.0, -1e-3, 0.0, 0.5, 3.0] {
///     assert!((FastElu::value(x) - Elu::value(x)).abs() < 2e-7);
/// }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FastElu;

impl ElementWise for FastElu {
    const INFO: ActivationInfo =
        ActivationInfo::new("FastElu").kind(ActivationKind::Elu).function("elu(1)").default_init(Init::HeNormal);

    #[inline(always)]
    fn value<T: Scalar>(x: T) -> T {
        if x > T::ZERO { x } else { T::from_f64(Elu::ALPHA) * x.exp_m1_fast() }
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, y: T) -> T {
        if x > T::ZERO { T::ONE } else { y + T::from_f64(Elu::ALPHA) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::special::max_error;

    /// `FastElu` against ELU in `f64` over all of `f32` (every 1009th float).
    #[test]
    fn fast_elu_error_over_all_floats() {
        let e = max_error(1009, FastElu::value, |x| if x > 0.0 { x } else { x.exp_m1() }, |_, y| y.abs() >= 1e-30);
        std::println!(
            "FastElu: max absolute error {:.2e} at {}, relative {:.2e} at {}",
            e.absolute.0,
            e.absolute.1,
            e.relative.0,
            e.relative.1
        );
        assert!(e.absolute.0 < 5e-8 && e.relative.0 < 1.5e-7, "{:.3e} {:.3e}", e.absolute.0, e.relative.0);
        assert!(FastElu::value(f32::NAN).is_nan() && Elu::value(f32::NAN).is_nan());
        assert_eq!(FastElu::value(-1e30f32), -1.0);
    }
}
