//! Conv1d, StreamingConv1d and the pooling layers: the whole layer contract by finite
//! differences, against a naive convolution written out with explicit padding, whole
//! `network!` models (Conv1d → pool → Dense) back-propagated exactly, the fused SGD step, the
//! byte format and compile-time decoding, and the compile-time shape rules as values.

use crate::common::{check_layer, rng, uniform};
use crate::gradients::check_network;
use constnet::TensorKind;
use constnet::io::Model;
use constnet::layer::{LayerShape, Padding};
use constnet::loss::{BinaryCrossEntropy, CategoricalCrossEntropy, Mse, SparseCategoricalCrossEntropy};
use constnet::network::Descent;
use constnet::prelude::*;

/// Every parameter of a layer uniform in `[-1, 1)`.
fn randomize<L: Parameters<f64>>(layer: &mut L, seed: u64) {
    let mut rng = rng(seed);
    for t in 0..L::TENSORS {
        for p in layer.tensor_mut(t) {
            *p = uniform(&mut rng, -1.0, 1.0);
        }
    }
}

fn random_input<const N: usize>(seed: u64) -> [f64; N] {
    let mut rng = rng(seed + 1000);
    core::array::from_fn(|_| uniform(&mut rng, -1.0, 1.0))
}

/// The convolution written out: pad with zeros into a `Vec`, then slide. Independent of the
/// layer's code (no shared helper), time-major like the layer.
#[allow(clippy::too_many_arguments)]
fn naive_conv(
    x: &[f64],
    len: usize,
    c_in: usize,
    w: &[f64],
    b: &[f64],
    k: usize,
    stride: usize,
    dilation: usize,
    left: usize,
    right: usize,
) -> Vec<f64> {
    let c_out = b.len();
    let mut padded = vec![0.0; (len + left + right) * c_in];
    padded[left * c_in..(left + len) * c_in].copy_from_slice(x);
    let span = dilation * (k - 1) + 1;
    let len_out = (len + left + right - span) / stride + 1;
    let mut out = vec![0.0; len_out * c_out];
    for j in 0..len_out {
        for o in 0..c_out {
            let mut acc = b[o];
            for c in 0..c_in {
                for tap in 0..k {
                    acc += w[(o * c_in + c) * k + tap] * padded[(j * stride + tap * dilation) * c_in + c];
                }
            }
            out[j * c_out + o] = acc;
        }
    }
    out
}

/// The layer against [`naive_conv`] and through the generic gradient check, for several seeds.
fn check_conv<
    P: Padding,
    const LEN: usize,
    const CI: usize,
    const CO: usize,
    const K: usize,
    const S: usize,
    const D: usize,
    const IN: usize,
    const OUT: usize,
>(
    left: usize,
    right: usize,
) where
    Conv1d<f64, LEN, CI, CO, K, Tanh, P, S, D>: Layer<f64, IN, OUT>,
{
    assert_eq!(<Conv1d<f64, LEN, CI, CO, K, Tanh, P, S, D> as LayerShape>::INVALID, None);
    for seed in 0..4 {
        let mut layer = Conv1d::<f64, LEN, CI, CO, K, Tanh, P, S, D>::zeroed();
        randomize(&mut layer, seed);
        let x = random_input::<IN>(seed);
        let z: [f64; OUT] = layer.pre_activation(&x);
        let want = naive_conv(&x, LEN, CI, layer.tensor(0), &layer.bias, K, S, D, left, right);
        assert_eq!(want.len(), OUT);
        for (a, b) in z.iter().zip(&want) {
            assert!((a - b).abs() < 1e-14, "{} {a} vs {b}", P::NAME);
        }
        let y = Layer::<f64, IN, OUT>::forward(&layer, &x);
        assert!(y.iter().zip(&z).all(|(y, z)| (y - z.tanh()).abs() < 1e-15));
        assert_eq!(check_layer::<_, IN, OUT>(&layer, &x, seed), CO * CI * K + CO + IN);
    }
}

