//! Data preparation (generators, shuffling, scaling, splitting) and metrics.

use crate::common::rng;
use constnet::data::{
    DataError, MinMaxScaler, Split, Standardizer, circles, index_below, moons, noisy_sine, shuffle, shuffle_pairs,
    split, xor,
};
use constnet::metrics::{
    argmax, argmax_accuracy, argmax_correct, binary_accuracy, binary_correct, class_accuracy, predicted_class,
};
use constnet::prelude::*;
use core::f64::consts::PI;

fn radius(p: &[f64; 2]) -> f64 {
    p[0].hypot(p[1])
}

// ---------------------------------------------------------------- generators

#[test]
fn xor_is_the_truth_table() {
    let (inputs, targets) = xor::<f64>();
    for (x, y) in inputs.iter().zip(&targets) {
        let expected = f64::from(u8::from(x[0] != x[1]));
        assert_eq!(y[0], expected, "{x:?}");
    }
    assert_eq!(inputs, [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]);
    const XOR32: ([[f32; 2]; 4], [[f32; 1]; 4]) = xor::<f32>();
    assert_eq!(XOR32.1, [[0.0], [1.0], [1.0], [0.0]]);
}

#[test]
fn circles_without_noise_lie_exactly_on_two_circles() {
    for (n, factor) in [(100usize, 0.3), (7, 0.5), (2, 0.0)] {
        let mut inputs = vec![[0.0f64; 2]; n];
        let mut targets = vec![[9.0f64; 1]; n];
        circles(&mut inputs, &mut targets, factor, 0.0, &mut rng(42)).unwrap();
        let (n_out, n_in) = (n / 2, n - n / 2);
        let outer: Vec<_> = inputs.iter().zip(&targets).filter(|(_, t)| t[0] == 0.0).map(|(x, _)| *x).collect();
        let inner: Vec<_> = inputs.iter().zip(&targets).filter(|(_, t)| t[0] == 1.0).map(|(x, _)| *x).collect();
        assert_eq!((outer.len(), inner.len()), (n_out, n_in), "labels are 0 or 1, split n/2 : n − n/2");
        assert!(outer.iter().all(|p| (radius(p) - 1.0).abs() < 1e-12), "outer circle has radius 1");
        assert!(inner.iter().all(|p| (radius(p) - factor).abs() < 1e-12), "inner circle has radius factor");
        // The angles are linspace(0, 2π, k, endpoint=False): sorted, they are 2πj/k.
        for (points, k) in [(&outer, n_out), (&inner, n_in)] {
            if factor == 0.0 && k == n_in {
                continue; // every inner point is the origin
            }
            let mut angles: Vec<f64> = points.iter().map(|p| p[1].atan2(p[0]).rem_euclid(2.0 * PI)).collect();
            angles.sort_by(f64::total_cmp);
            for (j, a) in angles.iter().enumerate() {
                let expected = 2.0 * PI * j as f64 / k as f64;
                assert!((a - expected).abs() < 1e-9 || (j == 0 && (a - 2.0 * PI).abs() < 1e-9), "{a} vs {expected}");
            }
        }
    }
}

#[test]
fn circles_are_shuffled() {
    let mut inputs = [[0.0f32; 2]; 100];
    let mut targets = [[0.0f32; 1]; 100];
    circles(&mut inputs, &mut targets, 0.5, 0.0, &mut rng(42)).unwrap();
    let labels: Vec<f32> = targets.iter().map(|t| t[0]).collect();
    assert!(!labels.is_sorted(), "labels still in generation order");
    assert!(labels[..50].contains(&1.0) && labels[50..].contains(&0.0));
}

#[test]
fn generators_are_deterministic_per_seed() {
    let gen_circles = |seed| {
        let mut inputs = [[0.0f64; 2]; 64];
        let mut targets = [[0.0f64; 1]; 64];
        circles(&mut inputs, &mut targets, 0.5, 0.1, &mut rng(seed)).unwrap();
        (inputs, targets)
    };
    assert_eq!(gen_circles(1), gen_circles(1));
    assert_ne!(gen_circles(1).0, gen_circles(2).0);

    let gen_moons = |seed| {
        let mut inputs = [[0.0f64; 2]; 64];
        let mut targets = [[0.0f64; 1]; 64];
        moons(&mut inputs, &mut targets, 0.1, &mut rng(seed)).unwrap();
        (inputs, targets)
    };
    assert_eq!(gen_moons(1), gen_moons(1));
    assert_ne!(gen_moons(1).0, gen_moons(2).0);

    let gen_sine = |seed| {
        let mut inputs = [[0.0f64; 1]; 64];
        let mut targets = [[0.0f64; 1]; 64];
        noisy_sine(&mut inputs, &mut targets, 0.1, &mut rng(seed)).unwrap();
        (inputs, targets)
    };
    assert_eq!(gen_sine(1), gen_sine(1));
    assert_ne!(gen_sine(1), gen_sine(2));
}

