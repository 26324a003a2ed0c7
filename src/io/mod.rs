//! The model byte format: a network's parameters as a fixed-length, little-endian byte string
//! with a short self-checking header.
//!
//! Every `network!` struct implements [`Model`]: [`Model::to_bytes`] and [`Model::from_bytes`]
//! (no allocation, any scalar), plus, with the `std` feature, `Model::save` (atomic: a unique
//! temporary file, then a rename; see [Model files](#model-files)) and `Model::load`. Networks with a concrete `f32` or `f64` scalar also
//! get a `const` decoder, so trained weights can be compiled into a `static` and live in flash:
//!
//! ```
//! use constnet::io::Model;
//! use constnet::prelude::*;
//!
//! network! { pub struct Xor<f32> { hidden: Dense<2, 4, Tanh>, output: Dense<4, 1, Sigmoid> } }
//!
//! // In firmware: `Xor::from_bytes_const(include_bytes!("xor.cnet"))`.
//! const BYTES: [u8; Xor::BYTES] = Xor::from_layers(
//!     Dense::from_parts([[1.0, 1.0], [1.0, 1.0], [-1.0, -1.0], [0.0, 0.0]], [-0.5, -1.5, 1.5, 0.0]),
//!     Dense::from_parts([[1.0, -1.0, 1.0, 0.0]], [-1.0]),
//! )
//! .to_byte_array();
//! static NET: Xor = Xor::from_bytes_const(&BYTES); // decoded by the compiler: a bad header is a compile error
//! assert_eq!(NET.hidden.bias, [-0.5, -1.5, 1.5, 0.0]);
//! assert_eq!(Xor::from_bytes(&BYTES), Ok(NET.clone()));
//! ```
//!
//! # Layout (format version 1)
//!
//! | offset | bytes | field |
//! |---|---|---|
//! | 0 | 4 | magic `CNET` |
//! | 4 | 2 | format version, `u16` (1) |
//! | 6 | 1 | scalar type tag ([`Scalar::TYPE_TAG`](crate::Scalar::TYPE_TAG): 1 = `f32`, 2 = `f64`) |
//! | 7 | 1 | bytes per scalar (4 or 8) |
//! | 8 | 8 | architecture fingerprint, `u64` ([`Model::FINGERPRINT`], see [`fingerprint`]) |
//! | 16 | 4 | parameter count, `u32` |
//! | 20 | 4 | payload checksum, `u32`: FNV-1a 32 of bytes `28..` ([`Checksum`]) |
//! | 24 | 4 | header checksum, `u32`: FNV-1a 32 of bytes `0..24` |
//! | 28 | `PARAMS × scalar bytes` | the parameters, tensor by tensor ([`Parameters::tensor`](crate::Parameters::tensor) order) |
//!
//! All integers and scalars are little-endian. The length is fixed by the network type
//! ([`Model::BYTES`]); a buffer that is shorter or longer is rejected, as are bytes for another
//! architecture or scalar type, and headers or payloads whose checksum does not match. Each case
//! is its own [`LoadError`] variant.
//!
//! # `const` decoding
//! For a network with a concrete `f32`/`f64` scalar, `network!` also generates:
//!
//! ```text
//! pub const BYTES: usize;                                             // == <Self as Model<_>>::BYTES
//! pub const fn try_from_bytes_const(bytes: &[u8]) -> Result<Self, LoadError>;  // never panics
//! pub const fn from_bytes_const(bytes: &[u8]) -> Self;                // for `static`/`const` items
//! pub const fn to_byte_array(&self) -> [u8; Self::BYTES];            // the same bytes as `to_bytes`
//! ```
//!
//! `from_bytes_const` is meant for `static` and `const` items: there, bytes it rejects are a
//! compile error whose message names the problem (see [`LoadError::summary`]). Called at run
//! time it would panic on bad bytes, so decode run-time input with [`Model::from_bytes`] or
//! `try_from_bytes_const`, which return a [`LoadError`] instead.
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

mod error;
#[cfg(feature = "std")]
mod file;
pub mod fingerprint;
mod format;
mod model;

pub use error::{BufferTooSmall, LoadError};
#[cfg(feature = "std")]
pub use file::FileError;
pub use format::{
    Checksum, FORMAT_VERSION, HEADER_BYTES, MAGIC, Spec, f32_array, f32_at, f32_matrix, f64_array, f64_at, f64_matrix,
    put_f32_array, put_f32_matrix, put_f64_array, put_f64_matrix,
};
pub use model::Model;
