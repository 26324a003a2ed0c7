//! DenseNoBias, LayerNorm and PRelu: the layer contract by finite differences, what they compute,
//! and the bias-free network of Rashid's *Make Your Own Neural Network* trained by its own rule.

use crate::common::{check_layer, rng, uniform};
use constnet::layer::LayerShape;
use constnet::prelude::*;

/// Every parameter of a layer uniform in `[low, high)`.
fn randomize<L: Parameters<f64>>(layer: &mut L, seed: u64, low: f64, high: f64) {
    let mut rng = rng(seed);
    for t in 0..L::TENSORS {
        for p in layer.tensor_mut(t) {
            *p = uniform(&mut rng, low, high);
        }
    }
}

fn random_input<const N: usize>(seed: u64) -> [f64; N] {
    let mut rng = rng(seed + 1000);
    core::array::from_fn(|_| uniform(&mut rng, -1.0, 1.0))
}

#[test]
fn the_book_network_has_no_bias_and_its_rule_is_the_books() {
    network! { struct Book<f64> { hidden: DenseNoBias<3, 3, Sigmoid>, output: DenseNoBias<3, 3, Sigmoid> } }
    let w_ih = [[0.9, 0.3, 0.4], [0.2, 0.8, 0.2], [0.1, 0.5, 0.6]];
    let w_ho = [[0.3, 0.7, 0.5], [0.6, 0.5, 0.2], [0.8, 0.1, 0.9]];
    let mut net = Book::from_layers(DenseNoBias::from_weights(w_ih), DenseNoBias::from_weights(w_ho));
    assert_eq!((Book::PARAMS, Book::TENSORS), (18, 2));
    // The book's worked example: outputs 0.726, 0.708, 0.778.
    let y = net.forward(&[0.9, 0.1, 0.8]);
    for (got, want) in y.iter().zip([0.726, 0.708, 0.778]) {
        assert!((got - want).abs() < 1e-3, "{y:?}");
    }
    // One step of the book's rule ΔW = η·E·σ'·xᵀ, E = t − y, is the fused SGD step on half the
    // squared error (gradient −E·σ'·xᵀ) for the output layer. For the hidden layer the book
    // back-propagates the errors without σ' (`hidden_errors = whoᵀ·output_errors`), which is
    // not the gradient; constnet follows the gradient, `E_hidden = W_hoᵀ·(E ⊙ σ'(out))`.
    let (x, t, lr) = ([0.9, 0.1, 0.8], [0.01, 0.99, 0.01], 0.3);
    let hidden = net.hidden.forward(&x);
    let out = net.output.forward(&hidden);
    let e_out: [f64; 3] = core::array::from_fn(|j| t[j] - out[j]);
    let e_hidden: [f64; 3] =
        core::array::from_fn(|i| (0..3).map(|j| w_ho[j][i] * e_out[j] * out[j] * (1.0 - out[j])).sum());
    let rule = |w: [[f64; 3]; 3], e: [f64; 3], o: [f64; 3], input: [f64; 3]| {
        core::array::from_fn::<[f64; 3], 3, _>(|j| {
            core::array::from_fn(|i| w[j][i] + lr * e[j] * o[j] * (1.0 - o[j]) * input[i])
        })
    };
    let book_ho = rule(w_ho, e_out, out, hidden);
    // The hidden layer's "error" already carries the output σ', so its rule is the book's with it.
    let gradient_ih = rule(w_ih, e_hidden, hidden, x);
    // The sum of squares has gradient 2·(ŷ − y): half the rate makes it the book's step.
    let schedule = constnet::optim::Schedule::Constant(lr / 2.0);
    let mut trainer =
        constnet::train::Trainer::new(constnet::optim::Sgd, constnet::loss::SumSquaredError, schedule).unwrap();
    trainer.step(&mut net, &x, &t, &mut rng(0)).unwrap();
    for j in 0..3 {
        for i in 0..3 {
            assert!((net.output.weights[j][i] - book_ho[j][i]).abs() < 1e-15, "output {j} {i}");
            assert!((net.hidden.weights[j][i] - gradient_ih[j][i]).abs() < 1e-15, "hidden {j} {i}");
        }
    }
}

#[test]
fn dense_no_bias_passes_the_layer_check() {
    for seed in 0..4 {
        let mut layer = DenseNoBias::<f64, 5, 3, Tanh>::zeroed();
        randomize(&mut layer, seed, -1.0, 1.0);
        assert_eq!(check_layer(&layer, &random_input::<5>(seed), seed), 15 + 5);
    }
}

#[test]
fn layer_norm_passes_the_layer_check() {
    for seed in 0..4 {
        let mut whole = LayerNorm::<f64, 6>::zeroed();
        randomize(&mut whole, seed, -1.5, 1.5);
        assert_eq!(check_layer(&whole, &random_input::<6>(seed), seed), 12 + 6);
        let mut per_step = LayerNorm::<f64, 12, 3>::zeroed();
        randomize(&mut per_step, seed, -1.5, 1.5);
        assert_eq!(check_layer(&per_step, &random_input::<12>(seed), seed), 6 + 12);
    }
}

