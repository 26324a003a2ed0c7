//! Mini-batch training epochs of the mnist-shaped network (784-128-10, first layer `HeapDense`,
//! SGD) for several batch sizes: microseconds per sample, the fastest of 9 epochs each from the
//! same weights. Run it without and with constnet's `parallel` feature:
//!
//! ```text
//! cargo run --release -p constnet-benches --bin parallel_training
//! cargo run --release -p constnet-benches --bin parallel_training --features parallel
//! ```
//!
//! The data: 1024 samples of 784 features in `[0, 1)` with random classes (timing only).

use constnet::loss::SparseCategoricalCrossEntropy;
use constnet::optim::{Schedule, Sgd};
use constnet::rand::rngs::Xoshiro128PlusPlus;
use constnet::rand::{RngExt, SeedableRng};
use constnet::train::{Batch, Control, FitConfig, FitData, Trainer};
use constnet_benches::workloads::MnistTrain;
use std::time::Instant;

fn main() {
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(5);
    let start = MnistTrain::random(&mut rng);
    let n = 1024;
    let inputs: Vec<[f32; 784]> = (0..n).map(|_| core::array::from_fn(|_| rng.random::<f32>())).collect();
    let targets: Vec<usize> = (0..n).map(|_| rng.random_range(0..10)).collect();
    println!("build: {}", if cfg!(feature = "parallel") { "--features parallel" } else { "one thread" });
    println!();
    println!("| batch | µs per sample | samples/s |");
    println!("|---|--:|--:|");
    for batch in [32, 128, 256, 512, n] {
        let config = FitConfig::new(1).batch(Batch::Mini(batch));
        let mut best = f64::MAX;
        for _ in 0..9 {
            let mut net = start.clone();
            let mut trainer = Box::new(
                Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(0.05)).expect("valid settings"),
            );
            let (mut x, mut t) = (inputs.clone(), targets.clone());
            let started = Instant::now();
            trainer
                .fit(&mut net, FitData::new(&mut x, &mut t), &config, &mut rng, |_| Control::Continue)
                .expect("finite training");
            best = best.min(started.elapsed().as_secs_f64() * 1e6 / n as f64);
        }
        println!("| Mini({batch}) | {best:.2} | {:.0} |", 1e6 / best);
    }
}
