//! Classification metrics: per-sample checks and accuracy of a network over a data set.
//!
//! ```
//! use constnet::metrics::{argmax, binary_accuracy};
//! use constnet::prelude::*;
//!
//! network! { struct Tiny<f32> { out: Dense<2, 1, Sigmoid> } }
//! let net = Tiny::from_layers(Dense::from_parts([[1.0, 1.0]], [0.0]));
//! // σ(x₁ + x₂) ≥ 0.5 exactly when x₁ + x₂ ≥ 0.
//! let inputs = [[1.0, 1.0], [-1.0, -2.0], [2.0, -3.0]];
//! let targets = [[1.0], [0.0], [1.0]];
//! assert_eq!(binary_accuracy(&net, &inputs, &targets)?, 2.0 / 3.0);
//! assert_eq!(argmax(&[0.1f32, 0.7, 0.2]), 1);
//! # Ok::<(), constnet::data::DataError>(())
//! ```

use crate::data::DataError;
use crate::{Network, Scalar};

/// Index of the largest element: `argmaxᵢ vᵢ`. Ties go to the first maximum, NaN never wins
/// (an all-NaN array gives 0), and an empty array (`N = 0`) gives 0.
#[must_use]
pub fn argmax<T: Scalar, const N: usize>(v: &[T; N]) -> usize {
    let mut best: Option<(usize, T)> = None;
    for (i, &x) in v.iter().enumerate() {
        // Only NaN is unordered with itself.
        if x.partial_cmp(&x).is_none() {
            continue;
        }
        match best {
            Some((_, b)) if x <= b => {}
            _ => best = Some((i, x)),
        }
    }
    best.map_or(0, |(i, _)| i)
}

/// `argmax(v) == class` (see [`argmax`]), without finding the maximum: `v[class]` must not be
/// NaN, every value before it must be smaller and none after it larger (NaN values aside).
/// Every comparison is independent of the others, so there is no data-dependent branch; the
/// running maximum of [`argmax`] mispredicted enough branches to cost a digits-sized training
/// epoch 9% of its time.
///
/// ```
/// use constnet::metrics::{argmax, is_argmax};
/// let v = [0.2f32, 0.7, f32::NAN, 0.7];
/// assert!(is_argmax(&v, 1) && !is_argmax(&v, 3) && !is_argmax(&v, 2) && !is_argmax(&v, 9));
/// assert_eq!(argmax(&v), 1);
/// ```
#[must_use]
pub fn is_argmax<T: Scalar, const N: usize>(v: &[T; N], class: usize) -> bool {
    let Some(&chosen) = v.get(class) else { return false };
    #[allow(clippy::eq_op)] // `x != x` is the NaN test that needs no `Float` bound
    if chosen != chosen {
        // Only an all-NaN array has a NaN argmax: index 0.
        return argmax(v) == class;
    }
    let mut beaten = false;
    for (i, &x) in v.iter().enumerate() {
        // NaN compares false both ways, as `argmax` skips it.
        beaten |= if i < class { x >= chosen } else { x > chosen };
    }
    !beaten
}

/// Whether a value is on the positive side of the 0.5 threshold (`v ≥ 0.5`); `None` for NaN.
fn positive<T: Scalar>(v: T) -> Option<bool> {
    let half = T::from_f64(0.5);
    if v >= half {
        Some(true)
    } else if v < half {
        Some(false)
    } else {
        None
    }
}

/// Binary (multi-label) correctness: every output, thresholded at 0.5 (`ŷᵢ ≥ 0.5` is class 1),
/// equals the target thresholded the same way. A NaN in the prediction is never correct.
#[must_use]
pub fn binary_correct<T: Scalar, const N: usize>(prediction: &[T; N], target: &[T; N]) -> bool {
    prediction.iter().zip(target).all(|(&p, &t)| matches!(positive(p), Some(p) if Some(p) == positive(t)))
}

/// One-hot correctness: `argmax(prediction) == argmax(target)` (see [`argmax`]).
#[must_use]
pub fn argmax_correct<T: Scalar, const N: usize>(prediction: &[T; N], target: &[T; N]) -> bool {
    is_argmax(prediction, argmax(target))
}

/// The class a network output stands for: [`argmax`] for two or more outputs; for a single
/// output (a sigmoid classifier) 1 if `ŷ ≥ 0.5`, else 0.
#[must_use]
pub fn predicted_class<T: Scalar, const N: usize>(prediction: &[T; N]) -> usize {
    if N == 1 { usize::from(prediction.first().and_then(|&p| positive(p)) == Some(true)) } else { argmax(prediction) }
}

