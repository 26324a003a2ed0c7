use constnet::loss::Mse;
use constnet::optim::{Schedule, Sgd};
use constnet::prelude::*;
use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
use constnet::train::Trainer;

network! {
    pub struct Xor<f32> {
        hidden: Dense<2, 4, Sigmoid>,
        output: Dense<4, 1, Sigmoid>,
    }
}

fn main() {
    let mut net = Xor::zeroed();
    let mut trainer = Trainer::new(Sgd, Mse, Schedule::Constant(0.5)).unwrap();
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(1);
    // One output, two target values.
    let _ = trainer.step(&mut net, &[0.0, 1.0], &[1.0, 0.0], &mut rng);
}
