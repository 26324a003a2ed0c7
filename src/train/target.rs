use crate::Scalar;
use crate::metrics::{argmax_correct, binary_correct, is_argmax};

/// How accuracy is counted, if at all.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Metric {
    /// No accuracy (regression).
    #[default]
    None,
    /// Every output thresholded at 0.5 matches the target thresholded at 0.5 (sigmoid outputs).
    Binary,
    /// The largest output is the target class (softmax outputs).
    Argmax,
}

/// A training target for an output of width `N`: an array `[T; N]` or a class index `usize`.
pub trait Target<T: Scalar, const N: usize>: Copy + core::fmt::Debug {
    /// Whether `prediction` counts as correct for this target under `metric`; `None` when the
    /// metric is [`Metric::None`].
    fn is_correct(&self, metric: Metric, prediction: &[T; N]) -> Option<bool>;
    /// `false` if the target holds NaN or infinity (class indices are always finite).
    fn is_finite(&self) -> bool;
}

impl<T: Scalar, const N: usize> Target<T, N> for [T; N] {
    fn is_correct(&self, metric: Metric, prediction: &[T; N]) -> Option<bool> {
        match metric {
            Metric::None => None,
            Metric::Binary => Some(binary_correct(prediction, self)),
            Metric::Argmax => Some(argmax_correct(prediction, self)),
        }
    }
    fn is_finite(&self) -> bool {
        self.iter().all(|v| v.is_finite())
    }
}

impl<T: Scalar, const N: usize> Target<T, N> for usize {
    fn is_correct(&self, metric: Metric, prediction: &[T; N]) -> Option<bool> {
        match metric {
            Metric::None => None,
            // A single sigmoid output predicts class 1 when it is at least 0.5.
            Metric::Binary if N == 1 => Some(usize::from(prediction[0] >= T::from_f64(0.5)) == *self),
            Metric::Binary | Metric::Argmax => Some(is_argmax(prediction, *self)),
        }
    }
    fn is_finite(&self) -> bool {
        true
    }
}
