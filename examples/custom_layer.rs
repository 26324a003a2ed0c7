//! A layer and an activation defined outside constnet, going through the same door as its own.
//!
//! `cargo run --release -p constnet-examples --example custom_layer`
//!
//! - `Scale<T, N>`: a learnable per-feature affine map `y = g ⊙ x + b` (the affine part of a
//!   normalisation layer), with two parameter tensors — written here, in a crate of its own.
//! - `Swish`: the element-wise activation `x·σ(x)`.
//!
//! The network mixes them with constnet's `Dense`, learns scikit-learn's two moons with `fit`,
//! checks every parameter gradient of a whole `f64` copy of the network against central
//! differences, and saves and reloads the trained model.

use constnet::activation::ActivationInfo;
use constnet::data::{moons, split};
use constnet::layer::LayerShape;
use constnet::layer::fingerprint::Fingerprint;
use constnet::loss::{BinaryCrossEntropy, Loss};
use constnet::metrics::binary_accuracy;
use constnet::optim::{Adam, Schedule};
use constnet::prelude::*;
use constnet::rand::{Rng, SeedableRng, rngs::Xoshiro128PlusPlus};
use constnet::train::{Batch, Control, FitConfig, FitData, Metric, Trainer};
use constnet::{TensorInfo, TensorKind, TensorShape};
use std::error::Error;

/// `y = g ⊙ x + b`: a gain and a bias per feature, both learned.
///
/// ```text
/// ∂L/∂gᵢ = xᵢ·∂L/∂yᵢ     ∂L/∂bᵢ = ∂L/∂yᵢ     ∂L/∂xᵢ = gᵢ·∂L/∂yᵢ
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Scale<T, const N: usize> {
    /// `g`, one per feature (starts at 1).
    pub gain: [T; N],
    /// `b`, one per feature (starts at 0).
    pub bias: [T; N],
}

/// What `Scale` records for back-propagation: its output.
#[derive(Clone, Debug, PartialEq)]
pub struct ScaleTape<T, const N: usize> {
    y: [T; N],
}

impl<T: Scalar, const N: usize> Default for ScaleTape<T, N> {
    fn default() -> Self {
        Self { y: [T::ZERO; N] }
    }
}

impl<T, const N: usize> LayerShape for Scale<T, N> {
    const INPUTS: usize = N;
    const OUTPUTS: usize = N;
}

impl<T: Scalar, const N: usize> Parameters<T> for Scale<T, N> {
    const PARAMS: usize = 2 * N;
    const TENSORS: usize = 2;

    fn zeroed() -> Self {
        Self { gain: [T::ZERO; N], bias: [T::ZERO; N] }
    }
    fn tensor(&self, index: usize) -> &[T] {
        match index {
            0 => &self.gain,
            1 => &self.bias,
            _ => &[],
        }
    }
    fn tensor_mut(&mut self, index: usize) -> &mut [T] {
        match index {
            0 => &mut self.gain,
            1 => &mut self.bias,
            _ => &mut [],
        }
    }
    fn tensor_info(index: usize) -> TensorInfo {
        let name = if index == 0 { "weight" } else { "bias" };
        let kind = if index == 0 { TensorKind::Weights } else { TensorKind::Bias };
        TensorInfo { name, kind, shape: TensorShape::new(&[N]) }
    }
}

impl<T: Scalar, const N: usize> Layer<T, N, N> for Scale<T, N> {
    type Tape = ScaleTape<T, N>;
    type State = ();
    const FINGERPRINT: u64 = Fingerprint::new("examples::Scale").usize(N).finish();

    fn init<R: Rng + ?Sized>(&mut self, _rng: &mut R, _init: Init) {
        self.gain = [T::ONE; N];
        self.bias = [T::ZERO; N];
    }
    fn forward(&self, x: &[T; N]) -> [T; N] {
        core::array::from_fn(|i| self.gain[i] * x[i] + self.bias[i])
    }
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; N], tape: &mut Self::Tape, _rng: &mut R) {
        tape.y = self.forward(x);
    }
    fn output(tape: &Self::Tape) -> &[T; N] {
        &tape.y
    }
    fn input_gradient(&self, _x: &[T; N], _tape: &Self::Tape, d_out: &[T; N]) -> [T; N] {
        core::array::from_fn(|i| self.gain[i] * d_out[i])
    }
    fn add_gradient(&self, x: &[T; N], _tape: &Self::Tape, d_out: &[T; N], grads: &mut Self) {
        for i in 0..N {
            grads.gain[i] += x[i] * d_out[i];
            grads.bias[i] += d_out[i];
        }
    }
    // `gradient_norm2` and `descend` keep their defaults: correct for any layer (they compute
    // the gradient into a temporary `Scale`), so the fused per-sample SGD step updates it too.
}

/// Swish, `x·σ(x)`, with `swish'(x) = y + σ(x)·(1 − y)`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Swish;

impl ElementWise for Swish {
    const INFO: ActivationInfo = ActivationInfo::new("Swish").default_init(Init::HeNormal);

