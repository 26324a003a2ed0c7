//! Why bytes could not be decoded into a network, or a network not encoded into a buffer.

use core::fmt;

/// Why [`Model::from_bytes`](super::Model::from_bytes), [`check_model_bytes`](super::check_model_bytes)
/// or [`include_model!`](crate::include_model) refused a byte buffer.
///
/// The checks run in this order, so the first problem found is the one reported: magic, length
/// of the header, format version, header checksum, scalar type, architecture, total length,
/// payload checksum. Every message says what was found and what was expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadError {
    /// The buffer does not start with the magic bytes `CNET`: it is not a constnet model.
    NotAModel {
        /// The first four bytes found (zero-padded if the buffer is shorter).
        found: [u8; 4],
    },
    /// The buffer ends before the model does.
    Truncated {
        /// Bytes the model needs (the whole model's length, or the header's when the header
        /// itself is cut short).
        expected: usize,
        /// Bytes in the buffer.
        found: usize,
    },
    /// The buffer is longer than the model: extra bytes follow it.
    TrailingBytes {
        /// The model's length.
        expected: usize,
        /// Bytes in the buffer.
        found: usize,
    },
    /// The format version is not one this library reads.
    UnsupportedVersion {
        /// Version in the header.
        found: u16,
        /// The version this library reads and writes.
        supported: u16,
    },
    /// The header's checksum does not match its contents: the header is corrupted.
    CorruptHeader {
        /// Checksum stored in the header.
        stored: u32,
        /// Checksum of the header bytes as found.
        computed: u32,
    },
    /// The bytes hold parameters of another scalar type (e.g. `f64` bytes read as `f32`).
    WrongScalar {
        /// The scalar type of the network being loaded.
        expected: &'static str,
        /// Type tag found in the header (1 = `f32`, 2 = `f64`, 3 = int8 quantized, 4 = `Q16`).
        found_tag: u8,
        /// Bytes per scalar found in the header.
        found_bytes: u8,
    },
    /// The bytes were made for a network with other layers, widths or activations.
    WrongNetwork {
        /// Fingerprint of the network being loaded.
        expected_fingerprint: u64,
        /// Fingerprint stored in the bytes.
        found_fingerprint: u64,
        /// Parameter count of the network being loaded.
        expected_params: usize,
        /// Parameter count stored in the bytes.
        found_params: usize,
    },
    /// The parameters do not match the checksum in the header: the payload is corrupted.
    CorruptPayload {
        /// Checksum stored in the header.
        stored: u32,
        /// Checksum of the parameter bytes as found.
        computed: u32,
    },
}

impl LoadError {
    /// A fixed one-line summary of the error kind, usable in `const` context: it is the message
    /// of the compile error when [`include_model!`](crate::include_model) rejects bytes.
    #[must_use]
    pub const fn summary(&self) -> &'static str {
        match self {
            LoadError::NotAModel { .. } => {
                "constnet: these bytes are not a constnet model (expected the magic bytes `CNET` at the start)"
            }
            LoadError::Truncated { .. } => {
                "constnet: the model bytes are truncated (expected exactly `BYTES` bytes for this network)"
            }
            LoadError::TrailingBytes { .. } => {
                "constnet: the model bytes are padded (expected exactly `BYTES` bytes for this network)"
            }
            LoadError::UnsupportedVersion { .. } => {
                "constnet: the model bytes use another format version than this constnet reads (expected version 2)"
            }
            LoadError::CorruptHeader { .. } => {
                "constnet: the model header is corrupted (its checksum does not match its contents)"
            }
            LoadError::WrongScalar { .. } => {
                "constnet: the model bytes hold another scalar type than this network's (f32, f64, int8, Q16)"
            }
            LoadError::WrongNetwork { .. } => {
                "constnet: the model bytes were made for a different network (layers, widths or activations differ)"
            }
            LoadError::CorruptPayload { .. } => {
                "constnet: the model parameters are corrupted (their checksum does not match the header)"
            }
        }
    }
}

/// The name of a scalar type tag, for messages.
fn tag_name(tag: u8) -> &'static str {
    match tag {
        1 => "f32",
        2 => "f64",
        3 => "int8 (quantized)",
        4 => "Q16",
        _ => "an unknown scalar type",
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LoadError::NotAModel { found } => write!(
                f,
                "not a constnet model: the buffer starts with {found:02x?}, expected the magic bytes \"CNET\" \
                 ([43, 4e, 45, 54])"
            ),
            LoadError::Truncated { expected, found } => {
                write!(f, "truncated model: the buffer has {found} bytes, expected {expected}")
            }
            LoadError::TrailingBytes { expected, found } => write!(
                f,
                "padded model: the buffer has {found} bytes, expected exactly {expected} ({} extra)",
                found - expected.min(found)
            ),
            LoadError::UnsupportedVersion { found, supported } => {
                write!(f, "unsupported model format version {found}: expected version {supported}")?;
                if found < supported {
                    write!(
                        f,
                        " (written by an older constnet, whose architecture fingerprint this version cannot verify: train and save the network again)"
                    )?;
                }
                Ok(())
            }
            LoadError::CorruptHeader { stored, computed } => write!(
                f,
                "corrupted model header: bytes 0..24 have checksum {computed:#010x}, expected {stored:#010x} (the \
                 checksum stored in bytes 24..28)"
            ),
            LoadError::WrongScalar { expected, found_tag, found_bytes } => write!(
                f,
                "wrong scalar type: the bytes hold {} ({found_bytes}-byte values, tag {found_tag}), \
                 expected {expected}",
                tag_name(found_tag)
            ),
            LoadError::WrongNetwork { expected_fingerprint, found_fingerprint, expected_params, found_params } => {
                write!(
                    f,
                    "the bytes were made for a different network: architecture fingerprint {found_fingerprint:#018x} \
                     with {found_params} parameters, expected {expected_fingerprint:#018x} with {expected_params} \
                     parameters (layers, widths or activations differ)"
                )
            }
            LoadError::CorruptPayload { stored, computed } => write!(
                f,
                "corrupted model parameters: they have checksum {computed:#010x}, expected {stored:#010x} (the \
                 checksum stored in the header)"
            ),
        }
    }
}

impl core::error::Error for LoadError {}

/// [`Model::to_bytes`](super::Model::to_bytes) was given a buffer shorter than the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BufferTooSmall {
    /// Bytes the model needs: the network's [`Model::BYTES`](super::Model::BYTES).
    pub needed: usize,
    /// Bytes in the buffer given.
    pub found: usize,
}

impl fmt::Display for BufferTooSmall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "buffer too small for the model: it has {} bytes, expected at least {}", self.found, self.needed)
    }
}

impl core::error::Error for BufferTooSmall {}
