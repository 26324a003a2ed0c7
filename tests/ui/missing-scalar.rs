use constnet::prelude::*;

network! {
    pub struct NoScalar {
        output: Dense<2, 1, Sigmoid>,
    }
}

fn main() {}
