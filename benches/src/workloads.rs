//! The benchmark workloads: the same networks, weights and inputs for every implementation.
//!
//! Each workload is declared twice with `network!`: with constnet's vectorising activations
//! (`FastSigmoid`, `FastTanh`, `FastSoftmax`), the configuration the comparisons are about, and
//! with the exact ones (`…Exact`), which shows how much of a ratio the approximations buy. Both
//! get the same weights, drawn once from a fixed seed; the baselines copy them through
//! [`Parameters::tensor`].

use constnet::prelude::*;
use constnet::rand::rngs::Xoshiro128PlusPlus;
use constnet::rand::{Rng, RngExt, SeedableRng};

network! {
    /// tree: 2-2-1, identity (the tree-age regression).
    pub struct Tree<f32> { hidden: Dense<2, 2, Identity>, output: Dense<2, 1, Identity> }
}
network! {
    /// xor: 2-4-1, sigmoid, sigmoid.
    pub struct Xor<f32> { hidden: Dense<2, 4, FastSigmoid>, output: Dense<4, 1, FastSigmoid> }
}
network! {
    /// xor with the exact sigmoid.
    pub struct XorExact<f32> { hidden: Dense<2, 4, Sigmoid>, output: Dense<4, 1, Sigmoid> }
}
network! {
    /// circles: 2-4-6-6-4-1, ReLU ×4, sigmoid.
    pub struct Circles<f32> {
        hidden1: Dense<2, 4, Relu>,
        hidden2: Dense<4, 6, Relu>,
        hidden3: Dense<6, 6, Relu>,
        hidden4: Dense<6, 4, Relu>,
        output: Dense<4, 1, FastSigmoid>,
    }
}
network! {
    /// circles with the exact sigmoid.
    pub struct CirclesExact<f32> {
        hidden1: Dense<2, 4, Relu>,
        hidden2: Dense<4, 6, Relu>,
        hidden3: Dense<6, 6, Relu>,
        hidden4: Dense<6, 4, Relu>,
        output: Dense<4, 1, Sigmoid>,
    }
}
network! {
    /// audio: 8-16-16-1, tanh, tanh, identity.
    pub struct Audio<f32> { hidden1: Dense<8, 16, FastTanh>, hidden2: Dense<16, 16, FastTanh>, output: Dense<16, 1, Identity> }
}
network! {
    /// audio with the exact tanh.
    pub struct AudioExact<f32> { hidden1: Dense<8, 16, Tanh>, hidden2: Dense<16, 16, Tanh>, output: Dense<16, 1, Identity> }
}
network! {
    /// digits: 64-32-10, ReLU, softmax.
    pub struct Digits<f32> { hidden: Dense<64, 32, Relu>, output: Dense<32, 10, FastSoftmax> }
}
network! {
    /// digits with the exact softmax.
    pub struct DigitsExact<f32> { hidden: Dense<64, 32, Relu>, output: Dense<32, 10, Softmax> }
}
network! {
    /// mnist: 784-128-10, ReLU, softmax. Inference only, boxed by the benches: the big-network
    /// warning (about training on the stack) does not apply.
    #[allow(deprecated)]
    pub struct Mnist<f32> { hidden: Dense<784, 128, Relu>, output: Dense<128, 10, FastSoftmax> }
}
network! {
    /// mnist with the exact softmax (inference only, boxed).
    #[allow(deprecated)]
    pub struct MnistExact<f32> { hidden: Dense<784, 128, Relu>, output: Dense<128, 10, Softmax> }
}

network! {
    /// mnist-shaped training: 784-128-10 with the big layer on the heap.
    pub struct MnistTrain<f32> { hidden: HeapDense<784, 128, Relu>, output: Dense<128, 10, FastSoftmax> }
}

macro_rules! dense_n {
    ($($fast:ident $exact:ident $n:literal),*) => {$(
        network! {
            #[doc = concat!("dense-", stringify!($n), ": one ", stringify!($n), "→", stringify!($n), " layer, tanh.")]
            pub struct $fast<f32> { layer: Dense<$n, $n, FastTanh> }
        }
        network! {
            #[doc = concat!("dense-", stringify!($n), " with the exact tanh.")]
            pub struct $exact<f32> { layer: Dense<$n, $n, Tanh> }
        }
    )*};
}
dense_n!(Dense4 Dense4Exact 4, Dense8 Dense8Exact 8, Dense16 Dense16Exact 16, Dense32 Dense32Exact 32, Dense64 Dense64Exact 64);

