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
//! | `std` | off | float functions from `std` instead of `libm` |
//!
//! # `no_std`
//! The crate never allocates. With default features it depends only on `core`, `libm` (through
//! `num-traits`) and `rand_core`, and it builds for `thumbv7em-none-eabihf` and
//! `thumbv6m-none-eabi`.
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

#[cfg(any(test, feature = "std"))]
extern crate std;

// Lets the `::constnet::…` paths that `network!` emits resolve inside this crate too.
extern crate self as constnet;

pub mod activation;
mod init;
mod kernel;
pub mod layer;
mod network;
mod params;
mod scalar;

pub use activation::{
    Activation, ActivationKind, ElementWise, Identity, LeakyRelu, Relu, Sigmoid, Softmax, Step, Tanh,
};
pub use init::{Init, InitError};
pub use layer::{Dense, DenseTape, Layer};
pub use network::Network;
pub use params::{Parameters, TensorKind};
pub use scalar::Scalar;

/// Declares a network: one struct, one field per layer, with compile-time shape checks.
///
/// See the [crate documentation](crate) and [`Network`] for what it generates.
pub use constnet_macros::network;

/// The `rand` crate this library is built against, for seeding and generator types.
pub use rand;

/// Everything needed to declare, run and train a network: `use constnet::prelude::*;`.
pub mod prelude {
    pub use crate::{
        Activation, Dense, ElementWise, Identity, Init, Layer, LeakyRelu, Network, Parameters, Relu, Scalar, Sigmoid,
        Softmax, Step, Tanh, network,
    };
}
