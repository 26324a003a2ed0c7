//! Uniform access to the trainable tensors of a layer or a network.

use crate::Scalar;

/// Whether a tensor holds weights or biases (optimizers may treat them differently, e.g. weight
/// decay on weights only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TensorKind {
    /// A weight matrix `W`, stored row by row.
    Weights,
    /// A bias vector `b`.
    Bias,
}

/// A fixed set of parameter tensors, numbered `0..TENSORS`, each a flat slice of scalars.
///
/// Layers implement it, and `network!` implements it for a whole network by numbering its
/// layers' tensors in declaration order (`hidden1.weights`, `hidden1.bias`, `hidden2.weights`, …).
/// Gradients and optimizer state are values of the *same type* as the parameters, so tensor `i`
/// of the gradients belongs to tensor `i` of the weights; an optimizer walks the tensors by index
/// and updates slice by slice, with no allocation and no dynamic dispatch.
///
/// ```
/// use constnet::{Dense, Parameters, Relu};
/// let mut layer = Dense::<f32, 3, 2, Relu>::zeroed();
/// assert_eq!(<Dense<f32, 3, 2, Relu> as Parameters<f32>>::PARAMS, 8);
/// layer.tensor_mut(1).copy_from_slice(&[0.5, -0.5]); // the bias
/// assert_eq!(layer.bias, [0.5, -0.5]);
/// assert_eq!(layer.squared_norm(), 0.5);
/// ```
pub trait Parameters<T: Scalar>: Sized {
    /// Number of scalars over all tensors.
    const PARAMS: usize;
    /// Number of tensors.
    const TENSORS: usize;

    /// All parameters zero.
    fn zeroed() -> Self;
    /// Tensor `index` as a flat slice; an empty slice when `index >= TENSORS`.
    fn tensor(&self, index: usize) -> &[T];
    /// Tensor `index` as a flat mutable slice; an empty slice when `index >= TENSORS`.
    fn tensor_mut(&mut self, index: usize) -> &mut [T];
    /// Whether tensor `index` holds weights or biases.
    fn tensor_kind(index: usize) -> TensorKind;

    /// Sets every parameter to `value` (e.g. zero before accumulating gradients).
    fn fill(&mut self, value: T) {
        for t in 0..Self::TENSORS {
            self.tensor_mut(t).fill(value);
        }
    }
    /// `Σ p²` over all parameters (the squared global norm used for gradient clipping).
    fn squared_norm(&self) -> T {
        let mut sum = T::ZERO;
        for t in 0..Self::TENSORS {
            sum += crate::kernel::sum_of_squares(self.tensor(t));
        }
        sum
    }
    /// Multiplies every parameter by `factor`.
    fn scale(&mut self, factor: T) {
        for t in 0..Self::TENSORS {
            for p in self.tensor_mut(t) {
                *p *= factor;
            }
        }
    }
    /// `true` when no parameter is NaN or infinite.
    fn all_finite(&self) -> bool {
        (0..Self::TENSORS).all(|t| self.tensor(t).iter().all(|p| p.is_finite()))
    }
}
