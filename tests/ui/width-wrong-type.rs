use constnet::prelude::*;

const W: i32 = 4;

network! {
    pub struct Signed<f32> {
        hidden: Dense<2, W, Relu>,
        output: Dense<W, 1, Sigmoid>,
    }
}

fn main() {}
