//! A fitted scaler as a few bytes, to be stored next to the model that expects scaled inputs.
//! The layout is documented in the module docs of [`crate::data`] ("Scaler bytes").

use super::{MinMaxScaler, Standardizer};
use crate::Scalar;
use crate::io::Checksum;
use core::fmt;

/// The first four bytes of an encoded scaler.
const MAGIC: [u8; 4] = *b"CNSC";
/// The format version written and read.
const VERSION: u16 = 1;
/// Bytes before the values.
const HEADER: usize = 16;

/// Which scaler the bytes hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    MinMax = 1,
    Standardizer = 2,
}

impl Kind {
    const fn name(tag: u8) -> &'static str {
        match tag {
            1 => "a MinMaxScaler",
            2 => "a Standardizer",
            _ => "an unknown kind of scaler",
        }
    }
}

/// Why a scaler could not be encoded ([`MinMaxScaler::to_bytes`], [`Standardizer::to_bytes`])
/// or decoded ([`MinMaxScaler::from_bytes`], [`Standardizer::from_bytes`]).
///
/// Decoding checks, in this order: magic, header length, version, kind, scalar type, number of
/// features, total length, checksum, then the values (finite, and consistent). Every message
/// says what was found and what was expected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScalerBytesError {
    /// The output buffer of `to_bytes` is shorter than the encoding.
    BufferTooSmall {
        /// Bytes needed: the scaler's `BYTES`.
        needed: usize,
        /// Bytes in the buffer.
        found: usize,
    },
    /// The bytes do not start with the magic bytes `CNSC`.
    NotAScaler {
        /// The first four bytes found (zero-padded if there are fewer).
        found: [u8; 4],
    },
    /// The bytes are shorter or longer than this scaler's encoding.
    WrongLength {
        /// This scaler type's `BYTES`.
        expected: usize,
        /// Bytes given.
        found: usize,
    },
    /// A format version this library does not read.
    UnsupportedVersion {
        /// Version in the bytes.
        found: u16,
        /// The version this library reads and writes.
        supported: u16,
    },
    /// The bytes hold the other kind of scaler.
    WrongKind {
        /// The scaler being decoded, e.g. `"a MinMaxScaler"`.
        expected: &'static str,
        /// The kind found.
        found: &'static str,
    },
    /// The bytes hold another scalar type.
    WrongScalar {
        /// The scalar type being decoded, e.g. `"f32"`.
        expected: &'static str,
        /// Type tag found (1 = `f32`, 2 = `f64`).
        found_tag: u8,
    },
    /// The bytes were made for another number of features.
    WrongFeatures {
        /// The scaler's `N`.
        expected: usize,
        /// The count stored in the bytes.
        found: u32,
    },
    /// The checksum does not match: the bytes are corrupted.
    Corrupt {
        /// Checksum stored in the bytes.
        stored: u32,
        /// Checksum of the bytes as found.
        computed: u32,
    },
    /// A stored value is NaN or infinite.
    NonFinite {
        /// The field, e.g. `"max"` or `"low"`.
        field: &'static str,
        /// The feature, for per-feature fields.
        feature: Option<usize>,
    },
    /// Values that no fitted scaler has: a minimum above its maximum, an output range with
    /// `low ≥ high`, or a negative standard deviation.
    Inconsistent {
        /// The field, e.g. `"min"`.
        field: &'static str,
        /// The feature, for per-feature fields.
        feature: Option<usize>,
        /// What the value must satisfy, e.g. `"min ≤ max"`.
        expected: &'static str,
    },
}

