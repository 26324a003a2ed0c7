//! What the firmware and the host check both compute, compiled from this one file on both sides
//! (`tests/firmware.rs` includes it with `#[path]`): the networks, the fixed inputs, and the
//! XOR training run. Only `constnet` and `core` are used here.

use constnet::loss::BinaryCrossEntropy;
use constnet::optim::{Adam, Schedule};
use constnet::prelude::*;
use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
use constnet::train::{Metric, TrainError, Trainer};

network! {
    /// The circles classifier of the seed articles: a point in the plane → P(inner circle).
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
