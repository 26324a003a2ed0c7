//! # constnet
//!
//! Neural networks whose shape lives in their type. A network is declared once with
//! [`network!`]; the macro checks at compile time that every layer's input width matches the
//! layer before it and generates one plain struct of stack-allocated weight arrays with a fully
//! monomorphized forward pass: no heap, no dynamic dispatch, no `unsafe`, and `no_std`.
//!
//! ```
//! use constnet::prelude::*;
//!
//! network! {
//!     /// The tree-age regression of the seed articles: width and length in, age out.
//!     pub struct TreeAge<f64> {
//!         hidden: Dense<2, 2, Identity>,
//!         output: Dense<2, 1, Identity>,
//!     }
//! }
//!
//! let net = TreeAge::from_layers(
//!     Dense::from_parts([[0.2, 0.6], [0.9, 0.4]], [0.9, 0.7]),
//!     Dense::from_parts([[0.5, 0.3]], [0.8]),
//! );
//! assert_eq!(net.forward(&[5.0, 7.0]), [6.25]);
//! assert_eq!(TreeAge::PARAMS, 9);
//! assert_eq!(core::mem::size_of::<TreeAge>(), 9 * 8); // the weights and nothing else
//! ```
//!
//! A layer whose input width differs from the previous layer's output is rejected where you
//! wrote it:
//!
//! ```text
//! error: shape mismatch: `hidden2` takes 5 inputs but `hidden1` outputs 4
//!   |
//!   |         hidden2: Dense<5, 6, Relu>,
//!   |                        ^
//! ```
//!
//! # Features
//! | feature | default | effect |
//! |---|---|---|
//! | `std` | off | float functions from `std` instead of `libm`; `io::Model::save`/`load` for model files; `HeapDense` layers for networks too big for the stack; `data::read_csv`/`load_csv` and the `Vec`-returning row conversions |
//!
//! # `no_std`
//! The crate never allocates. With default features it depends only on `core`, `libm` (through
//! `num-traits`) and `rand_core`, and it builds for `thumbv7em-none-eabihf` and
//! `thumbv6m-none-eabi`.
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(any(test, feature = "std"))]
extern crate std;

// Lets the `::constnet::…` paths that `network!` emits resolve inside this crate too.
extern crate self as constnet;

pub mod activation;
pub mod batch;
pub mod data;
mod fast_math;
mod init;
pub mod io;
mod kernel;
pub mod layer;
pub mod loss;
pub mod memory;
pub mod metrics;
mod network;
pub mod optim;
mod params;
mod scalar;
pub mod train;

pub use activation::{
    Activation, ActivationKind, ElementWise, FastSigmoid, FastSoftmax, FastTanh, Identity, LeakyRelu, Relu, Sigmoid,
    Softmax, Step, Tanh,
};
pub use init::{Init, InitError};
#[cfg(feature = "std")]
pub use layer::HeapDense;
pub use layer::{Dense, DenseTape, Dropout, DropoutTape, Layer};
pub use network::Network;
pub use params::{Parameters, TensorKind};
pub use scalar::Scalar;

/// Declares a network: one struct, one public field per layer, with compile-time shape checks.
///
/// # Syntax
/// ```text
/// network! {
///     /// docs and attributes are kept
///     pub struct NAME<SCALAR> {
///         layer_name: Dense<INPUTS, OUTPUTS, Activation>,
///         …
///     }
/// }
/// ```
/// - `SCALAR` is `f32` or `f64`, or a single identifier such as `T` for a network generic over
///   its scalar (`T: Scalar` is implied; instantiate as `NAME<f32>`).
/// - Widths are integer literals, `const` items (`HIDDEN`, `sizes::HIDDEN`) or braced constant
///   expressions (`{ 2 * HIDDEN }`). Literal widths are checked by the macro; widths from
///   constants by a `const` assertion at the same span. Either way a mismatch is one line:
///   ``shape mismatch: `hidden2` takes 5 inputs but `hidden1` outputs 4``.
/// - `Activation` is one of [`Identity`], [`Sigmoid`], [`Tanh`], [`Relu`], [`LeakyRelu`],
///   [`Softmax`], [`Step`], or a path to your own type implementing [`Activation`].
///
/// # What it generates
/// For `pub struct Xor<f32> { hidden: Dense<2, 4, Tanh>, output: Dense<4, 1, Sigmoid> }`:
/// ```text
/// #[derive(Clone, Debug, PartialEq)]
/// pub struct Xor {
///     pub hidden: Dense<f32, 2, 4, Tanh>,
///     pub output: Dense<f32, 4, 1, Sigmoid>,
/// }
/// pub struct XorTape { pub network_input: [f32; 2], pub hidden: DenseTape<f32, 4>, pub output: DenseTape<f32, 1> }
///
/// impl Xor {
///     pub const INPUTS: usize = 2;
///     pub const OUTPUTS: usize = 1;
///     pub const PARAMS: usize = 17;
///     pub const fn from_layers(hidden: Dense<f32, 2, 4, Tanh>, output: Dense<f32, 4, 1, Sigmoid>) -> Self;
///     pub fn zeroed() -> Self;
///     pub fn random<R: Rng + ?Sized>(rng: &mut R) -> Self;          // He for ReLU, Glorot otherwise
///     pub fn init<R: Rng + ?Sized>(rng: &mut R, init: Init) -> Result<Self, InitError>;
///     pub fn forward(&self, x: &[f32; 2]) -> [f32; 1] {
///         let x1 = self.hidden.forward(x);
///         self.output.forward(&x1)
///     }
/// }
/// impl Default for Xor { … }                 // all zeros
/// impl Parameters<f32> for Xor { … }        // tensors: hidden.weights, hidden.bias, output.weights, output.bias
/// impl Network<f32, 2, 1> for Xor { … }     // forward_train records a XorTape; backward walks it in reverse
/// ```
///
/// ```
/// use constnet::prelude::*;
///
/// const HIDDEN: usize = 4;
/// network! {
///     /// Generic over its scalar.
///     pub struct Xor<T> {
///         hidden: Dense<2, HIDDEN, Tanh>,
///         output: Dense<HIDDEN, 1, Sigmoid>,
///     }
/// }
/// assert_eq!(Xor::<f64>::PARAMS, 17);
/// let y = Xor::<f32>::zeroed().forward(&[1.0, 0.0]);
/// assert_eq!(y, [0.5]);
/// ```
///
/// # Errors
/// Each problem is one line at the offending token, and all of them are reported together:
/// shape mismatches, zero widths, an empty network, duplicate layer names, unknown layer kinds
/// or activations (with a "did you mean" hint), arguments that are not `<INPUTS, OUTPUTS,
/// Activation>`, and scalars other than floating point. The struct is still emitted as a stub,
/// so code using it adds no follow-on errors.
pub use constnet_macros::network;

/// The `rand` crate this library is built against, for seeding and generator types.
pub use rand;

/// Everything needed to declare, run and train a network: `use constnet::prelude::*;`.
pub mod prelude {
    pub use crate::io::Model;
    pub use crate::{
        Activation, Dense, Dropout, ElementWise, FastSigmoid, FastSoftmax, FastTanh, Identity, Init, Layer, LeakyRelu,
        Network, Parameters, Relu, Scalar, Sigmoid, Softmax, Step, Tanh, network,
    };
}

// The README's example is compiled and run as a doctest, so it cannot drift from the code.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
