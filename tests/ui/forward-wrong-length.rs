use constnet::prelude::*;

network! {
    pub struct Xor<f32> {
        hidden: Dense<2, 4, Sigmoid>,
        output: Dense<4, 1, Sigmoid>,
    }
}

fn main() {
    let net = Xor::zeroed();
    let _ = net.forward(&[0.0, 1.0, 1.0]);
}
