use constnet::prelude::*;

// `F32` is not `f32`: only a single capital letter declares a generic network, so this is a
// type that does not exist.
network! {
    pub struct Net<F32> {
        output: Dense<2, 1, Sigmoid>,
    }
}

fn main() {}
