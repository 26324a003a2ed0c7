use constnet::prelude::*;

network! {
    pub struct Short<f32> {
        conv: Conv1d<4, 1, 2, 5, Relu>,
        pool: GlobalAvgPool1d<1, 2>,
        output: Dense<2, 1, Sigmoid>,
    }
}

fn main() {
    let _ = Short::zeroed().forward(&[1.0, 2.0, 3.0, 4.0]);
}
