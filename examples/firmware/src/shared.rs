//! What the firmware and the host check both compute, compiled from this one file on both sides
//! (`tests/firmware.rs` and `tools/firmware-weights` include it with `#[path]`): the networks,
//! the fixed inputs, the host training run that produces `circles.cnet`, and the XOR training
//! run. Only `constnet` and `core` are used here.

use constnet::data::circles;
use constnet::loss::BinaryCrossEntropy;
use constnet::optim::{Adam, Schedule};
use constnet::prelude::*;
use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
use constnet::train::{
    Batch, Control, EarlyStopping, FitConfig, FitData, FitReport, Metric, StopRules, TrainError, Trainer,
};

network! {
    /// The circles classifier of "Deep Dive into Math Behind Deep Networks": a point in the plane →
    /// P(inner circle).
    pub struct Circles<f32> {
        hidden1: Dense<2, 4, Relu>,
        hidden2: Dense<4, 6, Relu>,
        hidden3: Dense<6, 6, Relu>,
        hidden4: Dense<6, 4, Relu>,
        output:  Dense<4, 1, Sigmoid>,
    }
}

network! {
    /// The 2-4-1 XOR network trained on the device.
    pub struct Xor<f32> {
        hidden: Dense<2, 4, Tanh>,
        output: Dense<4, 1, Sigmoid>,
    }
}

/// Where `tools/firmware-weights` writes [`train_circles`]'s network, relative to the repository
/// root; the firmware decodes it at compile time.
pub const CIRCLES_FILE: &str = "examples/firmware/circles.cnet";

/// The result of [`train_circles`].
#[derive(Clone, Debug, PartialEq)]
pub struct CirclesRun {
    /// The trained network (the best epoch's weights).
    pub net: Circles,
    /// How training went.
    pub report: FitReport,
    /// The fraction of the 80 validation points classified right.
    pub validation_accuracy: f64,
}

/// Trains the circles classifier that `circles.cnet` holds: 400 points from
/// `circles(factor 0.5, noise 0.1)` with seed 3, 320 for training and 80 for validation, Adam
/// (lr 0.01) on binary cross-entropy in mini-batches of 8, at most 60 epochs with early
/// stopping (patience 8, best weights restored).
///
/// The same bits on every machine for one build configuration of constnet: without its `std`
/// feature, every float function is `libm`'s and no multiply-add is fused, which is also how
/// the firmware computes (README, "Firmware").
///
/// # Errors
/// Whatever [`Trainer`] reports.
pub fn train_circles() -> Result<CirclesRun, TrainError> {
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(3);
    let mut inputs = [[0.0f32; 2]; 400];
    let mut targets = [[0.0f32; 1]; 400];
    // Cannot fail: the factor is in (0, 1) and the noise is finite and non-negative.
    if circles(&mut inputs, &mut targets, 0.5, 0.1, &mut rng).is_err() {
        unreachable!("valid circles settings")
    }
    let (train_x, valid_x) = inputs.split_at_mut(320);
    let (train_y, valid_y) = targets.split_at_mut(320);
    let mut net = Circles::random(&mut rng);
    let mut trainer = Trainer::new(Adam::default(), BinaryCrossEntropy, Schedule::Constant(0.01))?;
    let config = FitConfig::new(60).batch(Batch::Mini(8)).metric(Metric::Binary).stop(StopRules {
        early_stopping: Some(EarlyStopping { patience: 8, min_delta: 0.0, restore_best: true }),
        ..StopRules::default()
    });
    let data = FitData::new(train_x, train_y).with_validation(valid_x, valid_y);
    let report = trainer.fit(&mut net, data, &config, &mut rng, |_| Control::Continue)?;
    let (_, accuracy) = trainer.evaluate(&net, valid_x, valid_y, Metric::Binary)?;
    Ok(CirclesRun { net, report, validation_accuracy: accuracy.unwrap_or(0.0) })
}

/// The points part 1 classifies, with their true class (1 = inner circle of radius 0.5,
/// 0 = outer circle of radius 1): four on each circle, then four off both.
pub const POINTS: [([f32; 2], u8); 12] = [
    ([0.5, 0.0], 1),
    ([0.0, -0.5], 1),
    ([-0.35, 0.35], 1),
    ([0.3, 0.4], 1),
    ([1.0, 0.0], 0),
    ([0.0, 1.0], 0),
    ([-0.7, -0.7], 0),
    ([0.6, -0.8], 0),
    ([0.1, 0.1], 1),
    ([0.0, 0.0], 1),
    ([1.1, 0.2], 0),
    ([-0.95, 0.45], 0),
];

/// Seed of the generator that initialises the XOR network and drives training on the device.
pub const XOR_SEED: u64 = 7;
/// Adam's learning rate for XOR.
pub const XOR_LEARNING_RATE: f64 = 0.05;
/// Training gives up after this many epochs (one epoch = the four cases, one Adam step each).
pub const XOR_MAX_EPOCHS: usize = 2000;

/// The result of [`train_xor`].
#[derive(Clone, Debug, PartialEq)]
pub struct XorRun {
    /// The trained network.
    pub net: Xor,
    /// Epochs run until all four cases were right.
    pub epochs: usize,
    /// Mean binary cross-entropy over the four cases after training.
    pub loss: f64,
    /// The network's outputs for `[0,0], [0,1], [1,0], [1,1]` after training.
    pub outputs: [f32; 4],
    /// `true` if all four cases are right (see [`all_right`]).
    pub solved: bool,
}

