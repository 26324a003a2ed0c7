use constnet::prelude::*;

const FEATURES: usize = 3;
const HIDDEN: usize = 8;
const BOTTLENECK: usize = 6;

network! {
    pub struct Encoder<f32> {
        hidden: Dense<FEATURES, HIDDEN, Tanh>,
        output: Dense<BOTTLENECK, 2, Identity>,
    }
}

fn main() {
    let net = Encoder::zeroed();
    let _ = net.forward(&[0.0; FEATURES]);
}
