//! The `Heap` storage (`std` only): `HeapDense`'s matrix on a cache line, its vector boxed.

use super::Storage;
use crate::Scalar;
use core::borrow::{Borrow, BorrowMut};
use core::fmt::Debug;

/// Weights on the heap (`std` only): a layer is two pointers wide, so a network of them, its
/// gradients and its optimizer state never touch the stack. The matrix is a [`HeapMatrix`],
/// built in place on a 64-byte boundary (only one row `[T; IN]` is ever on the stack); the
/// vector a `Box`. `Clone::clone_from` copies into the existing allocations.
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Heap;

impl Storage for Heap {
    type Matrix<T: Scalar, const IN: usize, const OUT: usize> = HeapMatrix<T, IN, OUT>;
    type Vector<T: Scalar, const N: usize> = std::boxed::Box<[T; N]>;
    const NAME: &'static str = "heap";

    fn matrix<T: Scalar, const IN: usize, const OUT: usize>(value: T) -> HeapMatrix<T, IN, OUT> {
        HeapMatrix::filled(value)
    }
    fn vector<T: Scalar, const N: usize>(value: T) -> std::boxed::Box<[T; N]> {
        match std::vec![value; N].into_boxed_slice().try_into() {
            Ok(array) => array,
            Err(_) => unreachable!("a Vec of N elements converts to Box<[_; N]>"),
        }
    }
}

/// Alignment of a [`HeapMatrix`], in bytes: a cache line.
const LINE: usize = 64;

/// An `OUT × IN` matrix on the heap, row by row, starting on a 64-byte boundary: the matrix of a
/// [`HeapDense`](crate::HeapDense) layer. It dereferences to `[[T; IN]; OUT]`.
///
/// A plain `Box<[[T; IN]; OUT]>` is aligned to `T` only, and a big one comes from `mmap` 16 bytes
/// past a page boundary, so half the 64-byte loads of the SIMD kernels straddled two cache lines:
/// mnist's 784 × 128 layer took 4.2 instead of 2.5 µs per sample.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::HeapDense;
/// let mut layer: HeapDense<f32, 3, 2, Relu> = HeapDense::zeroed();
/// layer.weights[1] = [1.0, 2.0, 3.0];
/// assert_eq!(layer.forward(&[1.0, 1.0, 1.0]), [0.0, 6.0]);
/// assert_eq!(layer.weights.as_ptr() as usize % 64, 0);
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
#[derive(PartialEq)]
pub struct HeapMatrix<T, const IN: usize, const OUT: usize> {
    /// Exactly `OUT` rows.
    rows: aligned_vec::ABox<[[T; IN]], aligned_vec::ConstAlign<LINE>>,
}

impl<T: Copy, const IN: usize, const OUT: usize> HeapMatrix<T, IN, OUT> {
    /// Every element `value`, built in place.
    pub fn filled(value: T) -> Self {
        let rows = aligned_vec::AVec::from_iter(LINE, core::iter::repeat_n([value; IN], OUT));
        Self { rows: rows.into_boxed_slice() }
    }

    /// A copy of `rows` on a 64-byte boundary.
    pub fn from_rows(rows: &[[T; IN]; OUT]) -> Self {
        Self { rows: aligned_vec::AVec::from_slice(LINE, rows).into_boxed_slice() }
    }
}

impl<T: Clone, const IN: usize, const OUT: usize> Clone for HeapMatrix<T, IN, OUT> {
    fn clone(&self) -> Self {
        Self { rows: self.rows.clone() }
    }
    /// Copies into the existing allocation (early stopping snapshots the network every epoch).
    fn clone_from(&mut self, source: &Self) {
        self.rows.clone_from_slice(&source.rows);
    }
}

impl<T, const IN: usize, const OUT: usize> Borrow<[[T; IN]; OUT]> for HeapMatrix<T, IN, OUT> {
    #[inline(always)]
    fn borrow(&self) -> &[[T; IN]; OUT] {
        match <&[[T; IN]; OUT]>::try_from(&*self.rows) {
            Ok(rows) => rows,
            Err(_) => unreachable!("a HeapMatrix holds OUT rows"),
        }
    }
}

impl<T, const IN: usize, const OUT: usize> BorrowMut<[[T; IN]; OUT]> for HeapMatrix<T, IN, OUT> {
    #[inline(always)]
    fn borrow_mut(&mut self) -> &mut [[T; IN]; OUT] {
        match <&mut [[T; IN]; OUT]>::try_from(&mut *self.rows) {
            Ok(rows) => rows,
            Err(_) => unreachable!("a HeapMatrix holds OUT rows"),
        }
    }
}

impl<T, const IN: usize, const OUT: usize> core::ops::Deref for HeapMatrix<T, IN, OUT> {
    type Target = [[T; IN]; OUT];
    #[inline(always)]
    fn deref(&self) -> &[[T; IN]; OUT] {
        self.borrow()
    }
}

impl<T, const IN: usize, const OUT: usize> core::ops::DerefMut for HeapMatrix<T, IN, OUT> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [[T; IN]; OUT] {
        self.borrow_mut()
    }
}

impl<T: Debug, const IN: usize, const OUT: usize> Debug for HeapMatrix<T, IN, OUT> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        Debug::fmt(&*self.rows, f)
    }
}

impl<T: Copy, const IN: usize, const OUT: usize> From<std::boxed::Box<[[T; IN]; OUT]>> for HeapMatrix<T, IN, OUT> {
    /// A copy of the box's rows on a 64-byte boundary (the box is freed).
    fn from(rows: std::boxed::Box<[[T; IN]; OUT]>) -> Self {
        Self::from_rows(&rows)
    }
}