#[test]
fn layer_norm_normalises_each_group() {
    let norm = LayerNorm::<f64, 6, 3>::identity();
    let y = norm.forward(&[1.0, 2.0, 6.0, -10.0, 0.0, 10.0]);
    for group in y.chunks(3) {
        let mean = group.iter().sum::<f64>() / 3.0;
        let var = group.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / 3.0;
        assert!(mean.abs() < 1e-15, "{y:?}");
        assert!((var - 1.0).abs() < 1e-5 / 2.0, "{var}"); // ε = 1e−5 makes it a little below 1
    }
    // Scale and shift apply per position in the group.
    let affine = LayerNorm::<f64, 6, 3>::from_parts([2.0, 0.0, -1.0], [0.5, 7.0, 0.0]);
    let z = affine.forward(&[1.0, 2.0, 6.0, -10.0, 0.0, 10.0]);
    for (k, (a, b)) in z.iter().zip(&y).enumerate() {
        let (g, s) = ([2.0, 0.0, -1.0][k % 3], [0.5, 7.0, 0.0][k % 3]);
        assert!((a - (g * b + s)).abs() < 1e-15);
    }
    // A constant group has variance 0: ε keeps it finite, and it maps to β.
    assert_eq!(affine.forward(&[4.0; 6]), [0.5, 7.0, 0.0, 0.5, 7.0, 0.0]);
    // init resets to the identity, as PyTorch does.
    let mut layer = affine.clone();
    layer.init(&mut rng(0), Init::HeNormal);
    assert_eq!(layer, LayerNorm::identity());
    assert_eq!(<LayerNorm<f32, 12, 3> as LayerShape>::INPUT_CHANNELS, Some(3));
    assert_eq!(<LayerNorm<f32, 12> as LayerShape>::INPUT_CHANNELS, None);
    assert_eq!(<LayerNorm<f32, 12, 5> as LayerShape>::INVALID, Some("the group size 5 does not divide the 12 inputs"));
}

#[test]
fn prelu_passes_the_layer_check() {
    for seed in 0..4 {
        let mut shared = PRelu::<f64, 8>::zeroed();
        randomize(&mut shared, seed, 0.0, 0.5);
        assert_eq!(check_layer(&shared, &random_input::<8>(seed), seed), 1 + 8);
        let mut per_channel = PRelu::<f64, 12, 3>::zeroed();
        randomize(&mut per_channel, seed, 0.0, 0.5);
        assert_eq!(check_layer(&per_channel, &random_input::<12>(seed), seed), 3 + 12);
        let mut per_value = PRelu::<f64, 5, 5>::zeroed();
        randomize(&mut per_value, seed, 0.0, 0.5);
        assert_eq!(check_layer(&per_value, &random_input::<5>(seed), seed), 5 + 5);
    }
}

#[test]
fn prelu_slopes_belong_to_channels_and_are_learned() {
    let layer = PRelu::<f32, 6, 2>::from_slopes([0.1, 0.5]);
    assert_eq!(layer.forward(&[-1.0, -1.0, 2.0, -2.0, -3.0, 3.0]), [-0.1, -0.5, 2.0, -1.0, -0.3, 3.0]);
    let mut fresh = PRelu::<f32, 6, 2>::zeroed();
    fresh.init(&mut rng(0), Init::Default);
    assert_eq!(fresh.weight, [0.25, 0.25]);
    assert_eq!(<PRelu<f32, 6, 2> as Parameters<f32>>::tensor_info(0).name, "weight");
    // Training moves the slope (through the fused SGD step): y = w·PReLU(x) with no bias fits
    // y = x for x > 0 and y = 0.8·x for x < 0 only with w = 1, a = 0.8.
    network! { struct Net<f64> { act: PRelu<1>, out: DenseNoBias<1, 1, Identity> } }
    let mut net = Net::from_layers(PRelu::from_slopes([0.25]), DenseNoBias::from_weights([[1.0]]));
    let schedule = constnet::optim::Schedule::Constant(0.05);
    let mut trainer = constnet::train::Trainer::new(constnet::optim::Sgd, constnet::loss::Mse, schedule).unwrap();
    for _ in 0..300 {
        trainer.step(&mut net, &[-2.0], &[-1.6], &mut rng(0)).unwrap();
        trainer.step(&mut net, &[1.0], &[1.0], &mut rng(0)).unwrap();
    }
    assert!((net.act.weight[0] - 0.8).abs() < 1e-3, "learned slope {}", net.act.weight[0]);
    assert!((net.out.weights[0][0] - 1.0).abs() < 1e-3, "learned weight {}", net.out.weights[0][0]);
}
