use constnet::prelude::*;

network! {
    pub struct Leaky<f32> {
        hidden: Dense<2, 8, Relu>,
        too_little: Dropout<8, 1e-12>,
        output: Dense<8, 1, Sigmoid>,
    }
}

fn main() {}
