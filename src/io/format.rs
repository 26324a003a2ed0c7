//! The header layout and its `const` validation.

use super::LoadError;

/// The first four bytes of every model: `CNET`.
pub const MAGIC: [u8; 4] = *b"CNET";
/// The format version this library writes and reads.
pub const FORMAT_VERSION: u16 = 2;
/// Length of the header in bytes; the parameters start right after it.
pub const HEADER_BYTES: usize = 28;

/// FNV-1a 32-bit offset basis.
const FNV32_OFFSET: u32 = 0x811c_9dc5;
/// FNV-1a 32-bit prime.
const FNV32_PRIME: u32 = 0x0100_0193;

/// A running 32-bit FNV-1a checksum, the one the header stores for itself and for the
/// parameters. It is an integrity check against truncation and bit flips, not a cryptographic
/// hash.
///
/// ```
/// use constnet::io::Checksum;
/// assert_eq!(Checksum::new().update(b"foobar").value(), 0xbf9c_f968);
/// assert_eq!(Checksum::of(b"foo").update(b"bar"), Checksum::of(b"foobar"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checksum(u32);

impl Checksum {
    /// The checksum of no bytes.
    #[must_use]
    pub const fn new() -> Self {
        Self(FNV32_OFFSET)
    }
    /// The checksum of `bytes`.
    #[must_use]
    pub const fn of(bytes: &[u8]) -> Self {
        Self::new().update(bytes)
    }
    /// Continues the checksum over `bytes`.
    #[must_use]
    pub const fn update(mut self, bytes: &[u8]) -> Self {
        let mut i = 0;
        while i < bytes.len() {
            self.0 ^= bytes[i] as u32;
            self.0 = self.0.wrapping_mul(FNV32_PRIME);
            i += 1;
        }
        self
    }
    /// The checksum so far.
    #[must_use]
    pub const fn value(self) -> u32 {
        self.0
    }
}

impl Default for Checksum {
    fn default() -> Self {
        Self::new()
    }
}

/// What a network expects to find in a header: its scalar type, architecture and size.
/// `Spec::of::<T, N>()` builds it from the types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Spec {
    /// [`Scalar::TYPE_TAG`](crate::Scalar::TYPE_TAG) of the network's scalar.
    pub scalar_tag: u8,
    /// [`Scalar::BYTES`](crate::Scalar::BYTES): bytes per parameter.
    pub scalar_bytes: usize,
    /// [`Scalar::NAME`](crate::Scalar::NAME), for messages.
    pub scalar_name: &'static str,
    /// [`Model::FINGERPRINT`](super::Model::FINGERPRINT).
    pub fingerprint: u64,
    /// [`Parameters::PARAMS`](crate::Parameters::PARAMS).
    pub params: usize,
}

impl Spec {
    /// The spec of network `N` over scalar `T`.
    #[must_use]
    pub const fn of<T: crate::Scalar, N: super::Model<T>>() -> Self {
        const {
            assert!(
                N::PARAMS <= u32::MAX as usize,
                "constnet: the model byte format counts parameters in 32 bits; this network has more than 2³² − 1"
            )
        };
        Self {
            scalar_tag: T::TYPE_TAG,
            scalar_bytes: T::BYTES,
            scalar_name: T::NAME,
            fingerprint: N::FINGERPRINT,
            params: N::PARAMS,
        }
    }

    /// Length of the parameter payload in bytes.
    #[must_use]
    pub const fn payload_bytes(&self) -> usize {
        self.params * self.scalar_bytes
    }

    /// Length of the whole model in bytes: header plus payload.
    #[must_use]
    pub const fn model_bytes(&self) -> usize {
        HEADER_BYTES + self.payload_bytes()
    }

    /// The header for a payload with checksum `payload_checksum`.
    #[must_use]
    pub const fn header(&self, payload_checksum: u32) -> [u8; HEADER_BYTES] {
        let mut h = [0u8; HEADER_BYTES];
        put(&mut h, 0, &MAGIC);
        put(&mut h, 4, &FORMAT_VERSION.to_le_bytes());
        h[6] = self.scalar_tag;
        h[7] = self.scalar_bytes as u8;
        put(&mut h, 8, &self.fingerprint.to_le_bytes());
        put(&mut h, 16, &(self.params as u32).to_le_bytes());
        put(&mut h, 20, &payload_checksum.to_le_bytes());
        let own = Checksum::new().update(first_24(&h)).value();
        put(&mut h, 24, &own.to_le_bytes());
        h
    }

