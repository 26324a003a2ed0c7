//! The Q16.16 fixed-point scalar in whole networks: back-propagation against `f64` within the
//! format's resolution, and XOR trained without a floating-point operation in the network.

use crate::common::{rng, uniform};
use constnet::fixed::Q16;
use constnet::io::Model;
use constnet::loss::{BinaryCrossEntropy, Loss, Mse};
use constnet::optim::{Adam, Momentum};
use constnet::prelude::*;
use constnet::train::{Metric, Trainer};

network! {
    /// 2-4-1 with both smooth activations, generic so that the same weights run in Q16 and f64.
    struct Xor<T> {
        hidden: Dense<2, 4, Tanh>,
        output: Dense<4, 1, Sigmoid>,
    }
}

network! {
    /// A deeper net with ReLU, for the gradient check.
    struct Deep<T> {
        a: Dense<3, 5, Relu>,
        b: Dense<5, 4, Tanh>,
        c: Dense<4, 2, Identity>,
    }
}

/// The same random weights in both scalars: drawn in f64, rounded to the Q16 grid, so both
/// networks hold exactly the same numbers.
fn twins<N64, NQ, const IN: usize, const OUT: usize>(seed: u64, scale: f64) -> (N64, NQ)
where
    N64: Network<f64, IN, OUT>,
    NQ: Network<Q16, IN, OUT>,
{
    let mut r = rng(seed);
    let (mut a, mut b) = (N64::zeroed(), NQ::zeroed());
    for t in 0..N64::TENSORS {
        for (x, y) in a.tensor_mut(t).iter_mut().zip(b.tensor_mut(t)) {
            *y = Q16::from_f64(uniform(&mut r, -scale, scale));
            *x = y.to_f64();
        }
    }
    (a, b)
}

/// Back-propagation in Q16 against the same computation in f64 (itself checked against finite
/// differences in `gradients.rs`), parameter by parameter. The tolerance is the format's
/// resolution times the number of roundings a gradient goes through, relative to its size:
/// `|g_Q16 − g_f64| ≤ 64·2⁻¹⁶·(1 + |g|)`.
fn check_gradients<N64, NQ, L64, LQ, const IN: usize, const OUT: usize>(
    f: &N64,
    q: &NQ,
    loss64: L64,
    lossq: LQ,
    x: [f64; IN],
    target: [f64; OUT],
) -> f64
where
    N64: Network<f64, IN, OUT>,
    NQ: Network<Q16, IN, OUT>,
    L64: Loss<f64, OUT, Target = [f64; OUT]>,
    LQ: Loss<Q16, OUT, Target = [Q16; OUT]>,
{
    let xq = x.map(Q16::from_f64);
    let tq = target.map(Q16::from_f64);
    let (mut tape64, mut tapeq) = (N64::Tape::default(), NQ::Tape::default());
    f.forward_train(&x, &mut tape64, &mut rng(0));
    q.forward_train(&xq, &mut tapeq, &mut rng(0));
    let d64 = loss64.delta::<N64::OutputActivation>(N64::output_pre_activation(&tape64), N64::output(&tape64), &target);
    let dq = lossq.delta::<NQ::OutputActivation>(NQ::output_pre_activation(&tapeq), NQ::output(&tapeq), &tq);
    let (mut g64, mut gq) = (N64::zeroed(), NQ::zeroed());
    f.backward(&tape64, &d64, &mut g64);
    q.backward(&tapeq, &dq, &mut gq);
    let mut worst: f64 = 0.0;
    for t in 0..N64::TENSORS {
        for (i, (a, b)) in g64.tensor(t).iter().zip(gq.tensor(t)).enumerate() {
            let err = (a - b.to_f64()).abs() / (1.0 + a.abs());
            assert!(err <= 64.0 / 65536.0, "tensor {t}[{i}]: f64 {a} vs Q16 {b:?}");
            worst = worst.max(err);
        }
    }
    worst * 65536.0
}

#[test]
fn fixed_point_gradients_match_f64_within_the_resolution() {
    let mut worst: f64 = 0.0;
    for seed in 0..20 {
        let (f, q): (Xor<f64>, Xor<Q16>) = twins(seed, 1.5);
        for (x, t) in [([0.0, 0.0], 0.0), ([0.0, 1.0], 1.0), ([1.0, 0.0], 1.0), ([1.0, 1.0], 0.0), ([0.3, -0.7], 1.0)] {
            worst = worst.max(check_gradients(&f, &q, BinaryCrossEntropy, BinaryCrossEntropy, x, [t]));
        }
        let (f, q): (Deep<f64>, Deep<Q16>) = twins(100 + seed, 1.0);
        let mut r = rng(200 + seed);
        let x = [0; 3].map(|_| Q16::from_f64(uniform(&mut r, -2.0, 2.0)).to_f64());
        let t = [0; 2].map(|_| Q16::from_f64(uniform(&mut r, -1.0, 1.0)).to_f64());
        worst = worst.max(check_gradients(&f, &q, Mse, Mse, x, t));
    }
    println!("Q16 vs f64 gradients: worst relative error {worst:.1} × 2⁻¹⁶");
}

/// The XOR data in any scalar.
fn xor_data<T: Scalar>() -> ([[T; 2]; 4], [[T; 1]; 4]) {
    constnet::data::xor::<T>()
}

