use constnet::prelude::*;

network! {
    pub struct Empty<f32> {
        gru: Gru<2, 8, 0>,
        out: Dense<8, 1, Sigmoid>,
    }
}

fn main() {}
