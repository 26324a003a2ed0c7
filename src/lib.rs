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
//!     /// The tree-age regression of "Adventure of the Neurons": width and length in, age out.
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
//! // The weights and nothing else (on x86-64, also each layer's padding to a 64-byte line).
//! #[cfg(not(target_arch = "x86_64"))]
//! assert_eq!(core::mem::size_of::<TreeAge>(), 9 * 8);
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
//! | `safetensors` | off | `from_safetensors`/`to_safetensors`: models from PyTorch and Keras and back ([`io::safetensors`](crate::io)); implies `std` and `include-safetensors` |
//! | `include-safetensors` | off | `include_safetensors!`: a safetensors file compiled into a `static` network, shapes checked at build time (`no_std`) |
//!
//! # `no_std`
//! The crate never allocates. With default features it depends only on `core`, `libm` (through
//! `num-traits`) and `rand_core`, and it builds for `thumbv7em-none-eabihf` and
//! `thumbv6m-none-eabi`.
//!
//! # Determinism
//! The order of every floating-point operation is fixed by the network's shape alone (no
//! threads, no run-time dispatch), and randomness is drawn only through the generator's
//! `next_u32`/`next_u64`, so the same code, data and seed give the same bits on one machine.
//! Across machines, for example training on a PC and running or training on a
//! microcontroller, results are bit-identical when all of these hold:
//!
//! - constnet's **`std` feature is off** (the default) on both sides. With `std`, `exp`, `ln`,
//!   `tanh` and `sqrt` come from the platform's math library instead of `libm` and can differ
//!   in the last bit, and on a CPU with FMA (`-C target-cpu=native` on a recent x86-64, or
//!   `-C target-feature=+fma`) multiply-adds are fused into one rounding. Without `std` no
//!   multiply-add is ever fused, so `-C target-cpu` changes speed, not results. Cargo unifies
//!   features: a crate built in the same command that enables `constnet/std` switches it on.
//! - the generator is a fixed algorithm such as `rand::rngs::Xoshiro128PlusPlus`, not
//!   `SmallRng` (a different algorithm on 32- and 64-bit targets);
//! - floats are IEEE binary32/binary64 (not 32-bit x86 without SSE2, whose x87 unit rounds
//!   differently);
//! - both sides use the same constnet version: kernel changes may reorder operations.
//!
//! [`PORTABLE_MATH`] says whether the current build meets the first and third conditions.
//! `examples/firmware` checks the result on a Cortex-M4F and a Cortex-M0 in QEMU: every
//! inference output and every weight trained on the device equals the host's, bit for bit.
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
pub mod fixed;
mod init;
pub mod int8;
pub mod io;
mod kernel;
pub mod layer;
pub mod loss;
pub mod memory;
pub mod metrics;
pub mod network;
pub mod optim;
mod params;
mod scalar;
mod simd;
pub mod train;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use activation::{
    Activation, ActivationInfo, ActivationKind, ElementWise, FastSigmoid, FastSoftmax, FastTanh, Identity, LeakyRelu,
    Relu, Sigmoid, Softmax, Step, Tanh,
};
pub use activation::{Elu, FastElu, FastGelu, FastGeluTanh, FastSilu, Gelu, GeluTanh, Hardtanh, Relu6, Silu, Softplus};
pub use init::{Init, InitError};
#[cfg(feature = "std")]
pub use layer::HeapDense;
pub use layer::{
    AvgPool1d, Causal, Conv1d, DenseNoBias, GlobalAvgPool1d, GlobalMaxPool1d, LayerNorm, MaxPool1d, PRelu, Same,
    StreamingConv1d, Valid,
};
pub use layer::{Dense, DenseTape, Dropout, DropoutTape, Layer, LayerShape, OutputLayer};
pub use layer::{Gru, Lstm};
pub use network::Network;
pub use params::{Parameters, TensorInfo, TensorKind, TensorShape};
pub use scalar::Scalar;

/// `true` if this build computes floats the same way on every target: constnet's `std` feature
/// is off (so every float function is `libm`'s and no multiply-add is fused) and floats are
/// IEEE (not x87). Two builds for which it is `true`, on any targets, give bit-identical
/// results for the same code, data and seed; see [Determinism](crate#determinism).
///
/// ```
/// // `cargo test` at the workspace root builds constnet without `std`.
/// assert_eq!(constnet::PORTABLE_MATH, !cfg!(feature = "std"));
/// ```
pub const PORTABLE_MATH: bool = !cfg!(feature = "std") && !cfg!(all(target_arch = "x86", not(target_feature = "sse2")));

