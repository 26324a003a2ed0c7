use constnet::prelude::*;

network! {
    pub struct Leaky<f32> {
        hidden: Dense<2, 8, Relu>,
        last: Dropout<8, 0.2>,
    }
}

fn main() {
    let _ = Leaky::zeroed().forward(&[1.0, 2.0]);
}
