// Weights compiled into a `static` from bytes made for another network: a compile error that
// names the problem, not a network with garbage weights.
use constnet::prelude::*;

network! {
    pub struct Xor<f32> {
        hidden: Dense<2, 4, Tanh>,
        output: Dense<4, 1, Sigmoid>,
    }
}

static NET: Xor = include_model!(Xor, include_bytes!("../fixtures/tiny.cnet"));

fn main() {
    let _ = NET.forward(&[0.0, 1.0]);
}