impl fmt::Display for ScalerBytesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ScalerBytesError::BufferTooSmall { needed, found } => {
                write!(f, "buffer too small for the scaler: it has {found} bytes, expected at least {needed}")
            }
            ScalerBytesError::NotAScaler { found } => write!(
                f,
                "not a constnet scaler: the bytes start with {found:02x?}, expected the magic bytes \"CNSC\" \
                 ([43, 4e, 53, 43])"
            ),
            ScalerBytesError::WrongLength { expected, found } => {
                write!(f, "wrong length for the scaler: {found} bytes, expected exactly {expected}")
            }
            ScalerBytesError::UnsupportedVersion { found, supported } => {
                write!(f, "unsupported scaler format version {found}: expected version {supported}")
            }
            ScalerBytesError::WrongKind { expected, found } => {
                write!(f, "the bytes hold {found}, expected {expected}")
            }
            ScalerBytesError::WrongScalar { expected, found_tag } => write!(
                f,
                "wrong scalar type: the bytes hold {} values (tag {found_tag}), expected {expected}",
                match found_tag {
                    1 => "f32",
                    2 => "f64",
                    _ => "unknown",
                }
            ),
            ScalerBytesError::WrongFeatures { expected, found } => {
                write!(f, "the scaler bytes are for {found} features, expected {expected}")
            }
            ScalerBytesError::Corrupt { stored, computed } => write!(
                f,
                "corrupted scaler bytes: checksum {computed:#010x}, expected {stored:#010x} (stored in bytes 12..16)"
            ),
            ScalerBytesError::NonFinite { field, feature } => {
                write_field(f, field, feature)?;
                f.write_str(" is NaN or infinite: expected finite values only")
            }
            ScalerBytesError::Inconsistent { field, feature, expected } => {
                write_field(f, field, feature)?;
                write!(f, " is inconsistent: expected {expected}")
            }
        }
    }
}

impl core::error::Error for ScalerBytesError {}

/// `max of feature 3`, or `low`.
fn write_field(f: &mut fmt::Formatter<'_>, field: &str, feature: Option<usize>) -> fmt::Result {
    match feature {
        Some(i) => write!(f, "{field} of feature {i}"),
        None => f.write_str(field),
    }
}

/// The 12 header bytes before the checksum.
fn header<T: Scalar>(kind: Kind, features: usize) -> [u8; 12] {
    let mut h = [0u8; 12];
    h[..4].copy_from_slice(&MAGIC);
    h[4..6].copy_from_slice(&VERSION.to_le_bytes());
    h[6] = kind as u8;
    h[7] = T::TYPE_TAG;
    // A scaler with more than u32::MAX features cannot exist in memory; saturate anyway.
    h[8..12].copy_from_slice(&u32::try_from(features).unwrap_or(u32::MAX).to_le_bytes());
    h
}

/// Checksum of everything but the checksum field.
fn checksum(bytes: &[u8]) -> u32 {
    Checksum::of(bytes.get(..12).unwrap_or(&[])).update(bytes.get(HEADER..).unwrap_or(&[])).value()
}

/// Writes header and `values` (all of them, in order) into `out`, which has exactly the right
/// length.
fn encode<T: Scalar>(kind: Kind, features: usize, values: impl Iterator<Item = T>, out: &mut [u8]) {
    out[..12].copy_from_slice(&header::<T>(kind, features));
    for (chunk, v) in out[HEADER..].chunks_exact_mut(T::BYTES).zip(values) {
        v.write_le(chunk);
    }
    let sum = checksum(out);
    out[12..HEADER].copy_from_slice(&sum.to_le_bytes());
}

/// Checks everything but the values; returns the value bytes.
fn decode<T: Scalar>(
    kind: Kind,
    features: usize,
    expected_len: usize,
    bytes: &[u8],
) -> Result<&[u8], ScalerBytesError> {
    let mut magic = [0u8; 4];
    for (m, b) in magic.iter_mut().zip(bytes) {
        *m = *b;
    }
    if magic != MAGIC || bytes.len() < 4 {
        return Err(ScalerBytesError::NotAScaler { found: magic });
    }
    let Some(head) = bytes.get(..HEADER) else {
        return Err(ScalerBytesError::WrongLength { expected: expected_len, found: bytes.len() });
    };
    let version = u16::from_le_bytes([head[4], head[5]]);
    if version != VERSION {
        return Err(ScalerBytesError::UnsupportedVersion { found: version, supported: VERSION });
    }
    if head[6] != kind as u8 {
        return Err(ScalerBytesError::WrongKind { expected: Kind::name(kind as u8), found: Kind::name(head[6]) });
    }
    if head[7] != T::TYPE_TAG {
        return Err(ScalerBytesError::WrongScalar { expected: T::NAME, found_tag: head[7] });
    }
    let found = u32::from_le_bytes([head[8], head[9], head[10], head[11]]);
    if usize::try_from(found).ok() != Some(features) {
        return Err(ScalerBytesError::WrongFeatures { expected: features, found });
    }
    if bytes.len() != expected_len {
        return Err(ScalerBytesError::WrongLength { expected: expected_len, found: bytes.len() });
    }
    let stored = u32::from_le_bytes([head[12], head[13], head[14], head[15]]);
    let computed = checksum(bytes);
    if stored != computed {
        return Err(ScalerBytesError::Corrupt { stored, computed });
    }
    Ok(bytes.get(HEADER..).unwrap_or(&[]))
}

