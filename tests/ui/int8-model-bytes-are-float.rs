// A float model's bytes compiled into an int8 twin: a compile error that names the problem (the
// scalar type), not a quantized network with garbage weights.
use constnet::int8::Quantized;
use constnet::prelude::*;

network! {
    pub struct Tiny<f32> {
        output: Dense<2, 1, Sigmoid>,
    }
}

static NET: Quantized<Tiny> = include_model!(Quantized<Tiny>, include_bytes!("../fixtures/tiny.cnet"));

fn main() {
    let _ = NET.forward_int8(&[0, 1]);
}
