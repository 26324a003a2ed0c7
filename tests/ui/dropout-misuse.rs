use constnet::prelude::*;

network! {
    pub struct Leaky<f32> {
        hidden: Dense<2, 8, Relu>,
        too_much: Dropout<8, 1.5>,
        no_rate: Dropout<8>,
        last: Dropout<8, 0.2>,
    }
}

fn main() {}
