use constnet::prelude::*;

network! {
    pub struct Normed<f32> {
        hidden: Dense<4, 10, Relu>,
        norm: LayerNorm<10, 3>,
        output: Dense<10, 1, Sigmoid>,
    }
}

fn main() {
    let _ = Normed::zeroed().forward(&[0.0; 4]);
}
