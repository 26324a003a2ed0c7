//! Affine quantization of a tensor, and the calibration ranges it is chosen from.

/// `x` rounded to the nearest integer, ties away from zero (`libm` without `std`).
#[inline]
pub(crate) fn round(x: f64) -> f64 {
    num_traits::Float::round(x)
}

/// How an int8 tensor stands for real numbers: `real = scale·(q − zero_point)`, per tensor
/// (TFLite's asymmetric activation quantization).
///
/// ```
/// use constnet::int8::QParams;
/// let p = QParams::from_range(-1.0, 3.0); // 4/255 per step, 0 exactly representable
/// assert_eq!(p.zero_point, -64);
/// assert_eq!(p.quantize(0.0), -64);
/// assert_eq!(p.quantize(100.0), 127); // saturates
/// assert!((p.dequantize(p.quantize(1.0)) - 1.0).abs() <= p.scale / 2.0);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct QParams {
    /// Real value of one step.
    pub scale: f32,
    /// The int8 value that stands for real 0.
    pub zero_point: i8,
}

impl QParams {
    /// TFLite's choice for a calibration range `[min, max]` (its `ChooseQuantizationParams`
    /// for int8): the range is widened to contain 0, `scale = (max − min)/255`, and the zero
    /// point is the one of `−128 − min/scale` and `127 − max/scale` with the smaller error,
    /// rounded and clamped to `[−128, 127]`, so that real 0 is exactly representable (ReLU's
    /// clamp and zero padding depend on it). A range that is the single point 0 (a tensor that
    /// was always 0) gets `scale = 1`, `zero_point = 0`; TFLite gives it scale 0, which no
    /// multiplier can divide by.
    #[must_use]
    pub fn from_range(min: f64, max: f64) -> Self {
        let (min, max) = (min.min(0.0), max.max(0.0));
        if max - min <= 0.0 {
            return Self { scale: 1.0, zero_point: 0 };
        }
        let scale = (max - min) / 255.0;
        let from_min = -128.0 - min / scale;
        let from_max = 127.0 - max / scale;
        let error_min = 128.0 + (min / scale).abs();
        let error_max = 127.0 + (max / scale).abs();
        let zero = if error_min < error_max { from_min } else { from_max };
        Self { scale: scale as f32, zero_point: round(zero).clamp(-128.0, 127.0) as i8 }
    }

    /// `clamp(round(x / scale) + zero_point, −128, 127)`, rounding half away from zero (NaN
    /// becomes the zero point).
    #[must_use]
    pub fn quantize(self, x: f32) -> i8 {
        let q = num_traits::Float::round(x / self.scale) + f32::from(self.zero_point);
        if q.is_nan() { self.zero_point } else { q.clamp(-128.0, 127.0) as i8 }
    }

    /// `scale·(q − zero_point)`.
    #[must_use]
    pub fn dequantize(self, q: i8) -> f32 {
        self.scale * (i32::from(q) - i32::from(self.zero_point)) as f32
    }

    /// The real value of `q`, in `f64`.
    pub(crate) fn real(self, q: i32) -> f64 {
        f64::from(self.scale) * (q - i32::from(self.zero_point)) as f64
    }
}

/// The smallest and largest value a tensor took over the calibration set.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    /// Smallest value seen (`+∞` before the first).
    pub min: f64,
    /// Largest value seen (`−∞` before the first).
    pub max: f64,
    /// `true` if a NaN or infinite value was seen.
    pub non_finite: bool,
}

impl Default for Range {
    fn default() -> Self {
        Self { min: f64::INFINITY, max: f64::NEG_INFINITY, non_finite: false }
    }
}

impl Range {
    /// Takes `value` into the range.
    #[inline]
    pub fn observe(&mut self, value: f64) {
        if value.is_finite() {
            self.min = self.min.min(value);
            self.max = self.max.max(value);
        } else {
            self.non_finite = true;
        }
    }

    /// Takes every value of `values` into the range.
    pub fn observe_all<T: crate::Scalar>(&mut self, values: &[T]) {
        for v in values {
            self.observe(v.to_f64());
        }
    }

    /// [`QParams::from_range`] of this range (of `[0, 0]` if nothing was seen).
    #[must_use]
    pub fn params(&self) -> QParams {
        if self.min > self.max { QParams::from_range(0.0, 0.0) } else { QParams::from_range(self.min, self.max) }
    }
}

/// What a layer records while the float network runs on the calibration set: the ranges of its
/// pre-activation `z` and of its output `y`. Which one an activation quantizes from is its
/// choice ([`Int8Activation`](super::Int8Activation)).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct LayerRanges {
    /// Range of the pre-activation.
    pub z: Range,
    /// Range of the output.
    pub y: Range,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_always_contain_zero_exactly() {
        for (lo, hi) in [(-1.0, 3.0), (0.5, 2.0), (-4.0, -0.25), (-1e-3, 1e3), (0.0, 6.0)] {
            let p = QParams::from_range(lo, hi);
            assert_eq!(p.dequantize(p.zero_point), 0.0);
            let (lo, hi) = (f64::min(lo, 0.0), f64::max(hi, 0.0));
            assert!((f64::from(p.scale) - (hi - lo) / 255.0).abs() < 1e-6 * (hi - lo));
            // Both ends are representable to within one step.
            assert!((f64::from(p.dequantize(-128)) - lo).abs() <= f64::from(p.scale));
            assert!((f64::from(p.dequantize(127)) - hi).abs() <= f64::from(p.scale));
        }
        assert_eq!(QParams::from_range(0.0, 6.0).zero_point, -128); // ReLU outputs
        assert_eq!(QParams::from_range(-6.0, 0.0).zero_point, 127);
        assert_eq!(QParams::from_range(0.0, 0.0), QParams { scale: 1.0, zero_point: 0 });
        assert_eq!(Range::default().params(), QParams { scale: 1.0, zero_point: 0 });
    }

    #[test]
    fn quantize_rounds_and_saturates() {
        let p = QParams { scale: 0.5, zero_point: 10 };
        assert_eq!(p.quantize(1.0), 12);
        assert_eq!(p.quantize(0.25), 11); // 0.5 rounds away from zero
        assert_eq!(p.quantize(-0.25), 9);
        assert_eq!(p.quantize(1e9), 127);
        assert_eq!(p.quantize(-1e9), -128);
        assert_eq!(p.quantize(f32::NAN), 10);
        let mut r = Range::default();
        r.observe_all(&[1.0f32, -2.0, 0.5]);
        assert_eq!((r.min, r.max, r.non_finite), (-2.0, 1.0, false));
        r.observe(f64::NAN);
        assert!(r.non_finite);
    }
}
