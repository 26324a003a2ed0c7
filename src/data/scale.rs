//! Feature scaling fitted on training data: min–max scaling and standardisation.

use super::DataError;
use crate::Scalar;

/// Maps each feature linearly from its fitted `[min, max]` onto `[low, high]`, by default
/// `[0.01, 0.99]` (the range of *Make Your Own Neural Network*, which keeps sigmoid targets away
/// from the unreachable 0 and 1):
///
/// `x' = low + (x − min)/(max − min) · (high − low)`
///
/// computed as `(1 − t)·low + t·high` with `t = (x − min)/(max − min)`, so the fitted minimum
/// maps to exactly `low` and the maximum to exactly `high`. A constant feature (`max == min`)
/// maps to the middle `(low + high)/2`: no division by zero, no NaN. Values outside the fitted
/// range map outside `[low, high]` (nothing is clamped).
///
/// Fields are public and [`MinMaxScaler::from_parts`] is a `const fn`, so a scaler fitted on a
/// host can be written into a `static` for a microcontroller.
///
/// ```
/// use constnet::data::MinMaxScaler;
///
/// let mut data = [[0.0f64, 5.0], [10.0, 5.0], [5.0, 5.0]];
/// let scaler = MinMaxScaler::fit(&data)?;
/// scaler.transform(&mut data);
/// assert_eq!(data, [[0.01, 0.5], [0.99, 0.5], [0.5, 0.5]]);
///
/// static SCALER: MinMaxScaler<f32, 1> = MinMaxScaler::from_parts([0.0], [10.0], 0.0, 1.0);
/// assert_eq!(SCALER.transform_one(&[2.5]), [0.25]);
/// # Ok::<(), constnet::data::DataError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MinMaxScaler<T, const N: usize> {
    /// Per-feature minimum seen by [`MinMaxScaler::fit`].
    pub min: [T; N],
    /// Per-feature maximum seen by [`MinMaxScaler::fit`].
    pub max: [T; N],
    /// Where each feature's minimum is mapped.
    pub low: T,
    /// Where each feature's maximum is mapped.
    pub high: T,
}

impl<T: Scalar, const N: usize> MinMaxScaler<T, N> {
    /// Default lower end of the output range.
    pub const DEFAULT_LOW: f64 = 0.01;
    /// Default upper end of the output range.
    pub const DEFAULT_HIGH: f64 = 0.99;

    /// A scaler from stored parts, without validation (for `static`s and `const`s). Use
    /// [`MinMaxScaler::fit`] and [`MinMaxScaler::with_range`] for checked construction.
    #[must_use]
    pub const fn from_parts(min: [T; N], max: [T; N], low: T, high: T) -> Self {
        Self { min, max, low, high }
    }

    /// Records each feature's minimum and maximum over `samples`; the output range is
    /// `[0.01, 0.99]` (change it with [`MinMaxScaler::with_range`]).
    ///
    /// # Errors
    /// [`DataError::Empty`] for no samples, [`DataError::NonFinite`] for a NaN or infinite value,
    /// [`DataError::RangeTooLarge`] for a feature whose `max − min` overflows `T` (its scaled
    /// values would be NaN).
    pub fn fit(samples: &[[T; N]]) -> Result<Self, DataError> {
        let first = samples.first().ok_or(DataError::Empty)?;
        check_finite(samples)?;
        let (min, max) = feature_ranges(samples, first);
        check_span(&min, &max, |i| (max[i] - min[i]).is_finite())?;
        Ok(Self::from_parts(min, max, T::from_f64(Self::DEFAULT_LOW), T::from_f64(Self::DEFAULT_HIGH)))
    }

    /// The same fitted minima and maxima mapped onto `[low, high]` instead.
    ///
    /// # Errors
    /// [`DataError::InvalidRange`] unless both bounds are finite and `low < high`.
    pub fn with_range(self, low: T, high: T) -> Result<Self, DataError> {
        if low.is_finite() && high.is_finite() && low < high {
            Ok(Self { low, high, ..self })
        } else {
            Err(DataError::InvalidRange { low: low.to_f64(), high: high.to_f64() })
        }
    }