/// Initialises the XOR network from [`XOR_SEED`] and trains it with Adam and binary
/// cross-entropy, one step per case in a fixed order, until all four cases are right (see
/// [`all_right`]) or
/// [`XOR_MAX_EPOCHS`] have passed.
///
/// # Errors
/// Whatever [`Trainer`] reports (invalid settings, a non-finite loss).
pub fn train_xor() -> Result<XorRun, TrainError> {
    let (inputs, targets) = constnet::data::xor::<f32>();
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(XOR_SEED);
    let mut net = Xor::random(&mut rng);
    let mut trainer = Trainer::new(Adam::default(), BinaryCrossEntropy, Schedule::Constant(XOR_LEARNING_RATE))?;
    let mut epochs = 0;
    while epochs < XOR_MAX_EPOCHS && !all_right(&net) {
        for (x, t) in inputs.iter().zip(&targets) {
            trainer.step(&mut net, x, t, &mut rng)?;
        }
        epochs += 1;
    }
    let (loss, _) = trainer.evaluate(&net, &inputs, &targets, Metric::None)?;
    let outputs = inputs.map(|x| net.forward(&x)[0]);
    Ok(XorRun { solved: all_right(&net), net, epochs, loss, outputs })
}

/// How close to its target every output must be for training to stop: each case is then
/// right with a margin (0.9 or more for 1, 0.1 or less for 0), not just on the right side of 0.5.
pub const XOR_TOLERANCE: f32 = 0.1;

/// `true` when all four XOR outputs are within [`XOR_TOLERANCE`] of their targets.
pub fn all_right(net: &Xor) -> bool {
    let (inputs, targets) = constnet::data::xor::<f32>();
    inputs.iter().zip(&targets).all(|(x, t)| (net.forward(x)[0] - t[0]).abs() <= XOR_TOLERANCE)
}

// ---------------------------------------------------------------------------------------------
// Wide layers: inference over every shape class of the dense kernel, for the panic check.

network! {
    /// Wide layers, one for each path the dense kernel takes for a width: 8 inputs (four rows
    /// at a time, one 8-lane chunk), 16 (one dot product per row), 64 (four rows at a time plus
    /// a leftover row), 21 (a dot product per row with a tail), 100 (rows in fours, a tail of
    /// inputs, a leftover row) and 13 (a tail, two leftover rows), ending in a softmax.
    pub struct Wide<f32> {
        in8:   Dense<8, 16, Relu>,
        in16:  Dense<16, 64, Tanh>,
        in64:  Dense<64, 21, FastTanh>,
        in21:  Dense<21, 100, Sigmoid>,
        in100: Dense<100, 13, LeakyRelu>,
        in13:  Dense<13, 10, Softmax>,
    }
}

network! {
    /// Narrow layers with the other activations, ending in the fast softmax.
    pub struct Mixed<f32> {
        in3:  Dense<3, 9, Step>,
        in9:  Dense<9, 7, FastSigmoid>,
        in7:  Dense<7, 5, Identity>,
        in5:  Dense<5, 4, FastSoftmax>,
    }
}

/// `O × I` values in `[−scale, scale)` from a linear congruential generator seeded with `seed`:
/// weights for a network built at compile time (the same bits on the host and the device).
pub const fn uniform<const I: usize, const O: usize>(seed: u32, scale: f32) -> [[f32; I]; O] {
    let mut out = [[0.0; I]; O];
    let mut state = seed;
    let mut j = 0;
    while j < O {
        let mut i = 0;
        while i < I {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            // The top 24 bits as a fraction of 2²⁴, exactly representable in f32.
            out[j][i] = ((state >> 8) as f32 / 8_388_608.0 - 1.0) * scale;
            i += 1;
        }
        j += 1;
    }
    out
}

/// [`uniform`] as a vector.
pub const fn uniform_vector<const N: usize>(seed: u32, scale: f32) -> [f32; N] {
    uniform::<N, 1>(seed, scale)[0]
}

/// The [`Wide`] network with fixed pseudo-random weights (scaled by about `1/√inputs`).
pub const fn wide() -> Wide {
    Wide::from_layers(
        Dense::from_parts(uniform(1, 0.35), uniform_vector(2, 0.1)),
        Dense::from_parts(uniform(3, 0.25), uniform_vector(4, 0.1)),
        Dense::from_parts(uniform(5, 0.125), uniform_vector(6, 0.1)),
        Dense::from_parts(uniform(7, 0.22), uniform_vector(8, 0.1)),
        Dense::from_parts(uniform(9, 0.1), uniform_vector(10, 0.1)),
        Dense::from_parts(uniform(11, 0.28), uniform_vector(12, 0.1)),
    )
}

/// The [`Mixed`] network with fixed pseudo-random weights.
pub const fn mixed() -> Mixed {
    Mixed::from_layers(
        Dense::from_parts(uniform(13, 0.6), uniform_vector(14, 0.1)),
        Dense::from_parts(uniform(15, 0.33), uniform_vector(16, 0.1)),
        Dense::from_parts(uniform(17, 0.38), uniform_vector(18, 0.1)),
        Dense::from_parts(uniform(19, 0.45), uniform_vector(20, 0.1)),
    )
}

/// The inputs the wide-layer firmware runs [`Wide`] on.
pub const WIDE_INPUTS: [[f32; 8]; 4] = uniform(21, 1.0);
/// The inputs the wide-layer firmware runs [`Mixed`] on.
pub const MIXED_INPUTS: [[f32; 3]; 4] = uniform(22, 1.0);
