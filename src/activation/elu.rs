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
/// For `x ≤ 0` it computes `α·(eˣ − 1)` from the fast exponential (relative error 8.8e−8), so
/// near 0 the error is absolute rather than relative: over all finite `f32` the maximum absolute
/// error against the exact ELU is 1.2e−7 (measured by the crate's tests). Reports the same
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
        let negative = T::from_f64(Elu::ALPHA) * (x.exp_fast() - T::ONE);
        if x > T::ZERO { x } else { negative }
    }
    #[inline(always)]
    fn derivative<T: Scalar>(x: T, y: T) -> T {
        if x > T::ZERO { T::ONE } else { y + T::from_f64(Elu::ALPHA) }
    }
}