    /// Scales one sample: `x'ᵢ = low + (xᵢ − minᵢ)/(maxᵢ − minᵢ)·(high − low)`, or
    /// `(low + high)/2` for a constant feature.
    #[must_use]
    pub fn transform_one(&self, x: &[T; N]) -> [T; N] {
        core::array::from_fn(|i| {
            let (min, max) = (self.min[i], self.max[i]);
            if max == min {
                (self.low + self.high) / (T::ONE + T::ONE)
            } else {
                lerp(self.low, self.high, (x[i] - min) / (max - min))
            }
        })
    }

    /// Scales every sample in place with [`MinMaxScaler::transform_one`].
    pub fn transform(&self, samples: &mut [[T; N]]) {
        for sample in samples {
            *sample = self.transform_one(sample);
        }
    }

    /// Undoes [`MinMaxScaler::transform_one`]: `xᵢ = minᵢ + (x'ᵢ − low)/(high − low)·(maxᵢ − minᵢ)`.
    /// A constant feature comes back as its single value `minᵢ`.
    #[must_use]
    pub fn inverse_one(&self, scaled: &[T; N]) -> [T; N] {
        let t = |v: T| (v - self.low) / (self.high - self.low);
        core::array::from_fn(|i| {
            if self.max[i] == self.min[i] { self.min[i] } else { lerp(self.min[i], self.max[i], t(scaled[i])) }
        })
    }

    /// Undoes [`MinMaxScaler::transform`] in place.
    pub fn inverse(&self, samples: &mut [[T; N]]) {
        for sample in samples {
            *sample = self.inverse_one(sample);
        }
    }
}

/// Standardises each feature: `x' = (x − mean)/std`, with the population standard deviation
/// `std = √(Σ(x − mean)²/n)` of the fitted samples. A constant feature has `std = 0` and is
/// divided by 1 instead, so it maps to 0.
///
/// Fields are public and [`Standardizer::from_parts`] is a `const fn`, so a fitted standardizer
/// can sit in a `static`.
///
/// ```
/// use constnet::data::Standardizer;
///
/// let mut data = [[1.0f64], [3.0]];
/// let s = Standardizer::fit(&data)?;
/// assert_eq!((s.mean, s.std), ([2.0], [1.0]));
/// s.transform(&mut data);
/// assert_eq!(data, [[-1.0], [1.0]]);
/// # Ok::<(), constnet::data::DataError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Standardizer<T, const N: usize> {
    /// Per-feature mean of the fitted samples.
    pub mean: [T; N],
    /// Per-feature population standard deviation (0 for a constant feature).
    pub std: [T; N],
}

impl<T: Scalar, const N: usize> Standardizer<T, N> {
    /// A standardizer from stored parts, without validation (for `static`s and `const`s).
    #[must_use]
    pub const fn from_parts(mean: [T; N], std: [T; N]) -> Self {
        Self { mean, std }
    }

    /// Computes each feature's mean and population standard deviation over `samples` (in `f64`,
    /// two passes). A feature whose values are all equal gets `std = 0` exactly.
    ///
    /// # Errors
    /// [`DataError::Empty`] for no samples, [`DataError::NonFinite`] for a NaN or infinite value,
    /// [`DataError::RangeTooLarge`] for a feature whose extreme values would standardise to an
    /// infinity (`x − mean` overflowing `T`). Sums that would overflow `f64` are computed on the
    /// values divided by their largest magnitude, so finite data always gets finite statistics.
    pub fn fit(samples: &[[T; N]]) -> Result<Self, DataError> {
        let first = samples.first().ok_or(DataError::Empty)?;
        check_finite(samples)?;
        let (min, max) = feature_ranges(samples, first);
        let stats = Self::statistics(samples, first, &min, &max);
        check_span(&min, &max, |i| {
            let (m, s) = (stats.mean[i], stats.std[i]);
            [m, s, max[i] - m, min[i] - m].iter().all(|v| v.is_finite())
        })?;
        Ok(stats)
    }

