use super::{Activation, ActivationKind, softmax};
use crate::Scalar;

/// Softmax, `yᵢ = e^{zᵢ} / Σⱼ e^{zⱼ}`, with the exponentials from [`Scalar::exp_fast`], so a
/// layer of them vectorises (across the outputs for one sample, across samples in a batch).
///
/// Max-shifted like [`Softmax`](crate::Softmax), so it never overflows; each `e^{zᵢ − max}` has
/// a relative error below 1.0e−7 (down to `e^{−87}`, beneath which it saturates at 1.2e−38
/// instead of 0), so each output is within about 3e−7 (relative) of the exact softmax.
/// Reports [`ActivationKind::Softmax`], so the cross-entropy losses fuse with it to `p − y`.
///
/// ```
/// use constnet::{Activation, FastSoftmax, Softmax};
/// let z = [1.0f32, -2.0, 0.5, 3.0];
/// let (mut fast, mut exact) = ([0.0; 4], [0.0; 4]);
/// FastSoftmax::apply(&z, &mut fast);
/// Softmax::apply(&z, &mut exact);
/// for (f, e) in fast.iter().zip(&exact) {
///     assert!((f - e).abs() <= 3e-7 * e);
/// }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct FastSoftmax;

impl Activation for FastSoftmax {
    const NAME: &'static str = "FastSoftmax";
    const KIND: ActivationKind = ActivationKind::Softmax;
    const FUNCTION: &'static str = "softmax";

    #[inline(always)]
    fn apply<T: Scalar, const N: usize>(z: &[T; N], y: &mut [T; N]) {
        softmax::apply_with(z, y, T::exp_fast, true);
    }

    #[inline(always)]
    fn apply_block<T: Scalar, const N: usize, const S: usize>(v: &mut [[T; S]; N]) {
        softmax::apply_block_with(v, T::exp_fast);
    }

    #[inline]
    fn backprop<T: Scalar, const N: usize>(z: &[T; N], y: &[T; N], dy: &[T; N], dz: &mut [T; N]) {
        softmax::backprop(z, y, dy, dz);
    }
}
