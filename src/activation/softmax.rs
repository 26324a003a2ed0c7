use super::{Activation, ActivationKind};
use crate::Scalar;

/// Softmax over the whole layer: `yᵢ = e^{zᵢ} / Σⱼ e^{zⱼ}`, a probability distribution.
///
/// Computed as `e^{zᵢ − max z} / Σⱼ e^{zⱼ − max z}`, which is the same value but can never
/// overflow, so `softmax([1000, 1000]) = [0.5, 0.5]`. Its Jacobian is
/// `∂yᵢ/∂zⱼ = yᵢ(δᵢⱼ − yⱼ)`, so back-propagation gives `∂L/∂zᵢ = yᵢ·(∂L/∂yᵢ − Σⱼ yⱼ·∂L/∂yⱼ)`.
/// Paired with cross-entropy, the training code skips this and uses the fused `p − y`.
///
/// Softmax is not element-wise, so it implements [`Activation`] but not
/// [`ElementWise`](super::ElementWise).
///
/// ```
/// use constnet::{Activation, Softmax};
/// let mut y = [0.0f32; 2];
/// Softmax::apply(&[1000.0, 1000.0], &mut y);
/// assert_eq!(y, [0.5, 0.5]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Softmax;

impl Activation for Softmax {
    const NAME: &'static str = "Softmax";
    const KIND: ActivationKind = ActivationKind::Softmax;
    const FUNCTION: &'static str = "softmax";

    #[inline]
    fn apply<T: Scalar, const N: usize>(z: &[T; N], y: &mut [T; N]) {
        apply_with(z, y, T::exp, false);
    }

    #[inline]
    fn apply_block<T: Scalar, const N: usize, const S: usize>(v: &mut [[T; S]; N]) {
        apply_block_with(v, T::exp);
    }

    #[inline]
    fn backprop<T: Scalar, const N: usize>(z: &[T; N], y: &[T; N], dy: &[T; N], dz: &mut [T; N]) {
        backprop(z, y, dy, dz);
    }
}

/// Softmax of one vector with the given `exp`; `vector_exp` for a branch-free `exp` that
/// vectorises, computed in whole SIMD vectors ([`crate::kernel::map_in_lanes`]).
#[inline(always)]
pub(super) fn apply_with<T: Scalar, const N: usize>(
    z: &[T; N],
    y: &mut [T; N],
    exp: impl Fn(T) -> T,
    vector_exp: bool,
) {
    // The maximum and the sum are balanced trees (`⌈log₂ N⌉` dependent operations instead of
    // `N`): on one sample this is a dependency chain, and a 10-way softmax spent most of its
    // time waiting on a sequential sum. The sum's order is part of the results' bits.
    let Some(&first) = z.first() else { return };
    let max = crate::kernel::tree_max(*z, first);
    if vector_exp {
        crate::kernel::map_in_lanes(z, y, |zi| exp(zi - max));
    } else {
        for (yi, &zi) in y.iter_mut().zip(z) {
            *yi = exp(zi - max);
        }
    }
    let sum = crate::kernel::tree_sum(*y, T::ZERO);
    // sum ≥ 1 because the largest term is e⁰ = 1, so this division is always safe.
    let inv = T::ONE / sum;
    for yi in y.iter_mut() {
        *yi *= inv;
    }
}

/// Softmax of each sample (column) of a feature-major block, in place; every loop runs across
/// samples.
#[inline(always)]
pub(super) fn apply_block_with<T: Scalar, const N: usize, const S: usize>(v: &mut [[T; S]; N], exp: impl Fn(T) -> T) {
    let Some(first) = v.first() else { return };
    let mut max = *first;
    for row in &v[1..] {
        for s in 0..S {
            max[s] = max[s].max(row[s]);
        }
    }
    let mut sum = [T::ZERO; S];
    for row in v.iter_mut() {
        for s in 0..S {
            row[s] = exp(row[s] - max[s]);
            sum[s] += row[s];
        }
    }
    let mut inv = [T::ZERO; S];
    for s in 0..S {
        inv[s] = T::ONE / sum[s];
    }
    for row in v.iter_mut() {
        for s in 0..S {
            row[s] *= inv[s];
        }
    }
}

/// `∂L/∂zᵢ = yᵢ·(∂L/∂yᵢ − Σⱼ yⱼ·∂L/∂yⱼ)`.
#[inline(always)]
pub(super) fn backprop<T: Scalar, const N: usize>(_z: &[T; N], y: &[T; N], dy: &[T; N], dz: &mut [T; N]) {
    let mut dot = T::ZERO;
    for i in 0..N {
        dot += y[i] * dy[i];
    }
    for i in 0..N {
        dz[i] = y[i] * (dy[i] - dot);
    }
}
