use crate::kernel::dot;
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
        let mut z = self.bias;
        for (zj, row) in z.iter_mut().zip(&self.weights) {
            *zj += dot(row, x);
        }
        z
    }

    /// Back-propagates a known `δ = ∂L/∂z` (the output layer's error signal, e.g. `p − y` from a
    /// fused loss): adds `δ·xᵀ` to the weight gradients and `δ` to the bias gradients, and, if
    /// `d_in` is given, writes `Wᵀ·δ` into it.
    #[inline]
    pub fn backward_delta(&self, x: &[T; IN], delta: &[T; OUT], grads: &mut Self, d_in: Option<&mut [T; IN]>) {
        for ((g_row, g_b), &d) in grads.weights.iter_mut().zip(grads.bias.iter_mut()).zip(delta) {
            *g_b += d;
            for (g, &xi) in g_row.iter_mut().zip(x) {
                *g += d * xi;
            }
        }
        if let Some(dx) = d_in {
            *dx = [T::ZERO; IN];
            for (row, &d) in self.weights.iter().zip(delta) {
                for (dxi, &w) in dx.iter_mut().zip(row) {
                    *dxi += w * d;
                }
            }
        }
    }

    #[inline(always)]
    fn delta(tape: &DenseTape<T, OUT>, d_out: &[T; OUT]) -> [T; OUT] {
        let mut delta = [T::ZERO; OUT];
        A::backprop(&tape.z, &tape.y, d_out, &mut delta);
        delta
    }
}

impl<T: Scalar, const IN: usize, const OUT: usize, A: Activation> Layer<T, IN, OUT> for Dense<T, IN, OUT, A> {
    type Tape = DenseTape<T, OUT>;
    const TRAINABLE: bool = A::TRAINABLE;
    const FINGERPRINT: u64 = crate::io::fingerprint::dense(IN, OUT, A::NAME);

    fn init<R: Rng + ?Sized>(rng: &mut R, init: Init) -> Self {
        let init = init.resolve(A::DEFAULT_INIT);
        let mut layer = Self::zeroed();
        for row in layer.weights.iter_mut() {
            for w in row.iter_mut() {
                *w = T::from_f64(init.sample_weight(IN, OUT, rng));
            }
        }
        for b in layer.bias.iter_mut() {
            *b = T::from_f64(init.sample_bias(rng));
        }
        layer
    }

    #[inline]
    fn forward(&self, x: &[T; IN]) -> [T; OUT] {
        let z = self.pre_activation(x);
        let mut y = [T::ZERO; OUT];
        A::apply(&z, &mut y);
        y
    }

    #[inline]
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; IN], tape: &mut Self::Tape, _rng: &mut R) {
        tape.z = self.pre_activation(x);
        A::apply(&tape.z, &mut tape.y);
    }

    #[inline(always)]
    fn output(tape: &Self::Tape) -> &[T; OUT] {
        &tape.y
    }

    #[inline]
    fn backward(&self, x: &[T; IN], tape: &Self::Tape, d_out: &[T; OUT], grads: &mut Self) -> [T; IN] {
        let mut dx = [T::ZERO; IN];
        self.backward_delta(x, &Self::delta(tape, d_out), grads, Some(&mut dx));
        dx
    }

    #[inline]
    fn backward_params(&self, x: &[T; IN], tape: &Self::Tape, d_out: &[T; OUT], grads: &mut Self) {
        self.backward_delta(x, &Self::delta(tape, d_out), grads, None);
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
