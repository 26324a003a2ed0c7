//! int8 post-training quantization: accuracy against the float network on held-out data
//! (circles and a 64-32-10 digits-shaped classifier), the quantizer's edge cases and typed
//! errors, the int8 model bytes and their compile-time decoding.
//!
//! `cargo test --test suite int8:: -- --nocapture` prints the accuracy figures of the README.

use crate::common::{Circles, rng, uniform};
use constnet::data::circles;
use constnet::int8::{QParams, QuantizeError, Quantized};
use constnet::io::LoadError;
use constnet::loss::SparseCategoricalCrossEntropy;
use constnet::optim::Adamax;
use constnet::prelude::*;
use constnet::rand::Rng;

/// The circles data of the training suite: 900 training points, 100 held out.
fn circles_data() -> (Vec<[f32; 2]>, Vec<[f32; 1]>) {
    let mut x = vec![[0.0f32; 2]; 1000];
    let mut y = vec![[0.0f32; 1]; 1000];
    circles(&mut x, &mut y, 0.3, 0.1, &mut rng(3)).unwrap();
    (x, y)
}

/// The circles classifier trained as in `training.rs` (Adamax, batches of 32, 60 epochs).
pub fn trained_circles() -> (Circles, Vec<[f32; 2]>, Vec<[f32; 1]>) {
    let (x, y) = circles_data();
    let (mut train_x, mut train_y) = (x[..900].to_vec(), y[..900].to_vec());
    let mut net = Circles::random(&mut rng(11));
    let mut trainer = Trainer::new(Adamax::default(), BinaryCrossEntropy, Schedule::Constant(0.01)).unwrap();
    let config = FitConfig::new(60).batch(Batch::Mini(32)).metric(Metric::Binary);
    trainer
        .fit(&mut net, FitData::new(&mut train_x, &mut train_y), &config, &mut rng(4), |_| Control::Continue)
        .unwrap();
    (net, x, y)
}

network! {
    /// A digits-shaped classifier: 8×8 images, 32 hidden units, 10 classes.
    pub struct Digits<f32> {
        hidden: Dense<64, 32, Relu>,
        classes: Dense<32, 10, Softmax>,
    }
}

/// Digits-shaped data: ten 8×8 glyphs of three random strokes each (intensities 0‥16, as in
/// scikit-learn's digits), drawn shifted by up to one pixel, with random stroke intensity and
/// pixel noise, then scaled to `[0, 1]`. Not separable by a margin: the float network gets a
/// few percent wrong, so an accuracy drop would show.
pub fn digits_data(n: usize, seed: u64) -> (Vec<[f32; 64]>, Vec<usize>) {
    let mut r = rng(seed);
    let glyphs: Vec<[f64; 100]> = (0..10)
        .map(|_| {
            let mut g = [0.0; 100]; // 10×10, so that shifts by one stay inside
            for _ in 0..3 {
                let (x0, y0) = (uniform(&mut r, 1.0, 9.0), uniform(&mut r, 1.0, 9.0));
                let (x1, y1) = (uniform(&mut r, 1.0, 9.0), uniform(&mut r, 1.0, 9.0));
                for s in 0..=20 {
                    let t = s as f64 / 20.0;
                    let (px, py) = ((x0 + t * (x1 - x0)) as usize, (y0 + t * (y1 - y0)) as usize);
                    g[py.min(9) * 10 + px.min(9)] = 16.0;
                }
            }
            g
        })
        .collect();
    let mut xs = Vec::with_capacity(n);
    let mut ys = Vec::with_capacity(n);
    for i in 0..n {
        let class = i % 10;
        let (dx, dy) = ((r.next_u32() % 3) as usize, (r.next_u32() % 3) as usize);
        let gain = uniform(&mut r, 0.5, 1.2);
        xs.push(core::array::from_fn(|p| {
            let (px, py) = (p % 8, p / 8);
            let v = glyphs[class][(py + dy) * 10 + px + dx] * gain + uniform(&mut r, -9.0, 9.0);
            (v.clamp(0.0, 16.0) / 16.0) as f32
        }));
        ys.push(class);
    }
    (xs, ys)
}

/// Inputs and classes.
pub type DigitsSet = (Vec<[f32; 64]>, Vec<usize>);