#[test]
fn f32_data_is_the_f64_data_rounded() {
    let mut in64 = [[0.0f64; 2]; 50];
    let mut t64 = [[0.0f64; 1]; 50];
    let mut in32 = [[0.0f32; 2]; 50];
    let mut t32 = [[0.0f32; 1]; 50];
    moons(&mut in64, &mut t64, 0.0, &mut rng(8)).unwrap();
    moons(&mut in32, &mut t32, 0.0, &mut rng(8)).unwrap();
    assert_eq!(in32, in64.map(|p| p.map(|v| v as f32)));
    assert_eq!(t32, t64.map(|p| p.map(|v| v as f32)));
}

#[test]
fn circles_noise_has_the_requested_spread() {
    let mut inputs = vec![[0.0f64; 2]; 4000];
    let mut targets = vec![[0.0f64; 1]; 4000];
    circles(&mut inputs, &mut targets, 0.5, 0.05, &mut rng(3)).unwrap();
    // Radial deviation of a point on a circle with isotropic N(0, σ²) noise has std ≈ σ.
    let dev: Vec<f64> =
        inputs.iter().zip(&targets).map(|(p, t)| radius(p) - if t[0] == 0.0 { 1.0 } else { 0.5 }).collect();
    let mean = dev.iter().sum::<f64>() / dev.len() as f64;
    let sd = (dev.iter().map(|d| (d - mean) * (d - mean)).sum::<f64>() / dev.len() as f64).sqrt();
    assert!((sd - 0.05).abs() < 0.005, "radial sd {sd}");
    assert!(dev.iter().any(|d| d.abs() > 1e-3), "noise was added");
}

#[test]
fn moons_cover_their_documented_ranges() {
    let n = 101; // 50 outer, 51 inner
    let mut inputs = vec![[0.0f64; 2]; n];
    let mut targets = vec![[0.0f64; 1]; n];
    moons(&mut inputs, &mut targets, 0.0, &mut rng(5)).unwrap();
    let labels: Vec<f64> = targets.iter().map(|t| t[0]).collect();
    assert!(!labels.is_sorted());
    let (mut outer, mut inner) = (0, 0);
    for (p, t) in inputs.iter().zip(&targets) {
        if t[0] == 0.0 {
            outer += 1;
            assert!((-1.0..=1.0).contains(&p[0]) && (0.0..=1.0).contains(&p[1]), "{p:?}");
            assert!((radius(p) - 1.0).abs() < 1e-12);
        } else {
            inner += 1;
            assert!((0.0..=2.0).contains(&p[0]) && (-0.5..=0.5).contains(&p[1]), "{p:?}");
            assert!(((p[0] - 1.0).hypot(p[1] - 0.5) - 1.0).abs() < 1e-12);
        }
    }
    assert_eq!((outer, inner), (50, 51));
    // linspace(0, π, k) includes both ends: (1, 0), (−1, 0) outer; (0, 0.5), (2, 0.5) inner.
    let has = |x: f64, y: f64| inputs.iter().any(|p| (p[0] - x).abs() < 1e-12 && (p[1] - y).abs() < 1e-12);
    assert!(has(1.0, 0.0) && has(-1.0, 0.0) && has(0.0, 0.5) && has(2.0, 0.5));
}

