//! The performance paths compute what the plain paths compute: the batched forward pass
//! (`forward_batch`, vectorised across samples) against `forward` sample by sample, the fused
//! per-sample gradient descent (`Network::descend`, taken by `Trainer` for plain SGD) against
//! back-propagation into a gradient buffer followed by `Sgd::step`, and the fast activations
//! against the exact ones.

use crate::common::rng;
use constnet::loss::{BinaryCrossEntropy, Loss, Mse, SparseCategoricalCrossEntropy};
use constnet::optim::{Momentum, Optimizer, Schedule, Sgd};
use constnet::prelude::*;
use constnet::rand::RngExt;
use constnet::train::{FitConfig, FitData, Regularization, TrainError, Trainer};
use constnet::{ActivationKind, FastSigmoid, FastSoftmax, FastTanh};

fn inputs<const N: usize>(n: usize, seed: u64) -> Vec<[f32; N]> {
    let mut r = rng(seed);
    (0..n).map(|_| core::array::from_fn(|_| r.random_range(-2.0..2.0))).collect()
}

/// A user activation without a block implementation: exercises `Activation::apply_block`'s
/// default (sample by sample).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Softsign;
impl Activation for Softsign {
    const NAME: &'static str = "Softsign";
    const KIND: ActivationKind = ActivationKind::Custom;
    fn apply<T: Scalar, const N: usize>(z: &[T; N], y: &mut [T; N]) {
        for (y, &z) in y.iter_mut().zip(z) {
            *y = z / (T::ONE + z.abs());
        }
    }
    fn backprop<T: Scalar, const N: usize>(z: &[T; N], _y: &[T; N], dy: &[T; N], dz: &mut [T; N]) {
        for i in 0..N {
            let d = T::ONE + z[i].abs();
            dz[i] = dy[i] / (d * d);
        }
    }
}

network! {
    struct Mixed<f32> {
        a: Dense<5, 13, Relu>,
        b: Dense<13, 9, FastTanh>,
        drop: Dropout<9, 0.5>,
        c: Dense<9, 7, crate::fast_paths::Softsign>,
        d: Dense<7, 21, LeakyRelu>,
        e: Dense<21, 6, FastSoftmax>,
    }
}

network! {
    struct Wide<f32> { a: Dense<70, 37, Sigmoid>, b: Dense<37, 3, Softmax> }
}

network! {
    struct Generic<T> { a: Dense<3, 5, Tanh>, b: Dense<5, 2, FastSigmoid> }
}

fn assert_batch_matches<N: Network<f32, IN, OUT>, const IN: usize, const OUT: usize>(net: &N, tol: f32) {
    for n in [0, 1, 7, 15, 16, 17, 33, 100] {
        let xs = inputs::<IN>(n, n as u64);
        let mut ys = vec![[f32::NAN; OUT]; n];
        net.forward_batch(&xs, &mut ys);
        for (x, y) in xs.iter().zip(&ys) {
            for (a, b) in net.forward(x).iter().zip(y) {
                assert!((a - b).abs() <= tol * (1.0 + a.abs()), "n = {n}: {a} vs {b}");
            }
        }
    }
}

#[test]
fn forward_batch_equals_forward_for_every_layer_and_activation_kind() {
    assert_batch_matches(&Mixed::random(&mut rng(1)), 1e-5);
    assert_batch_matches(&Wide::random(&mut rng(2)), 1e-5);
    assert_batch_matches(&Generic::<f32>::random(&mut rng(3)), 1e-6);
    // f64: the same code path with the other scalar.
    let net = Generic::<f64>::random(&mut rng(4));
    let xs: Vec<[f64; 3]> = (0..21).map(|k| [k as f64 * 0.1, -0.5, 1.0 / (1.0 + k as f64)]).collect();
    let mut ys = vec![[0.0f64; 2]; xs.len()];
    net.forward_batch(&xs, &mut ys);
    for (x, y) in xs.iter().zip(&ys) {
        let one = net.forward(x);
        assert!((one[0] - y[0]).abs() < 1e-12 && (one[1] - y[1]).abs() < 1e-12);
    }
}

#[test]
#[should_panic(expected = "forward_batch: 3 inputs but 2 output slots")]
fn forward_batch_rejects_mismatched_lengths() {
    let net = Wide::zeroed();
    net.forward_batch(&[[0.0; 70]; 3], &mut [[0.0; 3]; 2]);
}

/// The reference for one SGD step: back-propagation into a zeroed gradient buffer, then
/// `Sgd::step` (what `Trainer` does for every optimizer without the fused path).
fn reference_step<N, L, const IN: usize, const OUT: usize>(
    net: &mut N,
    loss: L,
    x: &[f32; IN],
    t: &L::Target,
    lr: f32,
    seed: u64,
) where
    N: Network<f32, IN, OUT>,
    L: Loss<f32, OUT>,
{
    let mut tape = N::Tape::default();
    net.forward_train(x, &mut tape, &mut rng(seed));
    let delta = loss.delta::<N::OutputActivation>(N::output_pre_activation(&tape), N::output(&tape), t);
    let mut grads = N::zeroed();
    net.backward(&tape, &delta, &mut grads);
    Sgd.step(net, &grads, &mut (), lr);
}

fn assert_close<P: Parameters<f32>>(a: &P, b: &P, tol: f32) {
    for t in 0..P::TENSORS {
        for (x, y) in a.tensor(t).iter().zip(b.tensor(t)) {
            assert!((x - y).abs() <= tol * (1.0 + y.abs()), "tensor {t}: {x} vs {y}");
        }
    }
}

