use constnet::prelude::*;

/// A type that is not an activation.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Wobble;

network! {
    pub struct Odd<f32> {
        hidden: Dense<2, 4, Wobble>,
        output: Dense<4, 1, Sigmoid>,
    }
}

fn main() {
    let _ = Odd::zeroed().forward(&[1.0, 2.0]);
}
