use constnet::prelude::*;

network! {
    pub struct Malformed<f32> {
        missing_activation: Dense<2, 4>,
        width_is_a_type: Dense<4, f32, Relu>,
        activation_is_a_number: Dense<4, 1, 7>,
        not_a_path: [f32; 3],
    }
}

fn main() {}