#[test]
fn conv1d_matches_a_naive_convolution_and_finite_differences() {
    // valid, one channel in (the usual first layer)
    check_conv::<Valid, 10, 1, 3, 4, 1, 1, 10, { 7 * 3 }>(0, 0);
    // valid, several channels, stride 2, dilation 2
    check_conv::<Valid, 11, 2, 3, 3, 2, 2, 22, { 4 * 3 }>(0, 0);
    // causal: left padding dilation·(K − 1), output as long as the input
    check_conv::<Causal, 8, 2, 2, 3, 1, 1, 16, 16>(2, 0);
    check_conv::<Causal, 9, 1, 2, 3, 1, 3, 9, 18>(6, 0);
    // causal with stride: (LEN − 1) % STRIDE == 0
    check_conv::<Causal, 9, 2, 2, 2, 2, 1, 18, { 5 * 2 }>(1, 0);
    // same, odd and even total padding
    check_conv::<Same, 7, 2, 3, 3, 1, 1, 14, 21>(1, 1);
    check_conv::<Same, 7, 1, 2, 4, 1, 1, 7, 14>(1, 2);
    check_conv::<Same, 7, 1, 2, 2, 1, 3, 7, 14>(1, 2);
    // Weights over 4 KiB (f64: 16·16·3 = 768 values) take the other forward path.
    check_conv::<Valid, 6, 16, 16, 3, 1, 1, 96, { 4 * 16 }>(0, 0);
    check_conv::<Causal, 5, 16, 16, 3, 2, 2, 80, { 3 * 16 }>(4, 0);
}

/// The layer's `f32` outputs and gradients, bit for bit, against sums in the orders the layer
/// uses: for the output, the bias, then tap by tap and channel by channel, skipping the
/// padding, each product added with `Scalar::mul_acc`.
fn check_order<
    P: Padding,
    const LEN: usize,
    const CI: usize,
    const CO: usize,
    const K: usize,
    const S: usize,
    const D: usize,
    const IN: usize,
    const OUT: usize,
>(
    left: usize,
) where
    Conv1d<f32, LEN, CI, CO, K, Identity, P, S, D>: Layer<f32, IN, OUT>,
{
    let mut rng = rng(7);
    let mut layer = Conv1d::<f32, LEN, CI, CO, K, Identity, P, S, D>::zeroed();
    for t in 0..2 {
        for p in layer.tensor_mut(t) {
            *p = uniform(&mut rng, -1.0, 1.0) as f32;
        }
    }
    let x: [f32; IN] = core::array::from_fn(|_| uniform(&mut rng, -1.0, 1.0) as f32);
    let z: [f32; OUT] = layer.forward(&x);
    let mut want = vec![];
    for j in 0..OUT / CO {
        for o in 0..CO {
            let mut acc = layer.bias[o].widen();
            for k in 0..K {
                let Some(t) = (j * S + k * D).checked_sub(left).filter(|&t| t < LEN) else { continue };
                for c in 0..CI {
                    acc = layer.weights[o][c][k].mul_acc(x[t * CI + c], acc);
                }
            }
            want.push(f32::narrow(acc));
        }
    }
    let bits = |v: &[f32]| v.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    let shape = format!("{LEN}×{CI} → {CO}, K = {K}, {}, stride {S}, dilation {D}", P::NAME);
    assert_eq!(bits(&z), bits(&want), "forward, {shape}");

    // Back-propagation: `∂L/∂x[t][c]` adds, tap by tap, the balanced tree (`v[i] += v[i + keep]`
    // over the upper half, keeping the lower) of the products `W[o][c][k]·δ[j][o]` over the
    // filters; `∂L/∂W[o][c][k]` sums the steps in order, `∂L/∂b[o]` is the iterator sum.
    let delta: [f32; OUT] = core::array::from_fn(|_| uniform(&mut rng, -1.0, 1.0) as f32);
    let tape = Default::default();
    let dx: [f32; IN] = layer.input_gradient(&x, &tape, &delta);
    let mut grads = Conv1d::<f32, LEN, CI, CO, K, Identity, P, S, D>::zeroed();
    layer.add_gradient(&x, &tape, &delta, &mut grads);
    let tree = |mut v: Vec<f32>| {
        while v.len() > 1 {
            let keep = v.len() - v.len() / 2;
            for i in 0..v.len() / 2 {
                v[i] += v[i + keep];
            }
            v.truncate(keep);
        }
        v[0]
    };
    let (mut want_dx, mut want_w) = (vec![0.0f32; IN], vec![0.0f32; CO * CI * K]);
    for k in 0..K {
        for c in 0..CI {
            let mut g = vec![0.0f32; CO];
            for j in 0..OUT / CO {
                let Some(t) = (j * S + k * D).checked_sub(left).filter(|&t| t < LEN) else { continue };
                let d = &delta[j * CO..j * CO + CO];
                want_dx[t * CI + c] += tree((0..CO).map(|o| layer.weights[o][c][k].mul_acc(d[o], 0.0)).collect());
                for (g, &d) in g.iter_mut().zip(d) {
                    *g = d.mul_acc(x[t * CI + c], *g);
                }
            }
            for (o, g) in g.into_iter().enumerate() {
                want_w[(o * CI + c) * K + k] = 1.0f32.mul_add(g, 0.0);
            }
        }
    }
    let want_b: Vec<f32> =
        (0..CO).map(|o| 1.0f32.mul_add((0..OUT / CO).map(|j| delta[j * CO + o]).sum(), 0.0)).collect();
    assert_eq!(bits(&dx), bits(&want_dx), "input gradient, {shape}");
    assert_eq!(bits(grads.tensor(0)), bits(&want_w), "weight gradient, {shape}");
    assert_eq!(bits(grads.tensor(1)), bits(&want_b), "bias gradient, {shape}");
}

