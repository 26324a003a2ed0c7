//! How each measure drives an implementation, shared by all of them so that only the
//! implementation differs between the cases of a group.

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Throughput};
use std::hint::black_box;

/// A criterion group with wall-clock timing.
pub type Group<'a> = BenchmarkGroup<'a, WallTime>;

/// Inputs cycled by `forward` and `latency`.
pub const CYCLED_INPUTS: usize = 256;

/// `forward`: one sample per call, the inputs cycled, each through `black_box`, so calls are
/// independent and may overlap in the CPU.
pub fn forward<X, Y>(
    g: &mut Group<'_>,
    implementation: &str,
    workload: &str,
    inputs: &[X],
    mut f: impl FnMut(&X) -> Y,
) {
    g.throughput(Throughput::Elements(1));
    g.bench_function(BenchmarkId::new(implementation, workload), |b| {
        let mut k = 0;
        b.iter(|| {
            let x = black_box(&inputs[k]);
            k = if k + 1 == inputs.len() { 0 } else { k + 1 };
            f(x)
        });
    });
}

/// `latency`: each input is the next cycled input plus a small multiple of the previous output
/// (`next`), so every call waits for the one before: the single-sample latency.
pub fn latency<X, Y>(
    g: &mut Group<'_>,
    implementation: &str,
    workload: &str,
    inputs: &[X],
    mut f: impl FnMut(&X) -> Y,
    next: impl Fn(&X, &Y) -> X,
) {
    g.throughput(Throughput::Elements(1));
    g.bench_function(BenchmarkId::new(implementation, workload), |b| {
        let mut k = 0;
        let mut y = f(&inputs[0]);
        b.iter(|| {
            k = if k + 1 == inputs.len() { 0 } else { k + 1 };
            let x = next(&inputs[k], &y);
            y = f(&x);
            black_box(&y);
        });
    });
}

/// A measure where one call processes `elements` samples (`throughput`, `fit_epoch`) or one
/// training step (`train_step`, `elements` = 1).
pub fn per_call<Y>(g: &mut Group<'_>, implementation: &str, workload: &str, elements: u64, mut f: impl FnMut() -> Y) {
    g.throughput(Throughput::Elements(elements));
    g.bench_function(BenchmarkId::new(implementation, workload), |b| b.iter(&mut f));
}

/// Panics unless `a` and `b` agree to `tol` (relative to 1 + |b|): every implementation must
/// compute the same function before its speed is compared.
pub fn assert_close(what: &str, a: &[f32], b: &[f32], tol: f32) {
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!((x - y).abs() <= tol * (1.0 + y.abs()), "{what}: output {i} is {x}, expected {y}");
    }
}
