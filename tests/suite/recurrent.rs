//! GRU and LSTM: the whole layer contract against central differences (every parameter and
//! input, both readouts, several seeds), whole `network!` sequence models, PyTorch reference
//! values (`tests/fixtures/reference/recurrent.json`, written by `tools/reference/recurrent.py`),
//! streaming against windows, tensors and model bytes, and learning a task that needs memory.

use crate::common::{check_layer, rng, uniform};
use crate::gradients::check_network;
use constnet::io::Model;
use constnet::layer::recurrent::flatten;
use constnet::layer::{AllSteps, Exact, Fast, Gru, GruState, LastStep, Lstm, LstmState, Readout};
use constnet::loss::{BinaryCrossEntropy, Loss, Mse, SparseCategoricalCrossEntropy};
use constnet::optim::{Adam, Schedule, Sgd};
use constnet::prelude::*;
use constnet::train::{Batch, FitConfig, FitData, Trainer};
use constnet::{TensorKind, TensorShape};

/// A layer with every parameter drawn uniformly in `[−scale, scale)`: larger than PyTorch's
/// default so that the gates are away from ½ and every term of the recurrences matters.
fn random<L: Layer<f64, X, Y>, const X: usize, const Y: usize>(seed: u64, scale: f64) -> L {
    let mut layer = L::zeroed();
    layer.init(&mut rng(seed), Init::Uniform { low: -scale, high: scale });
    layer
}

fn input<const X: usize>(seed: u64) -> [f64; X] {
    let mut rng = rng(seed + 1000);
    core::array::from_fn(|_| uniform(&mut rng, -1.5, 1.5))
}

// ---------------------------------------------------------------------------------------------
// The layer contract against central differences

#[test]
fn gru_gradients_match_finite_differences() {
    for seed in 0..5 {
        let last: Gru<f64, 3, 4, 5> = random::<_, 15, 4>(seed, 0.8);
        assert_eq!(check_layer::<_, 15, 4>(&last, &input(seed), seed), 3 * 4 * (3 + 4 + 2) + 15);
        let all: Gru<f64, 3, 4, 5, AllSteps> = random::<_, 15, 20>(seed, 0.8);
        assert_eq!(check_layer::<_, 15, 20>(&all, &input(seed), seed), 3 * 4 * (3 + 4 + 2) + 15);
        // One step, and a window longer than the hidden state is wide.
        let one: Gru<f64, 2, 3> = random::<_, 2, 3>(seed, 1.0);
        check_layer::<_, 2, 3>(&one, &input(seed), seed);
        let long: Gru<f64, 1, 2, 12> = random::<_, 12, 2>(seed, 1.2);
        check_layer::<_, 12, 2>(&long, &input(seed), seed);
    }
}

#[test]
fn lstm_gradients_match_finite_differences() {
    for seed in 0..5 {
        let last: Lstm<f64, 3, 4, 5> = random::<_, 15, 4>(seed, 0.8);
        assert_eq!(check_layer::<_, 15, 4>(&last, &input(seed), seed), 4 * 4 * (3 + 4 + 2) + 15);
        let all: Lstm<f64, 3, 4, 5, AllSteps> = random::<_, 15, 20>(seed, 0.8);
        assert_eq!(check_layer::<_, 15, 20>(&all, &input(seed), seed), 4 * 4 * (3 + 4 + 2) + 15);
        let one: Lstm<f64, 2, 3> = random::<_, 2, 3>(seed, 1.0);
        check_layer::<_, 2, 3>(&one, &input(seed), seed);
        let long: Lstm<f64, 1, 2, 12> = random::<_, 12, 2>(seed, 1.2);
        check_layer::<_, 12, 2>(&long, &input(seed), seed);
    }
}

// ---------------------------------------------------------------------------------------------
// Whole sequence models

network! {
    /// GRU over 6 steps of 2 channels, then a regression head.
    struct GruRegressor<f64> { gru: Gru<2, 5, 6>, out: Dense<5, 2, Identity> }
}

