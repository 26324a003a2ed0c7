use constnet::prelude::*;

/// A user type that is not a layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Gain<T, const N: usize>([T; N]);

network! {
    pub struct Odd<f32> {
        hidden: Dense<2, 4, Relu>,
        gain: Gain<4>,
        output: Dense<4, 1, Sigmoid>,
    }
}

fn main() {}
