//! Finite-difference gradient checks in f64 (central differences, relative tolerance 1e-6)
//! for every loss, every activation inside a `Dense` layer, and whole `network!` networks.

use crate::common::{H, assert_gradient as assert_close, check_layer, rng, uniform};
use constnet::loss::{
    BinaryCrossEntropy, CategoricalCrossEntropy, HalfMse, Loss, Mae, Mse, SparseCategoricalCrossEntropy,
    SumSquaredError,
};
use constnet::prelude::*;

/// `∂L/∂ŷ` of a loss against central differences of `L`.
fn check_loss_gradient<L: Loss<f64, 4>>(loss: L, prediction: [f64; 4], target: L::Target) {
    let g = loss.gradient(&prediction, &target);
    for i in 0..4 {
        let (mut plus, mut minus) = (prediction, prediction);
        plus[i] += H;
        minus[i] -= H;
        let numeric = (loss.value(&plus, &target) - loss.value(&minus, &target)) / (2.0 * H);
        assert_close(g[i], numeric, &format!("{} ∂L/∂ŷ[{i}]", L::NAME));
    }
}

/// `δ = ∂L/∂z` through activation `A` against central differences of `value_at` in `z`.
fn check_loss_delta<L: Loss<f64, 4>, A: Activation>(loss: L, z: [f64; 4], target: L::Target) {
    let y = |z: &[f64; 4]| {
        let mut y = [0.0; 4];
        A::apply(z, &mut y);
        y
    };
    let delta = loss.delta::<A>(&z, &y(&z), &target);
    for i in 0..4 {
        let (mut plus, mut minus) = (z, z);
        plus[i] += H;
        minus[i] -= H;
        let numeric = (loss.value_at::<A>(&plus, &y(&plus), &target) - loss.value_at::<A>(&minus, &y(&minus), &target))
            / (2.0 * H);
        assert_close(delta[i], numeric, &format!("{} through {} δ[{i}]", L::NAME, A::NAME));
    }
}

#[test]
fn every_loss_gradient_matches_finite_differences() {
    let p = [0.31, 0.72, 0.05, 0.9];
    let t = [0.0, 1.0, 0.2, 0.7];
    check_loss_gradient(Mse, p, t);
    check_loss_gradient(HalfMse, p, t);
    check_loss_gradient(SumSquaredError, p, t);
    check_loss_gradient(Mae, p, t);
    check_loss_gradient(BinaryCrossEntropy, p, t);
    check_loss_gradient(CategoricalCrossEntropy, p, [0.0, 1.0, 0.0, 0.0]);
    check_loss_gradient(SparseCategoricalCrossEntropy, p, 2);
}

#[test]
fn fused_and_unfused_output_deltas_match_finite_differences() {
    let z = [0.4, -1.3, 2.2, 0.05];
    let t = [1.0, 0.0, 1.0, 0.3];
    // The fused pairs.
    check_loss_delta::<_, Sigmoid>(BinaryCrossEntropy, z, t);
    check_loss_delta::<_, Softmax>(CategoricalCrossEntropy, z, [0.0, 0.0, 1.0, 0.0]);
    check_loss_delta::<_, Softmax>(CategoricalCrossEntropy, z, [0.1, 0.2, 0.6, 0.1]);
    check_loss_delta::<_, Softmax>(SparseCategoricalCrossEntropy, z, 1);
    // Everything else goes through the activation's own backprop.
    check_loss_delta::<_, Identity>(Mse, z, t);
    check_loss_delta::<_, Tanh>(HalfMse, z, t);
    check_loss_delta::<_, Sigmoid>(Mse, z, t);
    check_loss_delta::<_, LeakyRelu>(SumSquaredError, z, t);
    check_loss_delta::<_, Softmax>(Mse, z, t);
    // Tanh outputs must be probabilities here, so the pre-activations are positive.
    check_loss_delta::<_, Tanh>(BinaryCrossEntropy, [0.4, 1.3, 0.9, 0.05], [1.0, 0.0, 0.5, 0.3]);
    check_loss_delta::<_, Sigmoid>(CategoricalCrossEntropy, z, [0.0, 1.0, 0.0, 0.0]);
}

#[test]
fn fused_losses_stay_finite_when_saturated() {
    let z = [800.0, -800.0, 0.0, 30.0];
    let mut p = [0.0; 4];
    Softmax::apply(&z, &mut p);
    let ce = CategoricalCrossEntropy.value_at::<Softmax>(&z, &p, &[0.0, 1.0, 0.0, 0.0]);
    assert!((ce - 1600.0).abs() < 1e-9, "{ce}");
    let delta = CategoricalCrossEntropy.delta::<Softmax>(&z, &p, &[0.0, 1.0, 0.0, 0.0]);
    assert!(delta.iter().all(|d| d.is_finite()));
    let mut s = [0.0; 4];
    Sigmoid::apply(&z, &mut s);
    let bce = BinaryCrossEntropy.value_at::<Sigmoid>(&z, &s, &[0.0, 1.0, 1.0, 1.0]);
    assert!(bce.is_finite() && bce > 399.0, "{bce}");
}