#[test]
fn sine_targets_follow_sin_within_the_noise() {
    let n = 2001;
    let mut x = vec![[0.0f64; 1]; n];
    let mut y = vec![[0.0f64; 1]; n];
    noisy_sine(&mut x, &mut y, 0.0, &mut rng(1)).unwrap();
    assert!(x.iter().zip(&y).all(|(x, y)| y[0] == x[0].sin() || (y[0] - x[0].sin()).abs() < 1e-15));
    assert!(!x.iter().map(|v| v[0]).collect::<Vec<_>>().is_sorted(), "shuffled");
    let mut xs: Vec<f64> = x.iter().map(|v| v[0]).collect();
    xs.sort_by(f64::total_cmp);
    assert_eq!((xs[0], xs[n - 1]), (-PI, PI));
    let step = 2.0 * PI / (n - 1) as f64;
    assert!(xs.windows(2).all(|w| ((w[1] - w[0]) - step).abs() < 1e-12), "evenly spaced");

    noisy_sine(&mut x, &mut y, 0.1, &mut rng(1)).unwrap();
    let residuals: Vec<f64> = x.iter().zip(&y).map(|(x, y)| y[0] - x[0].sin()).collect();
    assert!(residuals.iter().all(|r| r.abs() < 0.6), "beyond 6σ");
    let sd = (residuals.iter().map(|r| r * r).sum::<f64>() / n as f64).sqrt();
    assert!((sd - 0.1).abs() < 0.01, "residual sd {sd}");
}

#[test]
fn generators_reject_bad_parameters_and_write_nothing() {
    let mut inputs = [[7.0f32; 2]; 4];
    let mut targets = [[7.0f32; 1]; 4];
    for factor in [1.0, -0.1, f64::NAN] {
        let err = circles(&mut inputs, &mut targets, factor, 0.0, &mut rng(0)).unwrap_err();
        assert!(matches!(err, DataError::InvalidParameter { name: "factor", .. }), "{err:?}");
    }
    for noise in [-0.1, f64::INFINITY, f64::NAN] {
        let err = moons(&mut inputs, &mut targets, noise, &mut rng(0)).unwrap_err();
        assert!(matches!(err, DataError::InvalidParameter { name: "noise", .. }), "{err:?}");
    }
    assert_eq!(
        circles(&mut inputs, &mut targets[..3], 0.5, 0.0, &mut rng(0)),
        Err(DataError::LengthMismatch { inputs: 4, targets: 3 })
    );
    let (mut x, mut y) = ([[0.0f32; 1]; 0], [[0.0f32; 1]; 0]);
    assert_eq!(noisy_sine(&mut x, &mut y, 0.1, &mut rng(0)), Err(DataError::Empty));
    assert_eq!(inputs, [[7.0; 2]; 4]);
    assert_eq!(targets, [[7.0; 1]; 4]);
}

// ---------------------------------------------------------------- shuffling

#[test]
fn shuffle_is_a_deterministic_permutation() {
    let original: Vec<u32> = (0..500).collect();
    let shuffled = |seed| {
        let mut v = original.clone();
        shuffle(&mut v, &mut rng(seed));
        v
    };
    let a = shuffled(9);
    assert_ne!(a, original);
    let mut sorted = a.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, original, "a permutation: nothing lost or duplicated");
    assert_eq!(a, shuffled(9), "same seed, same permutation");
    assert_ne!(a, shuffled(10), "different seed, different permutation");
    // Trivial slices are fine.
    shuffle::<u8, _>(&mut [], &mut rng(0));
    let mut one = [5];
    shuffle(&mut one, &mut rng(0));
    assert_eq!(one, [5]);
}

#[test]
fn shuffle_permutation_is_pinned() {
    // Built only on next_u32, so this is the permutation on every platform (a 32-bit
    // Cortex-M included). A change here breaks reproducibility of seeded runs.
    let mut v: [u8; 10] = core::array::from_fn(|i| i as u8);
    shuffle(&mut v, &mut rng(42));
    assert_eq!(v, PINNED);
    let mut r = rng(42);
    let draws: [u32; 5] = core::array::from_fn(|_| index_below(1000, &mut r));
    assert_eq!(draws, PINNED_DRAWS);
}

// Cross-checked against a Python transcription of Lemire + Fisher–Yates fed the same raw
// `next_u32` stream of `Xoshiro128PlusPlus::seed_from_u64(42)`.
const PINNED: [u8; 10] = [0, 1, 9, 7, 5, 4, 2, 8, 3, 6];
const PINNED_DRAWS: [u32; 5] = [615, 410, 380, 330, 774];

#[test]
fn shuffle_is_roughly_uniform() {
    // Each of the 6 permutations of 3 items should turn up about 1/6 of the time.
    let mut r = rng(17);
    let mut counts = std::collections::HashMap::new();
    for _ in 0..60_000 {
        let mut v = [0, 1, 2];
        shuffle(&mut v, &mut r);
        *counts.entry(v).or_insert(0u32) += 1;
    }
    assert_eq!(counts.len(), 6);
    assert!(counts.values().all(|&c| (9_500..10_500).contains(&c)), "{counts:?}");
}

