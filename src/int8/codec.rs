//! The int8 model bytes: every field little-endian, in declaration order, no padding. Run-time
//! encoding and decoding ([`Codec`]) and compile-time decoding ([`ConstDecode`]) of the same
//! layout.

use crate::io::{ConstDecode, Encoded, ModelBytes};

/// A value with a fixed-length little-endian encoding in the int8 model format.
pub trait Codec: Sized {
    /// Encoded length in bytes.
    const BYTES: usize;
    /// Appends the encoding.
    fn write(&self, out: &mut Writer<'_>);
    /// Reads a value written by [`Codec::write`].
    fn read(input: &mut Reader<'_>) -> Self;
}

/// Where the next encoded field goes. Writing past the end of the buffer is ignored (the model
/// code sizes buffers from [`Codec::BYTES`] first).
#[derive(Debug)]
pub struct Writer<'a> {
    buf: &'a mut [u8],
    at: usize,
}

impl<'a> Writer<'a> {
    /// A writer at the start of `buf`.
    pub fn new(buf: &'a mut [u8]) -> Self {
        Self { buf, at: 0 }
    }
    /// Appends `bytes`.
    pub fn put(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if let Some(slot) = self.buf.get_mut(self.at) {
                *slot = b;
            }
            self.at += 1;
        }
    }
}

/// Where the next encoded field is read from. Reading past the end gives zeros (the model code
/// checks lengths and checksums first).
#[derive(Debug)]
pub struct Reader<'a> {
    buf: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Self { buf, at: 0 }
    }
    /// The next `K` bytes.
    pub fn take<const K: usize>(&mut self) -> [u8; K] {
        let bytes = le_bytes::<K>(self.buf, self.at);
        self.at += K;
        bytes
    }
}

/// `K` bytes of `bytes` from `at`, zeros past the end; usable in `const` context.
pub(crate) const fn le_bytes<const K: usize>(bytes: &[u8], at: usize) -> [u8; K] {
    let mut out = [0u8; K];
    let mut i = 0;
    while i < K {
        if at + i < bytes.len() {
            out[i] = bytes[at + i];
        }
        i += 1;
    }
    out
}

macro_rules! int_codec {
    ($($t:ty),*) => {$(
        impl Codec for $t {
            const BYTES: usize = core::mem::size_of::<$t>();
            #[inline]
            fn write(&self, out: &mut Writer<'_>) {
                out.put(&self.to_le_bytes());
            }
            #[inline]
            fn read(input: &mut Reader<'_>) -> Self {
                <$t>::from_le_bytes(input.take())
            }
        }

        impl<const N: usize> Encoded for [$t; N] {
            const ENCODED_BYTES: usize = N * core::mem::size_of::<$t>();
        }

        impl<const N: usize, const M: usize> Encoded for [[$t; N]; M] {
            const ENCODED_BYTES: usize = N * M * core::mem::size_of::<$t>();
        }

        impl<B: ModelBytes, const N: usize> ConstDecode<B> for [$t; N] {
            const DECODED: Self = {
                const W: usize = core::mem::size_of::<$t>();
                let mut out = [0; N];
                let mut i = 0;
                while i < N {
                    out[i] = <$t>::from_le_bytes(le_bytes::<W>(B::BYTES, B::AT + W * i));
                    i += 1;
                }
                out
            };
        }

        impl<B: ModelBytes, const N: usize, const M: usize> ConstDecode<B> for [[$t; N]; M] {
            const DECODED: Self = {
                const W: usize = core::mem::size_of::<$t>();
                let mut out = [[0; N]; M];
                let mut r = 0;
                while r < M {
                    let mut i = 0;
                    while i < N {
                        out[r][i] = <$t>::from_le_bytes(le_bytes::<W>(B::BYTES, B::AT + W * (r * N + i)));
                        i += 1;
                    }
                    r += 1;
                }
                out
            };
        }
    )*};
}

int_codec!(i8, u16, i32);

impl Codec for f32 {
    const BYTES: usize = 4;
    fn write(&self, out: &mut Writer<'_>) {
        out.put(&self.to_le_bytes());
    }
    fn read(input: &mut Reader<'_>) -> Self {
        f32::from_le_bytes(input.take())
    }
}

impl<C: Codec, const N: usize> Codec for [C; N] {
    const BYTES: usize = N * C::BYTES;
    fn write(&self, out: &mut Writer<'_>) {
        for v in self {
            v.write(out);
        }
    }
    fn read(input: &mut Reader<'_>) -> Self {
        core::array::from_fn(|_| C::read(input))
    }
}

impl Codec for () {
    const BYTES: usize = 0;
    fn write(&self, _: &mut Writer<'_>) {}
    fn read(_: &mut Reader<'_>) -> Self {}
}

/// A nested pair of layers (the quantized chain): the first, then the rest.
impl<A: Codec, R: Codec> Codec for (A, R) {
    const BYTES: usize = A::BYTES + R::BYTES;
    fn write(&self, out: &mut Writer<'_>) {
        self.0.write(out);
        self.1.write(out);
    }
    fn read(input: &mut Reader<'_>) -> Self {
        let first = A::read(input);
        (first, R::read(input))
    }
}

impl Encoded for () {
    const ENCODED_BYTES: usize = 0;
}

impl<B: ModelBytes> ConstDecode<B> for () {
    const DECODED: Self = ();
}

impl<A: Encoded, R: Encoded> Encoded for (A, R) {
    const ENCODED_BYTES: usize = A::ENCODED_BYTES + R::ENCODED_BYTES;
}

/// The quantized chain decoded at compile time: the first layer at `B`, the rest after it.
impl<B: ModelBytes, A: ConstDecode<B> + Encoded, R: ConstDecode<crate::io::After<B, A>>> ConstDecode<B> for (A, R) {
    const DECODED: Self = (A::DECODED, R::DECODED);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_round_trip_little_endian() {
        let value = ([-3i8, 7], (0x1234_5678i32, [0xbeefu16; 2]));
        let mut buf = [0u8; 10];
        value.write(&mut Writer::new(&mut buf));
        assert_eq!(buf, [0xfd, 7, 0x78, 0x56, 0x34, 0x12, 0xef, 0xbe, 0xef, 0xbe]);
        assert_eq!(<([i8; 2], (i32, [u16; 2]))>::read(&mut Reader::new(&buf)), value);
        assert_eq!(<([i8; 2], (i32, [u16; 2])) as Codec>::BYTES, 10);
        // Short buffers never panic: missing bytes read as 0, extra writes are dropped.
        assert_eq!(<(i32, i8)>::read(&mut Reader::new(&[1, 0])), (1, 0));
        let mut short = [0u8; 3];
        0x0102_0304i32.write(&mut Writer::new(&mut short));
        assert_eq!(short, [4, 3, 2]);
    }
}
