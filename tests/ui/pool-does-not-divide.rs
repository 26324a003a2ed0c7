use constnet::prelude::*;

network! {
    pub struct Pooled<f32> {
        conv: Conv1d<64, 1, 8, 5, Relu>,
        pool: MaxPool1d<60, 8, 7>,
        output: Dense<64, 4, Softmax>,
    }
}

fn main() {
    let _ = Pooled::zeroed().forward(&[0.0; 64]);
}