network! {
    /// LSTM over 6 steps, then a 3-class softmax.
    struct LstmClassifier<f64> { lstm: Lstm<2, 4, 6>, out: Dense<4, 3, Softmax> }
}

network! {
    /// A dense embedding per window, two stacked recurrent layers (GRU gives every step to the
    /// LSTM), a sigmoid output: back-propagation passes through both layers' input gradients.
    struct Stacked<f64> {
        embed: Dense<8, 8, Tanh>,
        lower: Gru<2, 3, 4, AllSteps>,
        upper: Lstm<3, 3, 4>,
        out: Dense<3, 1, Sigmoid>,
    }
}

network! {
    /// A network that ends in a recurrent layer: MSE on every step's hidden state.
    struct SequenceOut<f64> { lower: Lstm<1, 3, 5, AllSteps>, upper: Gru<3, 2, 5, AllSteps> }
}

#[test]
fn sequence_networks_backpropagate_exactly() {
    for seed in 0..4 {
        check_network::<GruRegressor, _, 12, 2>(seed, Mse, [0.4, -0.7]);
        check_network::<LstmClassifier, _, 12, 3>(seed, SparseCategoricalCrossEntropy, 1);
        check_network::<Stacked, _, 8, 1>(seed, BinaryCrossEntropy, [1.0]);
        let target: [f64; 10] = core::array::from_fn(|i| (i as f64 * 0.7).sin() * 0.5);
        check_network::<SequenceOut, _, 5, 10>(seed, Mse, target);
    }
}

/// The fused per-sample descent (`Network::descend`, which calls every layer's
/// `gradient_norm2` and `descend`) equals one SGD step on the gradient `backward` gives.
#[test]
fn fused_descent_equals_a_gradient_step() {
    let net = Stacked::init(&mut rng(5), Init::GlorotNormal).unwrap();
    let x = input::<8>(5);
    let mut tape = <Stacked as Network<f64, 8, 1>>::Tape::default();
    net.forward_train(&x, &mut tape, &mut rng(0));
    let delta =
        BinaryCrossEntropy.delta::<Sigmoid>(Stacked::output_pre_activation(&tape), Stacked::output(&tape), &[1.0]);
    let mut grads = Stacked::zeroed();
    net.backward(&tape, &delta, &mut grads);
    let mut fused = net.clone();
    assert_eq!(fused.descend(&tape, &delta, 0.25, None), constnet::network::Descent::Applied);
    for t in 0..Stacked::TENSORS {
        for ((p, q), g) in fused.tensor(t).iter().zip(net.tensor(t)).zip(grads.tensor(t)) {
            assert!((p - (q - 0.25 * g)).abs() < 1e-14, "tensor {t}: {p} vs {q} − 0.25·{g}");
        }
    }
    // Clipping scales the whole step to the norm limit.
    let norm = grads.squared_norm().sqrt();
    let mut clipped = net.clone();
    assert_eq!(clipped.descend(&tape, &delta, 1.0, Some(norm / 4.0)), constnet::network::Descent::Applied);
    let moved: f64 = (0..Stacked::TENSORS)
        .flat_map(|t| clipped.tensor(t).iter().zip(net.tensor(t)).map(|(a, b)| (a - b) * (a - b)).collect::<Vec<_>>())
        .sum();
    assert!((moved.sqrt() - norm / 4.0).abs() < 1e-12 * norm);
}

// ---------------------------------------------------------------------------------------------
// Streaming and windows compute the same thing

