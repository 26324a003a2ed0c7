use constnet::prelude::*;

network! {
    pub struct Thin<f32> {
        hidden: Dense<2, 0, Relu>,
        output: Dense<0, 1, Sigmoid>,
    }
}

fn main() {}
