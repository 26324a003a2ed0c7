//! One-hot encoding of class indices, and back.

use super::{DataError, error::check_pairs};
use crate::Scalar;
use crate::metrics::predicted_class;

/// Number of classes a target of width `N` encodes: `N`, or 2 for a single output.
const fn classes(n: usize) -> usize {
    if n == 1 { 2 } else { n }
}

/// Writes class indices as one-hot rows: `out[k][labels[k]] = 1`, every other entry 0. A single
/// output (`N = 1`, a sigmoid classifier) encodes the two classes as `[0]` and `[1]`, the
/// convention of [`metrics::predicted_class`](crate::metrics::predicted_class) and
/// [`metrics::class_accuracy`](crate::metrics::class_accuracy).
///
/// # Errors
/// [`DataError::LengthMismatch`] if `labels` and `out` differ in length, [`DataError::Empty`]
/// if they are empty, [`DataError::LabelOutOfRange`] for a label `≥ N` (`≥ 2` for `N = 1`).
/// Every label is checked before anything is written.
///
/// ```
/// use constnet::data::{one_hot_decode, one_hot_encode};
///
/// let labels = [2, 0, 1];
/// let mut targets = [[0.0f32; 3]; 3];
/// one_hot_encode(&labels, &mut targets)?;
/// assert_eq!(targets, [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]);
///
/// let mut back = [0usize; 3];
/// one_hot_decode(&targets, &mut back)?;
/// assert_eq!(back, labels);
/// # Ok::<(), constnet::data::DataError>(())
/// ```
pub fn one_hot_encode<T: Scalar, const N: usize>(labels: &[usize], out: &mut [[T; N]]) -> Result<(), DataError> {
    check_pairs(labels.len(), out.len())?;
    let classes = classes(N);
    if let Some((sample, &label)) = labels.iter().enumerate().find(|&(_, &l)| l >= classes) {
        return Err(DataError::LabelOutOfRange { sample, label, classes });
    }
    for (row, &label) in out.iter_mut().zip(labels) {
        *row = [T::ZERO; N];
        // A single output holds the label itself; otherwise entry `label` is hot. In range:
        // checked above, so `get_mut` always finds the slot.
        let (index, value) = if N == 1 { (0, T::from_f64(label as f64)) } else { (label, T::ONE) };
        if let Some(slot) = row.get_mut(index) {
            *slot = value;
        }
    }
    Ok(())
}

/// The inverse of [`one_hot_encode`]: each row's class, by
/// [`predicted_class`](crate::metrics::predicted_class), i.e. the index of the largest entry
/// (the first one on ties) or, for a single output, 1 if it is at least 0.5. Works on network
/// outputs (softmax probabilities) as well as on exact one-hot rows.
///
/// # Errors
/// [`DataError::LengthMismatch`] if `rows` and `labels` differ in length, [`DataError::Empty`]
/// if they are empty, [`DataError::NonFinite`] for a row containing NaN or an infinity (it has
/// no well-defined class). Every row is checked before anything is written.
pub fn one_hot_decode<T: Scalar, const N: usize>(rows: &[[T; N]], labels: &mut [usize]) -> Result<(), DataError> {
    check_pairs(rows.len(), labels.len())?;
    for (sample, row) in rows.iter().enumerate() {
        if let Some(feature) = row.iter().position(|v| !v.is_finite()) {
            return Err(DataError::NonFinite { sample, feature });
        }
    }
    for (label, row) in labels.iter_mut().zip(rows) {
        *label = predicted_class(row);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn encoding_and_decoding_round_trip() {
        let labels = [3, 0, 1, 3, 2];
        let mut rows = [[9.0f64; 4]; 5];
        one_hot_encode(&labels, &mut rows).unwrap();
        assert_eq!(rows[0], [0.0, 0.0, 0.0, 1.0]);
        assert_eq!(rows[1], [1.0, 0.0, 0.0, 0.0]);
        assert!(rows.iter().all(|r| r.iter().sum::<f64>() == 1.0));
        let mut back = [7usize; 5];
        one_hot_decode(&rows, &mut back).unwrap();
        assert_eq!(back, labels);
        // Decoding is argmax, so it also reads probabilities (ties: the first maximum).
        one_hot_decode(&[[0.1f32, 0.7, 0.2], [0.4, 0.2, 0.4]], &mut back[..2]).unwrap();
        assert_eq!(back[..2], [1, 0]);
    }

    #[test]
    fn a_single_output_encodes_two_classes_as_the_label() {
        let mut rows = [[5.0f32; 1]; 3];
        one_hot_encode(&[1, 0, 1], &mut rows).unwrap();
        assert_eq!(rows, [[1.0], [0.0], [1.0]]);
        let mut back = [9usize; 4];
        one_hot_decode(&[[0.5f32], [0.49], [1.0], [0.0]], &mut back).unwrap();
        assert_eq!(back, [1, 0, 1, 0]);
        let err = one_hot_encode(&[0, 2], &mut [[0.0f32; 1]; 2]).unwrap_err();
        assert_eq!(err, DataError::LabelOutOfRange { sample: 1, label: 2, classes: 2 });
    }

    #[test]
    fn every_error_is_reported_before_anything_is_written() {
        let mut rows = [[9.0f32; 3]; 3];
        let err = one_hot_encode(&[0, 1, 3], &mut rows).unwrap_err();
        assert_eq!(err, DataError::LabelOutOfRange { sample: 2, label: 3, classes: 3 });
        assert_eq!(err.to_string(), "label 3 of sample 2 is out of range: expected a class index below 3");
        assert_eq!(rows, [[9.0; 3]; 3], "rows were written before the error");
        assert_eq!(
            one_hot_encode(&[0, 1], &mut rows).unwrap_err(),
            DataError::LengthMismatch { inputs: 2, targets: 3 }
        );
        assert_eq!(one_hot_encode::<f32, 3>(&[], &mut []).unwrap_err(), DataError::Empty);

        let mut labels = [7usize; 2];
        let err = one_hot_decode(&[[0.0f64, 1.0], [f64::NAN, 0.0]], &mut labels).unwrap_err();
        assert_eq!(err, DataError::NonFinite { sample: 1, feature: 0 });
        assert_eq!(labels, [7, 7]);
        let err = one_hot_decode(&[[f64::INFINITY, 0.0]], &mut labels[..1]).unwrap_err();
        assert_eq!(err, DataError::NonFinite { sample: 0, feature: 0 });
        assert_eq!(
            one_hot_decode(&[[0.0f64, 1.0]], &mut labels).unwrap_err(),
            DataError::LengthMismatch { inputs: 1, targets: 2 }
        );
        assert_eq!(one_hot_decode::<f64, 2>(&[], &mut []).unwrap_err(), DataError::Empty);
    }
}