#[test]
fn streaming_steps_reproduce_the_window() {
    let window: Gru<f64, 3, 4, 6> = random::<_, 18, 4>(1, 0.9);
    let every: Gru<f64, 3, 4, 6, AllSteps> = window.with_steps();
    let cell: Gru<f64, 3, 4> = window.with_steps();
    let xs: [[f64; 3]; 6] = core::array::from_fn(|t| core::array::from_fn(|i| ((t * 3 + i) as f64 * 0.37).sin()));
    let flat: [f64; 18] = flatten(&xs);

    let mut state = GruState::default();
    let stepped: Vec<[f64; 4]> = xs.iter().map(|x| Layer::<f64, 3, 4>::forward_step(&cell, &mut state, x)).collect();
    // Stepping is bit-identical to the window: the same operations in the same order.
    assert_eq!(Layer::<f64, 18, 4>::forward(&window, &flat), stepped[5]);
    assert_eq!(Layer::<f64, 18, 24>::forward(&every, &flat).as_slice(), stepped.as_flattened());
    assert_eq!(window.sequence(&mut GruState::default(), &xs).as_flattened(), stepped.as_flattened());
    assert_eq!(window.step(&mut GruState::default(), &xs[0]), stepped[0]);
    // The training tape records the same states.
    let mut tape = <Gru<f64, 3, 4, 6> as Layer<f64, 18, 4>>::Tape::default();
    Layer::<f64, 18, 4>::forward_train(&window, &flat, &mut tape, &mut rng(0));
    assert_eq!(tape.h.as_flattened(), stepped.as_flattened());

    // A window's `forward_step` continues from the state it is given: two windows of 6 are one
    // sequence of 12.
    let long: Gru<f64, 3, 4, 12> = window.with_steps();
    let twice: [f64; 36] = flatten(&core::array::from_fn::<_, 12, _>(|t| xs[t % 6]));
    let mut state = GruState::default();
    Layer::<f64, 18, 4>::forward_step(&window, &mut state, &flat);
    let second = Layer::<f64, 18, 4>::forward_step(&window, &mut state, &flat);
    assert_eq!(second, Layer::<f64, 36, 4>::forward(&long, &twice));
    assert_ne!(second, Layer::<f64, 18, 4>::forward(&window, &flat));
}

#[test]
fn lstm_streaming_keeps_both_states() {
    let window: Lstm<f32, 2, 3, 5> = {
        let mut l = Lstm::zeroed();
        Layer::<f32, 10, 3>::init(&mut l, &mut rng(3), Init::Default);
        l
    };
    let cell: Lstm<f32, 2, 3> = window.with_steps();
    let xs: [[f32; 2]; 5] = core::array::from_fn(|t| [t as f32 * 0.3 - 0.5, 1.0 - t as f32 * 0.2]);
    let mut state = LstmState::default();
    let mut last = [0.0; 3];
    for x in &xs {
        last = Layer::<f32, 2, 3>::forward_step(&cell, &mut state, x);
    }
    assert_eq!(last, state.h);
    assert!(state.c.iter().all(|c| c.abs() > 1e-4), "the cell state carries information: {:?}", state.c);
    assert_eq!(Layer::<f32, 10, 3>::forward(&window, &flatten(&xs)), last);
    // Reset is `Default`.
    state = LstmState::default();
    assert_eq!(cell.step(&mut state, &xs[0]), window.sequence(&mut LstmState::default(), &xs)[0]);
}

network! {
    /// Trained on windows of 8 steps.
    struct Windowed<f32> { gru: Gru<1, 6, 8>, out: Dense<6, 1, Identity> }
}

network! {
    /// The same model, one step per call.
    struct Streaming<f32> { gru: Gru<1, 6>, out: Dense<6, 1, Identity> }
}

/// A model trained on windows loads, as model bytes, into the streaming network (the window
/// length is not part of the fingerprint), and the streaming network from flash reproduces it.
#[test]
fn a_windowed_model_runs_streaming_from_its_bytes() {
    let net = Windowed::random(&mut rng(11));
    let mut bytes = vec![0u8; Windowed::BYTES];
    net.to_bytes(&mut bytes).unwrap();
    let stream = Streaming::from_bytes(&bytes).unwrap();
    assert_eq!(stream.gru, net.gru.with_steps());
    let xs: [[f32; 1]; 8] = core::array::from_fn(|t| [(t as f32 * 0.9).cos()]);
    let mut state = <Streaming as Network<f32, 1, 1>>::State::default();
    let mut y = [0.0];
    for x in &xs {
        y = stream.forward_step(&mut state, x);
    }
    assert_eq!(y, net.forward(&flatten(&xs)));
    // Another width is another architecture.
    network! { struct Wider<f32> { gru: Gru<1, 7, 8>, out: Dense<7, 1, Identity> } }
    assert_ne!(<Wider as Model<f32>>::FINGERPRINT, <Windowed as Model<f32>>::FINGERPRINT);
    network! { struct AsLstm<f32> { lstm: Lstm<1, 6, 8>, out: Dense<6, 1, Identity> } }
    assert_ne!(<AsLstm as Model<f32>>::FINGERPRINT, <Windowed as Model<f32>>::FINGERPRINT);
}

