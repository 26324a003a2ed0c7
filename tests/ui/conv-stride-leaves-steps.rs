use constnet::prelude::*;

network! {
    pub struct Strided<f32> {
        conv: Conv1d<64, 1, 8, 5, Relu, Valid, 2>,
        pool: GlobalMaxPool1d<30, 8>,
        output: Dense<8, 3, Softmax>,
    }
}

fn main() {
    let _ = Strided::zeroed().forward(&[0.0; 64]);
}
