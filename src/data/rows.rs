//! Rows of numbers of unchecked length (what a CSV reader or a data frame gives, e.g.
//! `Vec<Vec<f32>>`) into the fixed-width arrays a network takes.

use super::{DataError, error::check_pairs};
use crate::Scalar;

/// Converts one value, naming its position in an error: NaN and infinities are
/// [`DataError::NonFinite`], finite values that overflow `T` (e.g. `1e39` as `f32`)
/// [`DataError::OutOfRange`].
fn convert<T: Scalar, E: Scalar>(value: E, sample: usize, feature: usize) -> Result<T, DataError> {
    if !value.is_finite() {
        return Err(DataError::NonFinite { sample, feature });
    }
    let converted = T::from_f64(value.to_f64());
    if converted.is_finite() {
        Ok(converted)
    } else {
        Err(DataError::OutOfRange { sample, feature, value: value.to_f64(), scalar: T::NAME })
    }
}

/// Checks every row (width and values) before anything is written.
fn check_rows<T: Scalar, E: Scalar, R: AsRef<[E]>>(rows: &[R], width: usize) -> Result<(), DataError> {
    for (row, values) in rows.iter().enumerate() {
        let values = values.as_ref();
        if values.len() != width {
            return Err(DataError::WrongWidth { row, found: values.len(), expected: width });
        }
        for (feature, &v) in values.iter().enumerate() {
            convert::<T, E>(v, row, feature)?;
        }
    }
    Ok(())
}

/// Copies rows of exactly `N` values each into `out` (one array per row), converting each value
/// from `E` to `T` (`f32` or `f64` either way). `rows` can be anything that derefs to a slice of
/// slices: `&[Vec<f32>]`, `&Vec<Vec<f64>>`, `&[[f64; 3]]`, `&[&[f32]]`.
///
/// # Errors
/// [`DataError::LengthMismatch`] if `rows` and `out` differ in length, [`DataError::Empty`] if
/// they are empty, [`DataError::WrongWidth`] for a row without exactly `N` values,
/// [`DataError::NonFinite`] for NaN or an infinity, [`DataError::OutOfRange`] for a finite value
/// that `T` cannot hold. Every row is checked before anything is written.
///
/// ```
/// use constnet::data::rows_into;
///
/// let rows: &[&[f64]] = &[&[0.5, 1.0], &[2.0, -1.5]];
/// let mut inputs = [[0.0f32; 2]; 2];
/// rows_into(rows, &mut inputs)?;
/// assert_eq!(inputs, [[0.5, 1.0], [2.0, -1.5]]);
/// # Ok::<(), constnet::data::DataError>(())
/// ```
pub fn rows_into<T: Scalar, E: Scalar, R: AsRef<[E]>, const N: usize>(
    rows: &[R],
    out: &mut [[T; N]],
) -> Result<(), DataError> {
    check_pairs(rows.len(), out.len())?;
    check_rows::<T, E, R>(rows, N)?;
    for (array, values) in out.iter_mut().zip(rows) {
        for (slot, &v) in array.iter_mut().zip(values.as_ref()) {
            *slot = T::from_f64(v.to_f64());
        }
    }
    Ok(())
}