#[test]
fn shuffle_pairs_keeps_pairs_and_matches_shuffle() {
    let mut inputs: Vec<[f32; 1]> = (0..100).map(|i| [i as f32]).collect();
    let mut targets: Vec<usize> = (0..100).map(|i| i * 3).collect();
    shuffle_pairs(&mut inputs, &mut targets, &mut rng(4)).unwrap();
    assert!(inputs.iter().zip(&targets).all(|(x, &t)| t == 3 * x[0] as usize));
    let mut alone: Vec<usize> = (0..100).map(|i| i * 3).collect();
    shuffle(&mut alone, &mut rng(4));
    assert_eq!(alone, targets, "same permutation as shuffle");

    let mut short = [0u8; 3];
    let before = inputs.clone();
    assert_eq!(
        shuffle_pairs(&mut inputs, &mut short, &mut rng(4)),
        Err(DataError::LengthMismatch { inputs: 100, targets: 3 })
    );
    assert_eq!(inputs, before, "nothing moved on error");
}

#[test]
fn index_below_stays_below() {
    let mut r = rng(2);
    for n in [1u32, 2, 3, 7, 1000, u32::MAX] {
        assert!((0..200).all(|_| index_below(n, &mut r) < n));
    }
    assert_eq!(index_below(1, &mut r), 0);
    assert_eq!(index_below(0, &mut r), 0);
}

// ---------------------------------------------------------------- scaling

fn sample_data() -> Vec<[f64; 3]> {
    let mut r = rng(6);
    let mut x = vec![[0.0f64; 1]; 40];
    let mut y = vec![[0.0f64; 1]; 40];
    noisy_sine(&mut x, &mut y, 0.3, &mut r).unwrap();
    // Three features on very different scales; the third is constant.
    x.iter().zip(&y).map(|(x, y)| [x[0] * 1000.0 - 7.0, y[0] * 0.001, 42.0]).collect()
}

#[test]
fn min_max_scaler_hits_0_01_and_0_99_exactly() {
    let original = sample_data();
    let mut data = original.clone();
    let scaler = MinMaxScaler::fit(&data).unwrap();
    assert_eq!((scaler.low, scaler.high), (0.01, 0.99));
    scaler.transform(&mut data);
    for feature in 0..2 {
        let column: Vec<f64> = data.iter().map(|s| s[feature]).collect();
        let min = column.iter().copied().fold(f64::INFINITY, f64::min);
        let max = column.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        assert_eq!((min, max), (0.01, 0.99), "feature {feature}");
    }
    assert!(data.iter().all(|s| s[2] == 0.5), "constant feature maps to the middle");
    assert!(data.iter().flatten().all(|v| v.is_finite()));
    // transform_one agrees with transform, and inverse_one round-trips.
    for (scaled, orig) in data.iter().zip(&original) {
        assert_eq!(&scaler.transform_one(orig), scaled);
        let back = scaler.inverse_one(scaled);
        for (b, o) in back.iter().zip(orig) {
            assert!((b - o).abs() <= 1e-12 * o.abs().max(1.0), "{b} vs {o}");
        }
    }
    let mut again = data.clone();
    scaler.inverse(&mut again);
    assert_eq!(again, data.iter().map(|s| scaler.inverse_one(s)).collect::<Vec<_>>());
}

#[test]
fn min_max_scaler_with_a_custom_range() {
    let data = [[2.0f32, -1.0], [4.0, 1.0], [3.0, 0.0]];
    let scaler = MinMaxScaler::fit(&data).unwrap().with_range(-1.0, 1.0).unwrap();
    assert_eq!(scaler, MinMaxScaler::from_parts([2.0, -1.0], [4.0, 1.0], -1.0, 1.0));
    assert_eq!(scaler.transform_one(&[3.0, 0.5]), [0.0, 0.5]);
    assert_eq!(scaler.transform_one(&[6.0, 0.0]), [3.0, 0.0], "outside the fitted range: not clamped");
    for (low, high) in [(1.0, 1.0), (1.0, -1.0), (f32::NAN, 1.0), (0.0, f32::INFINITY)] {
        let err = scaler.with_range(low, high).unwrap_err();
        assert!(matches!(err, DataError::InvalidRange { .. }), "{err:?}");
    }
    static ON_DEVICE: MinMaxScaler<f32, 2> = MinMaxScaler::from_parts([2.0, -1.0], [4.0, 1.0], -1.0, 1.0);
    assert_eq!(ON_DEVICE, scaler);
}

