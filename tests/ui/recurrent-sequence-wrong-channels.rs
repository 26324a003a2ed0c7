use constnet::layer::{Gru, GruState};
use constnet::Parameters;

fn main() {
    let gru = Gru::<f32, 2, 8, 10>::zeroed();
    // A sequence of 3 channels for a GRU of 2: a type error here, not a panic.
    let _ = gru.sequence(&mut GruState::default(), &[[0.0; 3]; 10]);
}