/// Checks every weight, bias and input gradient of one `Dense` layer with activation `A`, and
/// the fused-descent pieces, through the generic layer check.
fn check_dense<A: Activation>(seed: u64) {
    let mut rng = rng(seed);
    let mut layer = Dense::<f64, 3, 4, A>::zeroed();
    layer.init(&mut rng, Init::GlorotNormal);
    for b in layer.bias.iter_mut() {
        *b = uniform(&mut rng, -0.5, 0.5);
    }
    let x: [f64; 3] = core::array::from_fn(|_| uniform(&mut rng, -1.0, 1.0));
    assert_eq!(check_layer(&layer, &x, seed), 16 + 3);
}

#[test]
fn dense_gradients_match_finite_differences_for_every_activation() {
    for seed in 0..5 {
        check_dense::<Identity>(seed);
        check_dense::<Sigmoid>(seed);
        check_dense::<Tanh>(seed);
        check_dense::<Relu>(seed);
        check_dense::<LeakyRelu>(seed);
        check_dense::<Softmax>(seed);
    }
}

network! {
    struct ThreeLayers<f64> {
        a: Dense<3, 5, Tanh>,
        b: Dense<5, 4, Sigmoid>,
        c: Dense<4, 2, Identity>,
    }
}

network! {
    struct FourLayers<f64> {
        a: Dense<4, 6, LeakyRelu>,
        b: Dense<6, 6, Tanh>,
        c: Dense<6, 5, Sigmoid>,
        d: Dense<5, 3, Softmax>,
    }
}

network! {
    struct FiveLayers<f64> {
        a: Dense<2, 4, Sigmoid>,
        b: Dense<4, 4, Identity>,
        c: Dense<4, 6, Tanh>,
        d: Dense<6, 3, LeakyRelu>,
        e: Dense<3, 1, Sigmoid>,
    }
}

network! {
    struct WithDropout<f64> {
        a: Dense<3, 6, Tanh>,
        drop: Dropout<6, 0.3>,
        b: Dense<6, 2, Sigmoid>,
    }
}

/// Whole-network back-propagation against central differences of the loss in every parameter.
/// Dropout's mask is fixed by re-seeding the rng for every evaluation.
pub(crate) fn check_network<N, L, const IN: usize, const OUT: usize>(seed: u64, loss: L, target: L::Target)
where
    N: Network<f64, IN, OUT>,
    L: Loss<f64, OUT>,
{
    let mut rng = rng(seed);
    let mut net = N::init(&mut rng, Init::GlorotNormal).unwrap();
    for t in 0..N::TENSORS {
        for p in net.tensor_mut(t) {
            *p += uniform(&mut rng, -0.3, 0.3); // non-zero biases too
        }
    }
    let x: [f64; IN] = core::array::from_fn(|_| uniform(&mut rng, -1.0, 1.0));
    let value = |net: &N| {
        let mut tape = N::Tape::default();
        net.forward_train(&x, &mut tape, &mut crate::common::rng(99));
        loss.value_at::<N::OutputActivation>(N::output_pre_activation(&tape), N::output(&tape), &target)
    };
    let mut tape = N::Tape::default();
    net.forward_train(&x, &mut tape, &mut crate::common::rng(99));
    let delta = loss.delta::<N::OutputActivation>(N::output_pre_activation(&tape), N::output(&tape), &target);
    let mut grads = N::zeroed();
    net.backward(&tape, &delta, &mut grads);
    let mut checked = 0;
    for t in 0..N::TENSORS {
        for i in 0..net.tensor(t).len() {
            let (mut plus, mut minus) = (net.clone(), net.clone());
            plus.tensor_mut(t)[i] += H;
            minus.tensor_mut(t)[i] -= H;
            let numeric = (value(&plus) - value(&minus)) / (2.0 * H);
            assert_close(grads.tensor(t)[i], numeric, &format!("seed {seed} tensor {t}[{i}]"));
            checked += 1;
        }
    }
    assert_eq!(checked, N::PARAMS);
}

#[test]
fn macro_networks_backpropagate_exactly() {
    for seed in 0..4 {
        check_network::<ThreeLayers, _, 3, 2>(seed, Mse, [0.3, -0.8]);
        check_network::<ThreeLayers, _, 3, 2>(seed, Mae, [0.3, -0.8]);
        check_network::<FourLayers, _, 4, 3>(seed, CategoricalCrossEntropy, [0.0, 1.0, 0.0]);
        check_network::<FourLayers, _, 4, 3>(seed, SparseCategoricalCrossEntropy, 2);
        check_network::<FiveLayers, _, 2, 1>(seed, BinaryCrossEntropy, [1.0]);
        check_network::<FiveLayers, _, 2, 1>(seed, HalfMse, [0.25]);
        check_network::<WithDropout, _, 3, 2>(seed, BinaryCrossEntropy, [1.0, 0.0]);
    }
}
