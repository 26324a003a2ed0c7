//! What the recurrent firmware program (`src/bin/sequence.rs`), its host check
//! (`tests/firmware.rs`) and `tools/firmware-weights` all compute, compiled from this one file
//! on every side: a tap-rhythm task, the GRU that classifies it (trained over windows, run one
//! sample per call), the host training run that produces `rhythm.cnet`, and the fixed sequences
//! the device classifies. Only `constnet` and `core` are used here.
//!
//! The task is the one of `examples/sequence.rs`, shortened for a test: a window of [`STEPS`]
//! accelerometer samples holds two or three taps at a random moment, and the class is the
//! rhythm (the time between taps), wherever the taps fall.

use constnet::loss::SparseCategoricalCrossEntropy;
use constnet::optim::{Adam, Schedule};
use constnet::prelude::*;
use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
use constnet::train::{
    Batch, Control, EarlyStopping, FitConfig, FitData, FitReport, Metric, StopRules, TrainError, Trainer,
};

/// Samples per sequence.
pub const STEPS: usize = 32;
/// Hidden units of the GRU.
pub const HIDDEN: usize = 8;
/// Rhythm classes: double tap, slow double tap, triple tap, tap-pause-tap.
pub const CLASSES: usize = 4;

network! {
    /// The training form: a GRU over a whole window of [`STEPS`] samples (one channel), then a
    /// softmax over the classes: 3·8·(1 + 8 + 2) + 8·4 + 4 = 300 parameters.
    pub struct Rhythm<f32> {
        gru: Gru<1, HIDDEN, STEPS>,
        out: Dense<HIDDEN, CLASSES, Softmax>,
    }
}

network! {
    /// The same weights one sample per call (`forward_step`), as the firmware runs them: the
    /// weights in a `static` in flash, the hidden state ([`RhythmState`]) in RAM.
    pub struct RhythmStream<f32> {
        gru: Gru<1, HIDDEN>,
        out: Dense<HIDDEN, CLASSES, Softmax>,
    }
}

/// The state [`RhythmStream`] carries from one step to the next: the GRU's hidden state.
/// `Default` starts a sequence.
pub type RhythmState = <RhythmStream as Network<f32, 1, CLASSES>>::State;

/// Where `tools/firmware-weights` writes [`train_rhythm`]'s network (the streaming form),
/// relative to the repository root; the firmware decodes it at compile time.
pub const RHYTHM_FILE: &str = "examples/firmware/rhythm.cnet";

/// The next value of a linear congruential generator, as a fraction in `[0, 1)` from its top
/// 24 bits (exact in `f32`).
const fn next(state: &mut u32) -> f32 {
    *state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
    (*state >> 8) as f32 / 16_777_216.0
}

/// Uniform in `[low, high)`.
const fn uniform(state: &mut u32, low: f32, high: f32) -> f32 {
    low + (high - low) * next(state)
}

/// One window of rhythm `class` (`0..CLASSES`), drawn from `seed`: taps of random strength
/// (a bump `a·(1 − d²)²`, about three samples wide) with the class's gaps (double tap: 3–5
/// samples; slow double tap: 9–13; triple tap: 4–6 twice; tap-pause-tap: 3–4.5 then 9–12),
/// starting at a random moment, on a random drift and slope, with noise. A `const fn` with
/// only `+ − × ÷` (no `exp`), so the compiler computes the device's sequences and the bits are
/// the same everywhere.
pub const fn gesture(class: usize, seed: u32) -> [f32; STEPS] {
    let mut s = seed.wrapping_mul(2_654_435_761) ^ 0x9e37_79b9;
    let mut gaps = [0.0f32; 2];
    let taps = match class {
        0 => {
            gaps[0] = uniform(&mut s, 3.0, 5.0);
            2
        }
        1 => {
            gaps[0] = uniform(&mut s, 9.0, 13.0);
            2
        }
        2 => {
            gaps[0] = uniform(&mut s, 4.0, 6.0);
            gaps[1] = uniform(&mut s, 4.0, 6.0);
            3
        }
        _ => {
            gaps[0] = uniform(&mut s, 3.0, 4.5);
            gaps[1] = uniform(&mut s, 9.0, 12.0);
            3
        }
    };
    let mut at = [0.0f32; 3];
    at[0] = uniform(&mut s, 1.0, STEPS as f32 - 3.0 - (gaps[0] + gaps[1]));
    at[1] = at[0] + gaps[0];
    at[2] = at[1] + gaps[1];
    let mut strength = [0.0f32; 3];
    let mut k = 0;
    while k < 3 {
        strength[k] = uniform(&mut s, 0.6, 1.3);
        k += 1;
    }
    let drift = uniform(&mut s, -0.3, 0.3);
    let slope = uniform(&mut s, -0.01, 0.01);
    let mut out = [0.0f32; STEPS];
    let mut t = 0;
    while t < STEPS {
        let time = t as f32;
        let mut v = drift + slope * time;
        let mut k = 0;
        while k < taps {
            let d = (time - at[k]) / 1.6;
            let bump = 1.0 - d * d;
            if bump > 0.0 {
                v += strength[k] * bump * bump;
            }
            k += 1;
        }
        v += (next(&mut s) + next(&mut s) + next(&mut s) - 1.5) * 0.2;
        out[t] = v;
        t += 1;
    }
    out
}

