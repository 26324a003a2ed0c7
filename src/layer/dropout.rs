use super::LayerShape;
#[cfg(doc)]
use super::decimal;
use super::fingerprint::Fingerprint;
use crate::{Layer, Parameters, Scalar};
use core::fmt;
use core::marker::PhantomData;
use rand::Rng;

/// Inverted dropout over `N` values with probability `p` (the `f32` whose bits are `RATE`, see
/// [`decimal`]: `Dropout<f32, 128, { decimal(0.2) }>`).
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
/// `p` must lie in `[0, 1)`; a rate outside it, or one so small that it rounds to "never drop"
/// (below 2⁻³²), is a compile error at the layer's declaration in `network!`. The mask is drawn
/// from the training rng with `next_u32`, so it is the same on every platform for the same seed.
/// The layer has no parameters and occupies no memory.
///
/// # Shapes
/// input `[T; N]`, output `[T; N]`.
pub struct Dropout<T, const N: usize, const RATE: u32>(PhantomData<fn() -> T>);

impl<T, const N: usize, const RATE: u32> Dropout<T, N, RATE> {
    /// The drop probability `p`.
    pub const RATE: f32 = f32::from_bits(RATE);

    /// The layer (it has no state and no parameters).
    pub const NEW: Self = Self(PhantomData);

    /// `next_u32() < THRESHOLD` drops a value: `p·2³²` rounded down.
    const THRESHOLD: u64 = (Self::RATE as f64 * 4_294_967_296.0) as u64;
}

impl<T, const N: usize, const RATE: u32> LayerShape for Dropout<T, N, RATE> {
    const INPUTS: usize = N;
    const OUTPUTS: usize = N;
    const INVALID: Option<&'static str> = {
        let p = Self::RATE;
        if !(p >= 0.0 && p < 1.0) {
            Some("the dropout rate must be at least 0 and below 1")
        } else if p > 0.0 && Self::THRESHOLD == 0 {
            Some("the dropout rate is below 2⁻³², so no value would ever be dropped; use 0 or a larger rate")
        } else {
            None
        }
    };
}

/// What a training pass of [`Dropout`] records: the mask (0 or `1/(1 − p)`) and the output.
#[derive(Clone, Debug, PartialEq)]
pub struct DropoutTape<T, const N: usize> {
    /// `mᵢ`.
    pub mask: [T; N],
    /// `y = m ⊙ x`.
    pub y: [T; N],
}

impl<T: Scalar, const N: usize> Default for DropoutTape<T, N> {
    fn default() -> Self {
        Self { mask: [T::ZERO; N], y: [T::ZERO; N] }
    }
}

impl<T: Scalar, const N: usize, const RATE: u32> Layer<T, N, N> for Dropout<T, N, RATE> {
    type Tape = DropoutTape<T, N>;
    type State = ();
    const FINGERPRINT: u64 = Fingerprint::new("Dropout").usize(N).u64(RATE as u64).finish();

    #[inline]
    fn forward(&self, x: &[T; N]) -> [T; N] {
        *x
    }

    #[inline(always)]
    fn forward_block<const S: usize>(&self, x: &[[T; S]; N]) -> [[T; S]; N] {
        *x
    }

    #[inline]
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; N], tape: &mut Self::Tape, rng: &mut R) {
        let keep = T::ONE / (T::ONE - T::from_f64(f64::from(Self::RATE)));
        for ((m, y), &xi) in tape.mask.iter_mut().zip(tape.y.iter_mut()).zip(x) {
            *m = if u64::from(rng.next_u32()) < Self::THRESHOLD { T::ZERO } else { keep };
            *y = *m * xi;
        }
    }

    #[inline(always)]
    fn output(tape: &Self::Tape) -> &[T; N] {
        &tape.y
    }

    /// `∂L/∂x = m ⊙ ∂L/∂y`.
    #[inline]
    fn input_gradient(&self, _x: &[T; N], tape: &Self::Tape, d_out: &[T; N]) -> [T; N] {
        core::array::from_fn(|i| tape.mask[i] * d_out[i])
    }
}

impl<T: Scalar, const N: usize, const RATE: u32> Parameters<T> for Dropout<T, N, RATE> {
    fn zeroed() -> Self {
        Self::NEW
    }
}

impl<T, const N: usize, const RATE: u32> Clone for Dropout<T, N, RATE> {
    fn clone(&self) -> Self {
        Self::NEW
    }
}

impl<T, const N: usize, const RATE: u32> PartialEq for Dropout<T, N, RATE> {
    fn eq(&self, _other: &Self) -> bool {
        true
    }
}

impl<T, const N: usize, const RATE: u32> Default for Dropout<T, N, RATE> {
    fn default() -> Self {
        Self::NEW
    }
}

impl<T, const N: usize, const RATE: u32> fmt::Debug for Dropout<T, N, RATE> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dropout").field("width", &N).field("rate", &Self::RATE).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::decimal;
    use rand::{SeedableRng, rngs::Xoshiro128PlusPlus};

    type Drop<const N: usize, const R: u32> = Dropout<f64, N, R>;

    #[test]
    fn drops_the_configured_fraction_and_keeps_the_mean() {
        let layer = Drop::<1000, { decimal(0.2) }>::NEW;
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
        let keep = 1.0 / (1.0 - f64::from(0.2f32));
        assert!(tape.mask.iter().all(|&m| m == 0.0 || m == keep));
        // Backward routes the gradient through the same mask.
        let dx = layer.input_gradient(&[1.0; 1000], &tape, &[2.0; 1000]);
        assert!(dx.iter().zip(&tape.mask).all(|(&d, &m)| d == 2.0 * m));
        // Inference is the identity.
        let small = Drop::<3, { decimal(0.5) }>::NEW;
        assert_eq!(small.forward(&[1.0, 2.0, 3.0]), [1.0, 2.0, 3.0]);
    }

    #[test]
    fn rate_zero_keeps_everything() {
        let mut tape = DropoutTape::<f32, 64>::default();
        Dropout::<f32, 64, { decimal(0.0) }>::NEW.forward_train(
            &[3.0; 64],
            &mut tape,
            &mut Xoshiro128PlusPlus::seed_from_u64(1),
        );
        assert_eq!(tape.y, [3.0; 64]);
    }

    #[test]
    fn rates_that_cannot_work_are_invalid() {
        assert!(<Drop<4, { decimal(0.2) }> as LayerShape>::INVALID.is_none());
        assert!(<Drop<4, { decimal(0.0) }> as LayerShape>::INVALID.is_none());
        assert!(<Drop<4, { decimal(0.999_999_9) }> as LayerShape>::INVALID.is_none());
        assert!(<Drop<4, { decimal(1e-7) }> as LayerShape>::INVALID.is_none());
        assert!(<Drop<4, { decimal(1.0) }> as LayerShape>::INVALID.is_some());
        assert!(<Drop<4, { decimal(1.5) }> as LayerShape>::INVALID.is_some());
        assert!(<Drop<4, { decimal(-0.1) }> as LayerShape>::INVALID.is_some());
        assert!(<Drop<4, { decimal(f32::NAN) }> as LayerShape>::INVALID.is_some());
        assert!(<Drop<4, { decimal(1e-12) }> as LayerShape>::INVALID.is_some());
    }
}