/// `tests/fixtures/gru-stream.cnet`: `Streaming::random(&mut rng(11))`, decoded at compile time.
static STREAM: Streaming = constnet::include_model!(Streaming, include_bytes!("../fixtures/gru-stream.cnet"));

network! {
    /// An LSTM model decoded at compile time.
    struct LstmStream<f64> { lstm: Lstm<2, 3>, out: Dense<3, 1, Sigmoid> }
}

static LSTM_STREAM: LstmStream = constnet::include_model!(LstmStream, include_bytes!("../fixtures/lstm-stream.cnet"));

#[test]
fn recurrent_models_decode_at_compile_time() {
    assert_eq!(STREAM, Streaming::random(&mut rng(11)));
    assert_eq!(LSTM_STREAM, LstmStream::random(&mut rng(12)));
    let mut state = Default::default();
    let y = STREAM.forward_step(&mut state, &[0.5]);
    assert_eq!(y, Streaming::random(&mut rng(11)).forward(&[0.5]));
}

/// Regenerates the model fixtures above: `CONSTNET_WRITE_FIXTURES=1 cargo test --test suite
/// recurrent::model_fixtures`. Otherwise checks they are what the test above expects.
#[test]
fn model_fixtures() {
    let stream = model_bytes(&Streaming::random(&mut rng(11)));
    let lstm = model_bytes(&LstmStream::random(&mut rng(12)));
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
    if std::env::var_os("CONSTNET_WRITE_FIXTURES").is_some() {
        std::fs::write(format!("{dir}/gru-stream.cnet"), &stream).unwrap();
        std::fs::write(format!("{dir}/lstm-stream.cnet"), &lstm).unwrap();
    }
    assert_eq!(std::fs::read(format!("{dir}/gru-stream.cnet")).unwrap(), stream);
    assert_eq!(std::fs::read(format!("{dir}/lstm-stream.cnet")).unwrap(), lstm);
}

/// A network's model bytes.
fn model_bytes<T: Scalar, N: Model<T>>(net: &N) -> Vec<u8> {
    let mut bytes = vec![0u8; N::BYTES];
    net.to_bytes(&mut bytes).unwrap();
    bytes
}

// ---------------------------------------------------------------------------------------------
// Fast gates

/// The largest difference between the exact and the fast gates' outputs over a window, in f32.
fn fast_error<E, Fa, const X: usize, const Y: usize>(seed: u64) -> f32
where
    E: Layer<f32, X, Y>,
    Fa: Layer<f32, X, Y>,
{
    let mut exact = E::zeroed();
    exact.init(&mut rng(seed), Init::Uniform { low: -1.0, high: 1.0 });
    let mut fast = Fa::zeroed();
    for t in 0..E::TENSORS {
        fast.tensor_mut(t).copy_from_slice(exact.tensor(t));
    }
    let mut r = rng(seed + 7);
    let x: [f32; X] = core::array::from_fn(|_| uniform(&mut r, -2.0, 2.0) as f32);
    let (a, b) = (exact.forward(&x), fast.forward(&x));
    a.iter().zip(&b).map(|(p, q)| (p - q).abs()).fold(0.0, f32::max)
}

