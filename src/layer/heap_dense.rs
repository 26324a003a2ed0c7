use super::DenseTape;
use super::dense_math as math;
use crate::{Activation, Identity, Init, Layer, Parameters, Scalar, TensorKind};
use core::fmt;
use core::marker::PhantomData;
use rand::Rng;
use std::boxed::Box;
use std::vec::Vec;

/// A [`Dense`](crate::Dense) layer whose weight matrix lives on the heap (`std` only): the same
/// function, the same training, the same tensors and byte format, but a network of them is a
/// few pointers wide, so it and its gradients and optimizer state never touch the stack.
///
/// Use it in `network!` for layers too big for a thread's stack, e.g. the 400 KB first layer of
/// an MNIST classifier:
///
/// ```
/// use constnet::prelude::*;
/// use constnet::HeapDense;
/// network! {
///     struct Mnist<f32> { hidden: HeapDense<784, 128, Relu>, output: Dense<128, 10, Softmax> }
/// }
/// let net = Mnist::zeroed(); // 101 770 parameters, built on the heap in place
/// assert!(core::mem::size_of::<Mnist>() < 6 * 1024);
/// assert_eq!(net.forward(&[0.5; 784])[3], 0.1);
/// ```
///
/// The matrix is created in place: it is a `Vec` of `OUT` rows (each row, `[T; IN]`, is the only
/// value ever built on the stack) turned into a `Box<[[T; IN]; OUT]>` without copying. Cloning
/// allocates a new matrix; [`Clone::clone_from`] copies into the existing one.
///
/// # Shapes
/// As [`Dense`](crate::Dense): input `[T; IN]`, `weights` `[[T; IN]; OUT]` (row `j` = neuron `j`),
/// `bias` `[T; OUT]`, output `[T; OUT]`.
pub struct HeapDense<T, const IN: usize, const OUT: usize, A = Identity> {
    /// `W`: row `j` holds the weights of neuron `j`.
    pub weights: Box<[[T; IN]; OUT]>,
    /// `b`: one bias per neuron.
    pub bias: Box<[T; OUT]>,
    activation: PhantomData<A>,
}

/// A boxed `[[T; N]; M]` built row by row on the heap: only one `[T; N]` is ever on the stack.
fn boxed_matrix<T: Copy, const N: usize, const M: usize>(row: [T; N]) -> Box<[[T; N]; M]> {
    boxed_rows(std::vec![row; M])
}

fn boxed_rows<T, const M: usize>(rows: Vec<T>) -> Box<[T; M]> {
    match rows.into_boxed_slice().try_into() {
        Ok(matrix) => matrix,
        Err(_) => unreachable!("a Vec of M rows converts to Box<[_; M]>"),
    }
}

impl<T: Scalar, const IN: usize, const OUT: usize, A: Activation> HeapDense<T, IN, OUT, A> {
    /// A layer from boxed weights (row `j` = neuron `j`) and biases.
    pub fn from_parts(weights: Box<[[T; IN]; OUT]>, bias: Box<[T; OUT]>) -> Self {
        Self { weights, bias, activation: PhantomData }
    }
}

math::dense_layer!(HeapDense);

impl<T: Scalar, const IN: usize, const OUT: usize, A: Activation> Parameters<T> for HeapDense<T, IN, OUT, A> {
    const PARAMS: usize = IN * OUT + OUT;
    const TENSORS: usize = 2;

    fn zeroed() -> Self {
        Self::from_parts(boxed_matrix([T::ZERO; IN]), boxed_rows(std::vec![T::ZERO; OUT]))
    }
    math::dense_tensors!();
}

impl<T: Copy, const IN: usize, const OUT: usize, A> Clone for HeapDense<T, IN, OUT, A> {
    fn clone(&self) -> Self {
        Self {
            weights: boxed_rows(self.weights.to_vec()),
            bias: boxed_rows(self.bias.to_vec()),
            activation: PhantomData,
        }
    }
    fn clone_from(&mut self, source: &Self) {
        self.weights.copy_from_slice(&source.weights[..]);
        self.bias.copy_from_slice(&source.bias[..]);
    }
}

impl<T: PartialEq, const IN: usize, const OUT: usize, A> PartialEq for HeapDense<T, IN, OUT, A> {
    fn eq(&self, other: &Self) -> bool {
        self.weights == other.weights && self.bias == other.bias
    }
}

impl<T: fmt::Debug, const IN: usize, const OUT: usize, A: Activation> fmt::Debug for HeapDense<T, IN, OUT, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeapDense")
            .field("activation", &A::NAME)
            .field("weights", &self.weights)
            .field("bias", &self.bias)
            .finish()
    }
}