#[test]
fn conv1d_sums_and_back_propagates_in_its_documented_order_on_every_path() {
    // All weights gathered at once (≤ 4 KiB), steps in tiles of 8, 4 and 2 filters' widths,
    // 12 filters (not a whole number of vectors), padding on the left, on both sides.
    check_order::<Valid, 64, 1, 8, 5, 1, 1, 64, { 60 * 8 }>(0);
    check_order::<Valid, 30, 8, 12, 5, 1, 1, 240, { 26 * 12 }>(0);
    check_order::<Valid, 32, 16, 16, 3, 1, 1, 512, { 30 * 16 }>(0);
    check_order::<Causal, 64, 4, 8, 5, 1, 2, 256, { 64 * 8 }>(8);
    check_order::<Same, 21, 3, 5, 4, 1, 1, 63, { 21 * 5 }>(1);
    check_order::<Valid, 33, 2, 6, 3, 2, 3, 66, { 14 * 6 }>(0);
    // Tap by tap, one tap's columns at a time (12 KiB of weights, 4 KiB per tap).
    check_order::<Valid, 32, 32, 32, 3, 1, 1, 1024, { 30 * 32 }>(0);
    check_order::<Causal, 17, 32, 32, 3, 2, 1, 544, { 9 * 32 }>(2);
    // One column at a time (a tap's columns take 5 KiB).
    check_order::<Valid, 8, 40, 32, 2, 1, 1, 320, { 7 * 32 }>(0);
}

#[test]
fn conv1d_with_every_activation_passes_the_layer_check() {
    fn check<A: Activation>() {
        for seed in 0..3 {
            let mut layer = Conv1d::<f64, 6, 2, 3, 2, A>::zeroed();
            randomize(&mut layer, seed);
            let x = random_input::<12>(seed);
            check_layer::<_, 12, 15>(&layer, &x, seed);
        }
    }
    check::<Identity>();
    check::<Relu>();
    check::<Sigmoid>();
    check::<Gelu>();
    check::<Elu>();
    check::<Softmax>();
}

