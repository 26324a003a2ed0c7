// PyTorch-trained weights for a network whose first layer is wider than the one in the file: the
// build fails at the file name, naming the tensor and both shapes.
use constnet::prelude::*;

network! {
    pub struct Circles<f32> {
        hidden1: Dense<2, 5, Relu>,
        hidden2: Dense<5, 6, Relu>,
        hidden3: Dense<6, 6, Relu>,
        hidden4: Dense<6, 4, Relu>,
        output: Dense<4, 1, Sigmoid>,
    }
}

static NET: Circles = include_safetensors!(Circles, "../../fixtures/safetensors/circles.safetensors");

fn main() {
    let _ = NET.forward(&[0.0, 1.0]);
}
