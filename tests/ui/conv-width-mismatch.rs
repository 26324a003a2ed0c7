use constnet::prelude::*;

network! {
    pub struct Flat<f32> {
        conv: Conv1d<64, 1, 8, 5, Relu>,
        output: Dense<512, 2, Softmax>,
    }
}

fn main() {
    let _ = Flat::zeroed().forward(&[0.0; 64]);
}
