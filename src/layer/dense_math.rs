//! The arithmetic of a dense layer on borrowed weights, shared by [`Dense`](super::Dense)
//! (weights inline) and [`HeapDense`](super::HeapDense) (weights boxed).

use super::DenseTape;
use crate::kernel::{mat_block, mat_vec, sum_of_squares};
use crate::{Activation, Init, Scalar};
use rand::Rng;

/// `y = A(W·x + b)`.
#[inline(always)]
pub(crate) fn forward<T: Scalar, A: Activation, const IN: usize, const OUT: usize>(
    w: &[[T; IN]; OUT],
    b: &[T; OUT],
    x: &[T; IN],
) -> [T; OUT] {
    let z = mat_vec(w, b, x);
    let mut y = [T::ZERO; OUT];
    A::apply(&z, &mut y);
    y
}

/// `y = A(W·x + b)` for a feature-major block of samples.
#[inline(always)]
pub(crate) fn forward_block<T: Scalar, A: Activation, const IN: usize, const OUT: usize, const S: usize>(
    w: &[[T; IN]; OUT],
    b: &[T; OUT],
    x: &[[T; S]; IN],
) -> [[T; S]; OUT] {
    let mut y = mat_block(w, b, x);
    A::apply_block(&mut y);
    y
}

/// Records `z` and `y = A(z)`.
#[inline(always)]
pub(crate) fn forward_train<T: Scalar, A: Activation, const IN: usize, const OUT: usize>(
    w: &[[T; IN]; OUT],
    b: &[T; OUT],
    x: &[T; IN],
    tape: &mut DenseTape<T, OUT>,
) {
    tape.z = mat_vec(w, b, x);
    A::apply(&tape.z, &mut tape.y);
}

/// `δ = A'(z)ᵀ·∂L/∂y`.
#[inline(always)]
pub(crate) fn error_signal<T: Scalar, A: Activation, const OUT: usize>(
    tape: &DenseTape<T, OUT>,
    d_out: &[T; OUT],
) -> [T; OUT] {
    let mut delta = [T::ZERO; OUT];
    A::backprop(&tape.z, &tape.y, d_out, &mut delta);
    delta
}

/// `Wᵀ·δ`, row by row as `Σⱼ δⱼ·W[j]` (contiguous, so it vectorises).
#[inline(always)]
pub(crate) fn input_gradient<T: Scalar, const IN: usize, const OUT: usize>(
    w: &[[T; IN]; OUT],
    delta: &[T; OUT],
) -> [T; IN] {
    let mut dx = [T::ZERO; IN];
    for (row, &d) in w.iter().zip(delta) {
        for (dxi, &wi) in dx.iter_mut().zip(row) {
            *dxi = wi.mul_add(d, *dxi);
        }
    }
    dx
}

/// `W ← W + k·δ·xᵀ`, `b ← b + k·δ`: one contiguous multiply-add per weight row.
#[inline(always)]
pub(crate) fn rank_one_update<T: Scalar, const IN: usize, const OUT: usize>(
    w: &mut [[T; IN]; OUT],
    b: &mut [T; OUT],
    k: T,
    delta: &[T; OUT],
    x: &[T; IN],
) {
    for ((row, bj), &d) in w.iter_mut().zip(b.iter_mut()).zip(delta) {
        let kd = k * d;
        *bj += kd;
        for (wi, &xi) in row.iter_mut().zip(x) {
            *wi = kd.mul_add(xi, *wi);
        }
    }
}

/// `‖δ·xᵀ‖² + ‖δ‖² = ‖δ‖²·(‖x‖² + 1)`.
#[inline(always)]
pub(crate) fn gradient_norm2<T: Scalar, const IN: usize, const OUT: usize>(x: &[T; IN], delta: &[T; OUT]) -> T {
    sum_of_squares(delta) * (sum_of_squares(x) + T::ONE)
}

/// Draws weights and biases in place with `init` (already resolved for the activation).
pub(crate) fn init<T: Scalar, R: Rng + ?Sized, const IN: usize, const OUT: usize>(
    w: &mut [[T; IN]; OUT],
    b: &mut [T; OUT],
    rng: &mut R,
    init: Init,
) {
    for row in w.iter_mut() {
        for wi in row.iter_mut() {
            *wi = T::from_f64(init.sample_weight(IN, OUT, rng));
        }
    }
    for bj in b.iter_mut() {
        *bj = T::from_f64(init.sample_bias(rng));
    }
}

/// Writes what `Dense` and `HeapDense` share word for word: the inherent back-propagation helpers
/// and the [`Layer`](crate::Layer) impl. Both store `weights`/`bias` as (possibly boxed) arrays,
/// and `Box` derefs to the array, so one text serves both storages.
macro_rules! dense_layer {
    ($ty:ident) => {
        impl<T: Scalar, const IN: usize, const OUT: usize, A: Activation> $ty<T, IN, OUT, A> {
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

        impl<T: Scalar, const IN: usize, const OUT: usize, A: Activation> Layer<T, IN, OUT> for $ty<T, IN, OUT, A> {
            type Tape = DenseTape<T, OUT>;
            const TRAINABLE: bool = A::TRAINABLE;
            // One architecture whatever the storage: `Dense` and `HeapDense` read each other's bytes.
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
    };
}
pub(crate) use dense_layer;

/// The tensor accessors of [`Parameters`](crate::Parameters) for `Dense` and `HeapDense`:
/// tensor 0 is the weight matrix row by row, tensor 1 the bias.
macro_rules! dense_tensors {
    () => {
        #[inline]
        fn tensor(&self, index: usize) -> &[T] {
            match index {
                0 => self.weights.as_flattened(),
                1 => &self.bias[..],
                _ => &[],
            }
        }
        #[inline]
        fn tensor_mut(&mut self, index: usize) -> &mut [T] {
            match index {
                0 => self.weights.as_flattened_mut(),
                1 => &mut self.bias[..],
                _ => &mut [],
            }
        }
        #[inline]
        fn tensor_kind(index: usize) -> TensorKind {
            if index == 0 { TensorKind::Weights } else { TensorKind::Bias }
        }
    };
}
pub(crate) use dense_tensors;
