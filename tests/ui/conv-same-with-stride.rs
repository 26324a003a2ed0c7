use constnet::prelude::*;

network! {
    pub struct SameStrided<f32> {
        conv: Conv1d<16, 2, 4, 3, Tanh, Same, 2>,
        output: Dense<32, 1, Sigmoid>,
    }
}

fn main() {
    let _ = SameStrided::zeroed().forward(&[0.0; 32]);
}