/// Declares a network: one struct, one public field per layer, with compile-time shape checks.
///
/// # Syntax
/// ```text
/// network! {
///     /// docs and attributes are kept
///     pub struct NAME<SCALAR> {
///         layer_name: some::path::Kind<ARGS…>,
///         …
///     }
/// }
/// ```
/// - `SCALAR` is `f32`, `f64` or any type implementing [`Scalar`] (a path or an alias such as
///   `Real`). A single capital letter such as `T` instead declares a network generic over its
///   scalar (`T: Scalar` is implied; instantiate it as `NAME<f32>`).
/// - Each layer is a path to a layer type, resolved where the macro is called (the prelude
///   brings constnet's own into scope), written **without its scalar**: the macro inserts the
///   network's scalar as the layer type's first generic argument, so `Dense<2, 4, Relu>` becomes
///   `Dense<f32, 2, 4, Relu>` and `my::Scale<4>` becomes `my::Scale<f32, 4>`. Any type that
///   implements [`LayerShape`] and [`Layer`] is a layer; the last one must be an
///   [`OutputLayer`]. See [`layer`] for the contract.
/// - Arguments are passed on unchanged, with two conveniences: a decimal literal (`0.2`, a
///   dropout rate) is passed as its `f32` bits, since const generics cannot be floats
///   (see [`layer::decimal`]); a path whose last segment is in `SCREAMING_CASE`
///   (`sizes::HIDDEN`) is a constant and is braced for you. Widths can also be `{ 2 * HIDDEN }`.
/// - Activations, like layers, are types in scope: constnet's own through the prelude, your own
///   by name or path.
///
/// Where the layers meet, the macro checks at compile time, at your declaration, that each layer
/// takes as many values as the one before gives, and that no layer has a zero width or an invalid
/// parameter: one line each, naming the layers and the numbers.
///
/// # What it generates
/// For `pub struct Xor<f32> { hidden: Dense<2, 4, Tanh>, output: Dense<4, 1, Sigmoid> }`:
/// ```text
/// #[derive(Debug, PartialEq)]
/// pub struct Xor {
///     pub hidden: Dense<f32, 2, 4, Tanh>,
///     pub output: Dense<f32, 4, 1, Sigmoid>,
/// }
/// impl Xor {
///     pub const INPUTS: usize = 2;
///     pub const OUTPUTS: usize = 1;
///     pub const PARAMS: usize = 17;
///     pub const fn from_layers(hidden: Dense<f32, 2, 4, Tanh>, output: Dense<f32, 4, 1, Sigmoid>) -> Self;
/// }
/// impl LayerAt<f32, 0, 2, 4> for Xor { type Layer = Dense<f32, 2, 4, Tanh>; … }   // reach each layer
/// impl LayerAt<f32, 1, 4, 1> for Xor { type Layer = Dense<f32, 4, 1, Sigmoid>; … }
/// impl Sequential<f32, 2, 1> for Xor { type Layers = (Link<0, 2, 2, 4>, Last<1, 4, 4, 1>); }
/// impl Signature for Xor { type Io = Io<f32, 2, 1>; }  // the same widths, for `int8::Quantized<Xor>`
/// impl Parameters<f32> for Xor { … }   // tensors: hidden.weight, hidden.bias, output.weight, output.bias
/// impl Model<f32> for Xor { … }        // the model byte format
/// impl<B: ModelBytes> ConstDecode<B> for Xor { … }   // include_model!
/// impl Clone for Xor { … }  impl Default for Xor { … }  // all zeros
/// // and compile-time checks of every width
/// ```
/// [`Network`] — forward, batched forward, training tape, back-propagation, fused descent — is
/// implemented for every [`Sequential`](network::Sequential) type by the generic code in
/// [`network`](mod@network).
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
/// # Big networks
/// Weights are inline, so a big network is big on the stack (and training keeps about five
/// copies). `network!` warns at compile time when the weights pass 256 KiB; see "Big networks" in
/// [`Network`]: declare the big layers as `HeapDense` (`std`), or allow the warning for a network
/// that lives in a `static`.
///
/// # Errors
/// Grammar and naming problems are one line each at the offending token: an empty network,
/// duplicate or reserved layer names, something that is not a path where a layer belongs, a
/// non-float primitive scalar. Width mismatches, zero widths and invalid layer parameters are one
/// compile-time assertion each, at the layer's declaration. Names that do not resolve, and types
/// that are not layers or activations, are reported by the compiler once, at your token.
pub use constnet_macros::network;

/// The `rand` crate this library is built against, for seeding and generator types.
pub use rand;