#[test]
fn pools_pass_the_layer_check() {
    for seed in 0..4 {
        let x = random_input::<24>(seed); // 8 steps × 3 channels, no ties
        check_layer::<_, 24, 12>(&MaxPool1d::<f64, 8, 3, 2>::NEW, &x, seed);
        check_layer::<_, 24, 9>(&MaxPool1d::<f64, 8, 3, 4, 2>::NEW, &x, seed); // overlapping
        check_layer::<_, 24, 12>(&AvgPool1d::<f64, 8, 3, 2>::NEW, &x, seed);
        check_layer::<_, 24, 9>(&AvgPool1d::<f64, 8, 3, 4, 2>::NEW, &x, seed);
        check_layer::<_, 24, 3>(&GlobalAvgPool1d::<f64, 8, 3>::NEW, &x, seed);
        check_layer::<_, 24, 3>(&GlobalMaxPool1d::<f64, 8, 3>::NEW, &x, seed);
    }
}

#[test]
fn pools_compute_what_pytorch_documents() {
    // 5 steps × 2 channels: channel 0 = 1, 5, 2, 4, 3; channel 1 = −1, −5, −2, −4, −3.
    let x = [1.0, -1.0, 5.0, -5.0, 2.0, -2.0, 4.0, -4.0, 3.0, -3.0f32];
    let max: [f32; 4] = MaxPool1d::<f32, 5, 2, 3, 2>::NEW.forward(&x);
    assert_eq!(max, [5.0, -1.0, 4.0, -2.0]);
    let avg: [f32; 4] = AvgPool1d::<f32, 5, 2, 3, 2>::NEW.forward(&x);
    assert_eq!(avg, [8.0 / 3.0, -8.0 / 3.0, 3.0, -3.0]);
    let gmax: [f32; 2] = GlobalMaxPool1d::<f32, 5, 2>::NEW.forward(&x);
    assert_eq!(gmax, [5.0, -1.0]);
    // Max pooling sends each window's gradient to its first maximum; overlapping windows add.
    let tape = Default::default();
    let dx = MaxPool1d::<f32, 5, 2, 3, 1>::NEW.input_gradient(&x, &tape, &[1.0, 10.0, 100.0, 1000.0, 1e4, 1e5]);
    // Channel 0 (1, 5, 2, 4, 3): windows peak at steps 1, 1, 3; channel 1 (−1, −5, −2, −4, −3)
    // at steps 0, 2, 2.
    assert_eq!(dx, [0.0, 10.0, 101.0, 0.0, 0.0, 101000.0, 1e4, 0.0, 0.0, 0.0]);
    // A NaN is the maximum of its window.
    let y: [f32; 1] = GlobalMaxPool1d::<f32, 3, 1>::NEW.forward(&[1.0, f32::NAN, 2.0]);
    assert!(y[0].is_nan());
}

#[test]
fn streaming_conv_equals_a_large_causal_window_step_by_step() {
    // Weights over 4 KiB: the windowed layer's other forward path, the same bits.
    let mut windowed = Conv1d::<f64, 6, 24, 24, 3, Tanh, Causal, 1, 2>::zeroed();
    randomize(&mut windowed, 5);
    let x = random_input::<144>(5);
    let whole: [f64; 144] = windowed.forward(&x);
    let stream = StreamingConv1d::from_conv(&windowed);
    let mut history = Default::default();
    for t in 0..6 {
        let step = stream.forward_step(&mut history, x[24 * t..24 * t + 24].try_into().unwrap());
        assert_eq!(step, whole[24 * t..24 * t + 24], "step {t}");
    }
}

#[test]
fn streaming_conv_equals_the_causal_window_step_by_step() {
    for seed in 0..3 {
        let mut windowed = Conv1d::<f64, 12, 2, 3, 3, Tanh, Causal, 1, 2>::zeroed();
        randomize(&mut windowed, seed);
        let x = random_input::<24>(seed);
        let whole: [f64; 36] = windowed.forward(&x);
        let stream = StreamingConv1d::from_conv(&windowed);
        let mut history = Default::default();
        for t in 0..12 {
            let step = stream.forward_step(&mut history, x[2 * t..2 * t + 2].try_into().unwrap());
            assert_eq!(step, whole[3 * t..3 * t + 3], "seed {seed} step {t}");
        }
        // A reset history starts the stream again.
        history.reset();
        let first = stream.forward_step(&mut history, &[x[0], x[1]]);
        assert_eq!(first, whole[..3]);
        assert_eq!(Layer::<f64, 2, 3>::forward(&stream, &[x[0], x[1]]), first);
    }
}

