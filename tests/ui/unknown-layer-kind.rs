use constnet::prelude::*;

network! {
    pub struct Conv<f32> {
        features: Conv2d<2, 4, Relu>,
        output: Dense<4, 1, Sigmoid>,
    }
}

fn main() {}
