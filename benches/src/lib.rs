//! Benchmarks for constnet with the baselines they are compared against, measured in the same
//! run: fixed-size `nalgebra`, a runtime-shaped `Vec<Vec<f32>>` network, and the FMA peak and
//! read-bandwidth kernels.
//!
//! The criterion benches are in `benches/`; `src/bin/report.rs` runs them and prints the table
//! (see the README's "Performance" section). The modules here hold what benches and report
//! share: the workloads, the baselines, the peak kernels and the table.

pub mod harness;
pub mod nalgebra_conv;
pub mod nalgebra_nets;
pub mod peak;
pub mod report;
pub mod vecvec;
pub mod workloads;

use criterion::Criterion;
use std::time::Duration;

/// The criterion settings of every group: short, because ratios from the same run are what
/// count, and many cases share the run. Command-line options still override them.
pub fn criterion() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_millis(400))
        .measurement_time(Duration::from_millis(1500))
        .sample_size(30)
        .noise_threshold(0.05)
}
