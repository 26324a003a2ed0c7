//! The [`Model`] trait: a network's parameters to and from the byte format.

use super::{BufferTooSmall, Checksum, HEADER_BYTES, LoadError, Spec};
use crate::{Parameters, Scalar};

/// A network that can be written to and read from the model byte format (see the
/// [module documentation](super) for the layout). `network!` implements it for every network.
///
/// The parameters are written tensor by tensor in the order of [`Parameters::tensor`] (layer by
/// layer in declaration order; within a [`Dense`](crate::Dense) layer the weights row by row,
/// then the bias), each scalar little-endian. Nothing allocates: [`Model::to_bytes`] fills a
/// buffer you provide, [`Model::from_bytes`] reads from a slice.
///
/// ```
/// use constnet::io::{LoadError, Model};
/// use constnet::prelude::*;
/// use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
///
/// network! { struct Xor<f32> { hidden: Dense<2, 4, Tanh>, output: Dense<4, 1, Sigmoid> } }
/// network! { struct Wider<f32> { hidden: Dense<2, 5, Tanh>, output: Dense<5, 1, Sigmoid> } }
///
/// let net = Xor::random(&mut Xoshiro128PlusPlus::seed_from_u64(7));
/// let mut buf = [0u8; Xor::BYTES]; // 28-byte header + 17 parameters × 4 bytes
/// assert_eq!(net.to_bytes(&mut buf), Ok(96));
/// assert_eq!(Xor::from_bytes(&buf), Ok(net));
/// assert!(matches!(Wider::from_bytes(&buf), Err(LoadError::WrongNetwork { .. })));
/// assert!(matches!(Xor::from_bytes(&buf[..50]), Err(LoadError::Truncated { expected: 96, found: 50 })));
/// ```
pub trait Model<T: Scalar>: Parameters<T> {
    /// Fingerprint of the architecture: every layer's kind, widths and activation, in order
    /// (see [`fingerprint`](crate::layer::fingerprint)). Stored in the header and checked on load.
    const FINGERPRINT: u64;
    /// Length of the model in bytes: [`HEADER_BYTES`] plus [`Parameters::PARAMS`] ×
    /// [`Scalar::BYTES`].
    const BYTES: usize = HEADER_BYTES + Self::PARAMS * T::BYTES;

    /// Writes the model into the first [`Model::BYTES`] bytes of `out` and returns that length.
    ///
    /// # Errors
    /// [`BufferTooSmall`] if `out` is shorter than [`Model::BYTES`]; nothing is written then.
    fn to_bytes(&self, out: &mut [u8]) -> Result<usize, BufferTooSmall> {
        let spec = Spec::of::<T, Self>();
        let len = spec.model_bytes();
        let Some(out) = out.get_mut(..len) else {
            return Err(BufferTooSmall { needed: len, found: out.len() });
        };
        let (header, payload) = out.split_at_mut(HEADER_BYTES);
        let mut chunks = payload.chunks_exact_mut(T::BYTES);
        for t in 0..Self::TENSORS {
            for (&value, chunk) in self.tensor(t).iter().zip(&mut chunks) {
                value.write_le(chunk);
            }
        }
        header.copy_from_slice(&spec.header(Checksum::of(payload).value()));
        Ok(len)
    }

    /// Reads a model written by [`Model::to_bytes`] (or `Model::save`).
    ///
    /// # Errors
    /// A [`LoadError`] saying what is wrong with the bytes: not a model, truncated or padded,
    /// another format version, a corrupted header or payload, another scalar type, or another
    /// architecture.
    fn from_bytes(bytes: &[u8]) -> Result<Self, LoadError> {
        let mut net = Self::zeroed();
        net.read_bytes(bytes)?;
        Ok(net)
    }

    /// As [`Model::from_bytes`], but into an existing network (no second copy on the stack,
    /// which matters for large networks on small devices). On error `self` is left unchanged:
    /// everything is checked before the first parameter is written.
    ///
    /// # Errors
    /// As [`Model::from_bytes`].
    fn read_bytes(&mut self, bytes: &[u8]) -> Result<(), LoadError> {
        Spec::of::<T, Self>().check(bytes)?;
        let mut chunks = bytes[HEADER_BYTES..].chunks_exact(T::BYTES);
        for t in 0..Self::TENSORS {
            for (value, chunk) in self.tensor_mut(t).iter_mut().zip(&mut chunks) {
                *value = T::read_le(chunk);
            }
        }
        Ok(())
    }

    /// Writes the model to the file at `path` atomically: into a uniquely named temporary file
    /// in the same directory, flushed to disk, then renamed over `path`. A crash leaves either
    /// the old file or the new one, never a half-written model. The parameters are streamed
    /// through a small stack buffer. Symbolic links, permissions and concurrent saves: see
    /// [Model files](super#model-files). Requires the `std` feature.
    ///
    /// # Errors
    /// [`FileError::Io`](super::FileError::Io) naming the step that failed; the temporary file
    /// is removed.
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    fn save<P: AsRef<std::path::Path>>(&self, path: P) -> Result<(), super::FileError> {
        super::file::save::<T, Self>(self, path.as_ref())
    }

    /// Reads a model from the file at `path`, checking it as [`Model::from_bytes`] does. The
    /// file is streamed through a small stack buffer; nothing is allocated for the parameters.
    /// Requires the `std` feature.
    ///
    /// # Errors
    /// [`FileError::Io`](super::FileError::Io) if the file cannot be read,
    /// [`FileError::Format`](super::FileError::Format) if its contents are not this network.
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    fn load<P: AsRef<std::path::Path>>(path: P) -> Result<Self, super::FileError> {
        super::file::load::<T, Self>(path.as_ref())
    }
}
