// A layer that describes its tensors only at run time (`Parameters::tensor_info`) works with
// `from_safetensors`, but cannot be matched while compiling: the build says which layer and what
// to declare.
use constnet::io::{ConstDecode, ModelBytes};
use constnet::prelude::*;
use constnet::{TensorInfo, TensorKind, TensorShape};

#[derive(Clone, Debug, PartialEq)]
pub struct Gain<T, const N: usize>([T; N]);

impl<T, const N: usize> LayerShape for Gain<T, N> {
    const INPUTS: usize = N;
    const OUTPUTS: usize = N;
}

impl<T: Scalar, const N: usize> Parameters<T> for Gain<T, N> {
    const PARAMS: usize = N;
    const TENSORS: usize = 1;
    fn zeroed() -> Self {
        Gain([T::ZERO; N])
    }
    fn tensor(&self, _: usize) -> &[T] {
        &self.0
    }
    fn tensor_mut(&mut self, _: usize) -> &mut [T] {
        &mut self.0
    }
    fn tensor_info(_: usize) -> TensorInfo {
        TensorInfo { name: "gain", kind: TensorKind::Weights, shape: TensorShape::new(&[N]) }
    }
}

impl<B: ModelBytes, T: Scalar, const N: usize> ConstDecode<B> for Gain<T, N>
where
    [T; N]: ConstDecode<B>,
{
    const DECODED: Self = Gain(<[T; N] as ConstDecode<B>>::DECODED);
}

impl<T: Scalar, const N: usize> Layer<T, N, N> for Gain<T, N> {
    type Tape = constnet::DenseTape<T, N>;
    type State = ();
    const FINGERPRINT: u64 = constnet::layer::fingerprint::Fingerprint::new("Gain").usize(N).finish();
    fn init<R: constnet::rand::Rng + ?Sized>(&mut self, _: &mut R, _: Init) {}
    fn forward(&self, x: &[T; N]) -> [T; N] {
        core::array::from_fn(|i| self.0[i] * x[i])
    }
    fn forward_train<R: constnet::rand::Rng + ?Sized>(&self, x: &[T; N], tape: &mut Self::Tape, _: &mut R) {
        tape.y = self.forward(x);
    }
    fn output(tape: &Self::Tape) -> &[T; N] {
        &tape.y
    }
    fn input_gradient(&self, _: &[T; N], _: &Self::Tape, d: &[T; N]) -> [T; N] {
        *d
    }
    fn add_gradient(&self, _: &[T; N], _: &Self::Tape, _: &[T; N], _: &mut Self) {}
}

network! {
    pub struct Pair<f32> { a: Dense<2, 3, Tanh>, gain: Gain<3>, b: Dense<3, 1, Identity> }
}

static NET: Pair = include_safetensors!(Pair, "../../fixtures/safetensors/pair.safetensors", allow_extra);

fn main() {
    let _ = NET.forward(&[0.0, 1.0]);
}