#[test]
fn standardizer_gives_mean_0_and_std_1() {
    let original = sample_data();
    let mut data = original.clone();
    let s = Standardizer::fit(&data).unwrap();
    assert_eq!((s.mean[2], s.std[2]), (42.0, 0.0), "constant feature: exact mean, zero std");
    s.transform(&mut data);
    let n = data.len() as f64;
    for feature in 0..2 {
        let mean = data.iter().map(|x| x[feature]).sum::<f64>() / n;
        let var = data.iter().map(|x| (x[feature] - mean).powi(2)).sum::<f64>() / n;
        assert!(mean.abs() < 1e-12, "feature {feature} mean {mean}");
        assert!((var.sqrt() - 1.0).abs() < 1e-12, "feature {feature} std {}", var.sqrt());
    }
    assert!(data.iter().all(|x| x[2] == 0.0), "constant feature divided by 1");
    for (z, o) in data.iter().zip(&original) {
        assert_eq!(&s.transform_one(o), z);
        for (b, o) in s.inverse_one(z).iter().zip(o) {
            assert!((b - o).abs() <= 1e-12 * o.abs().max(1.0));
        }
    }
    let mut back = data.clone();
    s.inverse(&mut back);
    assert!(back.iter().zip(&original).all(|(b, o)| b.iter().zip(o).all(|(b, o)| (b - o).abs() < 1e-9)));
    // Population std: [1, 3] has std 1, not √2.
    assert_eq!(Standardizer::fit(&[[1.0f32], [3.0]]).unwrap(), Standardizer::from_parts([2.0], [1.0]));
}

#[test]
fn scalers_reject_empty_and_non_finite_data() {
    let empty: [[f64; 2]; 0] = [];
    assert_eq!(MinMaxScaler::fit(&empty), Err(DataError::Empty));
    assert_eq!(Standardizer::fit(&empty), Err(DataError::Empty));
    let bad = [[1.0, 2.0], [3.0, f64::NAN], [f64::INFINITY, 0.0]];
    assert_eq!(MinMaxScaler::fit(&bad), Err(DataError::NonFinite { sample: 1, feature: 1 }));
    assert_eq!(Standardizer::fit(&bad[2..]), Err(DataError::NonFinite { sample: 0, feature: 0 }));
}

/// Finite data whose spread overflows the scalar: before, both scalers returned `Ok` with
/// infinite statistics (and scaled `f64::MAX` to NaN).
#[test]
fn scalers_refuse_ranges_that_overflow_and_standardize_huge_values() {
    let wide = [[1.0, f64::MAX], [2.0, -f64::MAX], [3.0, 0.0]];
    let expected = DataError::RangeTooLarge { feature: 1, min: -f64::MAX, max: f64::MAX };
    assert_eq!(MinMaxScaler::fit(&wide), Err(expected));
    let message = expected.to_string();
    assert!(message.contains("feature 1") && message.contains("divide the feature"), "{message}");
    // The standardizer's sums would overflow f64; its statistics are still finite and exact
    // enough: mean 0, std √(2/3)·MAX.
    let s = Standardizer::fit(&wide).expect("finite statistics");
    let expected_std = (2.0f64 / 3.0).sqrt() * f64::MAX;
    assert_eq!(s, Standardizer::from_parts([2.0, 0.0], [(2.0f64 / 3.0).sqrt(), expected_std]));
    for x in &wide {
        let z = s.transform_one(x);
        assert!(z.iter().all(|v| v.is_finite()), "{z:?}");
    }
    // Large but representable spreads still work for both.
    let ok = [[f64::MAX / 4.0], [-f64::MAX / 4.0]];
    assert!(MinMaxScaler::fit(&ok).unwrap().transform_one(&[f64::MAX / 4.0])[0].is_finite());
    assert_eq!(Standardizer::fit(&ok).unwrap(), Standardizer::from_parts([0.0], [f64::MAX / 4.0]));
    // f32: the statistics (in f64) fit, but x − mean of the extreme value does not fit f32.
    let skewed = [[3e38f32], [3e38], [3e38], [-3e38]];
    assert!(matches!(Standardizer::fit(&skewed), Err(DataError::RangeTooLarge { feature: 0, .. })));
    assert!(matches!(MinMaxScaler::fit(&skewed), Err(DataError::RangeTooLarge { feature: 0, .. })));
    // Ordinary data keeps its exact statistics (the rescaled path runs only on overflow).
    assert_eq!(Standardizer::fit(&[[1.0f32], [3.0]]).unwrap(), Standardizer::from_parts([2.0], [1.0]));
}

