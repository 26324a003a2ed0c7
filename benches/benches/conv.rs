//! `conv`: one `Conv1d` layer (valid, stride 1, ReLU) on one sample, against `nalgebra` in two
//! formulations (per-tap matrix–vector products and im2col, see
//! `constnet_benches::nalgebra_conv`), in the same run. Each case first checks that all three
//! compute the same output.
//!
//! `cargo bench -p constnet-benches --bench conv`

use constnet::prelude::*;
use constnet_benches::harness::{self, CYCLED_INPUTS, Group, assert_close};
use constnet_benches::nalgebra_conv::Conv;
use constnet_benches::workloads::inputs;
use criterion::{Criterion, criterion_group, criterion_main};
use nalgebra::SMatrix;

/// The three implementations of one convolution.
fn case<
    const LEN: usize,
    const C_IN: usize,
    const C_OUT: usize,
    const K: usize,
    const KC: usize,
    const IN: usize,
    const LEN_OUT: usize,
    const OUT: usize,
>(
    g: &mut Group<'_>,
    id: &str,
) where
    Conv1d<f32, LEN, C_IN, C_OUT, K, Relu>: Layer<f32, IN, OUT>,
{
    let mut layer = Conv1d::<f32, LEN, C_IN, C_OUT, K, Relu>::zeroed();
    layer.init(&mut constnet::rand::rngs::Xoshiro128PlusPlus::seed_from_u64(5), Init::HeUniform);
    for (i, b) in layer.bias.iter_mut().enumerate() {
        *b = 0.01 * i as f32 - 0.05;
    }
    let baseline = Conv::<C_IN, C_OUT, K, KC>::from_tensors(layer.tensor(0), layer.tensor(1));
    let xs = inputs::<IN>(CYCLED_INPUTS, -1.0, 1.0, 3);
    let nxs: Vec<SMatrix<f32, C_IN, LEN>> = xs.iter().map(|x| SMatrix::from_column_slice(x)).collect();

    let want: [f32; OUT] = layer.forward(&xs[0]);
    assert_close(&format!("{id} per tap"), baseline.forward_taps::<LEN, LEN_OUT>(&nxs[0]).as_slice(), &want, 1e-5);
    assert_close(&format!("{id} im2col"), baseline.forward_im2col::<LEN, LEN_OUT>(&nxs[0]).as_slice(), &want, 1e-5);

    harness::forward(g, "constnet", id, &xs, |x| -> [f32; OUT] { layer.forward(x) });
    harness::forward(g, "nalgebra-taps", id, &nxs, |x| baseline.forward_taps::<LEN, LEN_OUT>(x));
    harness::forward(g, "nalgebra-im2col", id, &nxs, |x| baseline.forward_im2col::<LEN, LEN_OUT>(x));
}

use constnet::rand::SeedableRng;

fn conv(c: &mut Criterion) {
    let mut g = c.benchmark_group("conv");
    // The first layer of examples/conv_classifier.rs: 64 × 1 → 60 × 8.
    case::<64, 1, 8, 5, 5, 64, 60, 480>(&mut g, "64x1-8-k5");
    // Its second layer: 30 × 8 → 26 × 12.
    case::<30, 8, 12, 5, 40, 240, 26, 312>(&mut g, "30x8-12-k5");
    // A wider one: 32 × 16 → 30 × 16.
    case::<32, 16, 16, 3, 48, 512, 30, 480>(&mut g, "32x16-16-k3");
    // Weights over 4 KiB (12 KiB), which constnet does not copy onto the stack: 32 × 32 → 30 × 32.
    case::<32, 32, 32, 3, 96, 1024, 30, 960>(&mut g, "32x32-32-k3");
    g.finish();
}

criterion_group! {
    name = benches;
    config = constnet_benches::criterion();
    targets = conv
}
criterion_main!(benches);
