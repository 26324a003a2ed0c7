// A path that is not there, a file that is not safetensors, and an unknown naming: errors of the
// macro itself, at the path or the option.
use constnet::prelude::*;

network! {
    pub struct Tiny<f32> { output: Dense<2, 1, Sigmoid> }
}

static MISSING: Tiny = include_safetensors!(Tiny, "no-such-file.safetensors");
static CORRUPT: Tiny = include_safetensors!(Tiny, "../../fixtures/tiny.cnet");
static NAMING: Tiny = include_safetensors!(Tiny, "../../fixtures/safetensors/pair.safetensors", naming = pytorch);

fn main() {
    let _ = (MISSING.forward(&[0.0, 1.0]), CORRUPT.forward(&[0.0, 1.0]), NAMING.forward(&[0.0, 1.0]));
}
