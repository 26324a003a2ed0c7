//! Where a layer keeps its weights: inline in the layer (the default), or on the heap for layers
//! too big for a stack. A storage is a type parameter of the layer, as heapless' `VecInner<T, S>`
//! and nalgebra's `ArrayStorage` do it: one definition of the arithmetic serves both.

use crate::Scalar;
use core::borrow::{Borrow, BorrowMut};
use core::fmt::Debug;

/// How a layer stores its weight matrices and vectors.
///
/// The layer's arithmetic sees only `&[[T; IN]; OUT]` and `&[T; N]` (through [`Borrow`]), so it
/// is written once; the storage decides where those arrays live.
pub trait Storage: Copy + Debug + Default + PartialEq + Send + Sync + 'static {
    /// A `OUT × IN` matrix stored row by row.
    type Matrix<T: Scalar, const IN: usize, const OUT: usize>: Borrow<[[T; IN]; OUT]>
        + BorrowMut<[[T; IN]; OUT]>
        + Clone
        + Debug
        + PartialEq
        + Send
        + Sync;
    /// A vector of `N` values.
    type Vector<T: Scalar, const N: usize>: Borrow<[T; N]> + BorrowMut<[T; N]> + Clone + Debug + PartialEq + Send + Sync;
    /// Name shown in `Debug` output next to the layer's kind.
    const NAME: &'static str;

    /// A matrix with every element `value`, built in place.
    fn matrix<T: Scalar, const IN: usize, const OUT: usize>(value: T) -> Self::Matrix<T, IN, OUT>;
    /// A vector with every element `value`, built in place.
    fn vector<T: Scalar, const N: usize>(value: T) -> Self::Vector<T, N>;
}

/// Weights inline in the layer: a layer is exactly its weights, lives on the stack or in a
/// `static` (in flash), and its constructors are `const fn`s.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Inline;

impl Storage for Inline {
    type Matrix<T: Scalar, const IN: usize, const OUT: usize> = [[T; IN]; OUT];
    type Vector<T: Scalar, const N: usize> = [T; N];
    const NAME: &'static str = "inline";

    #[inline]
    fn matrix<T: Scalar, const IN: usize, const OUT: usize>(value: T) -> [[T; IN]; OUT] {
        [[value; IN]; OUT]
    }
    #[inline]
    fn vector<T: Scalar, const N: usize>(value: T) -> [T; N] {
        [value; N]
    }
}