#[test]
fn fast_gates_stay_within_their_documented_error() {
    let mut worst: f32 = 0.0;
    for seed in 0..20 {
        worst =
            worst.max(fast_error::<Gru<f32, 3, 16, 20, AllSteps>, Gru<f32, 3, 16, 20, AllSteps, Fast>, 60, 320>(seed));
        worst = worst
            .max(fast_error::<Lstm<f32, 3, 16, 20, AllSteps>, Lstm<f32, 3, 16, 20, AllSteps, Fast>, 60, 320>(seed));
    }
    // σ within 9e−8 and tanh within 3.8e−7 per evaluation; over 20 steps the differences stay
    // bounded (the recurrences are contractions for these weights) and are not zero.
    assert!(worst > 0.0 && worst < 5e-6, "worst difference {worst:e}");
    // Same function, same fingerprint: a model trained exact deploys fast.
    assert_eq!(
        <Gru<f32, 3, 16, 20, LastStep, Exact> as Layer<f32, 60, 16>>::FINGERPRINT,
        <Gru<f32, 3, 16, 20, LastStep, Fast> as Layer<f32, 60, 16>>::FINGERPRINT
    );
}

network! {
    /// `Order` with fast gates.
    struct OrderFast<f32> { gru: Gru<1, 8, 12, LastStep, Fast>, out: Dense<8, 1, Sigmoid> }
}

#[test]
fn a_gru_with_fast_gates_trains_like_the_exact_one() {
    let (mut xs, mut ys) = order_data(400, 1);
    let (test_x, test_y) = order_data(200, 2);
    let mut net = OrderFast::random(&mut rng(3));
    let mut trainer = Trainer::new(Adam::default(), BinaryCrossEntropy, Schedule::Constant(0.02)).unwrap();
    let config = FitConfig::new(30).batch(Batch::Mini(16));
    trainer
        .fit(&mut net, FitData::new(&mut xs, &mut ys), &config, &mut rng(4), |_| constnet::train::Control::Continue)
        .unwrap();
    let correct = test_x.iter().zip(&test_y).filter(|(x, y)| (net.forward(x)[0] >= 0.5) == (y[0] == 1.0)).count();
    assert!(correct >= 190, "held-out accuracy {correct}/200");
    // Its weights run in the exact network and give nearly the same answers.
    let exact = Order::from_layers(net.gru.with_steps(), net.out.clone());
    for x in &test_x {
        assert!((exact.forward(x)[0] - net.forward(x)[0]).abs() < 1e-5);
    }
}

// ---------------------------------------------------------------------------------------------
// Tensors: PyTorch's names, shapes and layout

#[test]
fn tensors_have_pytorch_names_shapes_and_layout() {
    type G = Gru<f32, 3, 5, 7>;
    type L = Lstm<f32, 3, 5, 7, AllSteps>;
    let names = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"];
    for (i, name) in names.iter().enumerate() {
        assert_eq!(<G as Parameters<f32>>::tensor_info(i).name, *name);
        assert_eq!(<L as Parameters<f32>>::tensor_info(i).name, *name);
    }
    let shapes = |gates: usize| {
        [
            TensorShape::new(&[gates * 5, 3]),
            TensorShape::new(&[gates * 5, 5]),
            TensorShape::new(&[gates * 5]),
            TensorShape::new(&[gates * 5]),
        ]
    };
    for i in 0..4 {
        assert_eq!(<G as Parameters<f32>>::tensor_info(i).shape, shapes(3)[i]);
        assert_eq!(<L as Parameters<f32>>::tensor_info(i).shape, shapes(4)[i]);
        let kind = if i < 2 { TensorKind::Weights } else { TensorKind::Bias };
        assert_eq!(<G as Parameters<f32>>::tensor_kind(i), kind);
        assert_eq!(<G as Parameters<f32>>::zeroed().tensor(i).len(), shapes(3)[i].len());
        assert_eq!(<L as Parameters<f32>>::zeroed().tensor(i).len(), shapes(4)[i].len());
    }
    assert_eq!(<G as Parameters<f32>>::PARAMS, 3 * 5 * (3 + 5 + 2));
    assert_eq!(<L as Parameters<f32>>::PARAMS, 4 * 5 * (3 + 5 + 2));
    // Row-major `[3·HIDDEN, IN]`: row `g·HIDDEN + j` is gate `g`, unit `j`.
    let mut gru = G::zeroed();
    gru.tensor_mut(0)[(5 + 2) * 3 + 1] = 1.0;
    assert_eq!(gru.weight_ih[1][2][1], 1.0);
    gru.tensor_mut(3)[2 * 5 + 4] = 2.0;
    assert_eq!(gru.bias_hh[2][4], 2.0);
    // A layer is its weights, nothing else (and its cache-line alignment padding on x86-64).
    let aligned = crate::common::aligned_layer_bytes;
    assert_eq!(size_of::<G>(), aligned(<G as Parameters<f32>>::PARAMS * 4));
    assert_eq!(size_of::<L>(), aligned(<L as Parameters<f32>>::PARAMS * 4));
    // The shapes `network!` reads.
    assert_eq!((G::INPUTS, G::OUTPUTS, L::INPUTS, L::OUTPUTS), (21, 5, 21, 35));
    assert!(<G as LayerShape>::INVALID.is_none());
    assert!(<Gru<f32, 3, 5, 0> as LayerShape>::INVALID.is_some());
    assert_eq!((LastStep::ALL_STEPS, AllSteps::ALL_STEPS), (false, true));
}

