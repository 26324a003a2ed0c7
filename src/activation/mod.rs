//! Activation functions: zero-sized types that turn a layer's pre-activation `z` into its output.
//!
//! Every activation implements [`Activation`], which works on whole vectors so that
//! [`Softmax`] (which couples all outputs) fits the same mould as the element-wise functions.
//! The element-wise ones also implement [`ElementWise`], which gives the scalar value
//! `f(x)` and derivative `f'(x)` of the textbook definitions.
//!
//! # Exact or fast
//! [`Sigmoid`], [`Tanh`] and [`Softmax`] call the platform's `exp`/`tanh` (`libm`, or the C
//! library with the `std` feature): correctly rounded or nearly so, but a function call per
//! value that no loop can vectorise. [`FastSigmoid`], [`FastTanh`] and [`FastSoftmax`] compute
//! the same functions with branch-free approximations ([`Scalar::exp_fast`],
//! [`Scalar::tanh_fast`], [`Scalar::sigmoid_fast`]) whose maximum error over the whole input
//! range is documented and tested (below 4e−7); [`FastElu`], [`FastGelu`], [`FastGeluTanh`]
//! and [`FastSilu`] do the same for [`Elu`], [`Gelu`], [`GeluTanh`] and [`Silu`] (their
//! measured errors are on each type). The choice is part of the layer's type:
//!
//! ```
//! use constnet::prelude::*;
//! use constnet::{FastSoftmax, FastTanh};
//! network! {
//!     struct Audio<f32> { a: Dense<8, 16, FastTanh>, b: Dense<16, 4, FastSoftmax> }
//! }
//! let y = Audio::zeroed().forward(&[0.5; 8]);
//! assert!((y[0] - 0.25).abs() < 1e-6);
//! ```
//!
//! A fast activation reports the [`ActivationKind`] and [`Activation::FUNCTION`] of the
//! function it approximates, so losses fuse with it exactly as with the exact one (`p − y` for
//! sigmoid or softmax with cross-entropy), and a model trained with `Tanh` loads into a network
//! declared with `FastTanh` (train exact, deploy fast).

mod elu;
mod fast_sigmoid;
mod fast_softmax;
mod fast_tanh;
mod gelu;
mod hardtanh;
mod identity;
mod leaky_relu;
mod relu;
mod sigmoid;
mod silu;
mod softmax;
mod softplus;
mod special;
mod step;
mod tanh;

pub use elu::{Elu, FastElu};
pub use fast_sigmoid::FastSigmoid;
pub use fast_softmax::FastSoftmax;
pub use fast_tanh::FastTanh;
pub use gelu::{FastGelu, FastGeluTanh, Gelu, GeluTanh};
pub use hardtanh::{Hardtanh, Relu6};
pub use identity::Identity;
pub use leaky_relu::LeakyRelu;
pub use relu::Relu;
pub use sigmoid::Sigmoid;
pub use silu::{FastSilu, Silu};
pub use softmax::Softmax;
pub use softplus::Softplus;
pub use step::Step;
pub use tanh::Tanh;

use crate::{Init, Scalar};
use core::fmt::Debug;

/// Which well-known function an activation is.
///
/// Losses use it to pick a fused, numerically stable gradient (sigmoid + binary cross-entropy and
/// softmax + cross-entropy both give `p − y`). User-defined activations report
/// [`ActivationKind::Custom`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ActivationKind {
    /// [`Identity`].
    Identity,
    /// [`Sigmoid`].
    Sigmoid,
    /// [`Tanh`].
    Tanh,
    /// [`Relu`].
    Relu,
    /// [`LeakyRelu`].
    LeakyRelu,
    /// [`Softmax`].
    Softmax,
    /// [`Step`].
    Step,
    /// [`Elu`] and [`FastElu`].
    Elu,
    /// [`Gelu`] and [`FastGelu`] (exact GELU).
    Gelu,
    /// [`GeluTanh`] and [`FastGeluTanh`] (GELU's tanh approximation).
    GeluTanh,
    /// [`Silu`] and [`FastSilu`].
    Silu,
    /// [`Softplus`].
    Softplus,
    /// [`Hardtanh`].
    Hardtanh,
    /// [`Relu6`].
    Relu6,
    /// Any activation defined outside constnet.
    Custom,
}

