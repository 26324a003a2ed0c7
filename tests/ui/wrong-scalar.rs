use constnet::prelude::*;

network! {
    pub struct Bytes<u8> {
        output: Dense<2, 1, Sigmoid>,
    }
}

fn main() {}
