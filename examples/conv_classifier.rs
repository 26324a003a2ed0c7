//! A 1-D convolutional classifier on a synthetic signal task, against a dense network of about
//! the same size on the same data.
//!
//! `cargo run --release -p constnet-examples --example conv_classifier`
//!
//! Each sample is a window of 64 samples of one of four waveforms — sine, square, sawtooth,
//! triangle — with a random frequency (1.5 to 5 cycles per window), phase and amplitude
//! (0.5 to 1.5), plus Gaussian noise (σ = 0.15). The class is the waveform. Phase and frequency
//! vary freely, so a useful feature is a *local shape* (a jump, a ramp, a rounded top) wherever it
//! occurs: what a convolution computes at every position, and a global average pools over time.
//! A dense layer has to learn each shape at each position separately.
//!
//! Both networks train with Adam on mini-batches of 16 with softmax cross-entropy, 2400
//! training windows, for the same number of epochs; accuracy is measured on 1200 held-out windows.
//! The example fails (exit status 1) if the convolutional network does not reach 90%.

use constnet::loss::CategoricalCrossEntropy;
use constnet::metrics::argmax_accuracy;
use constnet::optim::{Adam, Schedule};
use constnet::prelude::*;
use constnet::rand::{Rng, SeedableRng, rngs::Xoshiro128PlusPlus};
use constnet::train::{Batch, Control, FitConfig, FitData, Metric, Trainer};
use std::error::Error;
use std::time::Instant;

/// Samples per window.
const LEN: usize = 64;
/// Waveforms.
const CLASSES: usize = 4;
const NAMES: [&str; CLASSES] = ["sine", "square", "sawtooth", "triangle"];

network! {
    /// Two convolutions with max pooling between them, a global average over time, a softmax.
    pub struct ConvNet<f32> {
        conv1: Conv1d<64, 1, 8, 5, Relu>,      // 64 × 1 → 60 × 8
        pool1: MaxPool1d<60, 8, 2>,           // → 30 × 8
        conv2: Conv1d<30, 8, 12, 5, Relu>,    // → 26 × 12
        pool2: GlobalAvgPool1d<26, 12>,       // → 12
        output: Dense<12, 4, Softmax>,
    }
}

network! {
    /// A dense network with about as many parameters.
    pub struct DenseNet<f32> {
        hidden: Dense<64, 9, Relu>,
        output: Dense<9, 4, Softmax>,
    }
}

/// Uniform in `[low, high)`.
fn uniform(rng: &mut impl Rng, low: f32, high: f32) -> f32 {
    low + (high - low) * (rng.next_u32() >> 8) as f32 / (1u32 << 24) as f32
}

