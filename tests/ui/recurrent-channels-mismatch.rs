use constnet::prelude::*;

network! {
    /// The lower GRU gives 8 channels per step; the upper LSTM is declared for 6.
    pub struct Stacked<f32> {
        lower: Gru<2, 8, 10, AllSteps>,
        upper: Lstm<6, 4, 10>,
        out: Dense<4, 1, Sigmoid>,
    }
}

fn main() {}