network! {
    /// A stream: causal convolution step by step, then a dense head per step.
    struct Stream<f64> {
        conv: StreamingConv1d<1, 4, 3, Relu, 2>,
        head: Dense<4, 1, Identity>,
    }
}

#[test]
fn a_streaming_network_keeps_state_and_refuses_training() {
    let mut net = Stream::random(&mut rng(3));
    net.conv.bias = [0.1; 4];
    let signal = [0.5, -0.2, 0.9, 0.3, -0.7, 0.4];
    let mut state = Default::default();
    let streamed: Vec<f64> = signal.iter().map(|&x| net.forward_step(&mut state, &[x])[0]).collect();
    // The same through the windowed causal convolution, time step by time step.
    let windowed = Conv1d::<f64, 6, 1, 4, 3, Relu, Causal, 1, 2>::from_parts(net.conv.weights, net.conv.bias);
    let features: [f64; 24] = windowed.forward(&signal);
    for t in 0..6 {
        let want = net.head.forward(features[4 * t..4 * t + 4].try_into().unwrap())[0];
        assert_eq!(streamed[t], want);
    }
    const { assert!(!<Stream as Network<f64, 1, 1>>::TRAINABLE) };
    let mut trainer =
        constnet::train::Trainer::new(constnet::optim::Sgd, Mse, constnet::optim::Schedule::Constant(0.1)).unwrap();
    assert_eq!(trainer.step(&mut net, &[0.5], &[1.0], &mut rng(1)), Err(constnet::train::TrainError::Untrainable));
}

#[test]
fn streaming_conv_passes_the_layer_check_for_its_first_step() {
    for seed in 0..3 {
        let mut layer = StreamingConv1d::<f64, 3, 2, 4, Tanh, 2>::zeroed();
        randomize(&mut layer, seed);
        check_layer::<_, 3, 2>(&layer, &random_input::<3>(seed), seed);
    }
}

network! {
    /// The shape of the example's classifier: conv → max pool → conv → global average → dense.
    pub struct ConvNet<f64> {
        conv1: Conv1d<16, 1, 4, 3, Tanh>,
        pool1: MaxPool1d<14, 4, 2>,
        conv2: Conv1d<7, 4, 3, 3, Relu>,
        pool2: GlobalAvgPool1d<5, 3>,
        out: Dense<3, 3, Softmax>,
    }
}

network! {
    /// Causal dilated convolutions with normalisation and a learned slope, flattened into Dense.
    pub struct CausalNet<f64> {
        conv1: Conv1d<8, 2, 3, 2, Identity, Causal, 1, 1>,
        norm: LayerNorm<24, 3>,
        act: PRelu<24, 3>,
        conv2: Conv1d<8, 3, 2, 3, Gelu, Causal, 1, 2>,
        pool: AvgPool1d<8, 2, 2>,
        flat: Dense<8, 2, Identity>,
        out: DenseNoBias<2, 1, Sigmoid>,
    }
}

network! {
    /// A strided valid convolution ending the network (an OutputLayer), same padding before it.
    pub struct ConvOut<f64> {
        same: Conv1d<9, 1, 2, 3, Silu, Same>,
        down: Conv1d<9, 2, 2, 3, Identity, Valid, 2>,
    }
}

#[test]
fn conv_networks_backpropagate_exactly() {
    for seed in 0..3 {
        check_network::<ConvNet, _, 16, 3>(seed, CategoricalCrossEntropy, [0.0, 1.0, 0.0]);
        check_network::<ConvNet, _, 16, 3>(seed, SparseCategoricalCrossEntropy, 2);
        check_network::<CausalNet, _, 16, 1>(seed, BinaryCrossEntropy, [1.0]);
        check_network::<ConvOut, _, 9, 8>(seed, Mse, [0.1, -0.2, 0.3, 0.0, 0.5, -0.1, 0.2, 0.4]);
    }
}

