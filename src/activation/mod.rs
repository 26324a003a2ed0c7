//! Activation functions: zero-sized types that turn a layer's pre-activation `z` into its output.
//!
//! Every activation implements [`Activation`], which works on whole vectors so that
//! [`Softmax`] (which couples all outputs) fits the same mould as the element-wise functions.
//! The element-wise ones also implement [`ElementWise`], which gives the scalar value
//! `f(x)` and derivative `f'(x)` the seed articles write down.
//!
//! # Exact or fast
//! [`Sigmoid`], [`Tanh`] and [`Softmax`] call the platform's `exp`/`tanh` (`libm`, or the C
//! library with the `std` feature): correctly rounded or nearly so, but a function call per
//! value that no loop can vectorise. [`FastSigmoid`], [`FastTanh`] and [`FastSoftmax`] compute
//! the same functions with branch-free approximations ([`Scalar::exp_fast`],
//! [`Scalar::tanh_fast`], [`Scalar::sigmoid_fast`]) whose maximum error over the whole input
//! range is documented and tested (below 4e−7). The choice is part of the layer's type:
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
//! A fast activation reports the [`ActivationKind`] of the function it approximates, so losses
//! fuse with it exactly as with the exact one (`p − y` for sigmoid or softmax with
//! cross-entropy).

mod fast_sigmoid;
mod fast_softmax;
mod fast_tanh;
mod identity;
mod leaky_relu;
mod relu;
mod sigmoid;
mod softmax;
mod step;
mod tanh;

pub use fast_sigmoid::FastSigmoid;
pub use fast_softmax::FastSoftmax;
pub use fast_tanh::FastTanh;
pub use identity::Identity;
pub use leaky_relu::LeakyRelu;
pub use relu::Relu;
pub use sigmoid::Sigmoid;
pub use softmax::Softmax;
pub use step::Step;
pub use tanh::Tanh;

use crate::{Init, Scalar};
use core::fmt::Debug;

/// Which well-known function an activation is.
///
/// Losses use it to pick a fused, numerically stable gradient (sigmoid + binary cross-entropy and
/// softmax + cross-entropy both give `p − y`), and the model byte format uses it in the
/// fingerprint of a network's architecture. User-defined activations report [`ActivationKind::Custom`].
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
    /// Any activation defined outside constnet.
    Custom,
}

/// A function applied to a layer's pre-activation vector `z` to give its output `y = f(z)`.
///
/// Implementors are zero-sized marker types; they are named in a layer's type
/// (`Dense<f32, 4, 1, Sigmoid>`), so choosing an activation costs no memory and no dispatch.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an activation",
    label = "expected an activation such as `Relu`, `Sigmoid`, `Tanh`, `Identity` or `Softmax`",
    note = "custom activations implement `constnet::Activation`"
)]
pub trait Activation: Copy + Default + Debug + PartialEq + Send + Sync + 'static {
    /// The name used in `network!` and in error messages.
    const NAME: &'static str;
    /// Which function this is.
    const KIND: ActivationKind;
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
    /// The default gathers each sample and calls [`Activation::apply`]; constnet's own
    /// activations override it with loops that run across the samples, which vectorise.
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

/// An activation that acts on each element on its own, `yᵢ = f(zᵢ)`.
pub trait ElementWise: Activation {
    /// `f(x)`.
    fn value<T: Scalar>(x: T) -> T;
    /// `f'(x)`, given `x` and `y = f(x)` (sigmoid and tanh are cheaper from `y`).
    fn derivative<T: Scalar>(x: T, y: T) -> T;
}

/// Implements [`Activation`] for an [`ElementWise`] type by mapping over the vector; `$kind` is
/// the [`ActivationKind`] of the function (a fast variant reports the function it approximates).
macro_rules! element_wise_activation {
    ($ty:ty, $kind:ident $(, $item:item)*) => {
        impl $crate::activation::Activation for $ty {
            const NAME: &'static str = stringify!($ty);
            const KIND: $crate::activation::ActivationKind =
                $crate::activation::ActivationKind::$kind;
            $($item)*

            #[inline(always)]
            fn apply<T: $crate::Scalar, const N: usize>(z: &[T; N], y: &mut [T; N]) {
                for (yi, &zi) in y.iter_mut().zip(z) {
                    *yi = <Self as $crate::activation::ElementWise>::value(zi);
                }
            }

            #[inline(always)]
            fn apply_block<T: $crate::Scalar, const N: usize, const S: usize>(v: &mut [[T; S]; N]) {
                // One flat loop over the whole block: nested loops here get vectorised across
                // rows, with gathers, on AVX-512 targets.
                for x in v.as_flattened_mut() {
                    *x = <Self as $crate::activation::ElementWise>::value(*x);
                }
            }

            #[inline(always)]
            fn backprop<T: $crate::Scalar, const N: usize>(
                z: &[T; N],
                y: &[T; N],
                dy: &[T; N],
                dz: &mut [T; N],
            ) {
                for i in 0..N {
                    dz[i] = <Self as $crate::activation::ElementWise>::derivative(z[i], y[i]) * dy[i];
                }
            }
        }
    };
}
pub(crate) use element_wise_activation;
