use constnet::prelude::*;

network! {
    pub struct Huge<f32> {
        hidden: Dense<2, 99999999999999999999999, Relu>,
        output: Dense<4, 1, Sigmoid>,
    }
}

fn main() {}
