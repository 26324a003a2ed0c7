use constnet::prelude::*;

network! {
    pub struct Net<f32> {
        output: Dense<2, 1, Sigmoid>,
    }
}

network! {
    pub struct Net<f32> {
        hidden: Dense<2, 4, Relu>,
        output: Dense<4, 1, Sigmoid>,
    }
}

fn main() {}