/// A function applied to a layer's pre-activation vector `z` to give its output `y = f(z)`.
///
/// Implementors are zero-sized marker types; they are named in a layer's type
/// (`Dense<f32, 4, 1, Sigmoid>`), so choosing an activation costs no memory and no dispatch.
/// Element-wise functions implement [`ElementWise`] instead and get this trait from a blanket
/// implementation, vectorised batch path included; implement `Activation` directly only for
/// functions that couple the outputs, like [`Softmax`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an activation",
    label = "expected an activation such as `Relu`, `Sigmoid`, `Tanh`, `Identity` or `Softmax`",
    note = "an element-wise activation implements `constnet::ElementWise`; one that couples its outputs implements `constnet::Activation`"
)]
pub trait Activation: Copy + Default + Debug + PartialEq + Send + Sync + 'static {
    /// The type's name, for messages and `Debug` output.
    const NAME: &'static str;
    /// Which function this is.
    const KIND: ActivationKind;
    /// The mathematical function computed, for the model fingerprint: [`Tanh`] and
    /// [`FastTanh`] both say `"tanh"`, so a model trained with one loads into a network declared
    /// with the other. Two activations with the same `FUNCTION` must compute the same function
    /// (up to rounding).
    const FUNCTION: &'static str = Self::NAME;
    /// `false` when the derivative carries no learning signal (see [`Step`]); training refuses
    /// such networks.
    const TRAINABLE: bool = true;
    /// The weight initialisation [`Init::Default`] resolves to for a layer with this activation:
    /// He for the ReLU family (it keeps the variance of positive halves), Glorot otherwise.
    const DEFAULT_INIT: Init = Init::GlorotUniform;

    /// `y = f(z)`.
    fn apply<T: Scalar, const N: usize>(z: &[T; N], y: &mut [T; N]);

    /// `v ← f(v)` in place, for a block of `S` samples stored feature-major: `v[i][s]` is
    /// value `i` of sample `s` (the layout of
    /// [`Layer::forward_block`](crate::Layer::forward_block)).
    ///
    /// The default gathers each sample and calls [`Activation::apply`]; element-wise functions
    /// and the softmaxes run across the samples, which vectorises.
    #[inline]
    fn apply_block<T: Scalar, const N: usize, const S: usize>(v: &mut [[T; S]; N]) {
        for s in 0..S {
            let column: [T; N] = core::array::from_fn(|i| v[i][s]);
            let mut out = [T::ZERO; N];
            Self::apply(&column, &mut out);
            for (row, o) in v.iter_mut().zip(out) {
                row[s] = o;
            }
        }
    }

    /// Back-propagates through the function: given `z`, `y = f(z)` and `∂L/∂y`, writes
    /// `∂L/∂z = Jᵀ·∂L/∂y` into `dz` (for element-wise functions `∂L/∂zᵢ = f'(zᵢ)·∂L/∂yᵢ`).
    fn backprop<T: Scalar, const N: usize>(z: &[T; N], y: &[T; N], dy: &[T; N], dz: &mut [T; N]);
}

/// The constants of an [`Activation`] ([`Activation::NAME`], [`Activation::KIND`], …), as an
/// [`ElementWise`] function declares them: `ActivationInfo::new("Swish")` with the defaults, and
/// `const fn` setters for the rest.
///
/// ```
/// use constnet::activation::{ActivationInfo, ActivationKind};
/// use constnet::Init;
/// const INFO: ActivationInfo = ActivationInfo::new("Elu").default_init(Init::HeNormal);
/// assert_eq!((INFO.function, INFO.kind, INFO.trainable), ("Elu", ActivationKind::Custom, true));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ActivationInfo {
    /// [`Activation::NAME`].
    pub name: &'static str,
    /// [`Activation::KIND`]; [`ActivationKind::Custom`] by default.
    pub kind: ActivationKind,
    /// [`Activation::FUNCTION`]; the name by default.
    pub function: &'static str,
    /// [`Activation::TRAINABLE`]; `true` by default.
    pub trainable: bool,
    /// [`Activation::DEFAULT_INIT`]; Glorot uniform by default.
    pub default_init: Init,
}

