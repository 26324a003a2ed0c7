//! What the int8 and fixed-point programs, their host check (`tests/firmware_int8.rs`) and
//! `tools/firmware-weights` all compute, compiled from this one file on every side: the int8
//! quantization of the circles classifier, the points it classifies already quantized, and the
//! XOR training run generic over the scalar (`Q16` on the device without an FPU, and `f32` in
//! software floats for comparison). Only `constnet` and `core` are used here; the includer
//! provides `shared`.

use crate::shared::Circles;
use constnet::int8::{QParams, QuantizeError, Quantized};
use constnet::loss::BinaryCrossEntropy;
use constnet::optim::{Adam, Schedule};
use constnet::prelude::*;
use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
use constnet::train::{TrainError, Trainer};

/// Where `tools/firmware-weights` writes [`quantize_circles`]'s network, relative to the
/// repository root; the firmware decodes it at compile time.
pub const CIRCLES_Q8_FILE: &str = "examples/firmware/circles.q8";

/// The circles classifier quantized to int8 (what `circles.q8` holds): calibrated on the first
/// 320 points of its own training data (`circles(400, factor 0.5, noise 0.1)` from seed 3, as
/// in [`train_circles`](crate::shared::train_circles)).
///
/// # Errors
/// Whatever [`Quantized::quantize`] reports.
pub fn quantize_circles(net: &Circles) -> Result<Quantized<Circles>, QuantizeError> {
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(3);
    let mut inputs = [[0.0f32; 2]; 400];
    let mut targets = [[0.0f32; 1]; 400];
    // Cannot fail: the factor is in (0, 1) and the noise is finite and non-negative.
    if constnet::data::circles(&mut inputs, &mut targets, 0.5, 0.1, &mut rng).is_err() {
        unreachable!("valid circles settings")
    }
    Quantized::quantize(net, &inputs[..320])
}

/// The points of [`POINTS`](crate::shared::POINTS) in the int8 input quantization `input`, in
/// `const` context: the firmware computes them at compile time, so the device does no
/// floating-point arithmetic at all.
pub const fn points_q8(input: QParams) -> [[i8; 2]; 12] {
    let mut out = [[0i8; 2]; 12];
    let mut i = 0;
    while i < 12 {
        let x = crate::shared::POINTS[i].0;
        out[i] = [quantize(x[0], input), quantize(x[1], input)];
        i += 1;
    }
    out
}

/// [`QParams::quantize`] in `const` context: `round(x / scale) + zero_point`, half away from
/// zero, saturated.
pub const fn quantize(x: f32, p: QParams) -> i8 {
    let v = x / p.scale;
    let r = if v >= 0.0 { (v + 0.5) as i32 } else { (v - 0.5) as i32 } + p.zero_point as i32;
    if r > 127 {
        127
    } else if r < -128 {
        -128
    } else {
        r as i8
    }
}

network! {
    /// The 2-4-1 XOR network, generic over its scalar.
    pub struct XorNet<T> {
        hidden: Dense<2, 4, Tanh>,
        output: Dense<4, 1, Sigmoid>,
    }
}

/// Seed of the generator that initialises the XOR network.
pub const XOR_SEED: u64 = 7;
/// Adam's learning rate.
pub const XOR_LEARNING_RATE: f64 = 0.05;
/// Adam's ε: 10⁻⁴ (Q16's resolution is 1.5·10⁻⁵; the default 10⁻⁸ is 0 there). The same for
/// both scalars, so the runs differ only in arithmetic.
pub const XOR_EPSILON: f64 = 1e-4;
/// Training gives up after this many epochs.
pub const XOR_MAX_EPOCHS: usize = 2000;
/// Every output within this distance of its target ends training.
pub const XOR_TOLERANCE: f64 = 0.1;

/// The result of [`train_xor`].
#[derive(Clone, Debug, PartialEq)]
pub struct XorRun<T: Scalar> {
    /// The trained network.
    pub net: XorNet<T>,
    /// Epochs (four Adam steps each) until all four outputs were within the tolerance.
    pub epochs: usize,
    /// Mean binary cross-entropy after each of the first 64 epochs (the loss curve).
    pub curve: [T; 64],
    /// The outputs for `[0,0], [0,1], [1,0], [1,1]` after training.
    pub outputs: [T; 4],
    /// `true` if all four outputs are within the tolerance.
    pub solved: bool,
}

/// Initialises the XOR network from [`XOR_SEED`] and trains it with Adam on binary
/// cross-entropy, one step per case in a fixed order, until every output is within
/// [`XOR_TOLERANCE`] of its target or [`XOR_MAX_EPOCHS`] have passed.
///
/// # Errors
/// Whatever [`Trainer`] reports.
pub fn train_xor<T: Scalar>() -> Result<XorRun<T>, TrainError> {
    let (inputs, targets) = constnet::data::xor::<T>();
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(XOR_SEED);
    let mut net = XorNet::<T>::random(&mut rng);
    let adam = Adam { epsilon: XOR_EPSILON, ..Adam::default() };
    let mut trainer = Trainer::new(adam, BinaryCrossEntropy, Schedule::Constant(XOR_LEARNING_RATE))?;
    let mut curve = [T::ZERO; 64];
    let mut epochs = 0;
    while epochs < XOR_MAX_EPOCHS && !all_right(&net) {
        for (x, t) in inputs.iter().zip(&targets) {
            trainer.step(&mut net, x, t, &mut rng)?;
        }
        if let Some(slot) = curve.get_mut(epochs) {
            *slot = mean_loss(&net);
        }
        epochs += 1;
    }
    let outputs = inputs.map(|x| net.forward(&x)[0]);
    Ok(XorRun { solved: all_right(&net), net, epochs, curve, outputs })
}

/// Mean binary cross-entropy over the four cases, in `T` (no `f64` on the device).
pub fn mean_loss<T: Scalar>(net: &XorNet<T>) -> T {
    let (inputs, targets) = constnet::data::xor::<T>();
    let mut sum = T::ZERO;
    for (x, t) in inputs.iter().zip(&targets) {
        let (z, y) = <XorNet<T> as Network<T, 2, 1>>::forward_logits(net, x);
        sum += constnet::loss::Loss::value_at::<Sigmoid>(&BinaryCrossEntropy, &z, &y, t);
    }
    sum / T::from_f64(4.0)
}

/// `true` when all four outputs are within [`XOR_TOLERANCE`] of their targets.
pub fn all_right<T: Scalar>(net: &XorNet<T>) -> bool {
    let (inputs, targets) = constnet::data::xor::<T>();
    let tolerance = T::from_f64(XOR_TOLERANCE);
    inputs.iter().zip(&targets).all(|(x, t)| (net.forward(x)[0] - t[0]).abs() <= tolerance)
}
