//! What `network!` generates: constants, constructors, traits, layout.

use crate::common::{Circles, aligned_layer_bytes, dense_network_bytes};
use constnet::prelude::*;
use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
use constnet::{InitError, TensorKind};
use core::mem::size_of;

network! {
    /// A network generic over its scalar.
    pub struct Audio<T> {
        first: Dense<8, 16, Tanh>,
        second: Dense<16, 16, Tanh>,
        out: Dense<16, 1, Identity>,
    }
}

network! {
    struct Digits<f64> {
        hidden: Dense<64, 32, Relu>,
        /// The class probabilities.
        classes: Dense<32, 10, Softmax>,
    }
}

network! {
    struct Single<f32> { only: Dense<3, 2, LeakyRelu> }
}

network! {
    struct Perceptron<f32> { threshold: Dense<2, 1, Step> }
}

const FEATURES: usize = 5;
const HIDDEN: usize = 7;
mod sizes {
    pub const CLASSES: usize = 3;
}

network! {
    /// Widths from `const` items, a path and a block.
    struct FromConsts<f64> {
        a: Dense<FEATURES, HIDDEN, Tanh>,
        b: Dense<HIDDEN, { HIDDEN * 2 }, Relu>,
        c: Dense<{ 2 * HIDDEN }, sizes::CLASSES, Softmax>,
    }
}

#[test]
fn constants_for_several_networks() {
    assert_eq!((Circles::INPUTS, Circles::OUTPUTS, Circles::PARAMS), (2, 1, 117));
    assert_eq!(Circles::PARAMS, 2 * 4 + 4 + 4 * 6 + 6 + 6 * 6 + 6 + 6 * 4 + 4 + 4 + 1);
    assert_eq!((Audio::<f32>::INPUTS, Audio::<f32>::OUTPUTS, Audio::<f32>::PARAMS), (8, 1, 144 + 272 + 17));
    assert_eq!((Digits::INPUTS, Digits::OUTPUTS, Digits::PARAMS), (64, 10, 64 * 32 + 32 + 330));
    assert_eq!((Single::INPUTS, Single::OUTPUTS, Single::PARAMS), (3, 2, 8));
    assert_eq!((FromConsts::INPUTS, FromConsts::OUTPUTS), (5, 3));
    assert_eq!(FromConsts::PARAMS, 5 * 7 + 7 + 7 * 14 + 14 + 14 * 3 + 3);
    assert_eq!(<Circles as Network<f32, 2, 1>>::LAYERS, 5);
    assert_eq!(<Circles as Parameters<f32>>::TENSORS, 10);
}

#[test]
fn a_network_is_exactly_its_parameters() {
    // Plus each layer's alignment padding on x86-64 (none elsewhere).
    let circles = [(2, 4), (4, 6), (6, 6), (6, 4), (4, 1)];
    assert_eq!(size_of::<Circles>(), dense_network_bytes(&circles, 4));
    let audio = [(8, 16), (16, 16), (16, 1)];
    assert_eq!(size_of::<Audio<f32>>(), dense_network_bytes(&audio, 4));
    assert_eq!(size_of::<Audio<f64>>(), dense_network_bytes(&audio, 8));
    assert_eq!(size_of::<Digits>(), dense_network_bytes(&[(64, 32), (32, 10)], 8));
    assert_eq!(size_of::<FromConsts>(), dense_network_bytes(&[(5, 7), (7, 14), (14, 3)], 8));
    if !cfg!(target_arch = "x86_64") {
        assert_eq!(size_of::<Circles>(), Circles::PARAMS * size_of::<f32>());
    }
}

