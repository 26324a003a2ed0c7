//! Layers: the building blocks `network!` chains together.

mod dense;
mod dense_math;
mod dropout;
#[cfg(feature = "std")]
mod heap_dense;

pub use dense::{Dense, DenseTape};
pub use dropout::{Dropout, DropoutTape};
#[cfg(feature = "std")]
pub use heap_dense::HeapDense;

use crate::{Init, Parameters, Scalar};
use core::fmt::Debug;
use rand::Rng;

/// A layer mapping `[T; IN]` to `[T; OUT]`, with a forward pass for inference, a recording
/// forward pass for training, and a backward pass.
///
/// Gradients have the layer's own type (`grads: &mut Self`): gradient tensor `i` belongs to
/// parameter tensor `i` (see [`Parameters`]). Backward passes *add* into `grads`, so the
/// gradients of a mini-batch accumulate naturally; zero them with
/// [`Parameters::fill`] between steps.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a layer from {IN} to {OUT} values of `{T}`",
    note = "layers are declared inside `network!` as `name: Dense<IN, OUT, Activation>`"
)]
pub trait Layer<T: Scalar, const IN: usize, const OUT: usize>: Parameters<T> + Clone + Debug + PartialEq {
    /// What a training forward pass records for the backward pass (on the stack).
    type Tape: Clone + Debug + Default;
    /// `false` when back-propagation through the layer cannot learn (see [`crate::Step`]).
    const TRAINABLE: bool;
    /// The layer's architecture fingerprint: its kind, widths and activation, hashed with the
    /// functions in [`crate::io::fingerprint`]. Networks combine them to recognise their own
    /// bytes in the model format.
    const FINGERPRINT: u64;

    /// A layer with parameters drawn from `rng` by `init` (already validated).
    fn init<R: Rng + ?Sized>(rng: &mut R, init: Init) -> Self;
    /// Inference: `y = layer(x)`.
    fn forward(&self, x: &[T; IN]) -> [T; OUT];
    /// Inference on a block of `S` samples stored feature-major: `x[i][s]` is input `i` of
    /// sample `s`, and so is the result. The batched forward pass of `network!`
    /// (`forward_batch`) runs every layer this way, so that each loop runs across samples and
    /// vectorises. The default runs [`Layer::forward`] sample by sample; [`Dense`] overrides it
    /// with a register-tiled kernel.
    #[inline]
    fn forward_block<const S: usize>(&self, x: &[[T; S]; IN]) -> [[T; S]; OUT] {
        let mut y = [[T::ZERO; S]; OUT];
        for s in 0..S {
            let sample: [T; IN] = core::array::from_fn(|i| x[i][s]);
            for (row, v) in y.iter_mut().zip(self.forward(&sample)) {
                row[s] = v;
            }
        }
        y
    }
    /// Training forward pass: computes the output into `tape` along with whatever backward needs.
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; IN], tape: &mut Self::Tape, rng: &mut R);
    /// The output recorded by [`Layer::forward_train`].
    fn output(tape: &Self::Tape) -> &[T; OUT];
    /// Given the input `x`, the tape of the forward pass and `∂L/∂y`, adds `∂L/∂θ` into `grads`
    /// and returns `∂L/∂x` for the layer before.
    fn backward(&self, x: &[T; IN], tape: &Self::Tape, d_out: &[T; OUT], grads: &mut Self) -> [T; IN];
    /// As [`Layer::backward`] but without `∂L/∂x`: used for the first layer, where nobody needs
    /// it, which saves `IN·OUT` multiply-adds.
    fn backward_params(&self, x: &[T; IN], tape: &Self::Tape, d_out: &[T; OUT], grads: &mut Self);
}
