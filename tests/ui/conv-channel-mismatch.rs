use constnet::prelude::*;

network! {
    pub struct Channels<f32> {
        conv: Conv1d<64, 1, 8, 5, Relu>,
        pool: MaxPool1d<30, 16, 2>,
        output: Dense<240, 2, Softmax>,
    }
}

fn main() {
    let _ = Channels::zeroed().forward(&[0.0; 64]);
}