/// Fraction of samples whose prediction is correct: `(1/n) Σₖ [correct(net(xₖ), yₖ)]`.
fn accuracy<T, Net, const IN: usize, const OUT: usize>(
    net: &Net,
    inputs: &[[T; IN]],
    targets: &[[T; OUT]],
    correct: fn(&[T; OUT], &[T; OUT]) -> bool,
) -> Result<f64, DataError>
where
    T: Scalar,
    Net: Network<T, IN, OUT>,
{
    let n = crate::data::check_pairs(inputs.len(), targets.len())?;
    let hits = inputs.iter().zip(targets).filter(|(x, y)| correct(&net.forward(x), y)).count();
    Ok(hits as f64 / n as f64)
}

/// Accuracy of a binary or multi-label classifier: the fraction of samples for which
/// [`binary_correct`] holds (every output thresholded at 0.5 matches its target).
///
/// # Errors
/// [`DataError::LengthMismatch`] if `inputs` and `targets` differ in length,
/// [`DataError::Empty`] if they are empty.
pub fn binary_accuracy<T, Net, const IN: usize, const OUT: usize>(
    net: &Net,
    inputs: &[[T; IN]],
    targets: &[[T; OUT]],
) -> Result<f64, DataError>
where
    T: Scalar,
    Net: Network<T, IN, OUT>,
{
    accuracy(net, inputs, targets, binary_correct::<T, OUT>)
}

/// Accuracy of a classifier with one-hot targets: the fraction of samples for which
/// [`argmax_correct`] holds.
///
/// # Errors
/// [`DataError::LengthMismatch`] if `inputs` and `targets` differ in length,
/// [`DataError::Empty`] if they are empty.
pub fn argmax_accuracy<T, Net, const IN: usize, const OUT: usize>(
    net: &Net,
    inputs: &[[T; IN]],
    targets: &[[T; OUT]],
) -> Result<f64, DataError>
where
    T: Scalar,
    Net: Network<T, IN, OUT>,
{
    accuracy(net, inputs, targets, argmax_correct::<T, OUT>)
}

/// Accuracy against class-index labels: the fraction of samples with
/// `predicted_class(net(xₖ)) == labelₖ` (see [`predicted_class`]; a single-output network
/// distinguishes the two classes 0 and 1).
///
/// # Errors
/// [`DataError::LengthMismatch`] if `inputs` and `labels` differ in length,
/// [`DataError::Empty`] if they are empty, [`DataError::LabelOutOfRange`] for a label the network
/// cannot predict (`label ≥ OUT`, or `≥ 2` for a single output). Labels are checked before any
/// forward pass.
pub fn class_accuracy<T, Net, const IN: usize, const OUT: usize>(
    net: &Net,
    inputs: &[[T; IN]],
    labels: &[usize],
) -> Result<f64, DataError>
where
    T: Scalar,
    Net: Network<T, IN, OUT>,
{
    let n = crate::data::check_pairs(inputs.len(), labels.len())?;
    let classes = if OUT == 1 { 2 } else { OUT };
    if let Some((sample, &label)) = labels.iter().enumerate().find(|&(_, &l)| l >= classes) {
        return Err(DataError::LabelOutOfRange { sample, label, classes });
    }
    let hits = inputs.iter().zip(labels).filter(|&(x, &label)| predicted_class(&net.forward(x)) == label).count();
    Ok(hits as f64 / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn argmax_prefers_first_and_skips_nan() {
        assert_eq!(argmax(&[1.0f32, 3.0, 3.0, 2.0]), 1);
        assert_eq!(argmax(&[f64::NAN, -5.0, f64::NAN]), 1);
        assert_eq!(argmax(&[f64::NAN, f64::NAN]), 0);
        assert_eq!(argmax::<f32, 0>(&[]), 0);
        assert_eq!(argmax(&[f32::NEG_INFINITY, f32::NEG_INFINITY]), 0);
    }

    /// `is_argmax(v, c)` agrees with `argmax(v) == c` for every class (and one past the end)
    /// over arrays with ties, signed zeros, NaN and infinities.
    #[test]
    fn is_argmax_agrees_with_argmax() {
        const PICKS: [f32; 8] = [0.0, -0.0, 1.0, -1.0, 0.5, f32::NAN, f32::INFINITY, f32::NEG_INFINITY];
        let mut checked = 0;
        for seed in 0..4000u32 {
            let v: [f32; 5] = core::array::from_fn(|i| {
                let h = (seed.wrapping_mul(2_654_435_761) >> (3 * i)) as usize;
                PICKS[h % PICKS.len()]
            });
            for class in 0..=5 {
                assert_eq!(is_argmax(&v, class), argmax(&v) == class, "{v:?}, class {class}");
                checked += 1;
            }
        }
        assert_eq!(checked, 24_000);
        assert!(is_argmax(&[f32::NAN; 3], 0) && !is_argmax(&[f32::NAN; 3], 1));
    }
}
