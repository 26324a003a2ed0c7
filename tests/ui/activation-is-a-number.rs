use constnet::prelude::*;

network! {
    pub struct Malformed<f32> {
        hidden: Dense<2, 4, Relu>,
        output: Dense<4, 1, 7>,
    }
}

fn main() {}