/// Reads `N` values from the front of `bytes` (which holds at least `N · T::BYTES`).
fn read_array<T: Scalar, const N: usize>(bytes: &[u8]) -> [T; N] {
    let mut out = [T::ZERO; N];
    for (slot, chunk) in out.iter_mut().zip(bytes.chunks_exact(T::BYTES)) {
        *slot = T::read_le(chunk);
    }
    out
}

/// The first non-finite value of a per-feature field.
fn check_finite<T: Scalar>(field: &'static str, values: &[T]) -> Result<(), ScalerBytesError> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(ScalerBytesError::NonFinite { field, feature: Some(i) }),
        None => Ok(()),
    }
}

impl<T: Scalar, const N: usize> MinMaxScaler<T, N> {
    /// Length of the encoding: a 16-byte header, then `2·N + 2` scalars.
    pub const BYTES: usize = HEADER + (2 * N + 2) * T::BYTES;

    /// Checks what [`MinMaxScaler::from_bytes`] requires of the values.
    fn check_values(&self) -> Result<(), ScalerBytesError> {
        check_finite("min", &self.min)?;
        check_finite("max", &self.max)?;
        for (field, v) in [("low", self.low), ("high", self.high)] {
            if !v.is_finite() {
                return Err(ScalerBytesError::NonFinite { field, feature: None });
            }
        }
        if let Some(i) = (0..N).find(|&i| self.min[i] > self.max[i]) {
            return Err(ScalerBytesError::Inconsistent { field: "min", feature: Some(i), expected: "min ≤ max" });
        }
        if self.low >= self.high {
            return Err(ScalerBytesError::Inconsistent { field: "low", feature: None, expected: "low < high" });
        }
        Ok(())
    }

    /// Encodes the scaler into the first [`MinMaxScaler::BYTES`] bytes of `out` (layout:
    /// [Scaler bytes](crate::data#scaler-bytes)); returns the number of bytes written. Store
    /// them next to the model whose inputs the scaler prepares. `no_std`, no allocation.
    ///
    /// # Errors
    /// [`ScalerBytesError::BufferTooSmall`] if `out` is shorter than `BYTES`;
    /// [`ScalerBytesError::NonFinite`] and [`ScalerBytesError::Inconsistent`] for values that
    /// [`MinMaxScaler::from_bytes`] would refuse (nothing is written then).
    ///
    /// ```
    /// use constnet::data::MinMaxScaler;
    ///
    /// let scaler = MinMaxScaler::fit(&[[0.0f32, 10.0], [4.0, 20.0]])?;
    /// let mut bytes = [0u8; MinMaxScaler::<f32, 2>::BYTES];
    /// assert_eq!(scaler.to_bytes(&mut bytes), Ok(40));
    /// assert_eq!(MinMaxScaler::<f32, 2>::from_bytes(&bytes), Ok(scaler));
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn to_bytes(&self, out: &mut [u8]) -> Result<usize, ScalerBytesError> {
        let Some(out) = out.get_mut(..Self::BYTES) else {
            return Err(ScalerBytesError::BufferTooSmall { needed: Self::BYTES, found: out.len() });
        };
        self.check_values()?;
        let values = self.min.iter().chain(&self.max).chain([&self.low, &self.high]).copied();
        encode(Kind::MinMax, N, values, out);
        Ok(Self::BYTES)
    }

    /// Decodes a scaler written by [`MinMaxScaler::to_bytes`].
    ///
    /// # Errors
    /// A [`ScalerBytesError`] naming the problem: not a scaler, another format version, a
    /// [`Standardizer`], another scalar type or number of features, a wrong length, a checksum
    /// mismatch, a NaN or infinite value, or `min > max` / `low ≥ high`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ScalerBytesError> {
        let values = decode::<T>(Kind::MinMax, N, Self::BYTES, bytes)?;
        // `decode` checked the length, so every part is there.
        let size = N * T::BYTES;
        let part = |k: usize| values.get(k * size..).unwrap_or(&[]);
        let (min, max) = (read_array::<T, N>(part(0)), read_array::<T, N>(part(1)));
        let [low, high] = read_array::<T, 2>(part(2));
        let scaler = Self::from_parts(min, max, low, high);
        scaler.check_values()?;
        Ok(scaler)
    }
}

