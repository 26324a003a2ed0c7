use constnet::prelude::*;

network! {
    pub struct Twice<f32> {
        hidden: Dense<2, 4, Relu>,
        hidden: Dense<4, 4, Relu>,
        output: Dense<4, 1, Sigmoid>,
    }
}

fn main() {
    let _ = Twice::zeroed();
}