/// The digits-shaped classifier trained with Adam on 1437 samples (scikit-learn's digits
/// training size); returns it with 360 held-out samples.
pub fn trained_digits() -> (Digits, DigitsSet, DigitsSet) {
    let (mut x, mut y) = digits_data(1797, 5);
    let (test_x, test_y) = (x.split_off(1437), y.split_off(1437));
    let mut net = Digits::random(&mut rng(9));
    let mut trainer = Trainer::new(Adam::default(), SparseCategoricalCrossEntropy, Schedule::Constant(0.003)).unwrap();
    let config = FitConfig::new(15).batch(Batch::Mini(32)).metric(Metric::Argmax);
    let (mut tx, mut ty) = (x.clone(), y.clone());
    trainer.fit(&mut net, FitData::new(&mut tx, &mut ty), &config, &mut rng(2), |_| Control::Continue).unwrap();
    (net, (x, y), (test_x, test_y))
}

fn argmax<const N: usize>(v: &[f32; N]) -> usize {
    (0..N).fold(0, |best, i| if v[i] > v[best] { i } else { best })
}

#[test]
fn circles_int8_matches_f32_on_held_out_data() {
    let (net, x, y) = trained_circles();
    let q = Quantized::quantize(&net, &x[..900]).unwrap();
    let (test_x, test_y) = (&x[900..], &y[900..]);
    let (mut right_f, mut right_q, mut worst) = (0, 0, 0.0f32);
    for (p, t) in test_x.iter().zip(test_y) {
        let (yf, yq) = (net.forward(p)[0], q.forward(p)[0]);
        right_f += usize::from((yf >= 0.5) == (t[0] >= 0.5));
        right_q += usize::from((yq >= 0.5) == (t[0] >= 0.5));
        worst = worst.max((yf - yq).abs());
    }
    let (acc_f, acc_q) = (right_f as f64 / 100.0, right_q as f64 / 100.0);
    println!(
        "circles (2-4-6-6-4-1), 100 held-out points: f32 {:.1}%, int8 {:.1}%, drop {:.1} pp; max |int8 − f32| output {worst:.4}",
        100.0 * acc_f,
        100.0 * acc_q,
        100.0 * (acc_f - acc_q)
    );
    assert!(acc_f >= 0.97, "the float network is trained ({acc_f})");
    assert!(acc_f - acc_q <= 0.01, "accuracy drop {acc_f} → {acc_q}");
    // Sigmoid output in steps of 1/256, after four requantized layers.
    assert!(worst <= 0.03, "max output error {worst}");
}

#[test]
fn digits_int8_matches_f32_on_held_out_data() {
    let (net, (x, _), (test_x, test_y)) = trained_digits();
    let q = Quantized::quantize(&net, &x).unwrap();
    let (mut right_f, mut right_q, mut worst, mut agree) = (0, 0, 0.0f32, 0);
    for (p, &t) in test_x.iter().zip(&test_y) {
        let (yf, yq) = (net.forward(p), q.forward(p));
        right_f += usize::from(argmax(&yf) == t);
        right_q += usize::from(argmax(&yq) == t);
        agree += usize::from(argmax(&yf) == argmax(&yq));
        worst = yf.iter().zip(&yq).fold(worst, |w, (a, b)| w.max((a - b).abs()));
    }
    let n = test_x.len() as f64;
    let (acc_f, acc_q) = (right_f as f64 / n, right_q as f64 / n);
    println!(
        "digits-shaped (64-32-10), {} held-out samples: f32 {:.1}%, int8 {:.1}%, drop {:.1} pp; same class for {agree}; max |int8 − f32| probability {worst:.4}",
        test_x.len(),
        100.0 * acc_f,
        100.0 * acc_q,
        100.0 * (acc_f - acc_q)
    );
    assert!((0.8..1.0).contains(&acc_f), "the float network is trained but not perfect ({acc_f})");
    assert!(acc_f - acc_q <= 0.01, "accuracy drop {acc_f} → {acc_q}");
    assert!(worst <= 0.05, "max probability error {worst}");
}

network! {
    struct Small<f32> {
        hidden: Dense<2, 3, Relu>,
        middle: Dense<3, 3, Identity>,
        output: Dense<3, 2, Tanh>,
    }
}

/// Float and int8 outputs of `Small` on a few points.
fn compare(net: &Small, q: &Quantized<Small>, points: &[[f32; 2]]) -> f32 {
    points.iter().fold(0.0, |w, p| net.forward(p).iter().zip(q.forward(p)).fold(w, |w, (a, b)| w.max((a - b).abs())))
}