#[test]
fn networks_are_send_sync_clone_debug_partialeq() {
    fn assert_traits<N: Send + Sync + Clone + core::fmt::Debug + PartialEq + Default>() {}
    assert_traits::<Circles>();
    assert_traits::<Audio<f32>>();
    assert_traits::<Audio<f64>>();
    fn assert_tape<N: Send + Sync + Clone + core::fmt::Debug + Default>() {}
    assert_tape::<<Circles as Network<f32, 2, 1>>::Tape>();
    let net = Circles::random(&mut Xoshiro128PlusPlus::seed_from_u64(1));
    let copy = net.clone();
    assert_eq!(net, copy);
    assert_ne!(net, Circles::zeroed());
    let debug = format!("{net:?}");
    assert!(debug.starts_with("Circles { hidden1: Dense { activation: \"Relu\""), "{debug}");
    assert!(debug.contains("output: Dense { activation: \"Sigmoid\""));
}

#[test]
fn generic_network_runs_in_f32_and_f64() {
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(3);
    let net64 = Audio::<f64>::random(&mut rng);
    // The same weights rounded to f32.
    let mut net32 = Audio::<f32>::zeroed();
    for t in 0..<Audio<f64> as Parameters<f64>>::TENSORS {
        for (a, &b) in net32.tensor_mut(t).iter_mut().zip(net64.tensor(t)) {
            *a = b as f32;
        }
    }
    let x64 = [0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8];
    let x32 = x64.map(|v| v as f32);
    let (y64, y32) = (net64.forward(&x64), net32.forward(&x32));
    assert!(y64[0] != 0.0);
    assert!((y64[0] - f64::from(y32[0])).abs() < 1e-5, "{y64:?} vs {y32:?}");
}

#[test]
fn generic_code_uses_the_network_trait() {
    fn mean_output<N: Network<f64, 64, 10>>(net: &N, inputs: &[[f64; 64]]) -> f64 {
        inputs.iter().map(|x| net.forward(x).iter().sum::<f64>()).sum::<f64>() / inputs.len() as f64
    }
    let net = Digits::random(&mut Xoshiro128PlusPlus::seed_from_u64(9));
    let inputs = [[0.5; 64], [-0.25; 64]];
    // Softmax outputs sum to one for every input.
    assert!((mean_output(&net, &inputs) - 1.0).abs() < 1e-12);
}

#[test]
fn from_layers_is_const_and_can_live_in_a_static() {
    static NET: Single = Single::from_layers(Dense::from_parts([[1.0, 2.0, 3.0], [-1.0, 0.0, 0.0]], [0.5, 0.0]));
    assert_eq!(NET.forward(&[1.0, 1.0, 1.0]), [6.5, -0.01]);
}

#[test]
fn layers_are_plain_public_fields() {
    let mut net = Circles::zeroed();
    net.output.bias = [2.0];
    net.hidden1.weights[3] = [1.0, 1.0];
    assert_eq!(net.output.bias, [2.0]);
    // Everything zero but the output bias: σ(2).
    assert!((net.forward(&[1.0, 2.0])[0] - 0.880_797_1).abs() < 1e-6);
}

#[test]
fn random_is_deterministic_per_seed() {
    let a = Circles::random(&mut Xoshiro128PlusPlus::seed_from_u64(42));
    let b = Circles::random(&mut Xoshiro128PlusPlus::seed_from_u64(42));
    let c = Circles::random(&mut Xoshiro128PlusPlus::seed_from_u64(43));
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a.output.bias == [0.0] && a.hidden1.weights[0][0] != 0.0);
}

#[test]
fn default_init_is_he_for_relu_and_glorot_otherwise() {
    // `random` draws layer by layer, so it equals drawing each layer with the scheme its
    // activation prefers from the same generator.
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(5);
    let net = Digits::random(&mut rng);
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(5);
    let mut hidden = Dense::<f64, 64, 32, Relu>::zeroed();
    hidden.init(&mut rng, Init::HeNormal);
    let mut classes = Dense::<f64, 32, 10, Softmax>::zeroed();
    classes.init(&mut rng, Init::GlorotUniform);
    assert_eq!(net.hidden, hidden);
    assert_eq!(net.classes, classes);
    // And the explicit schemes give different weights.
    let lecun = Digits::init(&mut Xoshiro128PlusPlus::seed_from_u64(5), Init::LeCunNormal).unwrap();
    assert_ne!(lecun, net);
    let uniform =
        Digits::init(&mut Xoshiro128PlusPlus::seed_from_u64(5), Init::Uniform { low: -0.5, high: 0.5 }).unwrap();
    assert!(uniform.hidden.bias.iter().all(|b| (-0.5..0.5).contains(b)) && uniform.hidden.bias[0] != 0.0);
}