impl<T: Scalar, const N: usize> Standardizer<T, N> {
    /// Length of the encoding: a 16-byte header, then `2·N` scalars.
    pub const BYTES: usize = HEADER + 2 * N * T::BYTES;

    /// Checks what [`Standardizer::from_bytes`] requires of the values.
    fn check_values(&self) -> Result<(), ScalerBytesError> {
        check_finite("mean", &self.mean)?;
        check_finite("std", &self.std)?;
        match self.std.iter().position(|&s| s < T::ZERO) {
            Some(i) => Err(ScalerBytesError::Inconsistent { field: "std", feature: Some(i), expected: "std ≥ 0" }),
            None => Ok(()),
        }
    }

    /// Encodes the standardizer into the first [`Standardizer::BYTES`] bytes of `out` (layout:
    /// [Scaler bytes](crate::data#scaler-bytes)); returns the number of bytes written.
    ///
    /// # Errors
    /// [`ScalerBytesError::BufferTooSmall`] if `out` is shorter than `BYTES`;
    /// [`ScalerBytesError::NonFinite`] and [`ScalerBytesError::Inconsistent`] (a negative
    /// standard deviation) for values [`Standardizer::from_bytes`] would refuse.
    ///
    /// ```
    /// use constnet::data::Standardizer;
    ///
    /// let s = Standardizer::fit(&[[1.0f64], [3.0]])?;
    /// let mut bytes = [0u8; Standardizer::<f64, 1>::BYTES];
    /// s.to_bytes(&mut bytes)?;
    /// assert_eq!(Standardizer::<f64, 1>::from_bytes(&bytes)?, s);
    /// # Ok::<(), Box<dyn core::error::Error>>(())
    /// ```
    pub fn to_bytes(&self, out: &mut [u8]) -> Result<usize, ScalerBytesError> {
        let Some(out) = out.get_mut(..Self::BYTES) else {
            return Err(ScalerBytesError::BufferTooSmall { needed: Self::BYTES, found: out.len() });
        };
        self.check_values()?;
        encode(Kind::Standardizer, N, self.mean.iter().chain(&self.std).copied(), out);
        Ok(Self::BYTES)
    }

    /// Decodes a standardizer written by [`Standardizer::to_bytes`].
    ///
    /// # Errors
    /// As [`MinMaxScaler::from_bytes`], with a negative standard deviation as the inconsistent
    /// value.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ScalerBytesError> {
        let values = decode::<T>(Kind::Standardizer, N, Self::BYTES, bytes)?;
        let mean = read_array::<T, N>(values);
        let std = read_array::<T, N>(values.get(N * T::BYTES..).unwrap_or(&[]));
        let scaler = Self::from_parts(mean, std);
        scaler.check_values()?;
        Ok(scaler)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;
    use std::vec::Vec;

    type Mm = MinMaxScaler<f32, 2>;
    type St = Standardizer<f64, 3>;

    fn minmax() -> Mm {
        MinMaxScaler::from_parts([0.0, -1.0], [4.0, 1.0], 0.01, 0.99)
    }
    fn standardizer() -> St {
        Standardizer::from_parts([1.0, -2.0, 0.5], [2.0, 0.0, 0.25])
    }
    fn bytes_of_minmax(s: &Mm) -> Vec<u8> {
        let mut b = std::vec![0u8; Mm::BYTES];
        s.to_bytes(&mut b).unwrap();
        b
    }
    fn bytes_of_standardizer(s: &St) -> Vec<u8> {
        let mut b = std::vec![0u8; St::BYTES];
        s.to_bytes(&mut b).unwrap();
        b
    }
    /// Rewrites the checksum after a deliberate change, so that the value checks are reached.
    fn reseal(b: &mut [u8]) {
        let sum = checksum(b);
        b[12..16].copy_from_slice(&sum.to_le_bytes());
    }

