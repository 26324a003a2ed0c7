//! The error type of the data helpers and metrics.

use core::fmt;

/// Input to a data helper or metric that cannot be used as given.
///
/// Every message names what was wrong and what was expected. A constant feature is *not* an
/// error: [`MinMaxScaler`](crate::data::MinMaxScaler) maps it to the middle of its range and
/// [`Standardizer`](crate::data::Standardizer) divides it by 1.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum DataError {
    /// There are no samples.
    Empty,
    /// The inputs and the targets (or labels) have different lengths.
    LengthMismatch {
        /// Number of inputs.
        inputs: usize,
        /// Number of targets or labels.
        targets: usize,
    },
    /// A validation fraction outside the open interval `(0, 1)` (or NaN).
    InvalidFraction {
        /// The fraction given.
        value: f64,
    },
    /// A numeric parameter outside its allowed range.
    InvalidParameter {
        /// The parameter's name, e.g. `"noise"`.
        name: &'static str,
        /// The value given.
        value: f64,
        /// The allowed values, e.g. `"a finite value >= 0"`.
        expected: &'static str,
    },
    /// A scaler output range that is empty, reversed or not finite.
    InvalidRange {
        /// The lower bound given.
        low: f64,
        /// The upper bound given.
        high: f64,
    },
    /// A sample contains NaN or an infinity, which would poison a fitted scaler.
    NonFinite {
        /// Index of the sample.
        sample: usize,
        /// Index of the feature within the sample.
        feature: usize,
    },
    /// A train/validation split that would leave one of the two parts without samples.
    EmptySplitPart {
        /// Number of samples being split.
        samples: usize,
        /// Number of samples the fraction assigns to validation (`round(samples · fraction)`).
        validation: usize,
    },
    /// A row of values (e.g. from a CSV reader) whose length is not the width it is converted to.
    WrongWidth {
        /// Index of the row.
        row: usize,
        /// Number of values in the row.
        found: usize,
        /// Number of values expected: the array width, or input plus target width.
        expected: usize,
    },
    /// A finite value too large for the scalar type it is converted to (e.g. `1e39` as `f32`).
    OutOfRange {
        /// Index of the sample (row).
        sample: usize,
        /// Index of the feature (column) within the sample.
        feature: usize,
        /// The value given.
        value: f64,
        /// The scalar type it does not fit, e.g. `"f32"`.
        scalar: &'static str,
    },
    /// A feature whose values span more than the scalar type can represent as a difference, so
    /// a fitted scaler would produce infinite statistics or infinite scaled values.
    RangeTooLarge {
        /// Index of the feature.
        feature: usize,
        /// The smallest value of the feature.
        min: f64,
        /// The largest value of the feature.
        max: f64,
    },
    /// A class label that the network has no output for.
    LabelOutOfRange {
        /// Index of the sample.
        sample: usize,
        /// The label given.
        label: usize,
        /// Number of classes the network distinguishes; labels must be below it.
        classes: usize,
    },
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DataError::Empty => f.write_str("no samples: expected at least one sample"),
            DataError::LengthMismatch { inputs, targets } => {
                write!(f, "{inputs} inputs but {targets} targets: expected exactly one target per input")
            }
            DataError::InvalidFraction { value } => {
                write!(f, "invalid validation fraction {value}: expected a fraction with 0 < fraction < 1")
            }
            DataError::InvalidParameter { name, value, expected } => {
                write!(f, "invalid {name} {value}: expected {expected}")
            }
            DataError::InvalidRange { low, high } => {
                write!(f, "invalid scaling range [{low}, {high}]: expected finite bounds with low < high")
            }
            DataError::NonFinite { sample, feature } => {
                write!(f, "feature {feature} of sample {sample} is NaN or infinite: expected finite values only")
            }
            DataError::EmptySplitPart { samples, validation } => write!(
                f,
                "splitting {samples} samples puts {validation} in validation and {} in training: \
                 expected at least one sample in each part",
                samples.saturating_sub(validation)
            ),
            DataError::WrongWidth { row, found, expected } => {
                write!(f, "row {row} has {found} values: expected {expected}")
            }
            DataError::OutOfRange { sample, feature, value, scalar } => write!(
                f,
                "feature {feature} of sample {sample} is {value:e}, which is infinite as {scalar}: expected a value \
                 within {scalar}'s finite range"
            ),
            DataError::RangeTooLarge { feature, min, max } => write!(
                f,
                "feature {feature} spans [{min:e}, {max:e}], too wide to scale without overflow: expected values \
                 whose differences are finite (divide the feature by a constant first)"
            ),
            DataError::LabelOutOfRange { sample, label, classes } => {
                write!(f, "label {label} of sample {sample} is out of range: expected a class index below {classes}")
            }
        }
    }
}

impl core::error::Error for DataError {}

/// Checks that there are as many targets as inputs and at least one of each; returns the count.
pub(crate) fn check_pairs(inputs: usize, targets: usize) -> Result<usize, DataError> {
    if inputs != targets {
        Err(DataError::LengthMismatch { inputs, targets })
    } else if inputs == 0 {
        Err(DataError::Empty)
    } else {
        Ok(inputs)
    }
}
