//! The worked examples of the tutorials in the README's "References", computed by
//! networks declared with `network!`.

use constnet::prelude::*;

network! {
    /// Seed 000: the tree-age regression, 2-2-1, identity activations.
    struct TreeAge<f64> {
        hidden: Dense<2, 2, Identity>,
        output: Dense<2, 1, Identity>,
    }
}

network! {
    /// Seed 000: the same with a second hidden layer, 2-2-2-1.
    struct TreeAgeDeep<f64> {
        hidden1: Dense<2, 2, Identity>,
        hidden2: Dense<2, 2, Identity>,
        output: Dense<2, 1, Identity>,
    }
}

network! {
    /// *Make Your Own Neural Network*: the three-layer 3-3-3 sigmoid network without biases.
    struct Book333<f64> {
        hidden: Dense<3, 3, Sigmoid>,
        output: Dense<3, 3, Sigmoid>,
    }
}

network! {
    /// Seed 004: the 2-4-1 network with 17 parameters.
    struct Net241<f32> {
        hidden: Dense<2, 4, Sigmoid>,
        output: Dense<4, 1, Sigmoid>,
    }
}

/// Seed 000's first layer: h1 = 0.2·width + 0.6·length + 0.9, h2 = 0.9·width + 0.4·length + 0.7.
const TREE_HIDDEN: Dense<f64, 2, 2, Identity> = Dense::from_parts([[0.2, 0.6], [0.9, 0.4]], [0.9, 0.7]);

#[test]
fn tree_age_2_2_1_predicts_6_25() {
    let net = TreeAge::from_layers(TREE_HIDDEN, Dense::from_parts([[0.5, 0.3]], [0.8]));
    // width 5, length 7: h1 = 6.1, h2 = 8.0, ŷ = 0.5·6.1 + 0.3·8.0 + 0.8
    let hidden = net.hidden.forward(&[5.0, 7.0]);
    assert!((hidden[0] - 6.1).abs() < 1e-12 && (hidden[1] - 8.0).abs() < 1e-12, "{hidden:?}");
    let y = net.forward(&[5.0, 7.0]);
    assert!((y[0] - 6.25).abs() < 1e-12, "{y:?}");
    // The article's MSE against the true age 5.
    assert!(((y[0] - 5.0) * (y[0] - 5.0) - 1.5625).abs() < 1e-12);
}

#[test]
fn tree_age_2_2_2_1_predicts_5_68() {
    let net = TreeAgeDeep::from_layers(
        TREE_HIDDEN,
        Dense::from_parts([[0.1, 0.4], [0.7, 0.8]], [0.5, 0.3]),
        Dense::from_parts([[0.6, 0.2]], [0.9]),
    );
    let g = net.hidden2.forward(&net.hidden1.forward(&[5.0, 7.0]));
    assert!((g[0] - 4.31).abs() < 1e-12 && (g[1] - 10.97).abs() < 1e-12, "{g:?}");
    let y = net.forward(&[5.0, 7.0]);
    assert!((y[0] - 5.68).abs() < 1e-12, "{y:?}");
}

#[test]
fn book_two_input_sigmoid_layer() {
    // Weights w11 0.9, w12 0.2, w21 0.3, w22 0.8 (w_jk: input j → neuron k), biases zero:
    // neuron 1 sees 1.0·0.9 + 0.5·0.3 = 1.05, neuron 2 sees 1.0·0.2 + 0.5·0.8 = 0.6.
    let layer: Dense<f64, 2, 2, Sigmoid> = Dense::from_parts([[0.9, 0.3], [0.2, 0.8]], [0.0; 2]);
    let y = layer.forward(&[1.0, 0.5]);
    assert!((y[0] - 0.7408).abs() < 1e-3 && (y[1] - 0.6457).abs() < 1e-3, "{y:?}");
    assert!((y[0] - 0.740_774_899_182_154_9).abs() < 1e-12);
}

#[test]
fn book_3_3_3_sigmoid_network() {
    let net = Book333::from_layers(
        Dense::from_parts([[0.9, 0.3, 0.4], [0.2, 0.8, 0.2], [0.1, 0.5, 0.6]], [0.0; 3]),
        Dense::from_parts([[0.3, 0.7, 0.5], [0.6, 0.5, 0.2], [0.8, 0.1, 0.9]], [0.0; 3]),
    );
    let hidden = net.hidden.forward(&[0.9, 0.1, 0.8]);
    for (got, want) in hidden.iter().zip([0.761, 0.603, 0.650]) {
        assert!((got - want).abs() < 1e-3, "hidden {hidden:?}");
    }
    let out = net.forward(&[0.9, 0.1, 0.8]);
    for (got, want) in out.iter().zip([0.726303, 0.708598, 0.778097]) {
        assert!((got - want).abs() < 1e-6, "output {out:?}");
    }
}

#[test]
fn the_2_4_1_network_has_17_parameters() {
    assert_eq!(Net241::PARAMS, 17);
    assert_eq!(<Net241 as Parameters<f32>>::PARAMS, 17);
    assert_eq!((Net241::INPUTS, Net241::OUTPUTS), (2, 1));
}
