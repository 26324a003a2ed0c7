//! Train/validation split of paired slices, without copying.

use super::{DataError, error::check_pairs};

/// Borrowed train and validation parts of a data set, as returned by [`split()`].
#[derive(Debug, PartialEq)]
pub struct Split<'a, A, B> {
    /// Inputs used for training: the leading samples.
    pub train_inputs: &'a [A],
    /// Targets paired with [`Split::train_inputs`].
    pub train_targets: &'a [B],
    /// Inputs held out for validation: the trailing samples.
    pub validation_inputs: &'a [A],
    /// Targets paired with [`Split::validation_inputs`].
    pub validation_targets: &'a [B],
}

// Manual impls: a split is a set of shared borrows, copyable whatever `A` and `B` are.
impl<A, B> Clone for Split<'_, A, B> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<A, B> Copy for Split<'_, A, B> {}

/// Splits paired slices into a leading training part and a trailing validation part of
/// `v = round(n · validation_fraction)` samples (`n` = the common length; halves round away from
/// zero). The split is positional: shuffle first with
/// [`shuffle_pairs`](crate::data::shuffle_pairs) if the data is ordered.
///
/// # Errors
/// - [`DataError::LengthMismatch`] if the slices differ in length;
/// - [`DataError::Empty`] if they are empty;
/// - [`DataError::InvalidFraction`] unless `0 < validation_fraction < 1`;
/// - [`DataError::EmptySplitPart`] if `v` is 0 or `n` (too few samples for the fraction).
///
/// ```
/// use constnet::data::split;
///
/// let inputs = [[0.0f32], [1.0], [2.0], [3.0], [4.0]];
/// let targets = [0u8, 1, 0, 1, 0];
/// let parts = split(&inputs, &targets, 0.2)?;
/// assert_eq!(parts.train_inputs.len(), 4);
/// assert_eq!(parts.validation_inputs, &[[4.0]]);
/// assert_eq!(parts.validation_targets, &[0]);
/// # Ok::<(), constnet::data::DataError>(())
/// ```
pub fn split<'a, A, B>(
    inputs: &'a [A],
    targets: &'a [B],
    validation_fraction: f64,
) -> Result<Split<'a, A, B>, DataError> {
    let n = check_pairs(inputs.len(), targets.len())?;
    if !(validation_fraction > 0.0 && validation_fraction < 1.0) {
        return Err(DataError::InvalidFraction { value: validation_fraction });
    }
    // In (0, n), so the cast is exact.
    let validation = num_traits::Float::round(n as f64 * validation_fraction) as usize;
    if validation == 0 || validation >= n {
        return Err(DataError::EmptySplitPart { samples: n, validation });
    }
    let (train_inputs, validation_inputs) = inputs.split_at(n - validation);
    let (train_targets, validation_targets) = targets.split_at(n - validation);
    Ok(Split { train_inputs, train_targets, validation_inputs, validation_targets })
}