    fn value<T: Scalar>(x: T) -> T {
        x * Sigmoid::value(x)
    }
    fn derivative<T: Scalar>(x: T, y: T) -> T {
        y + Sigmoid::value(x) * (T::ONE - y)
    }
}

network! {
    /// Two moons: scale the inputs, a Swish hidden layer, scale again, a sigmoid output.
    pub struct Moons<T> {
        input_scale: Scale<2>,
        hidden: Dense<2, 16, Swish>,
        hidden_scale: Scale<16>,
        output: Dense<16, 1, Sigmoid>,
    }
}

/// Central differences of the loss in every parameter of an `f64` network, against its
/// back-propagated gradient; returns (parameters checked, largest relative error).
fn gradient_check(net: &Moons<f64>, x: &[f64; 2], target: &[f64; 1]) -> (usize, f64) {
    let loss = |net: &Moons<f64>| {
        let mut tape = <Moons<f64> as Network<f64, 2, 1>>::Tape::default();
        net.forward_train(x, &mut tape, &mut Xoshiro128PlusPlus::seed_from_u64(0));
        BinaryCrossEntropy.value_at::<Sigmoid>(Moons::output_pre_activation(&tape), Moons::output(&tape), target)
    };
    let mut tape = <Moons<f64> as Network<f64, 2, 1>>::Tape::default();
    net.forward_train(x, &mut tape, &mut Xoshiro128PlusPlus::seed_from_u64(0));
    let delta = BinaryCrossEntropy.delta::<Sigmoid>(Moons::output_pre_activation(&tape), Moons::output(&tape), target);
    let mut grads = Moons::<f64>::zeroed();
    net.backward(&tape, &delta, &mut grads);
    let (mut checked, mut worst) = (0, 0.0f64);
    const H: f64 = 1e-6;
    for t in 0..Moons::<f64>::TENSORS {
        for i in 0..net.tensor(t).len() {
            let (mut plus, mut minus) = (net.clone(), net.clone());
            plus.tensor_mut(t)[i] += H;
            minus.tensor_mut(t)[i] -= H;
            let numeric = (loss(&plus) - loss(&minus)) / (2.0 * H);
            let analytic = grads.tensor(t)[i];
            worst = worst.max((analytic - numeric).abs() / analytic.abs().max(numeric.abs()).max(1e-3));
            checked += 1;
        }
    }
    (checked, worst)
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(5);
    let mut inputs = vec![[0.0f32; 2]; 600];
    let mut targets = vec![[0.0f32; 1]; 600];
    moons(&mut inputs, &mut targets, 0.15, &mut rng)?;
    constnet::data::shuffle_pairs(&mut inputs, &mut targets, &mut rng)?;
    let parts = split(&inputs, &targets, 0.2)?;
    let (mut train_x, mut train_y) = (parts.train_inputs.to_vec(), parts.train_targets.to_vec());
    let (test_x, test_y) = (parts.validation_inputs, parts.validation_targets);

    let mut net = Moons::<f32>::random(&mut rng);
    println!("{} parameters: Scale<2>, Dense<2, 16, Swish>, Scale<16>, Dense<16, 1, Sigmoid>", Moons::<f32>::PARAMS);
    let mut trainer = Trainer::new(Adam::default(), BinaryCrossEntropy, Schedule::Constant(0.01))?;
    let config = FitConfig::new(40).batch(Batch::Mini(16)).metric(Metric::Binary);
    let data = FitData::new(&mut train_x, &mut train_y).with_validation(test_x, test_y);
    let report = trainer.fit(&mut net, data, &config, &mut rng, |epoch| {
        if epoch.epoch % 10 == 0 {
            println!("{epoch}");
        }
        Control::Continue
    })?;
    let accuracy = binary_accuracy(&net, test_x, test_y)?;
    println!("trained: {report}; held-out accuracy {:.2}%", 100.0 * accuracy);
    println!("learned input gain {:?}, bias {:?}", net.input_scale.gain, net.input_scale.bias);

    // The same architecture in f64, every parameter checked by central differences.
    let mut check_rng = Xoshiro128PlusPlus::seed_from_u64(9);
    let mut wide = Moons::<f64>::random(&mut check_rng);
    for t in 0..Moons::<f64>::TENSORS {
        for p in wide.tensor_mut(t) {
            *p += 0.2 * (check_rng.next_u32() as f64 / u32::MAX as f64 - 0.5);
        }
    }
    let (checked, worst) = gradient_check(&wide, &[0.4, -0.3], &[1.0]);
    let verdict = if worst < 1e-6 { "pass" } else { "FAIL" };
    println!(
        "gradient check (f64, central differences, h = 1e-6): {checked} parameters, largest relative error {worst:.1e}: {verdict}"
    );

    let path = std::env::temp_dir().join("constnet-custom-layer-moons.cnet");
    net.save(&path)?;
    let loaded = Moons::<f32>::load(&path)?;
    println!(
        "saved {} ({} bytes) and loaded it back: identical = {}",
        path.display(),
        Moons::<f32>::BYTES,
        loaded == net
    );
    if worst >= 1e-6 || loaded != net || accuracy < 0.95 {
        return Err("the custom layer example did not reach its checks".into());
    }
    Ok(())
}
