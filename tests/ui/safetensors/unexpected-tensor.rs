// A tensor the network has no place for (a BatchNorm buffer): strict by default; `allow_extra`
// would accept the file.
use constnet::prelude::*;

network! {
    pub struct Circles<f32> {
        hidden1: Dense<2, 4, Relu>,
        hidden2: Dense<4, 6, Relu>,
        hidden3: Dense<6, 6, Relu>,
        hidden4: Dense<6, 4, Relu>,
        output: Dense<4, 1, Sigmoid>,
    }
}

static NET: Circles = include_safetensors!(Circles, "../../fixtures/safetensors/circles_extra.safetensors");

fn main() {
    let _ = NET.forward(&[0.0, 1.0]);
}
