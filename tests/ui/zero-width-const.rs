use constnet::prelude::*;

const WIDTH: usize = 0;

network! {
    pub struct Thin<f32> {
        hidden: Dense<2, WIDTH, Relu>,
        output: Dense<WIDTH, 1, Sigmoid>,
    }
}

fn main() {}
