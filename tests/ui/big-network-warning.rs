// A 784-128-10 network of inline `Dense` layers is 400 KB: `network!` warns at compile time
// (here denied, to pin the message) and suggests `HeapDense`.
#![deny(deprecated)]
use constnet::prelude::*;

network! {
    pub struct Mnist<f32> {
        hidden: Dense<784, 128, Relu>,
        output: Dense<128, 10, Softmax>,
    }
}

fn main() {}