impl ActivationInfo {
    /// An activation called `name`, with the defaults.
    #[must_use]
    pub const fn new(name: &'static str) -> Self {
        Self { name, kind: ActivationKind::Custom, function: name, trainable: true, default_init: Init::GlorotUniform }
    }
    /// Says which well-known function this is (fast variants report the function they
    /// approximate).
    #[must_use]
    pub const fn kind(mut self, kind: ActivationKind) -> Self {
        self.kind = kind;
        self
    }
    /// Names the mathematical function computed, for the model fingerprint.
    #[must_use]
    pub const fn function(mut self, function: &'static str) -> Self {
        self.function = function;
        self
    }
    /// Marks the function as carrying no learning signal (see [`Step`]).
    #[must_use]
    pub const fn untrainable(mut self) -> Self {
        self.trainable = false;
        self
    }
    /// Sets the initialisation [`Init::Default`] resolves to.
    #[must_use]
    pub const fn default_init(mut self, init: Init) -> Self {
        self.default_init = init;
        self
    }
}

/// An activation that acts on each element on its own, `yᵢ = f(zᵢ)`: the scalar value `f(x)`
/// and derivative `f'(x)`. Every `ElementWise` type is an [`Activation`] (a blanket
/// implementation maps it over vectors and over feature-major blocks, which vectorises), so a
/// user's own element-wise function gets the same fast paths as constnet's:
///
/// ```
/// use constnet::prelude::*;
/// use constnet::activation::ActivationInfo;
///
/// /// Swish, `x·σ(x)`.
/// #[derive(Clone, Copy, Debug, Default, PartialEq)]
/// struct Swish;
///
/// impl ElementWise for Swish {
///     const INFO: ActivationInfo = ActivationInfo::new("Swish");
///     fn value<T: Scalar>(x: T) -> T {
///         x * Sigmoid::value(x)
///     }
///     fn derivative<T: Scalar>(x: T, y: T) -> T {
///         let s = Sigmoid::value(x);
///         y + s * (T::ONE - y)
///     }
/// }
///
/// network! { struct Net<f32> { hidden: Dense<2, 3, Swish>, output: Dense<3, 1, Sigmoid> } }
/// let y = Net::zeroed().forward(&[1.0, 2.0]);
/// assert_eq!(y, [0.5]);
/// ```
pub trait ElementWise: Copy + Default + Debug + PartialEq + Send + Sync + 'static {
    /// Name, kind and the other constants of the [`Activation`] this function becomes.
    const INFO: ActivationInfo;

    /// `f(x)`.
    fn value<T: Scalar>(x: T) -> T;
    /// `f'(x)`, given `x` and `y = f(x)` (sigmoid and tanh are cheaper from `y`).
    fn derivative<T: Scalar>(x: T, y: T) -> T;
}

impl<E: ElementWise> Activation for E {
    const NAME: &'static str = E::INFO.name;
    const KIND: ActivationKind = E::INFO.kind;
    const FUNCTION: &'static str = E::INFO.function;
    const TRAINABLE: bool = E::INFO.trainable;
    const DEFAULT_INIT: Init = E::INFO.default_init;

    #[inline(always)]
    fn apply<T: Scalar, const N: usize>(z: &[T; N], y: &mut [T; N]) {
        for (yi, &zi) in y.iter_mut().zip(z) {
            *yi = E::value(zi);
        }
    }

    #[inline(always)]
    fn apply_block<T: Scalar, const N: usize, const S: usize>(v: &mut [[T; S]; N]) {
        // One flat loop over the whole block: nested loops here get vectorised across rows,
        // with gathers, on AVX-512 targets.
        for x in v.as_flattened_mut() {
            *x = E::value(*x);
        }
    }

    #[inline(always)]
    fn backprop<T: Scalar, const N: usize>(z: &[T; N], y: &[T; N], dy: &[T; N], dz: &mut [T; N]) {
        for i in 0..N {
            dz[i] = E::derivative(z[i], y[i]) * dy[i];
        }
    }
}