/// Splits rows of exactly `IN + OUT` values into inputs (the first `IN` values) and targets (the
/// last `OUT`), converting as [`rows_into`] does.
///
/// # Errors
/// As [`rows_into`] (with `IN + OUT` as the expected width); also
/// [`DataError::LengthMismatch`] if `inputs` or `targets` is not as long as `rows`. Nothing is
/// written on error.
///
/// ```
/// use constnet::data::rows_into_pairs;
///
/// let rows = [[5.0f64, 7.0, 6.25], [1.0, 2.0, 3.0]];
/// let (mut inputs, mut targets) = ([[0.0f32; 2]; 2], [[0.0f32; 1]; 2]);
/// rows_into_pairs(&rows, &mut inputs, &mut targets)?;
/// assert_eq!((inputs[0], targets[0]), ([5.0, 7.0], [6.25]));
/// # Ok::<(), constnet::data::DataError>(())
/// ```
pub fn rows_into_pairs<T: Scalar, E: Scalar, R: AsRef<[E]>, const IN: usize, const OUT: usize>(
    rows: &[R],
    inputs: &mut [[T; IN]],
    targets: &mut [[T; OUT]],
) -> Result<(), DataError> {
    check_pairs(rows.len(), inputs.len())?;
    check_pairs(rows.len(), targets.len())?;
    check_rows::<T, E, R>(rows, IN + OUT)?;
    for ((x, y), values) in inputs.iter_mut().zip(targets.iter_mut()).zip(rows) {
        // Every row has `IN + OUT` values (checked above), so the split always succeeds.
        if let Some((head, tail)) = values.as_ref().split_at_checked(IN) {
            for (slot, &v) in x.iter_mut().zip(head) {
                *slot = T::from_f64(v.to_f64());
            }
            for (slot, &v) in y.iter_mut().zip(tail) {
                *slot = T::from_f64(v.to_f64());
            }
        }
    }
    Ok(())
}

/// [`rows_into`] into a new `Vec` (`std` feature): `Vec<Vec<f32>>` rows to `Vec<[T; N]>`.
///
/// # Errors
/// As [`rows_into`].
///
/// ```
/// use constnet::data::rows_to_arrays;
///
/// let rows: Vec<Vec<f32>> = vec![vec![1.0, 2.0, 3.0], vec![4.0, 5.0, 6.0]];
/// let arrays: Vec<[f64; 3]> = rows_to_arrays(&rows)?;
/// assert_eq!(arrays, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
/// # Ok::<(), constnet::data::DataError>(())
/// ```
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub fn rows_to_arrays<T: Scalar, E: Scalar, R: AsRef<[E]>, const N: usize>(
    rows: &[R],
) -> Result<std::vec::Vec<[T; N]>, DataError> {
    let mut out = std::vec![[T::ZERO; N]; rows.len()];
    rows_into(rows, &mut out)?;
    Ok(out)
}