    /// Checks a header against this spec, given the total length of the buffer or file it
    /// starts (`header` may be shorter than [`HEADER_BYTES`] if the buffer is). Returns the
    /// payload checksum the header promises.
    ///
    /// # Errors
    /// Every [`LoadError`] except [`LoadError::CorruptPayload`], in the documented order.
    pub const fn check_header(&self, header: &[u8], total_len: usize) -> Result<u32, LoadError> {
        let magic = [byte(header, 0), byte(header, 1), byte(header, 2), byte(header, 3)];
        if header.len() >= 4 && !eq4(magic, MAGIC) {
            return Err(LoadError::NotAModel { found: magic });
        }
        if header.len() < HEADER_BYTES || total_len < HEADER_BYTES {
            return Err(LoadError::Truncated { expected: self.model_bytes(), found: total_len });
        }
        let version = u16::from_le_bytes([header[4], header[5]]);
        if version != FORMAT_VERSION {
            return Err(LoadError::UnsupportedVersion { found: version, supported: FORMAT_VERSION });
        }
        let stored = u32_at(header, 24);
        let computed = Checksum::new().update(first_24(header)).value();
        if stored != computed {
            return Err(LoadError::CorruptHeader { stored, computed });
        }
        let (tag, width) = (header[6], header[7]);
        if tag != self.scalar_tag || width as usize != self.scalar_bytes {
            return Err(LoadError::WrongScalar { expected: self.scalar_name, found_tag: tag, found_bytes: width });
        }
        let fingerprint = u64::from_le_bytes([
            header[8], header[9], header[10], header[11], header[12], header[13], header[14], header[15],
        ]);
        let params = u32_at(header, 16) as usize;
        if fingerprint != self.fingerprint || params != self.params {
            return Err(LoadError::WrongNetwork {
                expected_fingerprint: self.fingerprint,
                found_fingerprint: fingerprint,
                expected_params: self.params,
                found_params: params,
            });
        }
        let expected = self.model_bytes();
        if total_len < expected {
            return Err(LoadError::Truncated { expected, found: total_len });
        }
        if total_len > expected {
            return Err(LoadError::TrailingBytes { expected, found: total_len });
        }
        Ok(u32_at(header, 20))
    }

    /// Checks a whole model buffer against this spec: header, length and payload checksum.
    /// When it returns `Ok`, `bytes` is exactly [`Spec::model_bytes`] long and its parameters
    /// can be read.
    ///
    /// # Errors
    /// Any [`LoadError`], in the documented order.
    pub const fn check(&self, bytes: &[u8]) -> Result<(), LoadError> {
        let stored = match self.check_header(bytes, bytes.len()) {
            Ok(sum) => sum,
            Err(err) => return Err(err),
        };
        let (_, payload) = bytes.split_at(HEADER_BYTES);
        let computed = Checksum::of(payload).value();
        if computed != stored {
            return Err(LoadError::CorruptPayload { stored, computed });
        }
        Ok(())
    }
}

/// `bytes[i]`, or 0 past the end: the readers below are total functions and never panic.
pub(crate) const fn byte(bytes: &[u8], i: usize) -> u8 {
    if i < bytes.len() { bytes[i] } else { 0 }
}

const fn eq4(a: [u8; 4], b: [u8; 4]) -> bool {
    a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3]
}

const fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([byte(bytes, at), byte(bytes, at + 1), byte(bytes, at + 2), byte(bytes, at + 3)])
}

/// The first 24 header bytes (those the header checksum covers), or fewer if `h` is shorter.
const fn first_24(h: &[u8]) -> &[u8] {
    if h.len() >= 24 { h.split_at(24).0 } else { h }
}

const fn put(out: &mut [u8; HEADER_BYTES], at: usize, bytes: &[u8]) {
    let mut i = 0;
    while i < bytes.len() {
        out[at + i] = bytes[i];
        i += 1;
    }
}
