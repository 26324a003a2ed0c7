use constnet::prelude::*;

network! {
    pub struct Leaky<f32> {
        hidden: Dense<2, 8, Relu>,
        no_rate: Dropout<8>,
        output: Dense<8, 1, Sigmoid>,
    }
}

fn main() {}