/// The fused SGD step (no gradient buffer) moves every weight exactly as back-propagation into
/// a buffer followed by `θ ← θ − η·g` does.
fn fused_descent_matches_the_buffered_gradient<N: Network<f64, IN, OUT>, const IN: usize, const OUT: usize>(seed: u64) {
    let mut rng = rng(seed);
    let net = N::init(&mut rng, Init::GlorotNormal).unwrap();
    let x: [f64; IN] = core::array::from_fn(|_| uniform(&mut rng, -1.0, 1.0));
    let target: [f64; OUT] = core::array::from_fn(|_| uniform(&mut rng, 0.0, 1.0));
    let mut tape = N::Tape::default();
    net.forward_train(&x, &mut tape, &mut crate::common::rng(0));
    let delta = <Mse as constnet::loss::Loss<f64, OUT>>::delta::<N::OutputActivation>(
        &Mse,
        N::output_pre_activation(&tape),
        N::output(&tape),
        &target,
    );
    let mut grads = N::zeroed();
    net.backward(&tape, &delta, &mut grads);
    let mut fused = net.clone();
    assert_eq!(fused.descend(&tape, &delta, 0.05, None), Descent::Applied);
    for t in 0..N::TENSORS {
        let changed = fused.tensor(t).iter().zip(net.tensor(t)).filter(|(a, b)| a != b).count();
        assert!(changed > 0, "tensor {t} did not move");
        for ((f, w), g) in fused.tensor(t).iter().zip(net.tensor(t)).zip(grads.tensor(t)) {
            assert!((f - (w - 0.05 * g)).abs() < 1e-14, "tensor {t}: {f} vs {w} − 0.05·{g}");
        }
    }
}

#[test]
fn the_fused_sgd_step_updates_every_new_layer() {
    for seed in 0..3 {
        fused_descent_matches_the_buffered_gradient::<CausalNet, 16, 1>(seed);
        fused_descent_matches_the_buffered_gradient::<ConvOut, 9, 8>(seed);
    }
}

#[test]
fn shapes_channels_and_tensors() {
    assert_eq!(ConvNet::INPUTS, 16);
    assert_eq!(<Conv1d<f32, 16, 1, 4, 3> as LayerShape>::OUTPUTS, 14 * 4);
    assert_eq!(Conv1d::<f32, 16, 1, 4, 3>::LEN_OUT, 14);
    assert_eq!(Conv1d::<f32, 16, 1, 4, 3, Relu, Causal>::LEN_OUT, 16);
    assert_eq!(Conv1d::<f32, 16, 1, 4, 3, Relu, Causal, 3>::LEN_OUT, 6);
    assert_eq!(Conv1d::<f32, 16, 1, 4, 5, Relu, Same, 1, 2>::LEN_OUT, 16);
    assert_eq!(Conv1d::<f32, 17, 1, 4, 3, Relu, Valid, 2, 3>::LEN_OUT, 6);
    assert_eq!(MaxPool1d::<f32, 14, 4, 2>::LEN_OUT, 7);
    assert_eq!(<GlobalAvgPool1d<f32, 5, 3> as LayerShape>::OUTPUTS, 3);
    assert_eq!(<Conv1d<f32, 16, 2, 4, 3> as LayerShape>::INPUT_CHANNELS, Some(2));
    assert_eq!(<Conv1d<f32, 16, 2, 4, 3> as LayerShape>::OUTPUT_CHANNELS, Some(4));
    assert_eq!(<Dense<f32, 16, 2> as LayerShape>::INPUT_CHANNELS, None);
    // PyTorch's tensor names and shapes, for every layer.
    let names: Vec<_> = (0..ConvNet::TENSORS).map(<ConvNet as Parameters<f64>>::tensor_info).collect();
    let described: Vec<_> = names.iter().map(|i| (i.name, i.shape.dims().to_vec(), i.kind)).collect();
    assert_eq!(
        described,
        [
            ("weight", vec![4, 1, 3], TensorKind::Weights),
            ("bias", vec![4], TensorKind::Bias),
            ("weight", vec![3, 4, 3], TensorKind::Weights),
            ("bias", vec![3], TensorKind::Bias),
            ("weight", vec![3, 3], TensorKind::Weights),
            ("bias", vec![3], TensorKind::Bias),
        ]
    );
    let causal: Vec<_> = (0..CausalNet::TENSORS)
        .map(<CausalNet as Parameters<f64>>::tensor_info)
        .map(|i| (i.name, i.shape.len()))
        .collect();
    assert_eq!(
        causal,
        [
            ("weight", 12),
            ("bias", 3),
            ("weight", 3),
            ("bias", 3),
            ("weight", 3),
            ("weight", 18),
            ("bias", 2),
            ("weight", 16),
            ("bias", 2),
            ("weight", 2)
        ]
    );
    assert_eq!(CausalNet::PARAMS, causal.iter().map(|c| c.1).sum::<usize>());
    // The parameters and nothing else, with the 64-byte alignment of the dense layers (18 and 2
    // parameters) on x86-64.
    let (flat, out) = (18 * 8, 2 * 8);
    let unaligned = CausalNet::PARAMS * 8 - flat - out;
    let padded = crate::common::aligned_layer_bytes(flat) + crate::common::aligned_layer_bytes(out);
    assert_eq!(core::mem::size_of::<CausalNet>(), crate::common::aligned_layer_bytes(padded + unaligned));
}

