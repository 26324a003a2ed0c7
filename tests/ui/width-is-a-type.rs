use constnet::prelude::*;

network! {
    pub struct Malformed<f32> {
        hidden: Dense<2, f32, Relu>,
        output: Dense<4, 1, Sigmoid>,
    }
}

fn main() {}
