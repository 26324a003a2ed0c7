use constnet::prelude::*;

network! {
    pub struct Odd<f32> {
        hidden: Dense<2, 4, Relu<f32>>,
        output: Dense<4, 1, Sigmoid>,
    }
}

fn main() {}
