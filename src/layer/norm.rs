use super::LayerShape;
use super::fingerprint::Fingerprint;
use crate::__private::Message;
use crate::{Init, Layer, Parameters, Scalar, TensorInfo, TensorKind, TensorShape};
use core::fmt;
use rand::Rng;

/// Layer normalisation (PyTorch's `nn.LayerNorm(C)`): each group of `C` consecutive values is
/// normalised to mean 0 and variance 1 with its own statistics, then scaled and shifted by the
/// learned `γ` and `β`:
///
/// ```text
/// μ = (1/C)·Σᵢ xᵢ      σ² = (1/C)·Σᵢ (xᵢ − μ)²      r = 1/√(σ² + ε)      x̂ᵢ = (xᵢ − μ)·r
/// yᵢ = γᵢ·x̂ᵢ + βᵢ                                                        (ε = 10⁻⁵)
///
/// ∂L/∂γᵢ = Σ ∂L/∂yᵢ·x̂ᵢ     ∂L/∂βᵢ = Σ ∂L/∂yᵢ     (summed over the groups)
/// ∂L/∂xᵢ = r·(gᵢ − mean(g) − x̂ᵢ·mean(g ⊙ x̂)),   g = γ ⊙ ∂L/∂y
/// ```
///
/// With `C = N` (the default) the whole vector is one group, as after a `Dense` layer. With
/// `C` channels of a time-major sequence (`LayerNorm<LEN·C, C>` after a
/// [`Conv1d`](crate::layer::Conv1d)) every time step is normalised over its channels, PyTorch's
/// `nn.LayerNorm(C)` on a `(…, LEN, C)` tensor, with one `γ`, `β` per channel.
///
/// # Why layer normalisation and not batch normalisation
/// A small network trained on a microcontroller sees one sample at a time; and constnet's
/// trainer back-propagates sample by sample even in mini-batches (it averages per-sample
/// gradients), so no layer ever sees a batch. Batch normalisation needs the statistics of the
/// batch in the forward pass — with one sample the variance is zero — and running averages that
/// behave differently in training and inference. Layer normalisation uses each sample's own
/// statistics: the same function in training and inference, for batch size 1 or 1000, no state
/// besides `γ` and `β`, and an exact per-sample gradient, so per-sample SGD, mini-batches and
/// the fused SGD step all train it. (A PyTorch `BatchNorm1d` in inference folds into the
/// preceding layer's weights and bias, so a model trained with it needs no layer here.)
///
/// # Shapes
/// | item | type | meaning |
/// |---|---|---|
/// | input `x` | `[T; N]` | `N/C` groups of `C` |
/// | `weight` | `[T; C]` | `γ`, tensor `weight` (starts at 1) |
/// | `bias` | `[T; C]` | `β`, tensor `bias` (starts at 0) |
/// | output `y` | `[T; N]` | |
///
/// `C` must divide `N` (a compile error in `network!` otherwise).
///
/// ```
/// use constnet::prelude::*;
/// let norm = LayerNorm::<f64, 4>::identity();
/// let y = norm.forward(&[1.0, 2.0, 3.0, 6.0]);
/// let (mean, var) = (y.iter().sum::<f64>() / 4.0, y.iter().map(|v| v * v).sum::<f64>() / 4.0);
/// assert!(mean.abs() < 1e-15 && (var - 1.0).abs() < 1e-5);
/// ```
#[derive(Clone, PartialEq)]
pub struct LayerNorm<T, const N: usize, const C: usize = N> {
    /// `γ`: one gain per position in the group.
    pub weight: [T; C],
    /// `β`: one shift per position in the group.
    pub bias: [T; C],
}

/// What [`LayerNorm`] records for back-propagation: the normalised input and the output.
#[derive(Clone, Debug, PartialEq)]
pub struct LayerNormTape<T, const N: usize> {
    /// `x̂`.
    pub normalized: [T; N],
    /// `y = γ ⊙ x̂ + β`.
    pub y: [T; N],
}

impl<T: Scalar, const N: usize> Default for LayerNormTape<T, N> {
    fn default() -> Self {
        Self { normalized: [T::ZERO; N], y: [T::ZERO; N] }
    }
}

impl<T: Scalar, const N: usize, const C: usize> LayerNorm<T, N, C> {
    /// `ε`, added to the variance (PyTorch's default).
    pub const EPS: f64 = 1e-5;

    /// `γ = 1`, `β = 0`: plain normalisation (PyTorch's initial values); usable in `const`.
    pub const fn identity() -> Self {
        Self { weight: [T::ONE; C], bias: [T::ZERO; C] }
    }

    /// A layer from `γ` and `β`; usable in `const`/`static`.
    pub const fn from_parts(weight: [T; C], bias: [T; C]) -> Self {
        Self { weight, bias }
    }

    /// `1/√(σ² + ε)` of a group and its mean.
    #[inline(always)]
    fn statistics(group: &[T; C]) -> (T, T) {
        let n = T::from_f64(C as f64);
        let mean = group.iter().copied().sum::<T>() / n;
        let var = group.iter().map(|&v| (v - mean) * (v - mean)).sum::<T>() / n;
        (mean, T::ONE / (var + T::from_f64(Self::EPS)).sqrt())
    }

    /// `x̂`, normalised group by group.
    #[inline]
    fn normalize(x: &[T; N]) -> [T; N] {
        const { assert!(C > 0 && N.is_multiple_of(C), "LayerNorm: the group size C must divide N") };
        let mut out = [T::ZERO; N];
        for (o, g) in out.as_chunks_mut::<C>().0.iter_mut().zip(x.as_chunks::<C>().0) {
            let (mean, r) = Self::statistics(g);
            for (oi, &v) in o.iter_mut().zip(g) {
                *oi = (v - mean) * r;
            }
        }
        out
    }

