//! The model byte format: a network's parameters as a fixed-length, little-endian byte string
//! with a short self-checking header.
//!
//! Every `network!` struct implements [`Model`]: [`Model::to_bytes`] and [`Model::from_bytes`]
//! (no allocation, any scalar), plus, with the `std` feature, `Model::save` (atomic: a unique
//! temporary file, then a rename; see [Model files](#model-files)) and `Model::load`.
//! [`include_model!`](crate::include_model) decodes a model at compile time, so trained weights
//! can be compiled into a `static` and live in flash:
//!
//! ```
//! use constnet::io::{LoadError, Model};
//! use constnet::prelude::*;
//!
//! network! { pub struct Xor<f32> { hidden: Dense<2, 4, Tanh>, output: Dense<4, 1, Sigmoid> } }
//! network! { pub struct FastXor<f32> { hidden: Dense<2, 4, FastTanh>, output: Dense<4, 1, FastSigmoid> } }
//!
//! let net = Xor::from_layers(
//!     Dense::from_parts([[1.0, 1.0], [1.0, 1.0], [-1.0, -1.0], [0.0, 0.0]], [-0.5, -1.5, 1.5, 0.0]),
//!     Dense::from_parts([[1.0, -1.0, 1.0, 0.0]], [-1.0]),
//! );
//! let mut bytes = [0u8; Xor::BYTES];
//! net.to_bytes(&mut bytes)?;
//! assert_eq!(Xor::from_bytes(&bytes)?, net);
//! // Train exact, deploy fast: the same functions, so the same architecture.
//! let fast = FastXor::from_bytes(&bytes)?;
//! assert_eq!(fast.hidden.weights, net.hidden.weights);
//! bytes[40] ^= 1;
//! assert!(matches!(Xor::from_bytes(&bytes), Err(LoadError::CorruptPayload { .. })));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Layout (format version 2)
//!
//! | offset | bytes | field |
//! |---|---|---|
//! | 0 | 4 | magic `CNET` |
//! | 4 | 2 | format version, `u16` (2) |
//! | 6 | 1 | scalar type tag ([`Scalar::TYPE_TAG`](crate::Scalar::TYPE_TAG): 1 = `f32`, 2 = `f64`, 4 = [`Q16`](crate::fixed::Q16); 3 = an int8 quantized model, see [`int8`](crate::int8)) |
//! | 7 | 1 | bytes per scalar (4 or 8; 1 for int8, whose "parameter count" is then its payload length in bytes) |
//! | 8 | 8 | architecture fingerprint, `u64` ([`Model::FINGERPRINT`], see [`fingerprint`](crate::layer::fingerprint)) |
//! | 16 | 4 | parameter count, `u32` |
//! | 20 | 4 | payload checksum, `u32`: FNV-1a 32 of bytes `28..` ([`Checksum`]) |
//! | 24 | 4 | header checksum, `u32`: FNV-1a 32 of bytes `0..24` |
//! | 28 | `PARAMS × scalar bytes` | the parameters, tensor by tensor ([`Parameters::tensor`](crate::Parameters::tensor) order) |
//!
//! All integers and scalars are little-endian. The length is fixed by the network type
//! ([`Model::BYTES`]); a buffer that is shorter or longer is rejected, as are bytes for another
//! architecture or scalar type, and headers or payloads whose checksum does not match. Each case
//! is its own [`LoadError`] variant. Version 2 fingerprints what each layer computes rather than
//! its type names (so `Tanh` and `FastTanh` models interchange); files of version 1 are refused
//! with [`LoadError::UnsupportedVersion`].
//!
//! # Decoding at compile time
//! [`include_model!`](crate::include_model)`(Net, bytes)` decodes `bytes` (any `&'static [u8]`
//! constant, typically `include_bytes!("net.cnet")`) into a value of `Net` while compiling, for
//! `static` and `const` items. Bytes it rejects are a compile error at the macro call whose
//! message names the problem (see [`LoadError::summary`]). At run time, decode with
//! [`Model::from_bytes`], which returns a [`LoadError`] instead. How it works, and how a layer of
//! your own takes part: [`ConstDecode`].
//!
//! # Model files
//! With the `std` feature, `Model::save` replaces the file at a path atomically, so that a
//! reader or a crash sees the old model or the new one, never a mix:
//!
//! - **Temporary file**: the model is written into a new file in the same directory, named
//!   `.<name>.<10 random characters>.cnet-tmp` (the name cut to 200 bytes, so every valid file
//!   name can be saved) and created exclusively: an existing file, or a symbolic link planted at
//!   that name, is never opened. Saves of the same path from several threads or processes each
//!   write their own temporary; the last rename wins.
//! - **Durability**: the temporary is flushed to disk, renamed over the target, and the
//!   directory is flushed (where the platform can sync a directory).
//! - **Symbolic links**: if the path is a symbolic link (or a chain of them), the file it points
//!   to is replaced and the link is kept; a dangling link creates the file it names.
//! - **Permissions**: a replaced file keeps its permission bits (a `0o600` model stays `0o600`,
//!   and the new contents are never readable by others on the way); a new file gets the mode
//!   `File::create` gives. Owner and group become the saving process's, as with any
//!   replace-by-rename.
//! - **Cleanup**: every failure removes the temporary. A process killed in the middle of a save
//!   cannot; its temporary is removed by a later save of the same file once nothing has written
//!   to it for ten minutes (a save that stalls that long fails cleanly and leaves the old file).
//!
//! # Other formats
//! With the `safetensors` feature, `io::safetensors` reads and writes the tensor files of PyTorch
//! and Keras; with `include-safetensors`, `include_safetensors!` compiles one into a `static`.

mod const_model;
mod error;
#[cfg(feature = "std")]
mod file;
mod format;
mod model;
#[cfg(any(feature = "safetensors", feature = "include-safetensors"))]
#[cfg_attr(docsrs, doc(cfg(any(feature = "safetensors", feature = "include-safetensors"))))]
pub mod safetensors;

pub use const_model::{After, AfterLayer, ConstDecode, Encoded, ModelBytes, Payload, Skip, check_model_bytes};
pub use error::{BufferTooSmall, LoadError};
#[cfg(feature = "std")]
pub use file::FileError;
pub(crate) use format::Spec;
pub use format::{Checksum, FORMAT_VERSION, HEADER_BYTES, MAGIC};
pub use model::Model;
