use constnet::layer::Gru;
use constnet::{Layer, Parameters};

fn main() {
    let gru = Gru::<f32, 2, 8, 10>::zeroed();
    // Through the layer trait by hand, with 21 values where the layer takes 10·2.
    let _ = Layer::<f32, 21, 8>::forward(&gru, &[0.0; 21]);
}