/// A standard normal sample (Box–Muller).
fn normal(rng: &mut impl Rng) -> f32 {
    let u = uniform(rng, f32::EPSILON, 1.0);
    let v = uniform(rng, 0.0, 1.0);
    (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
}

/// One noisy window of waveform `class` and its one-hot target.
fn window(class: usize, rng: &mut impl Rng) -> ([f32; LEN], [f32; CLASSES]) {
    let cycles = uniform(rng, 1.5, 5.0);
    let phase = uniform(rng, 0.0, 1.0);
    let amplitude = uniform(rng, 0.5, 1.5);
    let x = core::array::from_fn(|t| {
        let p = (cycles * t as f32 / LEN as f32 + phase).fract(); // position in the cycle, [0, 1)
        let clean = match class {
            0 => (std::f32::consts::TAU * p).sin(),
            1 => {
                if p < 0.5 {
                    1.0
                } else {
                    -1.0
                }
            }
            2 => 2.0 * p - 1.0,
            _ => 1.0 - 4.0 * (p - 0.5).abs(),
        };
        amplitude * clean + 0.15 * normal(rng)
    });
    let mut target = [0.0; CLASSES];
    target[class] = 1.0;
    (x, target)
}

/// `n` windows, the classes taking turns.
fn dataset(n: usize, rng: &mut impl Rng) -> (Vec<[f32; LEN]>, Vec<[f32; CLASSES]>) {
    (0..n).map(|i| window(i % CLASSES, rng)).unzip()
}

/// Trains `net` and returns its held-out accuracy and the training time.
fn train<N: Network<f32, LEN, CLASSES>>(
    name: &str,
    net: &mut N,
    train: (&[[f32; LEN]], &[[f32; CLASSES]]),
    test: (&[[f32; LEN]], &[[f32; CLASSES]]),
    epochs: usize,
) -> Result<(f64, f64), Box<dyn Error>> {
    let (mut x, mut y) = (train.0.to_vec(), train.1.to_vec());
    // Cosine decay from 0.01 to 0.0005 over the whole run.
    let steps = (epochs * train.0.len()).div_ceil(16) as u64;
    let schedule = Schedule::Cosine { initial: 0.01, decay_steps: steps, alpha: 0.05 };
    let mut trainer = Trainer::new(Adam::default(), CategoricalCrossEntropy, schedule)?;
    let config = FitConfig::new(epochs).batch(Batch::Mini(16)).metric(Metric::Argmax);
    let data = FitData::new(&mut x, &mut y).with_validation(test.0, test.1);
    let started = Instant::now();
    trainer.fit(net, data, &config, &mut Xoshiro128PlusPlus::seed_from_u64(2), |epoch| {
        if epoch.epoch % 5 == 0 || epoch.epoch == 1 {
            println!("  {name} {epoch}");
        }
        Control::Continue
    })?;
    let seconds = started.elapsed().as_secs_f64();
    Ok((argmax_accuracy(net, test.0, test.1)?, seconds))
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(7);
    let (train_x, train_y) = dataset(2400, &mut rng);
    let (test_x, test_y) = dataset(1200, &mut rng);
    let epochs = 20;
    println!(
        "{} training and {} held-out windows of {LEN} samples; classes {NAMES:?}; {epochs} epochs each",
        train_x.len(),
        test_x.len()
    );

    let mut conv = ConvNet::random(&mut Xoshiro128PlusPlus::seed_from_u64(1));
    println!(
        "ConvNet: {} parameters (Conv1d 1→8 k5, max pool 2, Conv1d 8→12 k5, global average, Dense 12→4)",
        ConvNet::PARAMS
    );
    let (conv_accuracy, conv_seconds) = train("conv ", &mut conv, (&train_x, &train_y), (&test_x, &test_y), epochs)?;

    let mut dense = DenseNet::random(&mut Xoshiro128PlusPlus::seed_from_u64(1));
    println!("DenseNet: {} parameters (Dense 64→9 ReLU, Dense 9→4)", DenseNet::PARAMS);
    let (dense_accuracy, dense_seconds) = train("dense", &mut dense, (&train_x, &train_y), (&test_x, &test_y), epochs)?;

    // Where the convolutional network errs.
    let mut confusion = [[0usize; CLASSES]; CLASSES];
    for (x, y) in test_x.iter().zip(&test_y) {
        let truth = constnet::metrics::predicted_class(y);
        confusion[truth][constnet::metrics::predicted_class(&conv.forward(x))] += 1;
    }
    println!("ConvNet confusion on the held-out windows (rows: truth, columns: prediction):");
    for (name, row) in NAMES.iter().zip(confusion) {
        println!("  {name:>9} {row:?}");
    }
    println!(
        "held-out accuracy: ConvNet {:.1}% ({} parameters, trained in {conv_seconds:.2} s), DenseNet {:.1}% ({} parameters, {dense_seconds:.2} s)",
        100.0 * conv_accuracy,
        ConvNet::PARAMS,
        100.0 * dense_accuracy,
        DenseNet::PARAMS,
    );
    if conv_accuracy < 0.9 {
        return Err(format!("the convolutional network reached only {:.1}%", 100.0 * conv_accuracy).into());
    }
    Ok(())
}