/// A workload's name and layer widths (input first).
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// The id used in bench names and the report.
    pub id: &'static str,
    /// Widths from the input to the output.
    pub widths: &'static [usize],
}

impl Spec {
    /// Multiply-accumulates per sample in the dense layers: `Σ inᵢ·outᵢ`.
    pub fn macs(&self) -> usize {
        self.widths.windows(2).map(|w| w[0] * w[1]).sum()
    }
    /// Bytes of `f32` weights and biases: what a per-sample forward pass reads once per sample.
    pub fn parameter_bytes(&self) -> usize {
        4 * self.widths.windows(2).map(|w| (w[0] + 1) * w[1]).sum::<usize>()
    }
    /// Multiply-accumulates per sample of a training pass: the forward pass, `∂L/∂W = δ·xᵀ` for
    /// every layer and `Wᵀ·δ` for every layer but the first.
    pub fn train_macs(&self) -> usize {
        let first = self.widths.get(..2).map_or(0, |w| w[0] * w[1]);
        3 * self.macs() - first
    }
}

/// Every workload, in report order.
pub const SPECS: &[Spec] = &[
    Spec { id: "tree", widths: &[2, 2, 1] },
    Spec { id: "xor", widths: &[2, 4, 1] },
    Spec { id: "circles", widths: &[2, 4, 6, 6, 4, 1] },
    Spec { id: "audio", widths: &[8, 16, 16, 1] },
    Spec { id: "digits", widths: &[64, 32, 10] },
    Spec { id: "mnist", widths: &[784, 128, 10] },
    Spec { id: "dense-4", widths: &[4, 4] },
    Spec { id: "dense-8", widths: &[8, 8] },
    Spec { id: "dense-16", widths: &[16, 16] },
    Spec { id: "dense-32", widths: &[32, 32] },
    Spec { id: "dense-64", widths: &[64, 64] },
];

/// The seed every workload's weights are drawn from.
pub const WEIGHT_SEED: u64 = 2024;

/// A network with its default initialisation from [`WEIGHT_SEED`].
pub fn weights<N: Network<f32, IN, OUT>, const IN: usize, const OUT: usize>() -> N {
    N::random(&mut Xoshiro128PlusPlus::seed_from_u64(WEIGHT_SEED))
}

/// Copies every parameter of `from` into `to` (same shapes, tensor by tensor).
pub fn copy_params<A: Parameters<f32>, B: Parameters<f32>>(from: &A, to: &mut B) {
    assert_eq!(A::TENSORS, B::TENSORS);
    for t in 0..A::TENSORS {
        to.tensor_mut(t).copy_from_slice(from.tensor(t));
    }
}

/// The same network with other activations (e.g. the exact twin of a fast network).
pub fn twin<A: Parameters<f32>, B: Parameters<f32>>(from: &A) -> B {
    let mut to = B::zeroed();
    copy_params(from, &mut to);
    to
}

/// `n` inputs drawn uniformly from `[lo, hi)` with a fixed seed.
pub fn inputs<const IN: usize>(n: usize, lo: f32, hi: f32, seed: u64) -> Vec<[f32; IN]> {
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(seed);
    (0..n).map(|_| core::array::from_fn(|_| rng.random_range(lo..hi))).collect()
}

/// A training set for the circles network: `n` points in `[−1, 1]²`, label 1 inside the circle
/// of radius 0.6.
pub fn circles_data(n: usize, seed: u64) -> (Vec<[f32; 2]>, Vec<[f32; 1]>) {
    let xs = inputs::<2>(n, -1.0, 1.0, seed);
    let ts = xs.iter().map(|x| [f32::from(x[0] * x[0] + x[1] * x[1] < 0.36)]).collect();
    (xs, ts)
}

/// The four XOR points with their labels.
pub fn xor_data() -> (Vec<[f32; 2]>, Vec<[f32; 1]>) {
    let xs = vec![[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
    let ts = vec![[0.0], [1.0], [1.0], [0.0]];
    (xs, ts)
}

/// A digits-sized training set: `n` samples of 64 features in `[0, 1)` with a class `0..10`.
pub fn digits_data(n: usize, seed: u64) -> (Vec<[f32; 64]>, Vec<usize>) {
    let xs = inputs::<64>(n, 0.0, 1.0, seed);
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(seed ^ 0x5eed);
    let ts = (0..n).map(|_| (rng.next_u32() % 10) as usize).collect();
    (xs, ts)
}
