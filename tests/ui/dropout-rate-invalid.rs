use constnet::prelude::*;

network! {
    pub struct Leaky<f32> {
        hidden: Dense<2, 8, Relu>,
        too_much: Dropout<8, 1.5>,
        output: Dense<8, 1, Sigmoid>,
    }
}

fn main() {
    let _ = Leaky::zeroed().forward(&[1.0, 2.0]);
}
