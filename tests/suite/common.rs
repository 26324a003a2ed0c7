//! Fixtures shared by the suite: the networks several modules use, and small helpers.

use constnet::prelude::*;
use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};

network! {
    /// The circles classifier (2-4-6-6-4-1, ReLU, sigmoid output).
    pub struct Circles<f32> {
        hidden1: Dense<2, 4, Relu>,
        hidden2: Dense<4, 6, Relu>,
        hidden3: Dense<6, 6, Relu>,
        hidden4: Dense<6, 4, Relu>,
        output:  Dense<4, 1, Sigmoid>,
    }
}

/// A seeded generator that gives the same numbers on every platform.
pub fn rng(seed: u64) -> Xoshiro128PlusPlus {
    Xoshiro128PlusPlus::seed_from_u64(seed)
}

/// Central-difference step for the `f64` gradient checks.
pub const H: f64 = 1e-6;
/// Relative tolerance of the gradient checks (with an absolute floor for tiny gradients).
pub const TOLERANCE: f64 = 1e-6;

/// `analytic ≈ numeric` within [`TOLERANCE`] relative; below `1e-3` the comparison becomes
/// absolute (`1e-9`): central differences of an O(1) loss carry about `1e-10` of round-off.
pub fn assert_gradient(analytic: f64, numeric: f64, what: &str) {
    let scale = analytic.abs().max(numeric.abs()).max(1e-3);
    assert!((analytic - numeric).abs() / scale < TOLERANCE, "{what}: analytic {analytic:e} vs numeric {numeric:e}");
}

/// Uniform in `[low, high)`.
pub fn uniform(rng: &mut Xoshiro128PlusPlus, low: f64, high: f64) -> f64 {
    use constnet::rand::Rng;
    low + (high - low) * (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// Checks the whole layer contract of `layer` at input `x` against central differences, under
/// the loss `L = Σ wⱼ·yⱼ` with random `w` (so `∂L/∂y = w`): every parameter gradient
/// ([`Layer::error_signal`] then [`Layer::add_gradient`]), every input gradient
/// ([`Layer::input_gradient`]), [`Layer::gradient_norm2`] against the gradient's norm, and
/// [`Layer::descend`] against `θ − rate·∂L/∂θ`. The training forward pass always draws from the
/// same seed, so stochastic layers see the same mask in every evaluation. Returns the number of
/// values checked.
pub fn check_layer<L: Layer<f64, IN, OUT>, const IN: usize, const OUT: usize>(
    layer: &L,
    x: &[f64; IN],
    seed: u64,
) -> usize {
    let mut rng = rng(seed);
    let w: [f64; OUT] = core::array::from_fn(|_| uniform(&mut rng, -1.0, 1.0));
    let loss = |layer: &L, x: &[f64; IN]| -> f64 {
        let mut tape = L::Tape::default();
        layer.forward_train(x, &mut tape, &mut crate::common::rng(99));
        L::output(&tape).iter().zip(&w).map(|(a, b)| a * b).sum()
    };
    let mut tape = L::Tape::default();
    layer.forward_train(x, &mut tape, &mut crate::common::rng(99));
    let signal = layer.error_signal(&tape, &w);
    let dx = layer.input_gradient(x, &tape, &signal);
    let mut grads = L::zeroed();
    layer.add_gradient(x, &tape, &signal, &mut grads);
    let mut checked = 0;
    for t in 0..L::TENSORS {
        for i in 0..layer.tensor(t).len() {
            let (mut plus, mut minus) = (layer.clone(), layer.clone());
            plus.tensor_mut(t)[i] += H;
            minus.tensor_mut(t)[i] -= H;
            let numeric = (loss(&plus, x) - loss(&minus, x)) / (2.0 * H);
            assert_gradient(grads.tensor(t)[i], numeric, &format!("{layer:?}: tensor {t}[{i}]"));
            checked += 1;
        }
    }
    for i in 0..IN {
        let (mut plus, mut minus) = (*x, *x);
        plus[i] += H;
        minus[i] -= H;
        let numeric = (loss(layer, &plus) - loss(layer, &minus)) / (2.0 * H);
        assert_gradient(dx[i], numeric, &format!("{layer:?}: ∂L/∂x[{i}]"));
        checked += 1;
    }
    assert_eq!(checked, L::PARAMS + IN);
    let norm2 = layer.gradient_norm2(x, &tape, &signal);
    assert!((norm2 - grads.squared_norm()).abs() <= 1e-12 * (1.0 + norm2), "gradient_norm2 {norm2}");
    let mut stepped = layer.clone();
    stepped.descend(x, &tape, &signal, 0.125);
    for t in 0..L::TENSORS {
        for ((p, q), g) in stepped.tensor(t).iter().zip(layer.tensor(t)).zip(grads.tensor(t)) {
            assert!((p - (q - 0.125 * g)).abs() <= 1e-12 * (1.0 + q.abs()), "descend: {p} vs {q} − 0.125·{g}");
        }
    }
    checked
}

/// The `size_of` a layer with `bytes` of parameters has: exactly those bytes, rounded up to a
/// multiple of 64 on x86-64, where `Dense`, `DenseNoBias`, `Gru` and `Lstm` are aligned to a
/// cache line.
pub fn aligned_layer_bytes(bytes: usize) -> usize {
    if cfg!(target_arch = "x86_64") { bytes.div_ceil(64) * 64 } else { bytes }
}

/// The `size_of` a network of `Dense` layers `(inputs, outputs)` of `scalar`-byte values has:
/// its parameters and nothing else, with each layer's alignment padding on x86-64.
pub fn dense_network_bytes(layers: &[(usize, usize)], scalar: usize) -> usize {
    layers.iter().map(|&(i, o)| aligned_layer_bytes((i * o + o) * scalar)).sum()
}