/// Windows [`train_rhythm`] trains on (seeds `0..`, classes in turn).
pub const TRAIN_WINDOWS: usize = 800;
/// Windows it validates on (seeds `1_000_000..`).
pub const VALID_WINDOWS: usize = 200;

/// The result of [`train_rhythm`].
#[derive(Clone, Debug, PartialEq)]
pub struct RhythmRun {
    /// The trained network in its streaming form (the best epoch's weights).
    pub net: RhythmStream,
    /// How training went.
    pub report: FitReport,
    /// The fraction of the validation windows classified right.
    pub validation_accuracy: f64,
}

/// Trains the rhythm classifier that `rhythm.cnet` holds: [`Rhythm`] from
/// `Xoshiro128PlusPlus::seed_from_u64(11)`, Adam (lr 0.02) on sparse categorical cross-entropy
/// in mini-batches of 16 over [`TRAIN_WINDOWS`] windows, at most 30 epochs with early stopping
/// on [`VALID_WINDOWS`] others (patience 6, best weights restored); then moves the weights to
/// the streaming form.
///
/// The same bits on every machine for one build configuration of constnet, as
/// [`train_circles`](crate::shared::train_circles).
///
/// # Errors
/// Whatever [`Trainer`] reports.
pub fn train_rhythm() -> Result<RhythmRun, TrainError> {
    let mut train_x = [[0.0f32; STEPS]; TRAIN_WINDOWS];
    let mut train_y = [0usize; TRAIN_WINDOWS];
    for (i, (x, y)) in train_x.iter_mut().zip(&mut train_y).enumerate() {
        *y = i % CLASSES;
        *x = gesture(*y, i as u32);
    }
    let mut valid_x = [[0.0f32; STEPS]; VALID_WINDOWS];
    let mut valid_y = [0usize; VALID_WINDOWS];
    for (i, (x, y)) in valid_x.iter_mut().zip(&mut valid_y).enumerate() {
        *y = i % CLASSES;
        *x = gesture(*y, 1_000_000 + i as u32);
    }
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(11);
    let mut net = Rhythm::random(&mut rng);
    let mut trainer = Trainer::new(Adam::default(), SparseCategoricalCrossEntropy, Schedule::Constant(0.02))?;
    let config = FitConfig::new(30).batch(Batch::Mini(16)).metric(Metric::Argmax).stop(StopRules {
        early_stopping: Some(EarlyStopping { patience: 6, min_delta: 0.0, restore_best: true }),
        ..StopRules::default()
    });
    let data = FitData::new(&mut train_x, &mut train_y).with_validation(&valid_x, &valid_y);
    let report = trainer.fit(&mut net, data, &config, &mut rng, |_| Control::Continue)?;
    let (_, accuracy) = trainer.evaluate(&net, &valid_x, &valid_y, Metric::Argmax)?;
    let stream = RhythmStream::from_layers(net.gru.with_steps(), net.out);
    Ok(RhythmRun { net: stream, report, validation_accuracy: accuracy.unwrap_or(0.0) })
}

/// How many fixed sequences the device classifies.
pub const SEQUENCE_COUNT: usize = 8;

/// The sequences the firmware classifies, computed by the compiler (in flash on the device):
/// two of each class (in turn), from seeds `2_000_000..`, with their class.
pub const SEQUENCES: [([f32; STEPS], u8); SEQUENCE_COUNT] = {
    let mut out = [([0.0f32; STEPS], 0u8); SEQUENCE_COUNT];
    let mut i = 0;
    while i < SEQUENCE_COUNT {
        let class = i % CLASSES;
        out[i] = (gesture(class, 2_000_000 + i as u32), class as u8);
        i += 1;
    }
    out
};

/// The index of the largest value (the first one on ties).
pub fn argmax(p: &[f32; CLASSES]) -> usize {
    let mut best = 0;
    for (i, &v) in p.iter().enumerate() {
        if p.get(best).is_some_and(|&b| v > b) {
            best = i;
        }
    }
    best
}

/// Runs `samples` through `net` one step per call from a fresh state, as the device does;
/// returns the output after every step.
pub fn run_sequence(net: &RhythmStream, samples: &[f32; STEPS]) -> [[f32; CLASSES]; STEPS] {
    let mut state = RhythmState::default();
    samples.map(|x| net.forward_step(&mut state, &[x]))
}
