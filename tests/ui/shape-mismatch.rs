use constnet::prelude::*;

network! {
    pub struct Circles<f32> {
        hidden1: Dense<2, 4, Relu>,
        hidden2: Dense<5, 6, Relu>,
        hidden3: Dense<6, 6, Relu>,
        hidden4: Dense<7, 4, Relu>,
        output: Dense<4, 1, Sigmoid>,
    }
}

fn main() {
    let net = Circles::zeroed();
    let _ = net.forward(&[0.0, 1.0]);
}
