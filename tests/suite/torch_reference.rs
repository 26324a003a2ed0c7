//! The new layers and activations against PyTorch: forward outputs and every gradient from
//! `tests/fixtures/reference/{conv,activations}.json`, written by `tools/reference/conv.py`
//! (the tests need no Python). Within 1e-12 in `f64` and 1e-6 in `f32`, relative to values
//! above 1.

use constnet::prelude::*;
use serde_json::Value;

const F64_TOLERANCE: f64 = 1e-12;
const F32_TOLERANCE: f64 = 1e-6;

fn fixture(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reference").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn numbers(value: &Value) -> Vec<f64> {
    value.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect()
}

fn assert_all_close(got: &[f64], want: &[f64], tolerance: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tolerance * w.abs().max(1.0), "{what}[{i}]: {g:e} vs PyTorch {w:e}");
    }
}

fn widen<T: Scalar>(values: &[T]) -> Vec<f64> {
    values.iter().map(|v| v.to_f64()).collect()
}

/// One fixture case in scalar `T`: the layer built from PyTorch's tensors (by name), its
/// output, and under `L = Σ w·y` every parameter gradient and the input gradient.
fn check_case<T: Scalar, L: Layer<T, IN, OUT>, const IN: usize, const OUT: usize>(
    case: &Value,
    key: &str,
    tolerance: f64,
) {
    let name = case["name"].as_str().unwrap();
    let what = |part: &str| format!("{name} ({key}) {part}");
    let params = case["params"].as_object().unwrap();
    assert_eq!(params.len(), L::TENSORS, "{name}: PyTorch has tensors {:?}", params.keys().collect::<Vec<_>>());
    let mut layer = L::zeroed();
    for t in 0..L::TENSORS {
        let info = L::tensor_info(t);
        let values = numbers(&params[info.name]);
        assert_eq!(values.len(), info.shape.len(), "{}", what(info.name));
        for (p, v) in layer.tensor_mut(t).iter_mut().zip(&values) {
            *p = T::from_f64(*v);
        }
    }
    let x: [T; IN] = numbers(&case["input"]).iter().map(|&v| T::from_f64(v)).collect::<Vec<_>>().try_into().unwrap();
    let w: [T; OUT] =
        numbers(&case["loss_weights"]).iter().map(|&v| T::from_f64(v)).collect::<Vec<_>>().try_into().unwrap();
    let reference = &case[key];

    let mut tape = L::Tape::default();
    layer.forward_train(&x, &mut tape, &mut crate::common::rng(0));
    assert_all_close(&widen(L::output(&tape)), &numbers(&reference["output"]), tolerance, &what("output"));
    assert_all_close(&widen(&layer.forward(&x)), &numbers(&reference["output"]), tolerance, &what("forward"));
    let signal = layer.error_signal(&tape, &w);
    let dx = layer.input_gradient(&x, &tape, &signal);
    assert_all_close(&widen(&dx), &numbers(&reference["grad_x"]), tolerance, &what("dL/dx"));
    let mut grads = L::zeroed();
    layer.add_gradient(&x, &tape, &signal, &mut grads);
    for t in 0..L::TENSORS {
        let info = L::tensor_info(t);
        let want = numbers(&reference["grads"][info.name]);
        assert_all_close(&widen(grads.tensor(t)), &want, tolerance, &what(&format!("dL/d{}", info.name)));
    }
}

/// `name => Kind[args after the scalar]: IN -> OUT`, each case checked in `f64` and `f32`.
macro_rules! layer_cases {
    ($($name:literal => $kind:ident [$($arg:tt)*] : $in:expr => $out:expr;)*) => {
        fn check_layer_case(case: &Value) -> bool {
            match case["name"].as_str().unwrap() {
                $($name => {
                    check_case::<f64, $kind<f64, $($arg)*>, { $in }, { $out }>(case, "float64", F64_TOLERANCE);
                    check_case::<f32, $kind<f32, $($arg)*>, { $in }, { $out }>(case, "float32", F32_TOLERANCE);
                    true
                })*
                _ => false,
            }
        }
        const LAYER_CASES: usize = [$($name),*].len();
    };
}

layer_cases! {
    "conv-valid-10-2-3-k3" => Conv1d[10, 2, 3, 3, Identity]: 20 => 8 * 3;
    "conv-valid-11-2-3-k3-s2-d2-tanh" => Conv1d[11, 2, 3, 3, Tanh, Valid, 2, 2]: 22 => 4 * 3;
    "conv-valid-16-1-4-k5-gelu" => Conv1d[16, 1, 4, 5, Gelu]: 16 => 12 * 4;
    "conv-causal-8-2-2-k3-d2" => Conv1d[8, 2, 2, 3, Identity, Causal, 1, 2]: 16 => 16;
    "conv-causal-9-2-3-k2-s2-sigmoid" => Conv1d[9, 2, 3, 2, Sigmoid, Causal, 2]: 18 => 5 * 3;
    "conv-same-7-2-3-k4" => Conv1d[7, 2, 3, 4, Identity, Same]: 14 => 21;
    "conv-same-9-3-2-k3-d2-tanh" => Conv1d[9, 3, 2, 3, Tanh, Same, 1, 2]: 27 => 18;
    "max-8-3-2" => MaxPool1d[8, 3, 2]: 24 => 12;
    "max-9-2-3-s2" => MaxPool1d[9, 2, 3, 2]: 18 => 8;
    "avg-8-3-4-s2" => AvgPool1d[8, 3, 4, 2]: 24 => 9;
    "avg-6-2-3" => AvgPool1d[6, 2, 3]: 12 => 4;
    "global-avg-5-3" => GlobalAvgPool1d[5, 3]: 15 => 3;
    "global-max-5-3" => GlobalMaxPool1d[5, 3]: 15 => 3;
    "dense-no-bias-5-3-sigmoid" => DenseNoBias[5, 3, Sigmoid]: 5 => 3;
    "dense-no-bias-4-2" => DenseNoBias[4, 2]: 4 => 2;
    "layer-norm-6" => LayerNorm[6]: 6 => 6;
    "layer-norm-12-3" => LayerNorm[12, 3]: 12 => 12;
    "prelu-8-1" => PRelu[8]: 8 => 8;
    "prelu-12-3" => PRelu[12, 3]: 12 => 12;
    "prelu-5-5" => PRelu[5, 5]: 5 => 5;
}