#[test]
fn default_init_is_pytorchs_uniform() {
    let mut gru = Gru::<f64, 4, 16, 3>::zeroed();
    Layer::<f64, 12, 16>::init(&mut gru, &mut rng(1), Init::Default);
    let k = 1.0 / 4.0;
    for t in 0..4 {
        let values = gru.tensor(t);
        assert!(values.iter().all(|v| (-k..k).contains(v)), "tensor {t} outside ±1/√16");
        let max = values.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        assert!(max > 0.8 * k, "tensor {t} does not fill its range: {max}");
    }
}

// ---------------------------------------------------------------------------------------------
// Learning something that needs memory

network! {
    /// Which of two pulses came first in a noisy window of 12 steps.
    struct Order<f32> { gru: Gru<1, 8, 12>, out: Dense<8, 1, Sigmoid> }
}

/// A window with two pulses (+1 and −1) at random times; class 1 if the positive one came first.
fn order_data(n: usize, seed: u64) -> (Vec<[f32; 12]>, Vec<[f32; 1]>) {
    let mut rng = rng(seed);
    (0..n)
        .map(|_| {
            let mut x: [f32; 12] = core::array::from_fn(|_| uniform(&mut rng, -0.1, 0.1) as f32);
            let a = (uniform(&mut rng, 0.0, 12.0) as usize).min(11);
            let mut b = (uniform(&mut rng, 0.0, 11.0) as usize).min(10);
            if b >= a {
                b += 1;
            }
            x[a] += 1.0;
            x[b] -= 1.0;
            (x, [f32::from(u8::from(a < b))])
        })
        .unzip()
}

#[test]
fn a_gru_learns_the_order_of_two_events() {
    let (mut xs, mut ys) = order_data(400, 1);
    let (test_x, test_y) = order_data(200, 2);
    let mut net = Order::random(&mut rng(3));
    let mut trainer = Trainer::new(Adam::default(), BinaryCrossEntropy, Schedule::Constant(0.02)).unwrap();
    let config = FitConfig::new(30).batch(Batch::Mini(16)).metric(constnet::train::Metric::Binary);
    trainer
        .fit(&mut net, FitData::new(&mut xs, &mut ys), &config, &mut rng(4), |_| constnet::train::Control::Continue)
        .unwrap();
    let correct = test_x.iter().zip(&test_y).filter(|(x, y)| (net.forward(x)[0] >= 0.5) == (y[0] == 1.0)).count();
    assert!(correct >= 190, "held-out accuracy {correct}/200");
    // Per-sample SGD takes the fused path through the recurrent layer and learns too.
    let mut sgd = Order::random(&mut rng(3));
    let mut trainer = Trainer::new(Sgd, BinaryCrossEntropy, Schedule::Constant(0.1)).unwrap();
    let (mut xs, mut ys) = order_data(400, 1);
    let before = trainer.evaluate(&sgd, &test_x, &test_y, constnet::train::Metric::Binary).unwrap().0;
    trainer
        .fit(&mut sgd, FitData::new(&mut xs, &mut ys), &FitConfig::new(5), &mut rng(4), |_| {
            constnet::train::Control::Continue
        })
        .unwrap();
    let after = trainer.evaluate(&sgd, &test_x, &test_y, constnet::train::Metric::Binary).unwrap().0;
    assert!(after < 0.5 * before, "loss {before} → {after}");
}

