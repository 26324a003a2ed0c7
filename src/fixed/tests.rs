//! Arithmetic, saturation and the maximum errors of the elementary functions, measured over
//! their whole input range (every 4999th raw value, plus the edges and a dense sweep near 0).

use super::Q16;
use crate::Scalar;
use std::vec::Vec;

const ULP: f64 = 1.0 / 65536.0;

/// Raw values to test a function at: a stride through all of `i32`, a dense window around 0
/// and the extremes.
fn sweep(low: i32, high: i32) -> Vec<i32> {
    let mut v: Vec<i32> = (low..=high).step_by(4999).collect();
    v.extend((-70_000..70_000).filter(|r| (low..=high).contains(r)));
    v.extend([low, high, low.saturating_add(1), high.saturating_sub(1)]);
    v
}

/// The largest `|f(x) − reference(x)|` in ulps over `xs`, where `tolerance(x)` (in ulps) is
/// subtracted first for inputs whose error budget grows with the value.
fn max_error(xs: &[i32], f: impl Fn(Q16) -> Q16, reference: impl Fn(f64) -> f64) -> (f64, f64) {
    let mut worst = (0.0, 0.0);
    for &raw in xs {
        let x = Q16::from_bits(raw);
        let err = (f(x).to_f64() - reference(x.to_f64())).abs() / ULP;
        if err > worst.0 {
            worst = (err, x.to_f64());
        }
    }
    worst
}

#[test]
fn arithmetic_is_exact_or_rounded_to_nearest() {
    let q = Q16::from_f64;
    assert_eq!(q(1.5) + q(2.25), q(3.75));
    assert_eq!(q(1.5) - q(2.25), q(-0.75));
    assert_eq!(q(1.5) * q(-2.25), q(-3.375));
    assert_eq!(q(3.0) / q(4.0), q(0.75));
    // 1/3 rounds to nearest: 21845.33 → 21845; −1/3 → −21845; 2/3 = 43690.67 → 43691.
    assert_eq!((Q16::ONE / q(3.0)).to_bits(), 21845);
    assert_eq!((-Q16::ONE / q(3.0)).to_bits(), -21845);
    assert_eq!((q(2.0) / q(3.0)).to_bits(), 43691);
    // A product's tie (0.5 ulp) rounds toward +∞: ε·½ = ½ ulp → 1 ulp; −ε·½ → 0.
    assert_eq!(Q16::EPSILON * q(0.5), Q16::EPSILON);
    assert_eq!(-Q16::EPSILON * q(0.5), Q16::ZERO);
    assert_eq!(Q16::from_int(7).to_f64(), 7.0);
    assert_eq!(q(f64::NAN), Q16::ZERO);
    assert_eq!(q(-0.5 * ULP), Q16::from_bits(-1), "from_f64 rounds ties away from zero");
    let sum: Q16 = [q(0.25), q(0.5), q(1.0)].into_iter().sum();
    assert_eq!(sum, q(1.75));
}

#[test]
fn overflow_saturates_and_never_panics() {
    let big = Q16::from_int(30_000);
    assert_eq!(big + big, Q16::MAX);
    assert_eq!(-big - big, Q16::MIN);
    assert_eq!(big * big, Q16::MAX);
    assert_eq!(big * -big, Q16::MIN);
    assert_eq!(-Q16::MIN, Q16::MAX);
    assert_eq!(Q16::MIN.abs(), Q16::MAX);
    assert_eq!(Q16::ONE / Q16::ZERO, Q16::MAX);
    assert_eq!(-Q16::ONE / Q16::ZERO, Q16::MIN);
    assert_eq!(Q16::ZERO / Q16::ZERO, Q16::ZERO);
    assert_eq!(big / Q16::EPSILON, Q16::MAX);
    assert_eq!(Q16::MIN / -Q16::EPSILON, Q16::MAX);
    assert_eq!(Q16::from_f64(1e12), Q16::MAX);
    assert_eq!(Q16::from_f64(-1e12), Q16::MIN);
    assert_eq!(Q16::from_f64(f64::INFINITY), Q16::MAX);
    // The saturation values are what `is_finite` reports as overflow.
    assert!(!Scalar::is_finite(Q16::MAX) && !Scalar::is_finite(Q16::MIN));
    assert!(Scalar::is_finite(Q16::from_int(32_767)));
    // The accumulator saturates instead of wrapping: 2⁶³ − 1 > 4·(2³¹)².
    let acc = (0..8).fold(Q16::MAX.widen(), |s, _| Q16::MAX.mul_acc(Q16::MAX, s));
    assert_eq!(Q16::narrow(acc), Q16::MAX);
    let acc = (0..8).fold(Q16::MIN.widen(), |s, _| Q16::MAX.mul_acc(Q16::MIN, s));
    assert_eq!(Q16::narrow(acc), Q16::MIN);
}