// ---------------------------------------------------------------- splitting

#[test]
fn split_takes_the_tail_for_validation() {
    let inputs: Vec<[f32; 2]> = (0..10).map(|i| [i as f32, 0.0]).collect();
    let targets: Vec<u8> = (0..10).collect();
    let parts = split(&inputs, &targets, 0.25).unwrap(); // round(2.5) = 3
    assert_eq!((parts.train_inputs.len(), parts.validation_inputs.len()), (7, 3));
    assert_eq!(parts.train_inputs, &inputs[..7]);
    assert_eq!(parts.validation_inputs, &inputs[7..]);
    assert_eq!(parts.train_targets, &[0, 1, 2, 3, 4, 5, 6]);
    assert_eq!(parts.validation_targets, &[7, 8, 9]);
    let copy: Split<'_, [f32; 2], u8> = parts; // Copy whatever the element types
    assert_eq!(copy, parts);
    // 10 · 0.05 = 0.5 rounds away from zero, to 1.
    assert_eq!(split(&inputs, &targets, 0.05).unwrap().validation_targets, &[9]);
}

#[test]
fn split_rejects_bad_input() {
    let inputs = [[0.0f64]; 10];
    let targets = [[0.0f64]; 10];
    for fraction in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
        let err = split(&inputs, &targets, fraction).unwrap_err();
        assert!(matches!(err, DataError::InvalidFraction { .. }), "{fraction}: {err:?}");
    }
    assert_eq!(split(&inputs, &targets[..9], 0.5), Err(DataError::LengthMismatch { inputs: 10, targets: 9 }));
    assert_eq!(split(&inputs[..0], &targets[..0], 0.5), Err(DataError::Empty));
    assert_eq!(split(&inputs, &targets, 0.01), Err(DataError::EmptySplitPart { samples: 10, validation: 0 }));
    assert_eq!(split(&inputs, &targets, 0.99), Err(DataError::EmptySplitPart { samples: 10, validation: 10 }));
    assert_eq!(split(&inputs[..1], &targets[..1], 0.5), Err(DataError::EmptySplitPart { samples: 1, validation: 1 }));
}

// ---------------------------------------------------------------- errors

#[test]
fn every_error_says_what_was_wrong_and_what_was_expected() {
    let cases: [(DataError, &str); 8] = [
        (DataError::Empty, "no samples: expected at least one sample"),
        (
            DataError::LengthMismatch { inputs: 4, targets: 3 },
            "4 inputs but 3 targets: expected exactly one target per input",
        ),
        (
            DataError::InvalidFraction { value: 1.5 },
            "invalid validation fraction 1.5: expected a fraction with 0 < fraction < 1",
        ),
        (
            DataError::InvalidParameter { name: "noise", value: -0.1, expected: "a finite standard deviation >= 0" },
            "invalid noise -0.1: expected a finite standard deviation >= 0",
        ),
        (
            DataError::InvalidRange { low: 1.0, high: -1.0 },
            "invalid scaling range [1, -1]: expected finite bounds with low < high",
        ),
        (
            DataError::NonFinite { sample: 1, feature: 0 },
            "feature 0 of sample 1 is NaN or infinite: expected finite values only",
        ),
        (
            DataError::EmptySplitPart { samples: 10, validation: 0 },
            "splitting 10 samples puts 0 in validation and 10 in training: expected at least one sample in each part",
        ),
        (
            DataError::LabelOutOfRange { sample: 2, label: 5, classes: 3 },
            "label 5 of sample 2 is out of range: expected a class index below 3",
        ),
    ];
    for (err, text) in cases {
        assert_eq!(err.to_string(), text);
        let _: &dyn core::error::Error = &err;
    }
    // The generators' own messages.
    let mut x = [[0.0f64; 2]; 2];
    let mut y = [[0.0f64; 1]; 2];
    let err = circles(&mut x, &mut y, 1.0, 0.0, &mut rng(0)).unwrap_err();
    assert_eq!(err.to_string(), "invalid factor 1: expected 0 <= factor < 1");
}

