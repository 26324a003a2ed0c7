// Names a user may well choose, and that generated code must not trip over: types named like
// generated items, layers named like locals or parameters of the generated code (the const
// decoder is generated for every network, so compiling this is the test), and a scalar given by
// an alias.
use constnet::prelude::*;

#[allow(dead_code)]
struct NetTape;
#[allow(dead_code)]
struct NetLayers;

type Real = f64;

network! {
    pub struct Net<Real> {
        at: Dense<2, 3, Relu>,
        bytes: Dense<3, 3, Tanh>,
        layers: Dense<3, 2, Identity>,
        index: Dense<2, 1, Sigmoid>,
    }
}

fn main() {
    let net = Net::zeroed();
    assert_eq!(net.forward(&[1.0, 2.0]), [0.5]);
    assert_eq!(Net::PARAMS, 9 + 12 + 8 + 3);
}