    #[test]
    fn round_trips_are_exact_and_the_layout_is_pinned() {
        assert_eq!((Mm::BYTES, St::BYTES), (16 + 6 * 4, 16 + 6 * 8));
        let b = bytes_of_minmax(&minmax());
        assert_eq!(&b[..12], &[b'C', b'N', b'S', b'C', 1, 0, 1, 1, 2, 0, 0, 0]);
        assert_eq!(u32::from_le_bytes(b[12..16].try_into().unwrap()), checksum(&b));
        let floats: Vec<f32> = b[16..].chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().unwrap())).collect();
        assert_eq!(floats, [0.0, -1.0, 4.0, 1.0, 0.01, 0.99]);
        assert_eq!(Mm::from_bytes(&b), Ok(minmax()));

        let b = bytes_of_standardizer(&standardizer());
        assert_eq!(&b[..12], &[b'C', b'N', b'S', b'C', 1, 0, 2, 2, 3, 0, 0, 0]);
        assert_eq!(St::from_bytes(&b), Ok(standardizer()));
        // A fitted scaler with a constant feature (min = max, std = 0) round-trips too.
        let fitted = MinMaxScaler::fit(&[[1.0f64, 5.0], [3.0, 5.0]]).unwrap();
        let mut b = [0u8; MinMaxScaler::<f64, 2>::BYTES + 3];
        assert_eq!(fitted.to_bytes(&mut b), Ok(MinMaxScaler::<f64, 2>::BYTES), "a longer buffer is fine");
        assert_eq!(MinMaxScaler::<f64, 2>::from_bytes(&b[..MinMaxScaler::<f64, 2>::BYTES]), Ok(fitted));
        let fitted = Standardizer::fit(&[[1.0f32, 5.0], [3.0, 5.0]]).unwrap();
        let mut b = [0u8; Standardizer::<f32, 2>::BYTES];
        fitted.to_bytes(&mut b).unwrap();
        assert_eq!(Standardizer::<f32, 2>::from_bytes(&b), Ok(fitted));
    }

    #[test]
    fn encoding_refuses_small_buffers_and_values_that_would_not_decode() {
        let mut short = [7u8; Mm::BYTES - 1];
        let err = minmax().to_bytes(&mut short).unwrap_err();
        assert_eq!(err, ScalerBytesError::BufferTooSmall { needed: 40, found: 39 });
        assert_eq!(err.to_string(), "buffer too small for the scaler: it has 39 bytes, expected at least 40");
        let mut b = [7u8; Mm::BYTES];
        let nan = Mm::from_parts([0.0, f32::NAN], [1.0, 1.0], 0.0, 1.0);
        let err = nan.to_bytes(&mut b).unwrap_err();
        assert_eq!(err, ScalerBytesError::NonFinite { field: "min", feature: Some(1) });
        assert_eq!(err.to_string(), "min of feature 1 is NaN or infinite: expected finite values only");
        assert_eq!(b, [7u8; Mm::BYTES], "bytes were written before the error");
        let reversed = Mm::from_parts([2.0, 0.0], [1.0, 1.0], 0.0, 1.0);
        let err = reversed.to_bytes(&mut b).unwrap_err();
        assert_eq!(err, ScalerBytesError::Inconsistent { field: "min", feature: Some(0), expected: "min ≤ max" });
        assert_eq!(err.to_string(), "min of feature 0 is inconsistent: expected min ≤ max");
        let empty_range = Mm::from_parts([0.0, 0.0], [1.0, 1.0], 1.0, 1.0);
        let err = empty_range.to_bytes(&mut b).unwrap_err();
        assert_eq!(err, ScalerBytesError::Inconsistent { field: "low", feature: None, expected: "low < high" });
        assert_eq!(err.to_string(), "low is inconsistent: expected low < high");
        let infinite_high = Mm::from_parts([0.0, 0.0], [1.0, 1.0], 0.0, f32::INFINITY);
        assert_eq!(infinite_high.to_bytes(&mut b), Err(ScalerBytesError::NonFinite { field: "high", feature: None }));
        let negative = Standardizer::from_parts([0.0, 0.0, 0.0], [1.0, -1.0, 1.0]);
        let mut b = [0u8; St::BYTES];
        assert_eq!(
            negative.to_bytes(&mut b),
            Err(ScalerBytesError::Inconsistent { field: "std", feature: Some(1), expected: "std ≥ 0" })
        );
        let infinite_mean = Standardizer::from_parts([0.0, 0.0, f64::INFINITY], [1.0; 3]);
        assert_eq!(
            infinite_mean.to_bytes(&mut b),
            Err(ScalerBytesError::NonFinite { field: "mean", feature: Some(2) })
        );
    }

    #[test]
    fn every_decoding_error_in_order() {
        let good = bytes_of_minmax(&minmax());
        let with = |f: &dyn Fn(&mut Vec<u8>)| {
            let mut b = good.clone();
            f(&mut b);
            Mm::from_bytes(&b)
        };
        let err = with(&|b| b[0] = b'X').unwrap_err();
        assert_eq!(err, ScalerBytesError::NotAScaler { found: *b"XNSC" });
        assert_eq!(
            err.to_string(),
            "not a constnet scaler: the bytes start with [58, 4e, 53, 43], expected the magic bytes \"CNSC\" ([43, 4e, 53, 43])"
        );
        assert_eq!(Mm::from_bytes(b"CN"), Err(ScalerBytesError::NotAScaler { found: [b'C', b'N', 0, 0] }));
        assert_eq!(Mm::from_bytes(b"CNSC\x01"), Err(ScalerBytesError::WrongLength { expected: 40, found: 5 }));
        let err = with(&|b| b[4] = 2).unwrap_err();
        assert_eq!(err, ScalerBytesError::UnsupportedVersion { found: 2, supported: 1 });
        assert_eq!(err.to_string(), "unsupported scaler format version 2: expected version 1");
        let err = with(&|b| b[6] = 2).unwrap_err();
        assert_eq!(err, ScalerBytesError::WrongKind { expected: "a MinMaxScaler", found: "a Standardizer" });
        assert_eq!(err.to_string(), "the bytes hold a Standardizer, expected a MinMaxScaler");
        let err = with(&|b| b[6] = 9).unwrap_err();
        assert_eq!(err, ScalerBytesError::WrongKind { expected: "a MinMaxScaler", found: "an unknown kind of scaler" });
        // f64 bytes read as f32 (the lengths differ too, but the scalar type is named first).
        let err = MinMaxScaler::<f32, 2>::from_bytes(&{
            let mut b = std::vec![0u8; MinMaxScaler::<f64, 2>::BYTES];
            MinMaxScaler::<f64, 2>::from_parts([0.0; 2], [1.0; 2], 0.0, 1.0).to_bytes(&mut b).unwrap();
            b
        })
        .unwrap_err();
        assert_eq!(err, ScalerBytesError::WrongScalar { expected: "f32", found_tag: 2 });
        assert_eq!(err.to_string(), "wrong scalar type: the bytes hold f64 values (tag 2), expected f32");
        let err = MinMaxScaler::<f32, 3>::from_bytes(&good).unwrap_err();
        assert_eq!(err, ScalerBytesError::WrongFeatures { expected: 3, found: 2 });
        assert_eq!(err.to_string(), "the scaler bytes are for 2 features, expected 3");
        let err = Mm::from_bytes(&good[..39]).unwrap_err();
        assert_eq!(err, ScalerBytesError::WrongLength { expected: 40, found: 39 });
        assert_eq!(err.to_string(), "wrong length for the scaler: 39 bytes, expected exactly 40");
        let err = with(&|b| b.push(0)).unwrap_err();
        assert_eq!(err, ScalerBytesError::WrongLength { expected: 40, found: 41 });
        let err = with(&|b| b[20] ^= 1).unwrap_err();
        assert!(matches!(err, ScalerBytesError::Corrupt { .. }), "{err:?}");
        assert!(err.to_string().starts_with("corrupted scaler bytes: checksum 0x"), "{err}");

        // Values that the checksum accepts but no scaler has.
        let err = with(&|b| {
            b[24..28].copy_from_slice(&f32::NAN.to_le_bytes()); // max[0]
            reseal(b);
        })
        .unwrap_err();
        assert_eq!(err, ScalerBytesError::NonFinite { field: "max", feature: Some(0) });
        let err = with(&|b| {
            b[32..36].copy_from_slice(&2.0f32.to_le_bytes()); // low above high
            reseal(b);
        })
        .unwrap_err();
        assert_eq!(err, ScalerBytesError::Inconsistent { field: "low", feature: None, expected: "low < high" });

        let good = bytes_of_standardizer(&standardizer());
        let err = St::from_bytes(&{
            let mut b = good.clone();
            b[16 + 4 * 8..16 + 5 * 8].copy_from_slice(&(-1.0f64).to_le_bytes()); // std[1]
            reseal(&mut b);
            b
        })
        .unwrap_err();
        assert_eq!(err, ScalerBytesError::Inconsistent { field: "std", feature: Some(1), expected: "std ≥ 0" });
        assert_eq!(
            Mm::from_bytes(&good[..40]).unwrap_err(),
            ScalerBytesError::WrongKind { expected: "a MinMaxScaler", found: "a Standardizer" }
        );
    }
}