/// Decodes a model at compile time into a value of a network type, for `static` and `const`
/// items: `static NET: Net = include_model!(Net, include_bytes!("net.cnet"));` puts the weights
/// in flash (`.rodata`), not RAM.
///
/// The second argument is any `&'static [u8]` constant expression. If the bytes are not a model
/// of this network (not a model, another format version, another scalar type or architecture,
/// truncated, padded, corrupted) the build fails at the macro call with a message naming the
/// problem ([`io::LoadError::summary`]). Every layer must implement
/// [`io::ConstDecode`]: constnet's layers with inline weights do (not `HeapDense`).
///
/// ```
/// use constnet::prelude::*;
///
/// network! { pub struct Line<f32> { out: Dense<1, 1, Identity> } }
///
/// // y = 2x + 1 in the model byte format (written by `to_bytes`, pasted here).
/// const BYTES: [u8; 36] = [
///     0x43, 0x4e, 0x45, 0x54, 0x02, 0x00, 0x01, 0x04, 0xc7, 0x46, 0x73, 0xc3, 0x25, 0xe5, 0x12, 0x89,
///     0x02, 0x00, 0x00, 0x00, 0x08, 0x7f, 0xf0, 0x37, 0x04, 0x8f, 0xa8, 0x49,
///     0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x80, 0x3f,
/// ];
/// static LINE: Line = include_model!(Line, &BYTES);
/// assert_eq!(LINE.forward(&[3.0]), [7.0]);
/// assert_eq!(Line::from_bytes(&BYTES), Ok(LINE.clone()));
/// ```
#[macro_export]
macro_rules! include_model {
    ($network:ty, $bytes:expr $(,)?) => {{
        struct ModelBytes;
        impl $crate::io::ModelBytes for ModelBytes {
            const BYTES: &'static [u8] = $bytes;
        }
        const _: () = if let ::core::result::Result::Err(err) = <$network as $crate::io::ConstDecode<ModelBytes>>::CHECK
        {
            ::core::panic!("{}", err.summary())
        };
        <$network as $crate::io::ConstDecode<ModelBytes>>::DECODED
    }};
}

/// Compiles a safetensors file (PyTorch's `state_dict`, a Keras export, constnet's own
/// `to_safetensors`) into a value of a network type, for `static` and `const` items:
/// `static NET: Net = include_safetensors!(Net, "model.safetensors");` puts PyTorch-trained
/// weights in flash, with every tensor's name, shape and element type checked against the
/// network **while compiling** (`include-safetensors` feature; works in `no_std` crates).
///
/// The path is relative to the file that contains the call, as with `include_bytes!`; a changed
/// file is rebuilt. Naming is detected as at run time ([`io::safetensors`](crate::io)); options
/// after the path:
///
/// ```text
/// include_safetensors!(Net, "model.safetensors", naming = keras)        // auto, fields, sequential, keras
/// include_safetensors!(Net, "model.safetensors", allow_extra)           // ignore tensors the network has no place for
/// include_safetensors!(Net, "model.safetensors", map = { "hidden1" => "encoder.fc", "output.bias" => "head_b" })
/// ```
///
/// A file that does not fit the network fails the build at the path, with the message the
/// run-time importer gives:
///
/// ```text
/// error[E0080]: evaluation panicked: constnet: `model.safetensors` does not fit the network: wrong shape: expected [4, 2] for hidden1.weight, found [5, 2]
/// ```
///
/// The value is decoded like [`include_model!`]'s, so every layer must implement
/// [`io::ConstDecode`] and declare its tensors as a constant
/// ([`Parameters::TENSOR_INFO`]); constnet's layers with inline weights do. The scalar must be
/// `f32` or `f64`.
#[cfg(feature = "include-safetensors")]
#[cfg_attr(docsrs, doc(cfg(feature = "include-safetensors")))]
pub use constnet_macros::include_safetensors;

/// Everything needed to declare, run and train a network: `use constnet::prelude::*;`.
///
/// Besides the layers, activations and traits, it brings the training loop ([`Trainer`](crate::train::Trainer),
/// [`FitConfig`](crate::train::FitConfig), [`FitData`](crate::train::FitData), …), the common
/// losses and optimizers, and the learning-rate [`Schedule`](crate::optim::Schedule). The rest of
/// the losses and optimizers are in [`loss`] and [`optim`].
pub mod prelude {
    #[cfg(feature = "std")]
    pub use crate::HeapDense;
    #[cfg(feature = "include-safetensors")]
    pub use crate::include_safetensors;
    pub use crate::io::Model;
    #[cfg(feature = "safetensors")]
    pub use crate::io::safetensors::Safetensors;
    pub use crate::layer::{AllSteps, Gru, LastStep, Lstm};
    pub use crate::loss::{BinaryCrossEntropy, CategoricalCrossEntropy, Mse, SparseCategoricalCrossEntropy};
    pub use crate::optim::{Adam, Momentum, Schedule, Sgd};
    pub use crate::train::{Batch, Control, EarlyStopping, FitConfig, FitData, Metric, StopRules, Trainer};
    pub use crate::{
        Activation, Dense, Dropout, ElementWise, FastSigmoid, FastSoftmax, FastTanh, Identity, Init, Layer, LayerShape,
        LeakyRelu, Network, OutputLayer, Parameters, Relu, Scalar, Sigmoid, Softmax, Step, Tanh, include_model,
        network,
    };
    pub use crate::{
        AvgPool1d, Causal, Conv1d, DenseNoBias, Elu, FastElu, FastGelu, FastGeluTanh, FastSilu, Gelu, GeluTanh,
        GlobalAvgPool1d, GlobalMaxPool1d, Hardtanh, LayerNorm, MaxPool1d, PRelu, Relu6, Same, Silu, Softplus,
        StreamingConv1d, Valid,
    };
}

// The README's example is compiled and run as a doctest, so it cannot drift from the code.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
