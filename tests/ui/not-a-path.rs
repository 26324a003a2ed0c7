use constnet::prelude::*;

network! {
    pub struct Malformed<f32> {
        hidden: Dense<2, 3, Relu>,
        not_a_path: [f32; 3],
    }
}

fn main() {}
