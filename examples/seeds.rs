//! The networks of the tutorials constnet is built from (README, "References"), built with
//! `network!` and run on their worked examples.
//!
//! `cargo run --release -p constnet-examples --example seeds`

use constnet::prelude::*;
use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};

network! {
    /// Tree age from width and length (seed 000), identity activations.
    struct TreeAge<f64> {
        hidden: Dense<2, 2, Identity>,
        output: Dense<2, 1, Identity>,
    }
}

network! {
    /// The same with a second hidden layer.
    struct TreeAgeDeep<f64> {
        hidden1: Dense<2, 2, Identity>,
        hidden2: Dense<2, 2, Identity>,
        output: Dense<2, 1, Identity>,
    }
}

network! {
    /// "Make Your Own Neural Network" (seed 001): 3-3-3, sigmoid, no biases.
    struct Book<f64> {
        hidden: Dense<3, 3, Sigmoid>,
        output: Dense<3, 3, Sigmoid>,
    }
}

network! {
    /// The circles classifier (seed 003).
    struct Circles<f32> {
        hidden1: Dense<2, 4, Relu>,
        hidden2: Dense<4, 6, Relu>,
        hidden3: Dense<6, 6, Relu>,
        hidden4: Dense<6, 4, Relu>,
        output: Dense<4, 1, Sigmoid>,
    }
}

network! {
    /// The threshold perceptron (seed 004) as an AND gate.
    struct Perceptron<f32> { unit: Dense<2, 1, Step> }
}

fn main() {
    let first = Dense::from_parts([[0.2, 0.6], [0.9, 0.4]], [0.9, 0.7]);
    let tree = TreeAge::from_layers(first.clone(), Dense::from_parts([[0.5, 0.3]], [0.8]));
    println!("tree age 2-2-1   width 5, length 7 -> {:?}   (article: 6.25)", tree.forward(&[5.0, 7.0]));

    let deep = TreeAgeDeep::from_layers(
        first,
        Dense::from_parts([[0.1, 0.4], [0.7, 0.8]], [0.5, 0.3]),
        Dense::from_parts([[0.6, 0.2]], [0.9]),
    );
    println!("tree age 2-2-2-1 width 5, length 7 -> {:?}   (article: 5.68)", deep.forward(&[5.0, 7.0]));

    let book = Book::from_layers(
        Dense::from_parts([[0.9, 0.3, 0.4], [0.2, 0.8, 0.2], [0.1, 0.5, 0.6]], [0.0; 3]),
        Dense::from_parts([[0.3, 0.7, 0.5], [0.6, 0.5, 0.2], [0.8, 0.1, 0.9]], [0.0; 3]),
    );
    let input = [0.9, 0.1, 0.8];
    println!("book 3-3-3 hidden  {:.3?}   (book: [0.761, 0.603, 0.650])", book.hidden.forward(&input));
    println!("book 3-3-3 output  {:.6?}   (book: [0.726303, 0.708598, 0.778097])", book.forward(&input));

    let and = Perceptron::from_layers(Dense::from_parts([[1.0, 1.0]], [-1.5]));
    let truth: Vec<f32> = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]].iter().map(|x| and.forward(x)[0]).collect();
    println!("perceptron AND     {truth:?}");

    let circles = Circles::random(&mut Xoshiro128PlusPlus::seed_from_u64(42));
    println!(
        "circles 2-4-6-6-4-1: {} parameters, {} bytes; untrained output at (0.1, 0.2) = {:?}",
        Circles::PARAMS,
        core::mem::size_of::<Circles>(),
        circles.forward(&[0.1, 0.2])
    );
}