// ---------------------------------------------------------------- metrics

network! { struct Tiny<f32> { out: Dense<2, 1, Sigmoid> } }
network! { struct Pair<f64> { out: Dense<2, 2, Identity> } }

#[test]
fn per_sample_checks() {
    assert_eq!(argmax(&[0.1f32, 0.7, 0.2]), 1);
    assert_eq!(argmax(&[0.5f64, 0.5, 0.1]), 0, "first maximum wins");
    assert_eq!(argmax(&[f32::NAN, 0.1, 0.2]), 2, "NaN never wins");
    assert_eq!(argmax(&[-3.0f64, f64::NAN]), 0);

    assert!(binary_correct(&[0.9f32, 0.2], &[1.0, 0.0]));
    assert!(binary_correct(&[0.5f32], &[1.0]), "0.5 counts as class 1");
    assert!(!binary_correct(&[0.9f32, 0.6], &[1.0, 0.0]), "every output must match");
    assert!(!binary_correct(&[f32::NAN], &[0.0]), "NaN is never correct");

    assert!(argmax_correct(&[0.1f64, 0.8, 0.1], &[0.0, 1.0, 0.0]));
    assert!(!argmax_correct(&[0.6f64, 0.3, 0.1], &[0.0, 1.0, 0.0]));

    assert_eq!(predicted_class(&[0.7f32]), 1);
    assert_eq!(predicted_class(&[0.3f32]), 0);
    assert_eq!(predicted_class(&[0.3f32, 0.1, 0.6]), 2);
}

#[test]
fn accuracy_of_a_tiny_network() {
    // ŷ = σ(x₁ + x₂): class 1 exactly when x₁ + x₂ ≥ 0.
    let net = Tiny::from_layers(Dense::from_parts([[1.0, 1.0]], [0.0]));
    let inputs = [[1.0, 1.0], [-1.0, -2.0], [2.0, -3.0], [0.5, -0.25]];
    let targets = [[1.0], [0.0], [1.0], [1.0]]; // the third is wrong
    assert_eq!(binary_accuracy(&net, &inputs, &targets), Ok(0.75));
    assert_eq!(class_accuracy(&net, &inputs, &[1, 0, 1, 1]), Ok(0.75));
    assert_eq!(class_accuracy(&net, &inputs, &[1, 0, 0, 1]), Ok(1.0));
    assert_eq!(
        class_accuracy(&net, &inputs, &[1, 0, 2, 1]),
        Err(DataError::LabelOutOfRange { sample: 2, label: 2, classes: 2 })
    );
    assert_eq!(binary_accuracy(&net, &inputs, &targets[..3]), Err(DataError::LengthMismatch { inputs: 4, targets: 3 }));
    assert_eq!(binary_accuracy(&net, &inputs[..0], &targets[..0]), Err(DataError::Empty));

    // The XOR table is not linearly separable: this net gets [0,0]→σ(0)=0.5→1 wrong too.
    let (x, y) = xor::<f32>();
    assert_eq!(binary_accuracy(&net, &x, &y), Ok(0.5));
}

#[test]
fn argmax_and_class_accuracy_of_a_two_output_network() {
    // Output = (x₁, x₂): the class is the larger coordinate.
    let net = Pair::from_layers(Dense::from_parts([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0]));
    let inputs = [[2.0, 1.0], [0.0, 3.0], [5.0, 4.0], [1.0, 1.0], [0.0, -1.0]];
    let one_hot = [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [1.0, 0.0]];
    assert_eq!(argmax_accuracy(&net, &inputs, &one_hot), Ok(0.8));
    assert_eq!(class_accuracy(&net, &inputs, &[0, 1, 1, 0, 0]), Ok(0.8));
    assert_eq!(argmax_accuracy(&net, &inputs, &one_hot[..2]), Err(DataError::LengthMismatch { inputs: 5, targets: 2 }));
    assert_eq!(class_accuracy(&net, &inputs[..0], &[]), Err(DataError::Empty));
    assert_eq!(class_accuracy(&net, &inputs, &[0, 1, 1]), Err(DataError::LengthMismatch { inputs: 5, targets: 3 }));
    assert_eq!(
        class_accuracy(&net, &inputs, &[0, 1, 1, 0, 2]),
        Err(DataError::LabelOutOfRange { sample: 4, label: 2, classes: 2 })
    );
}