#[test]
fn dot_products_round_once() {
    // Σ ε·½ over 4 terms is 2 ulp exactly; rounding each product would give 4·1 = 4 ulp.
    let a = [Q16::EPSILON; 4];
    let b = [Q16::from_f64(0.5); 4];
    let z = crate::kernel::mat_vec(&[a], &[Q16::ZERO], &b);
    assert_eq!(z[0].to_bits(), 2);
    assert_eq!(Q16::EPSILON.mul_add(Q16::from_f64(0.5), Q16::EPSILON).to_bits(), 2);
}

#[test]
fn byte_round_trip_is_exact() {
    let mut buf = [0u8; 4];
    for raw in [0, 1, -1, i32::MAX, i32::MIN, 123_456_789] {
        Q16::from_bits(raw).write_le(&mut buf);
        assert_eq!(Q16::read_le(&buf).to_bits(), raw);
    }
    assert!(![1u8, 2, 3].contains(&Q16::TYPE_TAG));
}

#[test]
fn exp_error() {
    // For x ≤ 0 the result is below 1: correctly rounded but for ties (measured 0.50003 ulp).
    let (err, at) = max_error(&sweep(i32::MIN, 0), Q16::exp, f64::exp);
    assert!(err <= 0.51, "exp, x ≤ 0: {err} ulp at {at}");
    // For x > 0: half an ulp plus 2⁻²⁹ relative (measured: 2⁻³⁰·¹), so at most 1.05 ulp below
    // e^10.4 ≈ 32768.
    let xs = sweep(1, 681_391);
    for &raw in &xs {
        let x = Q16::from_bits(raw).to_f64();
        let (got, want) = (Q16::from_bits(raw).exp().to_f64(), x.exp());
        let budget = 0.5 * ULP + want * 2f64.powi(-29);
        assert!((got - want).abs() <= budget, "exp({x}) = {got}, want {want}");
    }
    let worst = max_error(&xs, Q16::exp, f64::exp);
    assert!(worst.0 <= 1.05, "exp: {worst:?}");
    assert_eq!(Q16::from_int(11).exp(), Q16::MAX);
    assert_eq!(Q16::MAX.exp(), Q16::MAX);
    assert_eq!(Q16::from_int(-12).exp(), Q16::ZERO);
    assert_eq!(Q16::ZERO.exp(), Q16::ONE);
}

#[test]
fn ln_error() {
    let (err, at) = max_error(&sweep(1, i32::MAX), Q16::ln, f64::ln);
    assert!(err <= 0.51, "ln: {err} ulp at {at}");
    assert_eq!(Q16::ONE.ln(), Q16::ZERO);
    assert_eq!(Q16::ZERO.ln(), Q16::MIN);
    assert_eq!(Q16::from_int(-3).ln(), Q16::MIN);
}

#[test]
fn tanh_error() {
    let (err, at) = max_error(&sweep(i32::MIN, i32::MAX), Q16::tanh, f64::tanh);
    assert!(err <= 0.51, "tanh: {err} ulp at {at}");
    assert_eq!(Q16::from_int(9).tanh(), Q16::ONE);
    assert_eq!(Q16::MIN.tanh(), -Q16::ONE);
    assert_eq!(Q16::ZERO.tanh(), Q16::ZERO);
}

#[test]
fn sqrt_is_correctly_rounded() {
    let (err, at) = max_error(&sweep(0, i32::MAX), Q16::sqrt, f64::sqrt);
    assert!(err <= 0.5, "sqrt: {err} ulp at {at}");
    assert_eq!(Q16::from_int(4).sqrt(), Q16::from_int(2));
    assert_eq!(Q16::from_int(-4).sqrt(), Q16::ZERO);
}

#[test]
fn sigmoid_through_exp_stays_in_range() {
    use crate::{ElementWise, Sigmoid};
    for raw in sweep(i32::MIN, i32::MAX) {
        let x = Q16::from_bits(raw);
        let y = Sigmoid::value(x);
        assert!(y >= Q16::ZERO && y <= Q16::ONE, "sigmoid({x:?}) = {y:?}");
        let want = 1.0 / (1.0 + (-x.to_f64()).exp());
        assert!((y.to_f64() - want).abs() <= 2.0 * ULP, "sigmoid({x:?}) = {y:?}, want {want}");
    }
}