#[test]
fn invalid_init_is_an_error() {
    let err = Circles::init(&mut Xoshiro128PlusPlus::seed_from_u64(1), Init::Uniform { low: 1.0, high: -1.0 });
    assert_eq!(err, Err(InitError::EmptyRange { low: 1.0, high: -1.0 }));
    assert_eq!(
        err.unwrap_err().to_string(),
        "invalid uniform initialisation range [1, -1): expected finite bounds with low < high"
    );
}

#[test]
fn tensors_are_numbered_in_declaration_order() {
    let mut net = Circles::zeroed();
    for t in 0..<Circles as Parameters<f32>>::TENSORS {
        net.tensor_mut(t).fill(t as f32);
    }
    assert_eq!(net.hidden1.weights, [[0.0; 2]; 4]);
    assert_eq!(net.hidden1.bias, [1.0; 4]);
    assert_eq!(net.hidden3.weights, [[4.0; 6]; 6]);
    assert_eq!(net.output.bias, [9.0]);
    assert_eq!(net.tensor(10), &[] as &[f32]);
    assert_eq!(<Circles as Parameters<f32>>::tensor_kind(4), TensorKind::Weights);
    assert_eq!(<Circles as Parameters<f32>>::tensor_kind(5), TensorKind::Bias);
    let total: usize = (0..10).map(|t| net.tensor(t).len()).sum();
    assert_eq!(total, Circles::PARAMS);
}

#[test]
fn step_networks_are_marked_untrainable() {
    const { assert!(!<Perceptron as Network<f32, 2, 1>>::TRAINABLE) };
    const { assert!(<Circles as Network<f32, 2, 1>>::TRAINABLE) };
    let p = Perceptron::from_layers(Dense::from_parts([[1.0, 1.0]], [-1.5]));
    // AND gate.
    let outputs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]].map(|x| p.forward(&x)[0]);
    assert_eq!(outputs, [0.0, 0.0, 0.0, 1.0]);
}

#[test]
fn const_item_widths_run() {
    let net = FromConsts::random(&mut Xoshiro128PlusPlus::seed_from_u64(2));
    let y = net.forward(&[0.1, 0.2, 0.3, 0.4, 0.5]);
    assert!((y.iter().sum::<f64>() - 1.0).abs() < 1e-12);
}

#[test]
fn the_tape_records_every_layer() {
    let net = Circles::random(&mut Xoshiro128PlusPlus::seed_from_u64(8));
    let mut tape = <Circles as Network<f32, 2, 1>>::Tape::default();
    let x = [0.3, -0.7];
    net.forward_train(&x, &mut tape, &mut Xoshiro128PlusPlus::seed_from_u64(0));
    assert_eq!(tape.input, x);
    assert_eq!(tape.layers.0.y, net.hidden1.forward(&x));
    assert_eq!(*<Circles as Network<f32, 2, 1>>::output(&tape), net.forward(&x));
    let z = <Circles as Network<f32, 2, 1>>::output_pre_activation(&tape)[0];
    assert_eq!(Sigmoid::value(z), net.forward(&x)[0]);
}

network! {
    /// Dropout between dense layers (the MNIST example of "Neural Network Back-propagation Explained" uses 0.2).
    struct WithDropout<f32> {
        hidden: Dense<4, 8, Relu>,
        drop: Dropout<8, 0.2>,
        output: Dense<8, 3, Softmax>,
    }
}

/// A user-defined activation, named by path.
mod custom {
    use constnet::{Activation, ActivationKind, Scalar};

    /// `f(x) = x³`.
    #[derive(Clone, Copy, Debug, Default, PartialEq)]
    pub struct Cube;

