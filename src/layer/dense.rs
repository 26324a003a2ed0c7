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

impl<T: Scalar, const IN: usize, const OUT: usize, A: Activation> Dense<T, IN, OUT, A> {
    /// The pre-activation `z = W·x + b`.
    #[inline]
    pub fn pre_activation(&self, x: &[T; IN]) -> [T; OUT] {
        crate::kernel::mat_vec(&self.weights, &self.bias, x)
    }

    /// Back-propagates a known `δ = ∂L/∂z` (the output layer's error signal, e.g. `p − y` from a
    /// fused loss): adds `δ·xᵀ` to the weight gradients and `δ` to the bias gradients, and, if
    /// `d_in` is given, writes `Wᵀ·δ` into it.
    #[inline]
    pub fn backward_delta(&self, x: &[T; IN], delta: &[T; OUT], grads: &mut Self, d_in: Option<&mut [T; IN]>) {
        if let Some(dx) = d_in {
            *dx = self.input_gradient(delta);
        }
        math::rank_one_update(&mut grads.weights, &mut grads.bias, T::ONE, delta, x);
    }

    /// The error signal at the pre-activation, `δ = ∂L/∂z = A'(z)ᵀ·∂L/∂y`, from what a training
    /// forward pass recorded.
    #[inline]
    pub fn error_signal(tape: &DenseTape<T, OUT>, d_out: &[T; OUT]) -> [T; OUT] {
        math::error_signal::<T, A, OUT>(tape, d_out)
    }

    /// `∂L/∂x = Wᵀ·δ`, computed row by row as `Σⱼ δⱼ·W[j]` (contiguous, so it vectorises).
    #[inline]
    pub fn input_gradient(&self, delta: &[T; OUT]) -> [T; IN] {
        math::input_gradient(&self.weights, delta)
    }

    /// `‖∂L/∂θ‖²` of this layer for one sample with input `x` and error signal `δ`: the
    /// gradient is `δ·xᵀ` and `δ`, so its squared norm is `‖δ‖²·(‖x‖² + 1)`, computed without
    /// forming it.
    #[inline]
    pub fn gradient_norm2(x: &[T; IN], delta: &[T; OUT]) -> T {
        math::gradient_norm2(x, delta)
    }

    /// One step of gradient descent on this layer's gradient for one sample, applied in place:
    /// `W ← W − rate·δ·xᵀ`, `b ← b − rate·δ`. No gradient buffer is involved.
    #[inline]
    pub fn descend(&mut self, x: &[T; IN], delta: &[T; OUT], rate: T) {
        math::rank_one_update(&mut self.weights, &mut self.bias, -rate, delta, x);
    }
}

impl<T: Scalar, const IN: usize, const OUT: usize, A: Activation> Layer<T, IN, OUT> for Dense<T, IN, OUT, A> {
    type Tape = DenseTape<T, OUT>;
    const TRAINABLE: bool = A::TRAINABLE;
    const FINGERPRINT: u64 = crate::io::fingerprint::dense(IN, OUT, A::NAME);

    fn init<R: Rng + ?Sized>(rng: &mut R, init: Init) -> Self {
        let mut layer = Self::zeroed();
        math::init(&mut layer.weights, &mut layer.bias, rng, init.resolve(A::DEFAULT_INIT));
        layer
    }

    #[inline]
    fn forward(&self, x: &[T; IN]) -> [T; OUT] {
        math::forward::<T, A, IN, OUT>(&self.weights, &self.bias, x)
    }

    #[inline]
    fn forward_block<const S: usize>(&self, x: &[[T; S]; IN]) -> [[T; S]; OUT] {
        math::forward_block::<T, A, IN, OUT, S>(&self.weights, &self.bias, x)
    }

    #[inline]
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; IN], tape: &mut Self::Tape, _rng: &mut R) {
        math::forward_train::<T, A, IN, OUT>(&self.weights, &self.bias, x, tape);
    }

    #[inline(always)]
    fn output(tape: &Self::Tape) -> &[T; OUT] {
        &tape.y
    }

    #[inline]
    fn backward(&self, x: &[T; IN], tape: &Self::Tape, d_out: &[T; OUT], grads: &mut Self) -> [T; IN] {
        let mut dx = [T::ZERO; IN];
        self.backward_delta(x, &Self::error_signal(tape, d_out), grads, Some(&mut dx));
        dx
    }

    #[inline]
    fn backward_params(&self, x: &[T; IN], tape: &Self::Tape, d_out: &[T; OUT], grads: &mut Self) {
        self.backward_delta(x, &Self::error_signal(tape, d_out), grads, None);
    }
}

impl<T: Scalar, const IN: usize, const OUT: usize, A: Activation> Parameters<T> for Dense<T, IN, OUT, A> {
    const PARAMS: usize = IN * OUT + OUT;
    const TENSORS: usize = 2;

    fn zeroed() -> Self {
        Self::from_parts([[T::ZERO; IN]; OUT], [T::ZERO; OUT])
    }
    #[inline]
    fn tensor(&self, index: usize) -> &[T] {
        match index {
            0 => self.weights.as_flattened(),
            1 => &self.bias,
            _ => &[],
        }
    }
    #[inline]
    fn tensor_mut(&mut self, index: usize) -> &mut [T] {
        match index {
            0 => self.weights.as_flattened_mut(),
            1 => &mut self.bias,
            _ => &mut [],
        }
    }
    #[inline]
    fn tensor_kind(index: usize) -> TensorKind {
        if index == 0 { TensorKind::Weights } else { TensorKind::Bias }
    }
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