// ---------------------------------------------------------------------------------------------
// PyTorch reference values

/// One case of `tests/fixtures/reference/recurrent.json`.
struct Case {
    name: String,
    kind: String,
    all_steps: bool,
    dims: [usize; 3],
    params: [Vec<f64>; 4],
    x: Vec<f64>,
    loss_weights: Vec<f64>,
    /// The layer's output, the parameter gradients and `∂L/∂x`, from float64 and float32 runs.
    f64: Expected,
    f32: Expected,
}

struct Expected {
    output: Vec<f64>,
    grads: [Vec<f64>; 4],
    grad_x: Vec<f64>,
}

fn numbers(v: &serde_json::Value) -> Vec<f64> {
    v.as_array().expect("an array").iter().map(|n| n.as_f64().expect("a number")).collect()
}

fn expected(v: &serde_json::Value) -> Expected {
    let g = &v["grads"];
    Expected {
        output: numbers(&v["output"]),
        grads: ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map(|n| numbers(&g[n])),
        grad_x: numbers(&v["grad_x"]),
    }
}

fn cases() -> Vec<Case> {
    let text = include_str!("../fixtures/reference/recurrent.json");
    let json: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
    json["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| Case {
            name: c["name"].as_str().unwrap().to_owned(),
            kind: c["kind"].as_str().unwrap().to_owned(),
            all_steps: c["readout"].as_str().unwrap() == "all",
            dims: ["input_size", "hidden_size", "steps"].map(|k| c[k].as_u64().unwrap() as usize),
            params: ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map(|n| numbers(&c["params"][n])),
            x: numbers(&c["x"]),
            loss_weights: numbers(&c["loss_weights"]),
            f64: expected(&c["float64"]),
            f32: expected(&c["float32"]),
        })
        .collect()
}

/// What constnet computes for a case, in `T`: the output, the parameter gradients and `∂L/∂x`
/// under the case's loss `L = Σ wᵢ·yᵢ`.
fn run<T: Scalar, L: Layer<T, X, Y>, const X: usize, const Y: usize>(case: &Case) -> Expected {
    let mut layer = L::zeroed();
    for (t, values) in case.params.iter().enumerate() {
        assert_eq!(layer.tensor(t).len(), values.len(), "{}: tensor {t}", case.name);
        for (p, &v) in layer.tensor_mut(t).iter_mut().zip(values) {
            *p = T::from_f64(v);
        }
    }
    let x: [T; X] = core::array::from_fn(|i| T::from_f64(case.x[i]));
    let w: [T; Y] = core::array::from_fn(|i| T::from_f64(case.loss_weights[i]));
    let mut tape = L::Tape::default();
    layer.forward_train(&x, &mut tape, &mut rng(0));
    assert_eq!(L::output(&tape), &layer.forward(&x));
    let signal = layer.error_signal(&tape, &w);
    let mut grads = L::zeroed();
    layer.add_gradient(&x, &tape, &signal, &mut grads);
    let dx = layer.input_gradient(&x, &tape, &signal);
    let to_f64 = |s: &[T]| s.iter().map(|v| v.to_f64()).collect::<Vec<_>>();
    Expected {
        output: to_f64(L::output(&tape)),
        grads: [0, 1, 2, 3].map(|t| to_f64(grads.tensor(t))),
        grad_x: to_f64(&dx),
    }
}

