//! Invalid optimizer and schedule settings.

use crate::Scalar;
use core::fmt;

/// An optimizer or learning-rate schedule setting that cannot work, found by
/// [`Optimizer::validate`](super::Optimizer::validate) or [`Schedule::validate`](super::Schedule::validate)
/// before the first update. Every message says what was found and what was expected.
///
/// Settings are checked as written (`f64`) and again as the network's scalar type will see them,
/// so an `epsilon` of `1e-50` is refused for an `f32` network, where it would be 0.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum OptimError {
    /// A learning rate that is not finite and positive.
    InvalidLearningRate {
        /// The rate given.
        value: f64,
    },
    /// A parameter outside its range.
    InvalidHyperParameter {
        /// Which parameter.
        name: &'static str,
        /// The value given.
        value: f64,
        /// The range it must lie in.
        expected: &'static str,
    },
    /// A parameter that is valid as written but not once rounded to the network's scalar type
    /// (it overflows to infinity or underflows to 0).
    NotRepresentable {
        /// Which parameter.
        name: &'static str,
        /// The value given.
        value: f64,
        /// The scalar type, e.g. `"f32"`.
        scalar: &'static str,
        /// What the value becomes in that type.
        becomes: f64,
        /// The range it must lie in.
        expected: &'static str,
    },
}

impl fmt::Display for OptimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            OptimError::InvalidLearningRate { value } => {
                write!(f, "invalid learning rate {value}: expected a finite number greater than 0")
            }
            OptimError::InvalidHyperParameter { name, value, expected } => {
                write!(f, "invalid {name} {value}: expected {expected}")
            }
            OptimError::NotRepresentable { name, value, scalar, becomes, expected } => write!(
                f,
                "{name} {value} cannot be used with {scalar} parameters: it becomes {becomes} in {scalar} (expected {expected})"
            ),
        }
    }
}

impl core::error::Error for OptimError {}

/// `Ok` if `ok` holds for `value` as written and as scalar `T` will see it.
pub(crate) fn check<T: Scalar>(
    name: &'static str,
    value: f64,
    ok: impl Fn(f64) -> bool,
    expected: &'static str,
) -> Result<(), OptimError> {
    if !(value.is_finite() && ok(value)) {
        return Err(OptimError::InvalidHyperParameter { name, value, expected });
    }
    let becomes = T::from_f64(value).to_f64();
    if !(becomes.is_finite() && ok(becomes)) {
        return Err(OptimError::NotRepresentable { name, value, scalar: T::NAME, becomes, expected });
    }
    Ok(())
}