    impl Activation for Cube {
        const NAME: &'static str = "Cube";
        const KIND: ActivationKind = ActivationKind::Custom;
        fn apply<T: Scalar, const N: usize>(z: &[T; N], y: &mut [T; N]) {
            for (y, &z) in y.iter_mut().zip(z) {
                *y = z * z * z;
            }
        }
        fn backprop<T: Scalar, const N: usize>(z: &[T; N], _y: &[T; N], dy: &[T; N], dz: &mut [T; N]) {
            for i in 0..N {
                dz[i] = T::from_f64(3.0) * z[i] * z[i] * dy[i];
            }
        }
    }
}

network! {
    struct Cubic<f64> { out: Dense<1, 1, custom::Cube> }
}

#[test]
fn dropout_is_identity_at_inference_and_costs_no_memory() {
    assert_eq!(WithDropout::PARAMS, 4 * 8 + 8 + 8 * 3 + 3);
    assert_eq!(size_of::<WithDropout>(), dense_network_bytes(&[(4, 8), (8, 3)], 4));
    assert_eq!(<WithDropout as Parameters<f32>>::TENSORS, 4);
    let net = WithDropout::random(&mut Xoshiro128PlusPlus::seed_from_u64(4));
    let x = [0.5, -1.0, 2.0, 0.25];
    let manual = net.output.forward(&net.hidden.forward(&x));
    assert_eq!(net.forward(&x), manual);
    // Training passes drop some hidden units, reproducibly per seed.
    let mut tape = <WithDropout as Network<f32, 4, 3>>::Tape::default();
    net.forward_train(&x, &mut tape, &mut Xoshiro128PlusPlus::seed_from_u64(1));
    let mask = |tape: &<WithDropout as Network<f32, 4, 3>>::Tape| tape.layers.1.0.mask;
    assert!(mask(&tape).iter().all(|&m| m == 0.0 || m == 1.25));
    let dropped: usize = (0..20)
        .map(|seed| {
            net.forward_train(&x, &mut tape, &mut Xoshiro128PlusPlus::seed_from_u64(seed));
            mask(&tape).iter().filter(|&&m| m == 0.0).count()
        })
        .sum();
    assert!((16..=48).contains(&dropped), "{dropped} of 160 dropped at rate 0.2");
    net.forward_train(&x, &mut tape, &mut Xoshiro128PlusPlus::seed_from_u64(1));
    let mut again = <WithDropout as Network<f32, 4, 3>>::Tape::default();
    net.forward_train(&x, &mut again, &mut Xoshiro128PlusPlus::seed_from_u64(1));
    assert_eq!(mask(&tape), mask(&again));
}

#[test]
fn custom_activation_by_path() {
    let net = Cubic::from_layers(Dense::from_parts([[2.0]], [0.0]));
    assert_eq!(net.forward(&[1.5]), [27.0]);
}

/// A running sum: a layer with state between calls and no parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct Integrator<T, const N: usize>(core::marker::PhantomData<T>);

impl<T, const N: usize> constnet::LayerShape for Integrator<T, N> {
    const INPUTS: usize = N;
    const OUTPUTS: usize = N;
}

impl<T: Scalar, const N: usize> Parameters<T> for Integrator<T, N> {
    fn zeroed() -> Self {
        Integrator(core::marker::PhantomData)
    }
}

/// The running sum `sₜ = sₜ₋₁ + xₜ`, from `s₀ = 0`.
#[derive(Clone, Debug, PartialEq)]
pub struct Sum<T, const N: usize>([T; N]);

impl<T: Scalar, const N: usize> Default for Sum<T, N> {
    fn default() -> Self {
        Sum([T::ZERO; N])
    }
}

impl<T: Scalar, const N: usize> Layer<T, N, N> for Integrator<T, N> {
    type Tape = constnet::DenseTape<T, N>;
    type State = Sum<T, N>;
    const FINGERPRINT: u64 = constnet::layer::fingerprint::Fingerprint::new("Integrator").usize(N).finish();

