use constnet::prelude::*;

network! {
    pub struct Typo<f32> {
        hidden: Dense<2, 4, Sigmod>,
        output: Dense<4, 1, Swish>,
    }
}

fn main() {
    let _ = Typo::zeroed().forward(&[1.0, 2.0]);
}
