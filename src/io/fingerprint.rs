//! The architecture fingerprint: a 64-bit FNV-1a hash of every layer's kind, widths and
//! activation name, computed in `const` context.
//!
//! Each layer hashes a small descriptor of its own ([`dense`], [`dropout`]); a network folds its
//! layers' fingerprints in declaration order ([`network`]). The scalar type is not part of the
//! fingerprint (the header stores it separately), and neither are the struct or field names: two
//! networks with the same layers read each other's bytes.
//!
//! ```
//! use constnet::io::fingerprint;
//! use constnet::{Dense, Layer, Relu, Sigmoid};
//!
//! assert_eq!(<Dense<f32, 2, 4, Relu> as Layer<f32, 2, 4>>::FINGERPRINT, fingerprint::dense(2, 4, "Relu"));
//! assert_ne!(fingerprint::dense(2, 4, "Relu"), fingerprint::dense(2, 4, "Sigmoid"));
//! assert_ne!(fingerprint::dense(2, 4, "Relu"), fingerprint::dense(4, 2, "Relu"));
//! // Order matters.
//! let (a, b) = (fingerprint::dense(2, 2, "Relu"), fingerprint::dense(2, 2, "Tanh"));
//! assert_ne!(fingerprint::network(&[a, b]), fingerprint::network(&[b, a]));
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

/// Continues a 64-bit FNV-1a hash over the 8 little-endian bytes of `value`.
const fn fnv64_u64(state: u64, value: u64) -> u64 {
    fnv64(state, &value.to_le_bytes())
}

/// Fingerprint of a [`Dense`](crate::Dense) layer: the tag `"Dense"`, the input and output
/// widths (as `u64`, little-endian) and the activation's [`NAME`](crate::Activation::NAME).
#[must_use]
pub const fn dense(inputs: usize, outputs: usize, activation: &str) -> u64 {
    let mut h = fnv64(FNV64_OFFSET, b"Dense");
    h = fnv64_u64(h, inputs as u64);
    h = fnv64_u64(h, outputs as u64);
    h = fnv64(h, activation.as_bytes());
    // Terminates the name, so that no two descriptors are prefixes of each other.
    fnv64(h, &[0])
}

/// Fingerprint of a [`Dropout`](crate::Dropout) layer: the tag `"Dropout"`, its width and its
/// rate in parts per million. Dropout has no parameters, but it is part of the architecture.
#[must_use]
pub const fn dropout(width: usize, rate_ppm: u32) -> u64 {
    let mut h = fnv64(FNV64_OFFSET, b"Dropout");
    h = fnv64_u64(h, width as u64);
    fnv64_u64(h, rate_ppm as u64)
}

/// Fingerprint of a network: its layer count and the layers' fingerprints, in declaration
/// order.
#[must_use]
pub const fn network(layers: &[u64]) -> u64 {
    let mut h = fnv64(FNV64_OFFSET, b"Network");
    h = fnv64_u64(h, layers.len() as u64);
    let mut i = 0;
    while i < layers.len() {
        h = fnv64_u64(h, layers[i]);
        i += 1;
    }
    h
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
        let base = dense(2, 4, "Relu");
        for other in [dense(3, 4, "Relu"), dense(2, 5, "Relu"), dense(2, 4, "Tanh"), dropout(2, 4)] {
            assert_ne!(base, other);
        }
        assert_ne!(dropout(4, 200_000), dropout(4, 300_000));
        assert_ne!(network(&[base]), network(&[base, base]));
        assert_ne!(network(&[]), network(&[base]));
    }
}