    fn forward(&self, x: &[T; N]) -> [T; N] {
        *x
    }
    fn forward_step(&self, state: &mut Sum<T, N>, x: &[T; N]) -> [T; N] {
        for (s, &v) in state.0.iter_mut().zip(x) {
            *s += v;
        }
        state.0
    }
    fn forward_train<R: constnet::rand::Rng + ?Sized>(&self, x: &[T; N], tape: &mut Self::Tape, _: &mut R) {
        tape.y = *x;
    }
    fn output(tape: &Self::Tape) -> &[T; N] {
        &tape.y
    }
    fn input_gradient(&self, _: &[T; N], _: &Self::Tape, d: &[T; N]) -> [T; N] {
        *d
    }
}

network! {
    /// A stateful layer between two dense ones.
    struct Accumulate<f64> {
        before: Dense<2, 2, Identity>,
        sum: Integrator<2>,
        after: Dense<2, 1, Identity>,
    }
}

static ACCUMULATE: Accumulate = Accumulate::from_layers(
    Dense::from_parts([[1.0, 0.0], [0.0, 2.0]], [0.0; 2]),
    Integrator(core::marker::PhantomData),
    Dense::from_parts([[1.0, 1.0]], [0.0]),
);

#[test]
fn stateful_layers_keep_their_state_outside_the_static_weights() {
    // The weights are a `static`; the state is a separate value, reset by `Default`.
    let mut state = <Accumulate as Network<f64, 2, 1>>::State::default();
    let xs = [[1.0, 1.0], [0.5, -1.0], [2.0, 0.0]];
    let ys: Vec<f64> = xs.iter().map(|x| ACCUMULATE.forward_step(&mut state, x)[0]).collect();
    // Running sums of x₀ + 2·x₁: 3, then 3 + (0.5 − 2) = 1.5, then 1.5 + 2 = 3.5.
    assert_eq!(ys, [3.0, 1.5, 3.5]);
    state = Default::default();
    assert_eq!(ACCUMULATE.forward_step(&mut state, &[1.0, 1.0]), [3.0]);
    // Stateless inference is the start of a sequence; networks without state step like forward.
    assert_eq!(ACCUMULATE.forward(&[1.0, 1.0]), [3.0]);
    let net = Circles::random(&mut Xoshiro128PlusPlus::seed_from_u64(2));
    let mut none = <Circles as Network<f32, 2, 1>>::State::default();
    assert_eq!(core::mem::size_of_val(&none), 0);
    assert_eq!(net.forward_step(&mut none, &[0.2, 0.1]), net.forward(&[0.2, 0.1]));
    // A parameter-free user layer adds nothing to the parameters or their bytes.
    assert_eq!(Accumulate::PARAMS, 6 + 3);
    assert_eq!(size_of::<Accumulate>(), aligned_layer_bytes(6 * 8) + aligned_layer_bytes(3 * 8));
}

network! {
    struct ExactTanh<f32> { hidden: Dense<3, 5, Tanh>, output: Dense<5, 2, Sigmoid> }
}
network! {
    struct FastTanhNet<f32> { hidden: Dense<3, 5, FastTanh>, output: Dense<5, 2, FastSigmoid> }
}

#[test]
fn models_trained_exact_load_into_the_fast_twin() {
    use constnet::io::Model;
    assert_eq!(<ExactTanh as Model<f32>>::FINGERPRINT, <FastTanhNet as Model<f32>>::FINGERPRINT);
    let exact = ExactTanh::random(&mut Xoshiro128PlusPlus::seed_from_u64(6));
    let mut bytes = [0u8; ExactTanh::BYTES];
    exact.to_bytes(&mut bytes).unwrap();
    let fast = FastTanhNet::from_bytes(&bytes).unwrap();
    let x = [0.3, -0.2, 0.9];
    for (a, b) in exact.forward(&x).iter().zip(fast.forward(&x)) {
        assert!((a - b).abs() < 1e-6, "{a} vs {b}");
    }
    // Another function is another architecture.
    network! { struct ReluNet<f32> { hidden: Dense<3, 5, Relu>, output: Dense<5, 2, Sigmoid> } }
    assert!(ReluNet::from_bytes(&bytes).is_err());
}