fn compare(case: &Case, got: &Expected, want: &Expected, tolerance: f64, scalar: &str) {
    let check = |what: &str, got: &[f64], want: &[f64]| {
        assert_eq!(got.len(), want.len(), "{} {scalar} {what}: length", case.name);
        for (i, (g, w)) in got.iter().zip(want).enumerate() {
            assert!(
                (g - w).abs() <= tolerance * (1.0 + w.abs()),
                "{} ({scalar}): {what}[{i}] is {g:e}, PyTorch says {w:e}",
                case.name
            );
        }
    };
    check("output", &got.output, &want.output);
    for (t, name) in ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].iter().enumerate() {
        check(&format!("∂L/∂{name}"), &got.grads[t], &want.grads[t]);
    }
    check("∂L/∂x", &got.grad_x, &want.grad_x);
}

/// Runs one case in `f64` and `f32` for the layer type its kind, dimensions and readout name.
fn check_case<L64, L32, const X: usize, const Y: usize>(case: &Case)
where
    L64: Layer<f64, X, Y>,
    L32: Layer<f32, X, Y>,
{
    assert_eq!((L64::INPUTS, L64::OUTPUTS), (X, Y), "{}: dimensions", case.name);
    compare(case, &run::<f64, L64, X, Y>(case), &case.f64, 1e-12, "f64");
    compare(case, &run::<f32, L32, X, Y>(case), &case.f32, 1e-6, "f32");
}

#[test]
fn gru_and_lstm_match_pytorch() {
    let cases = cases();
    let mut seen = Vec::new();
    for case in &cases {
        match (case.kind.as_str(), case.dims, case.all_steps) {
            ("gru", [3, 4, 5], false) => check_case::<Gru<f64, 3, 4, 5>, Gru<f32, 3, 4, 5>, 15, 4>(case),
            ("gru", [3, 4, 5], true) => {
                check_case::<Gru<f64, 3, 4, 5, AllSteps>, Gru<f32, 3, 4, 5, AllSteps>, 15, 20>(case)
            }
            ("gru", [2, 8, 10], false) => check_case::<Gru<f64, 2, 8, 10>, Gru<f32, 2, 8, 10>, 20, 8>(case),
            ("lstm", [3, 4, 5], false) => check_case::<Lstm<f64, 3, 4, 5>, Lstm<f32, 3, 4, 5>, 15, 4>(case),
            ("lstm", [3, 4, 5], true) => {
                check_case::<Lstm<f64, 3, 4, 5, AllSteps>, Lstm<f32, 3, 4, 5, AllSteps>, 15, 20>(case)
            }
            ("lstm", [2, 8, 10], false) => check_case::<Lstm<f64, 2, 8, 10>, Lstm<f32, 2, 8, 10>, 20, 8>(case),
            other => panic!("{}: no layer type for {other:?}", case.name),
        }
        seen.push(case.name.as_str());
    }
    assert_eq!(seen.len(), 6, "{seen:?}");
}

/// The fixture's numbers are not trivially small: a comparison to 1e-12 means something.
#[test]
fn reference_values_are_substantial() {
    for case in cases() {
        let largest = |v: &[f64]| v.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        assert!(largest(&case.f64.output) > 0.05, "{}", case.name);
        for g in &case.f64.grads {
            assert!(largest(g) > 0.01, "{}", case.name);
        }
        assert!(largest(&case.f64.grad_x) > 0.01, "{}", case.name);
        // The float32 run computes the same thing, up to float32 rounding.
        for (a, b) in case.f64.grad_x.iter().zip(&case.f32.grad_x) {
            assert!((a - b).abs() < 1e-5 * (1.0 + a.abs()), "{}: {a} vs {b}", case.name);
        }
    }
}

#[test]
fn gru_state_default_is_zero() {
    assert_eq!(GruState::<f32, 3>::default().h, [0.0; 3]);
    let s = LstmState::<f64, 2>::default();
    assert_eq!((s.h, s.c), ([0.0; 2], [0.0; 2]));
    let _: fn() -> LastStep = LastStep::default;
}
