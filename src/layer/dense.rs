use super::dense_math as math;
use crate::{Activation, Identity, Init, Layer, Parameters, Scalar, TensorKind};
use core::fmt;
use core::marker::PhantomData;
use rand::Rng;

/// A fully connected layer: `y = A(W·x + b)`.
///
/// Each of the `OUT` neurons takes a weighted sum of all `IN` inputs plus its bias, then applies
/// the activation `A`:
///
/// ```text
/// zⱼ = Σᵢ Wⱼᵢ·xᵢ + bⱼ        (pre-activation)
/// yⱼ = A(z)ⱼ                 (output)
/// ```
///
/// Back-propagation, with `δ = ∂L/∂z = A'(z) ⊙ ∂L/∂y`:
///
/// ```text
/// ∂L/∂Wⱼᵢ = δⱼ·xᵢ     ∂L/∂bⱼ = δⱼ     ∂L/∂xᵢ = Σⱼ Wⱼᵢ·δⱼ   (that is, Wᵀ·δ)
/// ```
///
/// # Shapes
/// | item | type | meaning |
/// |---|---|---|
/// | input `x` | `[T; IN]` | |
/// | `weights` | `[[T; IN]; OUT]` | row `j` holds neuron `j`'s weights, as in the seeds' `W·x` |
/// | `bias` | `[T; OUT]` | one per neuron |
/// | output `y` | `[T; OUT]` | |
///
/// Everything is stored inline: a `Dense<f32, 2, 4, Relu>` is exactly `(2·4 + 4)·4 = 48` bytes,
/// and [`Dense::from_parts`] is a `const fn`, so a layer can live in a `static` (in flash on a
/// microcontroller).
///
/// ```
/// use constnet::prelude::*;
/// // The book's two-input sigmoid layer: weights w11 0.9, w12 0.2, w21 0.3, w22 0.8, no bias.
/// static LAYER: Dense<f64, 2, 2, Sigmoid> = Dense::from_parts([[0.9, 0.3], [0.2, 0.8]], [0.0; 2]);
/// let y = LAYER.forward(&[1.0, 0.5]);
/// assert!((y[0] - 0.7408).abs() < 1e-4 && (y[1] - 0.6457).abs() < 1e-4);
/// ```
pub struct Dense<T, const IN: usize, const OUT: usize, A = Identity> {
    /// `W`: row `j` holds the weights of neuron `j`.
    pub weights: [[T; IN]; OUT],
    /// `b`: one bias per neuron.
    pub bias: [T; OUT],
    activation: PhantomData<A>,
}

/// What [`Dense::forward_train`](Layer::forward_train) records: the pre-activation `z` and the
/// output `y`, since activation derivatives need one or the other.
#[derive(Clone, Debug, PartialEq)]
pub struct DenseTape<T, const OUT: usize> {
    /// `z = W·x + b`.
    pub z: [T; OUT],
    /// `y = A(z)`.
    pub y: [T; OUT],
}

impl<T: Scalar, const OUT: usize> Default for DenseTape<T, OUT> {
    fn default() -> Self {
        Self { z: [T::ZERO; OUT], y: [T::ZERO; OUT] }
    }
}

impl<T, const IN: usize, const OUT: usize, A> Dense<T, IN, OUT, A> {
    /// Number of scalars: `IN·OUT + OUT`.
    pub const PARAMS: usize = IN * OUT + OUT;

    /// A layer from its weights (row `j` = neuron `j`) and biases; usable in `const`/`static`.
    pub const fn from_parts(weights: [[T; IN]; OUT], bias: [T; OUT]) -> Self {
        Self { weights, bias, activation: PhantomData }
    }
}

math::dense_layer!(Dense);

impl<T: Scalar, const IN: usize, const OUT: usize, A: Activation> Parameters<T> for Dense<T, IN, OUT, A> {
    const PARAMS: usize = IN * OUT + OUT;
    const TENSORS: usize = 2;

    fn zeroed() -> Self {
        Self::from_parts([[T::ZERO; IN]; OUT], [T::ZERO; OUT])
    }
    math::dense_tensors!();
}

// Written by hand so that the activation shows by name and `A` needs no `Clone`/`Debug` bounds
// beyond what `Activation` already promises.
impl<T: Clone, const IN: usize, const OUT: usize, A> Clone for Dense<T, IN, OUT, A> {
    fn clone(&self) -> Self {
        Self { weights: self.weights.clone(), bias: self.bias.clone(), activation: PhantomData }
    }
}

impl<T: PartialEq, const IN: usize, const OUT: usize, A> PartialEq for Dense<T, IN, OUT, A> {
    fn eq(&self, other: &Self) -> bool {
        self.weights == other.weights && self.bias == other.bias
    }
}

impl<T: fmt::Debug, const IN: usize, const OUT: usize, A: Activation> fmt::Debug for Dense<T, IN, OUT, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dense")
            .field("activation", &A::NAME)
            .field("weights", &self.weights)
            .field("bias", &self.bias)
            .finish()
    }
}