fn points() -> Vec<[f32; 2]> {
    let mut r = rng(17);
    (0..50).map(|_| [uniform(&mut r, -2.0, 2.0) as f32, uniform(&mut r, -2.0, 2.0) as f32]).collect()
}

#[test]
fn all_zero_weights_give_the_biases() {
    let mut net = Small::zeroed();
    net.hidden.bias = [0.5, -0.25, 2.0];
    net.middle.bias = [1.0, -1.0, 0.0];
    net.output.bias = [0.3, -0.7];
    let q = Quantized::quantize(&net, &points()).unwrap();
    // Every layer's output is a constant; the int8 network reproduces it to within tanh's step.
    let want = [0.3f32.tanh(), (-0.7f32).tanh()];
    for p in points() {
        let got = q.forward(&p);
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= 1.0 / 256.0 + 1e-6, "{got:?} vs {want:?}");
        }
    }
    // A network of zeros entirely: the output is tanh(0) = 0 exactly.
    let q = Quantized::quantize(&Small::zeroed(), &points()).unwrap();
    assert_eq!(q.forward(&[1.0, -1.0]), [0.0, 0.0]);
}

#[test]
fn a_constant_activation_and_a_dead_relu_are_reproduced() {
    let mut net = Small::random(&mut rng(5));
    // Neuron 0 of `hidden` ignores its input (constant 0.8), neuron 1 is dead (always ≤ 0).
    net.hidden.weights[0] = [0.0, 0.0];
    net.hidden.bias[0] = 0.8;
    net.hidden.weights[1] = [0.0, 0.0];
    net.hidden.bias[1] = -3.0;
    let q = Quantized::quantize(&net, &points()).unwrap();
    let worst = compare(&net, &q, &points());
    assert!(worst <= 0.05, "max output error {worst}");
    // The whole `hidden` layer constant: a single value for every calibration sample.
    net.hidden.weights = [[0.0; 2]; 3];
    let q = Quantized::quantize(&net, &points()).unwrap();
    let worst = compare(&net, &q, &points());
    assert!(worst <= 0.02, "max output error {worst}");
}

#[test]
fn a_single_calibration_sample_is_enough_for_that_sample() {
    let net = Small::random(&mut rng(6));
    let x = [0.7, -1.2];
    let q = Quantized::quantize(&net, &[x]).unwrap();
    let worst = compare(&net, &q, &[x]);
    assert!(worst <= 0.02, "output error at the calibration sample {worst}");
    // The input range is the one sample's values (and 0).
    assert_eq!(q.input, QParams::from_range(-1.2, 0.7));
}

#[test]
fn bad_calibration_data_and_weights_are_typed_errors() {
    let net = Small::random(&mut rng(7));
    assert_eq!(Quantized::quantize(&net, &[]), Err(QuantizeError::EmptyCalibration));
    assert_eq!(
        Quantized::quantize(&net, &[[0.0, 1.0], [0.5, f32::NAN]]),
        Err(QuantizeError::NonFiniteInput { sample: 1, feature: 1 })
    );
    assert_eq!(
        Quantized::quantize(&net, &[[f32::INFINITY, 1.0]]),
        Err(QuantizeError::NonFiniteInput { sample: 0, feature: 0 })
    );
    let mut broken = net.clone();
    broken.middle.weights[1][2] = f32::NAN;
    assert_eq!(Quantized::quantize(&broken, &points()), Err(QuantizeError::NonFiniteWeights { layer: "middle" }));
    let mut overflowing = net.clone();
    overflowing.hidden.weights = [[3e38; 2]; 3];
    assert_eq!(
        Quantized::quantize(&overflowing, &points()),
        Err(QuantizeError::NonFiniteActivation { layer: "hidden" })
    );
    // A bias of 10⁹ next to weights of 10⁻⁶: more than 2³¹ accumulator steps.
    let mut lopsided = net.clone();
    lopsided.middle.weights = [[1e-6; 3]; 3];
    lopsided.middle.bias[2] = 1e9;
    assert!(matches!(
        Quantized::quantize(&lopsided, &points()),
        Err(QuantizeError::OutOfRange { layer: "middle", what: "bias", .. })
    ));
    for e in [QuantizeError::EmptyCalibration, QuantizeError::NonFiniteWeights { layer: "middle" }] {
        assert!(!e.to_string().is_empty());
    }
    assert!(
        QuantizeError::NonFiniteInput { sample: 3, feature: 1 }.to_string().contains("sample 3"),
        "messages name the sample"
    );
}

