use crate::{Init, Layer, Parameters, Scalar, TensorKind};
use core::fmt;
use rand::Rng;

/// Inverted dropout over `N` values with rate `RATE_PPM / 1 000 000`.
///
/// While training, each value is zeroed with probability `p` and the survivors are scaled by
/// `1/(1 − p)`, so the expected output equals the input; at inference it is the identity.
/// In `network!` it is written with the rate as a decimal: `drop: Dropout<128, 0.2>`.
///
/// ```text
/// training:   yᵢ = mᵢ·xᵢ,  mᵢ = 0 with probability p, else 1/(1 − p)      ∂L/∂xᵢ = mᵢ·∂L/∂yᵢ
/// inference:  y = x
/// ```
///
/// The mask is drawn from the training rng with `next_u32`, so it is the same on every platform
/// for the same seed. The layer has no parameters and occupies no memory.
///
/// # Shapes
/// input `[T; N]`, output `[T; N]`.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Dropout<const N: usize, const RATE_PPM: u32>;

impl<const N: usize, const RATE_PPM: u32> Dropout<N, RATE_PPM> {
    /// The drop probability `p`.
    pub const RATE: f64 = RATE_PPM as f64 / 1_000_000.0;

    /// `next_u32() < THRESHOLD` drops a value: `p·2³²`, saturated.
    const THRESHOLD: u64 = (RATE_PPM as u64 * (1u64 << 32)) / 1_000_000;
}

/// What a training pass of [`Dropout`] records: the mask (0 or `1/(1 − p)`) and the output.
#[derive(Clone, Debug, PartialEq)]
pub struct DropoutTape<T, const N: usize> {
    /// `mᵢ`.
    pub mask: [T; N],
    /// `y = m ⊙ x`.
    pub y: [T; N],
}

impl<const N: usize, const RATE_PPM: u32> Dropout<N, RATE_PPM> {
    /// The gradient that passes back through the layer, `∂L/∂x = m ⊙ ∂L/∂y`, from what a
    /// training forward pass recorded.
    #[inline]
    pub fn error_signal<T: Scalar>(tape: &DropoutTape<T, N>, d_out: &[T; N]) -> [T; N] {
        core::array::from_fn(|i| tape.mask[i] * d_out[i])
    }
}

impl<T: Scalar, const N: usize> Default for DropoutTape<T, N> {
    fn default() -> Self {
        Self { mask: [T::ZERO; N], y: [T::ZERO; N] }
    }
}

impl<T: Scalar, const N: usize, const RATE_PPM: u32> Layer<T, N, N> for Dropout<N, RATE_PPM> {
    type Tape = DropoutTape<T, N>;
    const TRAINABLE: bool = true;
    const FINGERPRINT: u64 = crate::io::fingerprint::dropout(N, RATE_PPM);

    fn init<R: Rng + ?Sized>(_rng: &mut R, _init: Init) -> Self {
        Self
    }

    #[inline]
    fn forward(&self, x: &[T; N]) -> [T; N] {
        *x
    }

    #[inline]
    fn forward_block<const S: usize>(&self, x: &[[T; S]; N]) -> [[T; S]; N] {
        *x
    }

    #[inline]
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; N], tape: &mut Self::Tape, rng: &mut R) {
        let keep = T::ONE / (T::ONE - T::from_f64(Self::RATE));
        for ((m, y), &xi) in tape.mask.iter_mut().zip(tape.y.iter_mut()).zip(x) {
            *m = if u64::from(rng.next_u32()) < Self::THRESHOLD { T::ZERO } else { keep };
            *y = *m * xi;
        }
    }

    #[inline(always)]
    fn output(tape: &Self::Tape) -> &[T; N] {
        &tape.y
    }

    #[inline]
    fn backward(&self, _x: &[T; N], tape: &Self::Tape, d_out: &[T; N], _grads: &mut Self) -> [T; N] {
        Self::error_signal(tape, d_out)
    }

    #[inline]
    fn backward_params(&self, _x: &[T; N], _tape: &Self::Tape, _d_out: &[T; N], _grads: &mut Self) {}
}

impl<T: Scalar, const N: usize, const RATE_PPM: u32> Parameters<T> for Dropout<N, RATE_PPM> {
    const PARAMS: usize = 0;
    const TENSORS: usize = 0;

    fn zeroed() -> Self {
        Self
    }
    fn tensor(&self, _index: usize) -> &[T] {
        &[]
    }
    fn tensor_mut(&mut self, _index: usize) -> &mut [T] {
        &mut []
    }
    fn tensor_kind(_index: usize) -> TensorKind {
        TensorKind::Bias
    }
}

impl<const N: usize, const RATE_PPM: u32> fmt::Debug for Dropout<N, RATE_PPM> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dropout").field("width", &N).field("rate", &Self::RATE).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{SeedableRng, rngs::Xoshiro128PlusPlus};

    #[test]
    fn drops_the_configured_fraction_and_keeps_the_mean() {
        let layer = Dropout::<1000, 200_000>;
        let mut tape = DropoutTape::<f64, 1000>::default();
        let mut rng = Xoshiro128PlusPlus::seed_from_u64(3);
        let (mut dropped, mut total) = (0usize, 0.0);
        for _ in 0..20 {
            layer.forward_train(&[1.0; 1000], &mut tape, &mut rng);
            dropped += tape.mask.iter().filter(|&&m| m == 0.0).count();
            total += tape.y.iter().sum::<f64>();
        }
        let rate = dropped as f64 / 20_000.0;
        assert!((rate - 0.2).abs() < 0.01, "dropped {rate}");
        assert!((total / 20_000.0 - 1.0).abs() < 0.02, "mean {}", total / 20_000.0);
        assert!(tape.mask.iter().all(|&m| m == 0.0 || m == 1.25));
        // Backward routes the gradient through the same mask.
        let dx = layer.backward(&[1.0; 1000], &tape, &[2.0; 1000], &mut Dropout);
        assert!(dx.iter().zip(&tape.mask).all(|(&d, &m)| d == 2.0 * m));
        // Inference is the identity.
        assert_eq!(Layer::<f64, 3, 3>::forward(&Dropout::<3, 500_000>, &[1.0, 2.0, 3.0]), [1.0, 2.0, 3.0]);
    }

    #[test]
    fn rate_zero_keeps_everything() {
        let mut tape = DropoutTape::<f32, 64>::default();
        Dropout::<64, 0>.forward_train(&[3.0; 64], &mut tape, &mut Xoshiro128PlusPlus::seed_from_u64(1));
        assert_eq!(tape.y, [3.0; 64]);
    }
}