#[test]
fn the_fused_sgd_step_equals_backward_then_update() {
    let xs = inputs::<5>(20, 9);
    let ts: Vec<[f32; 6]> = (0..20).map(|k| core::array::from_fn(|j| f32::from(u8::from(j == k % 6)))).collect();
    let mut fused = Mixed::random(&mut rng(10));
    let mut plain = fused.clone();
    let mut trainer = Trainer::new(Sgd, Mse, Schedule::Constant(0.05)).unwrap();
    for (k, (x, t)) in xs.iter().zip(&ts).enumerate() {
        // The same rng seed for both, so dropout draws the same mask.
        trainer.step(&mut fused, x, t, &mut rng(100 + k as u64)).unwrap();
        reference_step(&mut plain, Mse, x, t, 0.05, 100 + k as u64);
    }
    assert_close(&fused, &plain, 1e-5);
    assert_eq!(trainer.steps(), 20);
    assert_eq!(trainer.gradients(), &Mixed::zeroed(), "the fused path leaves the accumulator alone");
}

#[test]
fn the_fused_path_clips_like_the_general_path() {
    // Momentum with β = 0 is plain SGD through the general path (accumulate, clip, step).
    let clip = Regularization { l2: 0.0, clip_norm: Some(0.05) };
    let x = [3.0f32; 70];
    let mut fused = Wide::random(&mut rng(11));
    let mut general = fused.clone();
    let mut a = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(0.5))
        .unwrap()
        .with_regularization(clip)
        .unwrap();
    let mut b = Trainer::new(
        Momentum { momentum: 0.0, nesterov: false },
        SparseCategoricalCrossEntropy,
        Schedule::Constant(0.5),
    )
    .unwrap()
    .with_regularization(clip)
    .unwrap();
    for k in 0..5 {
        a.step(&mut fused, &x, &(k % 3), &mut rng(0)).unwrap();
        b.step(&mut general, &x, &(k % 3), &mut rng(0)).unwrap();
    }
    assert_close(&fused, &general, 1e-5);
}

#[test]
fn a_non_finite_gradient_is_never_applied_on_the_fused_path() {
    // Finite loss, but the first layer's gradient δ·xᵀ overflows: x is huge.
    let mut net = Generic::<f32>::random(&mut rng(12));
    let before = net.clone();
    let mut trainer = Trainer::new(Sgd, BinaryCrossEntropy, Schedule::Constant(0.1)).unwrap();
    let err = trainer.step(&mut net, &[1e30, -1e30, 1e30], &[1.0, 0.0], &mut rng(0)).unwrap_err();
    assert_eq!(err, TrainError::NonFiniteGradient { epoch: 0, step: 1 });
    assert_eq!(net, before);
    assert_eq!(trainer.steps(), 0);
}

#[test]
fn per_sample_fit_takes_the_fused_path_and_matches_stepping() {
    let mut xs = inputs::<70>(12, 13);
    let mut ts: Vec<usize> = (0..12).map(|k| k % 3).collect();
    let (xs2, ts2) = (xs.clone(), ts.clone());
    let mut a = Wide::random(&mut rng(14));
    let mut b = a.clone();
    let mut fit_trainer = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(0.02)).unwrap();
    fit_trainer
        .fit(&mut a, FitData::new(&mut xs, &mut ts), &FitConfig::new(2).shuffle(false), &mut rng(0), |_| {
            constnet::train::Control::Continue
        })
        .unwrap();
    for _ in 0..2 {
        for (x, t) in xs2.iter().zip(&ts2) {
            reference_step(&mut b, SparseCategoricalCrossEntropy, x, t, 0.02, 0);
        }
    }
    assert_close(&a, &b, 1e-5);
    assert_eq!(fit_trainer.steps(), 24);
}

#[test]
fn fast_activations_report_the_function_they_approximate() {
    assert_eq!((FastSigmoid::NAME, FastSigmoid::KIND), ("FastSigmoid", ActivationKind::Sigmoid));
    assert_eq!((FastTanh::NAME, FastTanh::KIND), ("FastTanh", ActivationKind::Tanh));
    assert_eq!((FastSoftmax::NAME, FastSoftmax::KIND), ("FastSoftmax", ActivationKind::Softmax));
    // So BCE fuses with FastSigmoid to δ = p − y.
    let z = [0.3f32];
    let mut y = [0.0f32];
    FastSigmoid::apply(&z, &mut y);
    assert_eq!(BinaryCrossEntropy.delta::<FastSigmoid>(&z, &y, &[1.0]), [y[0] - 1.0]);
}

#[test]
fn fast_activations_stay_within_their_documented_error_of_the_exact_ones() {
    let mut x = -30.0f64;
    while x <= 30.0 {
        let xf = x as f32;
        assert!((FastSigmoid::value(xf) - Sigmoid::value(xf)).abs() < 2e-7, "sigmoid({x})");
        assert!((FastTanh::value(xf) - Tanh::value(xf)).abs() < 4e-7, "tanh({x})");
        assert!((FastSigmoid::value(x) - Sigmoid::value(x)).abs() < 1e-9, "f64 sigmoid({x})");
        assert!((FastTanh::value(x) - Tanh::value(x)).abs() < 3e-7, "f64 tanh({x})");
        x += 0.0137;
    }
    let z: [f32; 10] = core::array::from_fn(|i| i as f32 * 3.7 - 20.0);
    let (mut fast, mut exact) = ([0.0f32; 10], [0.0f32; 10]);
    FastSoftmax::apply(&z, &mut fast);
    Softmax::apply(&z, &mut exact);
    for (f, e) in fast.iter().zip(&exact) {
        assert!((f - e).abs() <= 3e-7 * e + 1e-30, "{f} vs {e}");
    }
}
