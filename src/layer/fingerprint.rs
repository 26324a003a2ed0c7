//! Architecture fingerprints: 64-bit FNV-1a hashes, computed in `const` context, by which a model
//! file recognises the network it was written for.
//!
//! Every layer type describes itself with a [`Fingerprint`] built from its kind, its widths and
//! whatever else decides what it computes (the function its activation computes, a dropout
//! rate, a kernel size) — but not the names of its types: `Dense<f32, 2, 4, Tanh>` and
//! `Dense<f32, 2, 4, FastTanh>` compute the same function (up to rounding), so they share a
//! fingerprint, and a model trained with one loads into the other. A network folds its layers'
//! fingerprints in order ([`chain`], [`network`]). Neither the scalar type (the model header
//! stores it separately) nor the struct or field names take part: two networks with the same
//! layers read each other's bytes.
//!
//! ```
//! use constnet::layer::fingerprint::{Fingerprint, chain};
//! use constnet::{Dense, FastTanh, Layer, Relu, Tanh};
//!
//! const MINE: u64 = Fingerprint::new("Scale").usize(4).finish();
//! assert_ne!(MINE, Fingerprint::new("Scale").usize(5).finish());
//! assert_eq!(
//!     <Dense<f32, 2, 4, Tanh> as Layer<f32, 2, 4>>::FINGERPRINT,
//!     <Dense<f32, 2, 4, FastTanh> as Layer<f32, 2, 4>>::FINGERPRINT,
//! );
//! assert_ne!(
//!     <Dense<f32, 2, 4, Tanh> as Layer<f32, 2, 4>>::FINGERPRINT,
//!     <Dense<f32, 2, 4, Relu> as Layer<f32, 2, 4>>::FINGERPRINT,
//! );
//! // Order matters.
//! assert_ne!(chain(1, chain(2, 3)), chain(2, chain(1, 3)));
//! ```

/// FNV-1a 64-bit offset basis.
const FNV64_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a 64-bit prime.
const FNV64_PRIME: u64 = 0x0000_0100_0000_01b3;

/// Continues a 64-bit FNV-1a hash `state` over `bytes`.
const fn fnv64(mut state: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        state ^= bytes[i] as u64;
        state = state.wrapping_mul(FNV64_PRIME);
        i += 1;
    }
    state
}

/// A fingerprint under construction: a layer's kind, then the values that decide what it
/// computes, each appended in a self-delimiting way (numbers as 8 little-endian bytes, strings
/// with a terminating 0), so that no two different descriptions hash the same sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub struct Fingerprint(u64);

impl Fingerprint {
    /// Starts a fingerprint for a layer of the given kind, e.g. `"Dense"`.
    pub const fn new(kind: &str) -> Self {
        Self(FNV64_OFFSET).str(kind)
    }
    /// Appends a number (a width, a kernel size…).
    pub const fn usize(self, value: usize) -> Self {
        self.u64(value as u64)
    }
    /// Appends a 64-bit number (for example an `f64`'s bits).
    pub const fn u64(self, value: u64) -> Self {
        Self(fnv64(self.0, &value.to_le_bytes()))
    }
    /// Appends a name, such as [`Activation::FUNCTION`](crate::Activation::FUNCTION).
    pub const fn str(self, text: &str) -> Self {
        Self(fnv64(fnv64(self.0, text.as_bytes()), &[0]))
    }
    /// The finished 64-bit fingerprint.
    #[must_use]
    pub const fn finish(self) -> u64 {
        self.0
    }
}

/// Fingerprint of a layer followed by the rest of a network (`rest` is the fingerprint of the
/// layers after it, or of the last layer alone).
#[must_use]
pub const fn chain(layer: u64, rest: u64) -> u64 {
    Fingerprint::new("Chain").u64(layer).u64(rest).finish()
}

/// Fingerprint of a whole network of `layers` layers whose [`chain`] fingerprint is `chain`.
#[must_use]
pub const fn network(layers: usize, chain: u64) -> u64 {
    Fingerprint::new("Network").usize(layers).u64(chain).finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_matches_the_reference_vectors() {
        // From the FNV reference test suite (draft-eastlake-fnv).
        assert_eq!(fnv64(FNV64_OFFSET, b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv64(FNV64_OFFSET, b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv64(FNV64_OFFSET, b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn every_field_changes_the_fingerprint() {
        let base = Fingerprint::new("Dense").usize(2).usize(4).str("relu").finish();
        for other in [
            Fingerprint::new("Dense").usize(3).usize(4).str("relu").finish(),
            Fingerprint::new("Dense").usize(2).usize(5).str("relu").finish(),
            Fingerprint::new("Dense").usize(2).usize(4).str("tanh").finish(),
            Fingerprint::new("Dropout").usize(2).usize(4).str("relu").finish(),
        ] {
            assert_ne!(base, other);
        }
        // Strings are terminated: "ab" + "c" is not "a" + "bc".
        assert_ne!(Fingerprint::new("ab").str("c").finish(), Fingerprint::new("a").str("bc").finish());
        assert_ne!(network(1, base), network(2, base));
        assert_ne!(chain(base, base), base);
    }
}