/// [`rows_into_pairs`] into new `Vec`s (`std` feature): rows of `IN + OUT` values to inputs and
/// targets.
///
/// # Errors
/// As [`rows_into_pairs`].
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
#[allow(clippy::type_complexity)]
pub fn rows_to_pairs<T: Scalar, E: Scalar, R: AsRef<[E]>, const IN: usize, const OUT: usize>(
    rows: &[R],
) -> Result<(std::vec::Vec<[T; IN]>, std::vec::Vec<[T; OUT]>), DataError> {
    let mut inputs = std::vec![[T::ZERO; IN]; rows.len()];
    let mut targets = std::vec![[T::ZERO; OUT]; rows.len()];
    rows_into_pairs(rows, &mut inputs, &mut targets)?;
    Ok((inputs, targets))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;
    use std::vec;
    use std::vec::Vec;

    #[test]
    fn rows_of_any_float_become_arrays_of_any_float() {
        let rows: Vec<Vec<f32>> = vec![vec![0.1, 2.0], vec![-3.5, 1e30]];
        let mut wide = [[0.0f64; 2]; 2];
        rows_into(&rows, &mut wide).unwrap();
        assert_eq!(wide, [[f64::from(0.1f32), 2.0], [-3.5, f64::from(1e30f32)]]);
        let rows = [[0.1f64, 0.2], [1.0, 2.0]];
        let mut narrow = [[0.0f32; 2]; 2];
        rows_into(&rows, &mut narrow).unwrap();
        assert_eq!(narrow, [[0.1, 0.2], [1.0, 2.0]]);
    }

    #[cfg(feature = "std")]
    #[test]
    fn vec_helpers_convert_and_check_like_the_slice_versions() {
        let slices: [&[f64]; 2] = [&[1.0, 2.0, 3.0], &[4.0, 5.0, 6.0]];
        let (x, y): (Vec<[f32; 1]>, Vec<[f32; 2]>) = rows_to_pairs(&slices).unwrap();
        assert_eq!((x, y), (vec![[1.0], [4.0]], vec![[2.0, 3.0], [5.0, 6.0]]));
        let arrays: Vec<[f64; 3]> = rows_to_arrays(&slices).unwrap();
        assert_eq!(arrays, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]);
        let err = rows_to_arrays::<f64, f64, _, 2>(&slices).unwrap_err();
        assert_eq!(err, DataError::WrongWidth { row: 0, found: 3, expected: 2 });
        let none: Vec<Vec<f32>> = Vec::new();
        assert_eq!(rows_to_arrays::<f64, f32, _, 3>(&none).unwrap_err(), DataError::Empty);
        assert_eq!(rows_to_pairs::<f64, f32, _, 1, 2>(&none).unwrap_err(), DataError::Empty);
    }

    #[test]
    fn every_error_names_the_row_and_nothing_is_written() {
        let mut out = [[9.0f32; 2]; 3];
        let rows: Vec<Vec<f64>> = vec![vec![1.0, 2.0], vec![3.0], vec![4.0, 5.0]];
        let err = rows_into(&rows, &mut out).unwrap_err();
        assert_eq!(err, DataError::WrongWidth { row: 1, found: 1, expected: 2 });
        assert_eq!(err.to_string(), "row 1 has 1 values: expected 2");

        let rows: Vec<Vec<f64>> = vec![vec![1.0, 2.0], vec![3.0, 4.0], vec![5.0, f64::NAN]];
        assert_eq!(rows_into(&rows, &mut out).unwrap_err(), DataError::NonFinite { sample: 2, feature: 1 });
        let rows: Vec<Vec<f64>> = vec![vec![f64::NEG_INFINITY, 2.0], vec![3.0, 4.0], vec![5.0, 6.0]];
        assert_eq!(rows_into(&rows, &mut out).unwrap_err(), DataError::NonFinite { sample: 0, feature: 0 });

        // Finite in f64, infinite in f32.
        let rows: Vec<Vec<f64>> = vec![vec![1.0, 2.0], vec![3.0, -1e39], vec![5.0, 6.0]];
        let err = rows_into(&rows, &mut out).unwrap_err();
        assert_eq!(err, DataError::OutOfRange { sample: 1, feature: 1, value: -1e39, scalar: "f32" });
        assert_eq!(
            err.to_string(),
            "feature 1 of sample 1 is -1e39, which is infinite as f32: expected a value within f32's finite range"
        );
        assert_eq!(out, [[9.0; 2]; 3], "rows were written before the error");

        assert_eq!(rows_into(&rows[..2], &mut out).unwrap_err(), DataError::LengthMismatch { inputs: 2, targets: 3 });
        assert_eq!(rows_into::<f32, f64, Vec<f64>, 2>(&[], &mut []).unwrap_err(), DataError::Empty);
    }

    #[test]
    fn pairs_need_input_plus_target_width() {
        let rows = [vec![1.0f64, 2.0, 3.0], vec![4.0, 5.0]];
        let (mut x, mut y) = ([[0.0f64; 2]; 2], [[0.0f64; 1]; 2]);
        let err = rows_into_pairs(&rows, &mut x, &mut y).unwrap_err();
        assert_eq!(err, DataError::WrongWidth { row: 1, found: 2, expected: 3 });
        assert_eq!((x, y), ([[0.0; 2]; 2], [[0.0; 1]; 2]));
        let err = rows_into_pairs(&rows, &mut x[..1], &mut y).unwrap_err();
        assert_eq!(err, DataError::LengthMismatch { inputs: 2, targets: 1 });
        let err = rows_into_pairs(&rows, &mut x, &mut y[..1]).unwrap_err();
        assert_eq!(err, DataError::LengthMismatch { inputs: 2, targets: 1 });
        let good = [[1.0f64, 2.0, 3.0], [4.0, 5.0, 6.0]];
        rows_into_pairs(&good, &mut x, &mut y).unwrap();
        assert_eq!((x, y), ([[1.0, 2.0], [4.0, 5.0]], [[3.0], [6.0]]));
    }
}