    /// Mean and population standard deviation, in `f64`, two passes; `min` and `max` are the
    /// features' ranges.
    fn statistics(samples: &[[T; N]], first: &[T; N], min: &[T; N], max: &[T; N]) -> Self {
        let n = samples.len() as f64;
        let mut mean = [T::ZERO; N];
        let mut std = [T::ZERO; N];
        for i in 0..N {
            let constant = samples.iter().all(|s| s[i] == first[i]);
            if constant {
                mean[i] = first[i];
                continue;
            }
            let (m, sd) = mean_and_std(samples.iter().map(|s| s[i].to_f64()), n);
            let (m, sd) = if m.is_finite() && sd.is_finite() {
                (m, sd)
            } else {
                // Sums that overflow f64: the same computation on values divided by the largest
                // magnitude, scaled back (only here, so ordinary data keeps its exact results).
                let scale = min[i].to_f64().abs().max(max[i].to_f64().abs());
                let (m, sd) = mean_and_std(samples.iter().map(|s| s[i].to_f64() / scale), n);
                (m * scale, sd * scale)
            };
            mean[i] = T::from_f64(m);
            std[i] = T::from_f64(sd);
        }
        Self::from_parts(mean, std)
    }

    /// The divisor of feature `i`: its standard deviation, or 1 if that is 0.
    fn divisor(&self, i: usize) -> T {
        if self.std[i] == T::ZERO { T::ONE } else { self.std[i] }
    }

    /// Standardises one sample: `x'ᵢ = (xᵢ − meanᵢ)/stdᵢ` (`stdᵢ = 0` divides by 1).
    #[must_use]
    pub fn transform_one(&self, x: &[T; N]) -> [T; N] {
        core::array::from_fn(|i| (x[i] - self.mean[i]) / self.divisor(i))
    }

    /// Standardises every sample in place with [`Standardizer::transform_one`].
    pub fn transform(&self, samples: &mut [[T; N]]) {
        for sample in samples {
            *sample = self.transform_one(sample);
        }
    }

    /// Undoes [`Standardizer::transform_one`]: `xᵢ = x'ᵢ·stdᵢ + meanᵢ` (`stdᵢ = 0` multiplies by 1).
    #[must_use]
    pub fn inverse_one(&self, standardized: &[T; N]) -> [T; N] {
        core::array::from_fn(|i| standardized[i] * self.divisor(i) + self.mean[i])
    }

    /// Undoes [`Standardizer::transform`] in place.
    pub fn inverse(&self, samples: &mut [[T; N]]) {
        for sample in samples {
            *sample = self.inverse_one(sample);
        }
    }
}

/// `(1 − t)·a + t·b`: exactly `a` at `t = 0` and exactly `b` at `t = 1`.
fn lerp<T: Scalar>(a: T, b: T, t: T) -> T {
    (T::ONE - t) * a + t * b
}

/// Rejects NaN and infinities, naming the first offending sample and feature.
fn check_finite<T: Scalar, const N: usize>(samples: &[[T; N]]) -> Result<(), DataError> {
    for (sample, values) in samples.iter().enumerate() {
        if let Some(feature) = values.iter().position(|v| !v.is_finite()) {
            return Err(DataError::NonFinite { sample, feature });
        }
    }
    Ok(())
}

/// Each feature's minimum and maximum over `samples` (`first` is `samples[0]`).
fn feature_ranges<T: Scalar, const N: usize>(samples: &[[T; N]], first: &[T; N]) -> ([T; N], [T; N]) {
    let (mut min, mut max) = (*first, *first);
    for sample in samples {
        for ((lo, hi), &x) in min.iter_mut().zip(max.iter_mut()).zip(sample) {
            *lo = Scalar::min(*lo, x);
            *hi = Scalar::max(*hi, x);
        }
    }
    (min, max)
}

/// [`DataError::RangeTooLarge`] for the first feature that is not `fits`.
fn check_span<T: Scalar, const N: usize>(
    min: &[T; N],
    max: &[T; N],
    fits: impl Fn(usize) -> bool,
) -> Result<(), DataError> {
    match (0..N).find(|&i| !fits(i)) {
        Some(feature) => {
            Err(DataError::RangeTooLarge { feature, min: min[feature].to_f64(), max: max[feature].to_f64() })
        }
        None => Ok(()),
    }
}

/// Mean and population standard deviation of `values` (`n` of them, two passes).
fn mean_and_std(values: impl Iterator<Item = f64> + Clone, n: f64) -> (f64, f64) {
    let m = values.clone().sum::<f64>() / n;
    let var = values.map(|x| (x - m) * (x - m)).sum::<f64>() / n;
    (m, num_traits::Float::sqrt(var))
}
