use constnet::prelude::*;

fn main() {
    let conv = Conv1d::<f32, 16, 1, 4, 3, Relu>::zeroed();
    // 14 output steps × 4 channels are 56 values, not 64.
    let y: [f32; 64] = conv.forward(&[0.0; 16]);
    let _ = y;
}