#[test]
fn int8_bytes_round_trip_and_are_checked() {
    let net = Small::random(&mut rng(8));
    let q = Quantized::quantize(&net, &points()).unwrap();
    let mut bytes = vec![0u8; Quantized::<Small>::BYTES];
    assert_eq!(q.to_bytes(&mut bytes), Ok(Quantized::<Small>::BYTES));
    assert_eq!(Quantized::<Small>::from_bytes(&bytes), Ok(q.clone()));
    assert_eq!(bytes[6], constnet::int8::TYPE_TAG);
    // Float bytes of the same network are another scalar type, and vice versa.
    let mut float = vec![0u8; Small::BYTES];
    net.to_bytes(&mut float).unwrap();
    assert!(matches!(Quantized::<Small>::from_bytes(&float), Err(LoadError::WrongScalar { found_tag: 1, .. })));
    assert!(matches!(Small::from_bytes(&bytes), Err(LoadError::WrongScalar { found_tag: 3, .. })));
    // Corruption, truncation, padding.
    let mut corrupt = bytes.clone();
    corrupt[40] ^= 4;
    assert!(matches!(Quantized::<Small>::from_bytes(&corrupt), Err(LoadError::CorruptPayload { .. })));
    assert!(matches!(Quantized::<Small>::from_bytes(&bytes[..50]), Err(LoadError::Truncated { .. })));
    bytes.push(0);
    assert!(matches!(Quantized::<Small>::from_bytes(&bytes), Err(LoadError::TrailingBytes { .. })));
    // Another architecture: a different int8 fingerprint.
    network! { struct Other<f32> { hidden: Dense<2, 3, Relu>, middle: Dense<3, 3, Relu>, output: Dense<3, 2, Tanh> } }
    bytes.pop();
    assert!(matches!(Quantized::<Other>::from_bytes(&bytes), Err(LoadError::WrongNetwork { .. })));
    let mut short = [0u8; 10];
    assert!(q.to_bytes(&mut short).is_err());
}

/// `Small` quantized and written by `fixture_small_q8` (regenerate with
/// `CONSTNET_WRITE_FIXTURES=1 cargo test --test suite int8::`).
static SMALL_Q8: Quantized<Small> = include_model!(Quantized<Small>, include_bytes!("../fixtures/small.q8"));

fn fixture_small_q8() -> Quantized<Small> {
    Quantized::quantize(&Small::random(&mut rng(8)), &points()).unwrap()
}

#[test]
fn int8_models_decode_at_compile_time() {
    let q = fixture_small_q8();
    let mut bytes = vec![0u8; Quantized::<Small>::BYTES];
    q.to_bytes(&mut bytes).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small.q8");
    if std::env::var_os("CONSTNET_WRITE_FIXTURES").is_some() {
        std::fs::write(&path, &bytes).unwrap();
    }
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "tests/fixtures/small.q8 is stale");
    assert_eq!(SMALL_Q8, q);
    for p in points() {
        assert_eq!(SMALL_Q8.forward_int8(&SMALL_Q8.quantize_input(&p)), q.forward_int8(&q.quantize_input(&p)));
    }
}

#[test]
fn memory_bill_is_known_at_compile_time() {
    type Q = Quantized<Circles>;
    const _: () = assert!(Q::PARAM_BYTES < 600);
    assert_eq!(Q::INFERENCE_SCRATCH_BYTES, 6 + 6);
    // Header + 2 × (scale, zero point) + per layer: table, weights, 9 bytes per neuron, 3.
    let layers = [(2, 4, 0), (4, 6, 0), (6, 6, 0), (6, 4, 0), (4, 1, 256)];
    let expected: usize = 28 + 10 + layers.iter().map(|(i, o, t)| t + i * o + 9 * o + 3).sum::<usize>();
    assert_eq!(Q::BYTES, expected);
    println!(
        "Quantized<Circles>: {} bytes in flash as a static, {} model bytes, {} bytes of activations",
        Q::PARAM_BYTES,
        Q::BYTES,
        Q::INFERENCE_SCRATCH_BYTES
    );
}
