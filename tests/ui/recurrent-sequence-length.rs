use constnet::prelude::*;

network! {
    /// The lower GRU gives 10 steps; the upper LSTM is declared for 12.
    pub struct Stacked<f32> {
        lower: Gru<2, 8, 10, AllSteps>,
        upper: Lstm<8, 4, 12>,
        out: Dense<4, 1, Sigmoid>,
    }
}

fn main() {}
