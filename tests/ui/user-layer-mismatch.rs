use constnet::prelude::*;
use constnet::layer::LayerShape;
use constnet::rand::Rng;
use constnet::{TensorInfo, TensorKind, TensorShape};

/// A user layer: `y = g ⊙ x`, with a learnable gain per value.
#[derive(Clone, Debug, PartialEq)]
pub struct Gain<T, const N: usize> {
    pub gain: [T; N],
}

impl<T, const N: usize> LayerShape for Gain<T, N> {
    const INPUTS: usize = N;
    const OUTPUTS: usize = N;
}

impl<T: Scalar, const N: usize> Parameters<T> for Gain<T, N> {
    const PARAMS: usize = N;
    const TENSORS: usize = 1;
    fn zeroed() -> Self {
        Self { gain: [T::ZERO; N] }
    }
    fn tensor(&self, _: usize) -> &[T] {
        &self.gain
    }
    fn tensor_mut(&mut self, _: usize) -> &mut [T] {
        &mut self.gain
    }
    fn tensor_info(_: usize) -> TensorInfo {
        TensorInfo { name: "gain", kind: TensorKind::Weights, shape: TensorShape::new(&[N]) }
    }
}

impl<T: Scalar, const N: usize> Layer<T, N, N> for Gain<T, N> {
    type Tape = constnet::DenseTape<T, N>;
    type State = ();
    const FINGERPRINT: u64 = 1;
    fn init<R: Rng + ?Sized>(&mut self, _: &mut R, _: Init) {
        self.gain = [T::ONE; N];
    }
    fn forward(&self, x: &[T; N]) -> [T; N] {
        core::array::from_fn(|i| self.gain[i] * x[i])
    }
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; N], tape: &mut Self::Tape, _: &mut R) {
        tape.y = self.forward(x);
    }
    fn output(tape: &Self::Tape) -> &[T; N] {
        &tape.y
    }
    fn input_gradient(&self, _: &[T; N], _: &Self::Tape, d: &[T; N]) -> [T; N] {
        core::array::from_fn(|i| self.gain[i] * d[i])
    }
    fn add_gradient(&self, x: &[T; N], _: &Self::Tape, d: &[T; N], grads: &mut Self) {
        for i in 0..N {
            grads.gain[i] += x[i] * d[i];
        }
    }
}

network! {
    pub struct Scaled<f32> {
        hidden: Dense<2, 4, Relu>,
        gain: Gain<5>,
        output: Dense<5, 1, Sigmoid>,
    }
}

fn main() {}