#[test]
fn conv_models_round_trip_through_bytes() {
    let net = ConvNet::random(&mut rng(11));
    let mut bytes = vec![0u8; ConvNet::BYTES];
    net.to_bytes(&mut bytes).unwrap();
    assert_eq!(ConvNet::from_bytes(&bytes).unwrap(), net);
    let causal = CausalNet::random(&mut rng(12));
    let mut bytes = vec![0u8; CausalNet::BYTES];
    causal.to_bytes(&mut bytes).unwrap();
    assert_eq!(CausalNet::from_bytes(&bytes).unwrap(), causal);
    // Another padding or stride is another architecture.
    network! { struct Other<f64> { same: Conv1d<9, 1, 2, 3, Silu, Causal>, down: Conv1d<9, 2, 2, 3, Identity, Valid, 2> } }
    let mut bytes = vec![0u8; ConvOut::BYTES];
    ConvOut::random(&mut rng(1)).to_bytes(&mut bytes).unwrap();
    assert!(matches!(Other::from_bytes(&bytes), Err(constnet::io::LoadError::WrongNetwork { .. })));
}

network! {
    /// Every new layer with parameters, for compile-time decoding.
    pub struct Flash<f32> {
        conv: Conv1d<4, 1, 2, 2, Relu, Causal>,
        norm: LayerNorm<8, 2>,
        act: PRelu<8, 2>,
        pool: GlobalMaxPool1d<4, 2>,
        out: DenseNoBias<2, 1, Identity>,
    }
}

/// `Flash` with parameters 1, 2, 3, … (halved) in tensor order, as `flash_fixture` writes them.
static FLASH: Flash = include_model!(Flash, include_bytes!("../fixtures/flash.cnet"));

fn flash_fixture() -> Flash {
    let mut net = Flash::zeroed();
    let mut k = 0.0;
    for t in 0..Flash::TENSORS {
        for p in net.tensor_mut(t) {
            k += 1.0;
            *p = k / 2.0 - 4.0;
        }
    }
    net
}

#[test]
fn every_new_layer_decodes_at_compile_time() {
    let mut bytes = vec![0u8; Flash::BYTES];
    flash_fixture().to_bytes(&mut bytes).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/flash.cnet");
    if std::env::var_os("CONSTNET_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, &bytes).unwrap();
    }
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "tests/fixtures/flash.cnet is stale: CONSTNET_WRITE_FIXTURES=1 cargo test --test suite every_new_layer, then rebuild"
    );
    assert_eq!(FLASH, flash_fixture());
    assert_eq!(FLASH.conv.weights, [[[-3.5, -3.0]], [[-2.5, -2.0]]]);
    assert_eq!(FLASH.out.weights, [[2.5, 3.0]]);
}

