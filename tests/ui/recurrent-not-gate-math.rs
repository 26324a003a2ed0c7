use constnet::prelude::*;

network! {
    pub struct Seq<f32> {
        gru: Gru<2, 8, 10, LastStep, FastTanh>,
        out: Dense<8, 1, Sigmoid>,
    }
}

fn main() {}