/// Trains XOR per sample with Adam from seed 7 (as the firmware does in f32) and returns the
/// mean loss after each epoch and the final outputs.
fn train_xor<T: Scalar>(epochs: usize, adam: Adam, rate: f64) -> (Vec<f64>, [f64; 4]) {
    let (inputs, targets) = xor_data::<T>();
    let mut r = rng(7);
    let mut net = Xor::<T>::random(&mut r);
    let mut trainer = Trainer::new(adam, BinaryCrossEntropy, Schedule::Constant(rate)).unwrap();
    let mut curve = Vec::new();
    for _ in 0..epochs {
        for (x, t) in inputs.iter().zip(&targets) {
            trainer.step(&mut net, x, t, &mut r).unwrap();
        }
        curve.push(trainer.evaluate(&net, &inputs, &targets, Metric::None).unwrap().0);
    }
    (curve, inputs.map(|x| net.forward(&x)[0].to_f64()))
}

/// Adam's ε must be representable: 1e−8 is 0 in Q16, and the optimizer refuses it.
const ADAM_Q16: Adam = Adam { beta1: 0.9, beta2: 0.999, epsilon: 1e-4 };

#[test]
fn xor_trains_in_fixed_point_like_f32() {
    let (q_curve, q_out) = train_xor::<Q16>(300, ADAM_Q16, 0.05);
    let (f_curve, f_out) = train_xor::<f32>(300, ADAM_Q16, 0.05);
    for (y, t) in q_out.iter().zip([0.0, 1.0, 1.0, 0.0]) {
        assert!((y - t).abs() < 0.1, "Q16 xor outputs {q_out:?}");
    }
    for (y, t) in f_out.iter().zip([0.0, 1.0, 1.0, 0.0]) {
        assert!((y - t).abs() < 0.1, "f32 xor outputs {f_out:?}");
    }
    println!("xor loss by epoch (Adam, lr 0.05, ε 1e-4), epoch: Q16 / f32");
    for e in [1, 10, 25, 50, 100, 200, 300] {
        println!("  {e:>3}: {:.4} / {:.4}", q_curve[e - 1], f_curve[e - 1]);
    }
    // The two curves stay close: the fixed-point run is the float run up to rounding (which
    // shifts the fast middle part of the descent by a few epochs).
    let gap = q_curve.iter().zip(&f_curve).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
    println!("  largest gap between the curves: {gap:.4}");
    assert!(gap < 0.15, "loss curves differ by {gap}");
}

#[test]
fn sgd_and_momentum_train_xor_in_fixed_point() {
    let (inputs, targets) = xor_data::<Q16>();
    let mut r = rng(7);
    let mut net = Xor::<Q16>::random(&mut r);
    let mut trainer =
        Trainer::new(Momentum { momentum: 0.9, nesterov: false }, BinaryCrossEntropy, Schedule::Constant(0.1)).unwrap();
    for _ in 0..400 {
        for (x, t) in inputs.iter().zip(&targets) {
            trainer.step(&mut net, x, t, &mut r).unwrap();
        }
    }
    for (x, t) in inputs.iter().zip(&targets) {
        assert!((net.forward(x)[0] - t[0]).abs() < Q16::from_f64(0.1), "momentum xor{x:?}");
    }
    let mut net = Xor::<Q16>::random(&mut rng(7));
    let mut trainer = Trainer::new(Sgd, BinaryCrossEntropy, Schedule::Constant(0.5)).unwrap();
    for _ in 0..2000 {
        for (x, t) in inputs.iter().zip(&targets) {
            trainer.step(&mut net, x, t, &mut r).unwrap();
        }
    }
    for (x, t) in inputs.iter().zip(&targets) {
        assert!((net.forward(x)[0] - t[0]).abs() < Q16::from_f64(0.1), "sgd xor{x:?}");
    }
}

#[test]
fn adam_refuses_an_epsilon_that_is_zero_in_q16() {
    let err = Trainer::<Q16, Xor<Q16>, _, _>::new(Adam::default(), BinaryCrossEntropy, Schedule::Constant(0.05));
    assert!(err.is_err());
}

#[test]
fn q16_models_round_trip() {
    let (_, q): (Xor<f64>, Xor<Q16>) = twins(3, 2.0);
    let mut bytes = [0u8; Xor::<Q16>::BYTES];
    q.to_bytes(&mut bytes).unwrap();
    assert_eq!(Xor::<Q16>::from_bytes(&bytes), Ok(q.clone()));
    assert!(Xor::<f32>::from_bytes(&bytes).is_err(), "Q16 bytes are not f32 bytes");
}

network! { struct Line<Q16> { out: Dense<1, 1, Identity> } }

/// `y = 2x + 1` in Q16, as written by `to_bytes` (the test below checks it): the header with
/// scalar tag 4 (Q16) and 4 bytes per scalar, then the raw values 0x20000 and 0x10000.
const LINE_BYTES: [u8; 36] = [
    0x43, 0x4e, 0x45, 0x54, 0x02, 0x00, 0x04, 0x04, 0xc7, 0x46, 0x73, 0xc3, 0x25, 0xe5, 0x12, 0x89, 0x02, 0x00, 0x00,
    0x00, 0xee, 0xe6, 0x8a, 0x6e, 0x01, 0x29, 0xc2, 0xfe, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00,
];

#[test]
fn q16_models_decode_at_compile_time() {
    let line = Line::from_layers(Dense::from_parts([[Q16::from_int(2)]], [Q16::ONE]));
    let mut bytes = [0u8; 36];
    line.to_bytes(&mut bytes).unwrap();
    assert_eq!(bytes, LINE_BYTES);
    static LINE: Line = include_model!(Line, &LINE_BYTES);
    assert_eq!(LINE, line);
    assert_eq!(LINE.forward(&[Q16::from_int(3)]), [Q16::from_int(7)]);
}