#[test]
fn layers_match_pytorch() {
    let fixture = fixture("conv.json");
    let cases = fixture["cases"].as_array().unwrap();
    for case in cases {
        assert!(check_layer_case(case), "no test for fixture case {}", case["name"]);
    }
    assert_eq!(cases.len(), LAYER_CASES, "every case in the table is in the fixture");
}

#[test]
fn streaming_conv_matches_pytorch_step_by_step() {
    let fixture = fixture("conv.json");
    let case = fixture["cases"].as_array().unwrap().iter().find(|c| c["name"] == "conv-causal-8-2-2-k3-d2").unwrap();
    let mut layer = StreamingConv1d::<f64, 2, 2, 3, Identity, 2>::zeroed();
    layer.tensor_mut(0).copy_from_slice(&numbers(&case["params"]["weight"]));
    layer.tensor_mut(1).copy_from_slice(&numbers(&case["params"]["bias"]));
    let (x, want) = (numbers(&case["input"]), numbers(&case["float64"]["output"]));
    let mut history = Default::default();
    for t in 0..8 {
        let y = layer.forward_step(&mut history, &[x[2 * t], x[2 * t + 1]]);
        assert_all_close(&y, &want[2 * t..2 * t + 2], F64_TOLERANCE, &format!("step {t}"));
    }
}

/// Values and derivatives of an element-wise activation at the fixture's points.
fn check_activation<A: ElementWise>(name: &str, f64_tolerance: f64, f32_tolerance: f64) {
    let fixture = fixture("activations.json");
    let points = numbers(&fixture["points"]);
    let reference = &fixture["functions"][name];
    let (value, derivative) = (numbers(&reference["float64"]["value"]), numbers(&reference["float64"]["derivative"]));
    let got: Vec<f64> = points.iter().map(|&x| A::value(x)).collect();
    assert_all_close(&got, &value, f64_tolerance, &format!("{} f64 value", A::NAME));
    let got: Vec<f64> = points.iter().zip(&got).map(|(&x, &y)| A::derivative(x, y)).collect();
    assert_all_close(&got, &derivative, f64_tolerance, &format!("{} f64 derivative", A::NAME));
    let (value, derivative) = (numbers(&reference["float32"]["value"]), numbers(&reference["float32"]["derivative"]));
    let x32: Vec<f32> = points.iter().map(|&x| x as f32).collect();
    let got: Vec<f32> = x32.iter().map(|&x| A::value(x)).collect();
    assert_all_close(&widen(&got), &value, f32_tolerance, &format!("{} f32 value", A::NAME));
    let got: Vec<f32> = x32.iter().zip(&got).map(|(&x, &y)| A::derivative(x, y)).collect();
    assert_all_close(&widen(&got), &derivative, f32_tolerance, &format!("{} f32 derivative", A::NAME));
}

#[test]
fn activations_match_pytorch() {
    check_activation::<Elu>("elu", F64_TOLERANCE, F32_TOLERANCE);
    check_activation::<Gelu>("gelu", F64_TOLERANCE, F32_TOLERANCE);
    check_activation::<GeluTanh>("gelu_tanh", F64_TOLERANCE, F32_TOLERANCE);
    check_activation::<Silu>("silu", F64_TOLERANCE, F32_TOLERANCE);
    check_activation::<Softplus>("softplus", F64_TOLERANCE, F32_TOLERANCE);
    check_activation::<Hardtanh>("hardtanh", F64_TOLERANCE, F32_TOLERANCE);
    check_activation::<Relu6>("relu6", F64_TOLERANCE, F32_TOLERANCE);
    let names: Vec<_> = fixture("activations.json")["functions"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(names.len(), 7, "{names:?}");
}

/// The fast variants compute the same functions to `f32` accuracy (in `f64` too: they share
/// the `f32` polynomials).
#[test]
fn fast_activations_match_pytorch_to_f32_accuracy() {
    check_activation::<FastElu>("elu", F32_TOLERANCE, F32_TOLERANCE);
    check_activation::<FastGelu>("gelu", F32_TOLERANCE, F32_TOLERANCE);
    check_activation::<FastGeluTanh>("gelu_tanh", F32_TOLERANCE, F32_TOLERANCE);
    check_activation::<FastSilu>("silu", F32_TOLERANCE, F32_TOLERANCE);
}
