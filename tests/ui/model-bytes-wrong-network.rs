// Weights compiled into a `static` from bytes made for another network: a compile error that
// names the problem, not a network with garbage weights.
use constnet::prelude::*;

network! {
    pub struct Xor<f32> {
        hidden: Dense<2, 4, Tanh>,
        output: Dense<4, 1, Sigmoid>,
    }
}

network! {
    pub struct Wider<f32> {
        hidden: Dense<2, 5, Tanh>,
        output: Dense<5, 1, Sigmoid>,
    }
}

const WIDER_BYTES: [u8; Wider::BYTES] =
    Wider::from_layers(Dense::from_parts([[0.5; 2]; 5], [0.0; 5]), Dense::from_parts([[0.5; 5]], [0.0]))
        .to_byte_array();

static NET: Xor = Xor::from_bytes_const(&WIDER_BYTES);

fn main() {
    let _ = NET.forward(&[0.0, 1.0]);
}
