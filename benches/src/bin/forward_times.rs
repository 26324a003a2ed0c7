//! Per-sample `forward` and `forward_batch` times of the audio, digits and mnist workloads, best
//! of 25 runs: the README's table of portable against native builds.
//!
//! ```text
//! cargo run --release -p constnet-benches --bin forward_times                     # portable
//! RUSTFLAGS="-C target-cpu=native" cargo run --release -p constnet-benches --bin forward_times
//! ```
//!
//! `forward` cycles through 256 inputs (each call independent of the last); `forward_batch`
//! runs 1024 samples at a time. Timings only; the criterion benches (`report`) are the
//! reference for ratios.

use constnet::Network;
use constnet_benches::workloads::{Audio, Digits, Mnist, weights};
use std::hint::black_box;
use std::time::Instant;

/// The best time per item of 25 runs of `reps` calls of `f`, each doing `per` items.
fn best_of_25(reps: usize, per: usize, mut f: impl FnMut()) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..25 {
        let started = Instant::now();
        for _ in 0..reps {
            f();
        }
        best = best.min(started.elapsed().as_nanos() as f64 / (reps * per) as f64);
    }
    best
}

fn run<N: Network<f32, IN, OUT>, const IN: usize, const OUT: usize>(name: &str, net: &N, reps: usize) {
    let xs: Vec<[f32; IN]> =
        (0..1024).map(|k| core::array::from_fn(|i| ((k * IN + i) as f32 * 0.013).sin().abs())).collect();
    let mut ys = vec![[0.0f32; OUT]; xs.len()];
    let single = best_of_25(reps, 256, || {
        for x in &xs[..256] {
            black_box(net.forward(black_box(x)));
        }
    });
    let batch = best_of_25(reps.div_ceil(4), xs.len(), || {
        net.forward_batch(&xs, &mut ys);
        black_box(&mut ys);
    });
    println!("| {name} | {single:.1} ns | {batch:.1} ns |");
}

fn main() {
    let native = if cfg!(target_feature = "avx2") { "native (AVX2 or better)" } else { "portable" };
    println!("build: {native}\n\n| workload | forward | forward_batch |\n|---|--:|--:|");
    run("audio", &weights::<Audio, 8, 1>(), 2000);
    run("digits", &weights::<Digits, 64, 10>(), 500);
    let mnist: Box<Mnist> = Box::new(weights());
    run("mnist", &*mnist, 10);
}
