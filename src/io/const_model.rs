//! Decoding a model at compile time, so its weights sit in flash: [`include_model!`].
//!
//! Rust has no `const` trait methods on stable, so a network cannot be built from bytes by
//! calling each layer's decoder in a `const fn`. Associated constants are evaluated at compile
//! time, though, and they can depend on types. So the bytes are carried by a type
//! ([`ModelBytes`]: the bytes and an offset), and every layer type says what it decodes to from
//! such a type ([`ConstDecode::DECODED`]); `network!` decodes the layers in order, each at the
//! offset after the one before ([`AfterLayer`]).
//! [`include_model!`](crate::include_model) puts it together for a `static`.

use super::{HEADER_BYTES, LoadError, Model, Spec};
use crate::layer::{Dense, Dropout, Inline};
use crate::network::LayerAt;
use crate::{Parameters, Scalar};
use core::marker::PhantomData;

/// Model bytes known at compile time, and where in them a value starts.
pub trait ModelBytes {
    /// The whole model, header included.
    const BYTES: &'static [u8];
    /// Where the value being decoded starts.
    const AT: usize = 0;
}

/// The bytes of `B`, `N` bytes further on (the parameters after the header).
pub struct Skip<B, const N: usize>(PhantomData<B>);

impl<B: ModelBytes, const N: usize> ModelBytes for Skip<B, N> {
    const BYTES: &'static [u8] = B::BYTES;
    const AT: usize = B::AT + N;
}

/// The bytes of `B` after a value of type `P` (e.g. a bias after its weight matrix).
pub struct After<B, P>(PhantomData<(B, P)>);

impl<B: ModelBytes, P: Encoded> ModelBytes for After<B, P> {
    const BYTES: &'static [u8] = B::BYTES;
    const AT: usize = B::AT + P::ENCODED_BYTES;
}

/// The bytes of `B` after the parameters of layer `K` of network `N` over scalar `T`.
pub struct AfterLayer<B, N, T, const K: usize>(PhantomData<(B, N, T)>);

impl<B: ModelBytes, T: Scalar, N: LayerAt<T, K>, const K: usize> ModelBytes for AfterLayer<B, N, T, K> {
    const BYTES: &'static [u8] = B::BYTES;
    const AT: usize = B::AT + <N::Layer as Parameters<T>>::PARAMS * T::BYTES;
}

/// Length of an array of scalars in the model byte format.
pub trait Encoded {
    /// Bytes in the format.
    const ENCODED_BYTES: usize;
}

impl<T: Scalar, const N: usize> Encoded for [T; N] {
    const ENCODED_BYTES: usize = N * T::BYTES;
}

impl<T: Scalar, const N: usize, const M: usize> Encoded for [[T; N]; M] {
    const ENCODED_BYTES: usize = N * M * T::BYTES;
}

impl<T: Scalar, const N: usize, const M: usize, const K: usize> Encoded for [[[T; N]; M]; K] {
    const ENCODED_BYTES: usize = N * M * K * T::BYTES;
}

/// A value decoded at compile time from the bytes of `B`, starting at `B::AT`.
///
/// Implemented for arrays, matrices and stacks of matrices of `f32` and `f64`, for constnet's
/// layers with inline weights, and by `network!` for every network. A layer of your own implements it by building
/// itself from its tensors' decoded arrays, in the order of [`Parameters::tensor`]; a scalar type
/// of your own implements it for `[S; N]` and `[[S; N]; M]`.
pub trait ConstDecode<B: ModelBytes>: Sized {
    /// Whether the bytes can be decoded: for a whole network, that they are a model of it
    /// (header, length, checksums, see [`check_model_bytes`]). Parts of a network leave the
    /// default `Ok(())`; their [`ConstDecode::DECODED`] never panics, whatever the bytes.
    const CHECK: Result<(), LoadError> = Ok(());
    /// The decoded value.
    const DECODED: Self;
}

/// Checks that `bytes` are a model of network `N` over scalar `T` — magic, version, header
/// checksum, scalar type, architecture fingerprint, length and payload checksum — without
/// decoding it; usable in `const` context.
///
/// # Errors
/// The first problem found, as a [`LoadError`].
pub const fn check_model_bytes<T: Scalar, N: Model<T>>(bytes: &[u8]) -> Result<(), LoadError> {
    Spec::of::<T, N>().check(bytes)
}

/// `bytes[i]`, or 0 past the end: the readers below are total functions and never panic.
const fn byte(bytes: &[u8], i: usize) -> u8 {
    if i < bytes.len() { bytes[i] } else { 0 }
}

macro_rules! const_decode_float {
    ($t:ty, $n:literal, $read:ident) => {
        /// The little-endian value at byte offset `at` (bytes past the end of `bytes` read as 0).
        const fn $read(bytes: &[u8], at: usize) -> $t {
            let mut raw = [0u8; $n];
            let mut i = 0;
            while i < $n {
                raw[i] = byte(bytes, at + i);
                i += 1;
            }
            <$t>::from_le_bytes(raw)
        }

        impl<B: ModelBytes, const N: usize> ConstDecode<B> for [$t; N] {
            const DECODED: Self = {
                let mut out = [0.0; N];
                let mut i = 0;
                while i < N {
                    out[i] = $read(B::BYTES, B::AT + $n * i);
                    i += 1;
                }
                out
            };
        }

        impl<B: ModelBytes, const N: usize, const M: usize> ConstDecode<B> for [[$t; N]; M] {
            const DECODED: Self = {
                let mut out = [[0.0; N]; M];
                let mut r = 0;
                while r < M {
                    let mut i = 0;
                    while i < N {
                        out[r][i] = $read(B::BYTES, B::AT + $n * (r * N + i));
                        i += 1;
                    }
                    r += 1;
                }
                out
            };
        }

        impl<B: ModelBytes, const N: usize, const M: usize, const K: usize> ConstDecode<B> for [[[$t; N]; M]; K] {
            const DECODED: Self = {
                let mut out = [[[0.0; N]; M]; K];
                let mut k = 0;
                while k < K {
                    let mut r = 0;
                    while r < M {
                        let mut i = 0;
                        while i < N {
                            out[k][r][i] = $read(B::BYTES, B::AT + $n * ((k * M + r) * N + i));
                            i += 1;
                        }
                        r += 1;
                    }
                    k += 1;
                }
                out
            };
        }
    };
}

const_decode_float!(f32, 4, f32_at);
const_decode_float!(f64, 8, f64_at);

impl<B: ModelBytes, T: Scalar, const IN: usize, const OUT: usize, A> ConstDecode<B> for Dense<T, IN, OUT, A, Inline>
where
    [[T; IN]; OUT]: ConstDecode<B>,
    [T; OUT]: ConstDecode<After<B, [[T; IN]; OUT]>>,
{
    const DECODED: Self = Dense::from_parts(
        <[[T; IN]; OUT] as ConstDecode<B>>::DECODED,
        <[T; OUT] as ConstDecode<After<B, [[T; IN]; OUT]>>>::DECODED,
    );
}

impl<B: ModelBytes, T, const N: usize, const RATE: u32> ConstDecode<B> for Dropout<T, N, RATE> {
    const DECODED: Self = Self::NEW;
}

/// Where a network's parameters start in its model bytes `B`: right after the header.
pub type Payload<B> = Skip<B, HEADER_BYTES>;