    /// `γ ⊙ x̂ + β`.
    #[inline]
    fn affine(&self, normalized: &[T; N]) -> [T; N] {
        let mut y = *normalized;
        for group in y.as_chunks_mut::<C>().0 {
            for ((v, &g), &b) in group.iter_mut().zip(&self.weight).zip(&self.bias) {
                *v = g.mul_add(*v, b);
            }
        }
        y
    }
}

impl<T, const N: usize, const C: usize> LayerShape for LayerNorm<T, N, C> {
    const INPUTS: usize = N;
    const OUTPUTS: usize = N;
    const INVALID: Option<&'static str> = if N == 0 {
        None // `network!` reports the zero width itself.
    } else if C == 0 {
        Some("the group size must be at least 1")
    } else if !N.is_multiple_of(C) {
        Some(Self::PROBLEM.as_str())
    } else {
        None
    };
    const INPUT_CHANNELS: Option<usize> = if C == N { None } else { Some(C) };
    const OUTPUT_CHANNELS: Option<usize> = if C == N { None } else { Some(C) };
}

impl<T, const N: usize, const C: usize> LayerNorm<T, N, C> {
    /// The message for a group size that does not divide the width.
    const PROBLEM: Message =
        Message::new().push("the group size ").number(C).push(" does not divide the ").number(N).push(" inputs");
}

impl<T: Scalar, const N: usize, const C: usize> Parameters<T> for LayerNorm<T, N, C> {
    const PARAMS: usize = 2 * C;
    const TENSORS: usize = 2;

    fn zeroed() -> Self {
        Self { weight: [T::ZERO; C], bias: [T::ZERO; C] }
    }
    #[inline]
    fn tensor(&self, index: usize) -> &[T] {
        match index {
            0 => &self.weight,
            1 => &self.bias,
            _ => &[],
        }
    }
    #[inline]
    fn tensor_mut(&mut self, index: usize) -> &mut [T] {
        match index {
            0 => &mut self.weight,
            1 => &mut self.bias,
            _ => &mut [],
        }
    }
    fn tensor_info(index: usize) -> TensorInfo {
        if index == 0 {
            TensorInfo { name: "weight", kind: TensorKind::Weights, shape: TensorShape::new(&[C]) }
        } else {
            TensorInfo { name: "bias", kind: TensorKind::Bias, shape: TensorShape::new(&[C]) }
        }
    }
}

impl<T: Scalar, const N: usize, const C: usize> Layer<T, N, N> for LayerNorm<T, N, C> {
    type Tape = LayerNormTape<T, N>;
    type State = ();
    const FINGERPRINT: u64 = Fingerprint::new("LayerNorm").usize(N).usize(C).u64(Self::EPS.to_bits()).finish();

    /// `γ = 1`, `β = 0`, whatever the scheme (as PyTorch does).
    fn init<R: Rng + ?Sized>(&mut self, _rng: &mut R, _init: Init) {
        *self = Self::identity();
    }

    #[inline]
    fn forward(&self, x: &[T; N]) -> [T; N] {
        self.affine(&Self::normalize(x))
    }

    #[inline]
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; N], tape: &mut Self::Tape, _rng: &mut R) {
        tape.normalized = Self::normalize(x);
        tape.y = self.affine(&tape.normalized);
    }

    #[inline(always)]
    fn output(tape: &Self::Tape) -> &[T; N] {
        &tape.y
    }

    #[inline]
    fn input_gradient(&self, x: &[T; N], tape: &Self::Tape, d_out: &[T; N]) -> [T; N] {
        let n = T::from_f64(C as f64);
        let mut dx = [T::ZERO; N];
        let groups = x.as_chunks::<C>().0.iter().zip(tape.normalized.as_chunks::<C>().0).zip(d_out.as_chunks::<C>().0);
        for (dxg, ((xg, xh), dy)) in dx.as_chunks_mut::<C>().0.iter_mut().zip(groups) {
            let (_, r) = Self::statistics(xg);
            let g: [T; C] = core::array::from_fn(|i| self.weight[i] * dy[i]);
            let mean_g = g.iter().copied().sum::<T>() / n;
            let mean_gx = g.iter().zip(xh).map(|(&a, &b)| a * b).sum::<T>() / n;
            for ((d, &gi), &h) in dxg.iter_mut().zip(&g).zip(xh) {
                *d = r * (gi - mean_g - h * mean_gx);
            }
        }
        dx
    }

    #[inline]
    fn add_gradient(&self, _x: &[T; N], tape: &Self::Tape, d_out: &[T; N], grads: &mut Self) {
        for (xh, dy) in tape.normalized.as_chunks::<C>().0.iter().zip(d_out.as_chunks::<C>().0) {
            for i in 0..C {
                grads.weight[i] = dy[i].mul_add(xh[i], grads.weight[i]);
                grads.bias[i] += dy[i];
            }
        }
    }
}

impl<T: fmt::Debug, const N: usize, const C: usize> fmt::Debug for LayerNorm<T, N, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LayerNorm").field("width", &N).field("weight", &self.weight).field("bias", &self.bias).finish()
    }
}

impl<B: crate::io::ModelBytes, T: Scalar, const N: usize, const C: usize> crate::io::ConstDecode<B>
    for LayerNorm<T, N, C>
where
    [T; C]: crate::io::ConstDecode<B> + crate::io::ConstDecode<crate::io::After<B, [T; C]>>,
{
    const DECODED: Self = Self::from_parts(
        <[T; C] as crate::io::ConstDecode<B>>::DECODED,
        <[T; C] as crate::io::ConstDecode<crate::io::After<B, [T; C]>>>::DECODED,
    );
}