#[test]
fn batched_forward_agrees_with_forward() {
    // Layers without a batched kernel of their own run sample by sample inside a block.
    let net = ConvNet::random(&mut rng(21));
    let inputs: Vec<[f64; 16]> = (0..21).map(random_input::<16>).collect();
    let mut outputs = vec![[0.0; 3]; inputs.len()];
    net.forward_batch(&inputs, &mut outputs);
    for (x, y) in inputs.iter().zip(&outputs) {
        let one = net.forward(x);
        assert!(one.iter().zip(y).all(|(a, b)| (a - b).abs() < 1e-14), "{one:?} {y:?}");
    }
}

#[test]
fn invalid_shapes_say_what_is_wrong() {
    fn invalid<L: LayerShape>() -> Option<&'static str> {
        L::INVALID
    }
    assert_eq!(invalid::<Conv1d<f32, 4, 1, 2, 5>>(), Some("the kernel spans 5 time steps but the input has 4"));
    assert_eq!(
        invalid::<Conv1d<f32, 8, 1, 2, 3, Relu, Valid, 1, 4>>(),
        Some("the kernel spans 9 time steps but the input has 8")
    );
    assert_eq!(
        invalid::<Conv1d<f32, 64, 1, 8, 5, Relu, Valid, 2>>(),
        Some("stride 2 leaves the last 1 of 64 time steps unread; use an input of 63 or 65 time steps")
    );
    assert_eq!(
        invalid::<Conv1d<f32, 64, 1, 8, 5, Relu, Causal, 2>>(),
        Some("stride 2 leaves the last 1 of 64 time steps unread; use an input of 63 or 65 time steps")
    );
    assert_eq!(invalid::<Conv1d<f32, 65, 1, 8, 5, Relu, Causal, 2>>(), None);
    assert_eq!(
        invalid::<Conv1d<f32, 16, 1, 8, 3, Relu, Same, 2>>(),
        Some("`Same` padding needs stride 1 (as in PyTorch)")
    );
    assert_eq!(invalid::<Conv1d<f32, 16, 1, 8, 0>>(), Some("the kernel size must be at least 1"));
    assert_eq!(invalid::<Conv1d<f32, 16, 1, 8, 3, Relu, Valid, 0>>(), Some("the stride must be at least 1"));
    assert_eq!(invalid::<Conv1d<f32, 16, 1, 8, 3, Relu, Valid, 1, 0>>(), Some("the dilation must be at least 1"));
    // A causal kernel never outgrows its input: the padding covers it.
    assert_eq!(invalid::<Conv1d<f32, 2, 1, 8, 7, Relu, Causal, 1, 3>>(), None);
    assert_eq!(Conv1d::<f32, 2, 1, 8, 7, Relu, Causal, 1, 3>::LEN_OUT, 2);
    assert_eq!(
        invalid::<MaxPool1d<f32, 60, 8, 7>>(),
        Some("the pool size 7 does not divide the 60 time steps (4 left over); use an input of 56 or 63 time steps")
    );
    assert_eq!(invalid::<AvgPool1d<f32, 9, 8, 3, 2>>(), None);
    assert_eq!(
        invalid::<AvgPool1d<f32, 10, 8, 3, 2>>(),
        Some("stride 2 leaves the last 1 of 10 time steps unread; use an input of 9 or 11 time steps")
    );
    assert_eq!(invalid::<MaxPool1d<f32, 4, 8, 5>>(), Some("the pool spans 5 time steps but the input has 4"));
    assert_eq!(invalid::<StreamingConv1d<f32, 2, 2, 0>>(), Some("the kernel size must be at least 1"));
    // Zero widths are left to `network!`'s own message.
    assert_eq!(invalid::<Conv1d<f32, 0, 1, 8, 3>>(), None);
    assert_eq!(<Conv1d<f32, 0, 1, 8, 3> as LayerShape>::INPUTS, 0);
}
