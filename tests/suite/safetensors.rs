//! Safetensors import and export (`safetensors` feature): a PyTorch-trained and a Keras-trained
//! network give their framework's outputs, every naming and element type, round trips, every
//! error, `include_safetensors!` against the run-time importer, and a fuzzer.
//!
//! The fixtures in `tests/fixtures/safetensors/` were written by `tools/safetensors_fixtures.py`
//! (PyTorch and Keras); `constnet_export*` by `export_for_pytorch_and_keras` below, with
//! `CONSTNET_WRITE_FIXTURES=1`, for that script's `--check`.

use crate::common::{Circles, rng};
use constnet::io::safetensors::{Import, Naming, SafetensorsError};
use constnet::network::{Chain, Sequential};
use constnet::prelude::*;
use constnet::rand::Rng;
use constnet::{TensorInfo, TensorKind, TensorShape};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

network! {
    /// `Circles` in double precision.
    pub struct Circles64<f64> {
        hidden1: Dense<2, 4, Relu>,
        hidden2: Dense<4, 6, Relu>,
        hidden3: Dense<6, 6, Relu>,
        hidden4: Dense<6, 4, Relu>,
        output:  Dense<4, 1, Sigmoid>,
    }
}

network! {
    /// A layer without parameters in the middle (no tensors, no `nn.Sequential` number), and a
    /// layer of this file's own.
    pub struct Mixed<f32> {
        first: Dense<3, 5, Tanh>,
        drop: Dropout<5, 0.5>,
        gain: Gain<5>,
        last: Dense<5, 2, Softmax>,
    }
}

network! {
    /// Generic over its scalar.
    pub struct Pair<T> { a: Dense<2, 3, Tanh>, b: Dense<3, 1, Identity> }
}

/// `yᵢ = gᵢ·xᵢ`: a user's layer with one tensor, `gain`, described only at run time
/// (`tensor_info`), as layers written before `Parameters::TENSOR_INFO` existed are.
#[derive(Clone, Debug, PartialEq)]
pub struct Gain<T, const N: usize> {
    g: [T; N],
}

impl<T, const N: usize> LayerShape for Gain<T, N> {
    const INPUTS: usize = N;
    const OUTPUTS: usize = N;
}

impl<T: Scalar, const N: usize> Parameters<T> for Gain<T, N> {
    const PARAMS: usize = N;
    const TENSORS: usize = 1;
    fn zeroed() -> Self {
        Gain { g: [T::ZERO; N] }
    }
    fn tensor(&self, index: usize) -> &[T] {
        if index == 0 { &self.g } else { &[] }
    }
    fn tensor_mut(&mut self, index: usize) -> &mut [T] {
        if index == 0 { &mut self.g } else { &mut [] }
    }
    fn tensor_info(_: usize) -> TensorInfo {
        TensorInfo { name: "gain", kind: TensorKind::Weights, shape: TensorShape::new(&[N]) }
    }
}

impl<T: Scalar, const N: usize> Layer<T, N, N> for Gain<T, N> {
    type Tape = constnet::DenseTape<T, N>;
    type State = ();
    const FINGERPRINT: u64 = constnet::layer::fingerprint::Fingerprint::new("Gain").usize(N).finish();
    fn init<R: Rng + ?Sized>(&mut self, _: &mut R, _: Init) {
        self.g = [T::ONE; N];
    }
    fn forward(&self, x: &[T; N]) -> [T; N] {
        core::array::from_fn(|i| self.g[i] * x[i])
    }
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; N], tape: &mut Self::Tape, _: &mut R) {
        tape.y = self.forward(x);
    }
    fn output(tape: &Self::Tape) -> &[T; N] {
        &tape.y
    }
    fn input_gradient(&self, _: &[T; N], _: &Self::Tape, d: &[T; N]) -> [T; N] {
        core::array::from_fn(|i| self.g[i] * d[i])
    }
    fn add_gradient(&self, x: &[T; N], _: &Self::Tape, d: &[T; N], grads: &mut Self) {
        for i in 0..N {
            grads.g[i] += x[i] * d[i];
        }
    }
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/safetensors").join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap()
}

/// Rows of a `*_outputs.txt` fixture: every number of a line, as `f64`.
fn rows(name: &str) -> Vec<Vec<f64>> {
    std::fs::read_to_string(fixture(name))
        .unwrap()
        .lines()
        .map(|line| line.split_whitespace().map(|v| v.parse().unwrap()).collect())
        .collect()
}

/// A safetensors file from `(name, dtype, shape, data)`, written by hand (to make files that
/// constnet's exporter would not: wrong shapes, integers, extra tensors).
fn file(tensors: &[(&str, &str, &[usize], Vec<u8>)]) -> Vec<u8> {
    let mut header = String::from("{");
    let mut data = Vec::new();
    for (i, (name, dtype, shape, bytes)) in tensors.iter().enumerate() {
        let end = data.len() + bytes.len();
        let sep = if i == 0 { "" } else { "," };
        write!(
            header,
            "{sep}\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape:?},\"data_offsets\":[{},{end}]}}",
            data.len()
        )
        .unwrap();
        data.extend_from_slice(bytes);
    }
    header.push('}');
    while header.len() % 8 != 0 {
        header.push(' ');
    }
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(&data);
    out
}

/// The tensors of `net` as `file` takes them, in `F32`, named `layer.tensor`.
fn tensors_of(net: &Circles) -> Vec<(String, Vec<usize>, Vec<u8>)> {
    (0..Circles::TENSORS)
        .map(|i| {
            let info = <<Circles as Sequential<f32, 2, 1>>::Layers as Chain<Circles, f32, 2, 1>>::tensor_info(i);
            let layer = <<Circles as Sequential<f32, 2, 1>>::Layers as Chain<Circles, f32, 2, 1>>::tensor_layer(i);
            let bytes = net.tensor(i).iter().flat_map(|v| v.to_le_bytes()).collect();
            (format!("{layer}.{}", info.name), info.shape.dims().to_vec(), bytes)
        })
        .collect()
}

/// `file` from `tensors_of`, with `edit` applied to the list first.
fn edited(net: &Circles, edit: impl FnOnce(&mut Vec<(String, &'static str, Vec<usize>, Vec<u8>)>)) -> Vec<u8> {
    let mut list: Vec<_> = tensors_of(net).into_iter().map(|(n, s, d)| (n, "F32", s, d)).collect();
    edit(&mut list);
    let borrowed: Vec<_> = list.iter().map(|(n, t, s, d)| (n.as_str(), *t, s.as_slice(), d.clone())).collect();
    file(&borrowed)
}

fn pytorch_circles() -> Circles {
    Circles::from_safetensors(&read("circles.safetensors")).unwrap()
}

/// Largest `|a − b|` over the rows, and largest relative difference of the logits.
fn compare_outputs<F: Fn(&[f32; 2]) -> ([f32; 1], [f32; 1])>(outputs: &str, run: F, logits: bool) -> (f64, f64) {
    let (mut worst, mut worst_logit) = (0.0f64, 0.0f64);
    for row in rows(outputs) {
        let (y, z) = run(&[row[0] as f32, row[1] as f32]);
        worst = worst.max((y[0] as f64 - row[2]).abs());
        if logits {
            worst_logit = worst_logit.max((z[0] as f64 - row[3]).abs() / row[3].abs().max(1.0));
        }
    }
    (worst, worst_logit)
}

fn forward_with_logits<N: Network<f32, 2, 1>>(net: &N, x: &[f32; 2]) -> ([f32; 1], [f32; 1]) {
    let mut tape = N::Tape::default();
    net.forward_train(x, &mut tape, &mut rng(0));
    (net.forward(x), *N::output_pre_activation(&tape))
}

#[test]
fn pytorch_trained_network_gives_pytorchs_outputs() {
    // The exact call form of the issue.
    fn load() -> Result<Circles, Box<dyn std::error::Error>> {
        Ok(Circles::from_safetensors(&std::fs::read(fixture("circles.safetensors"))?)?)
    }
    let net = load().unwrap();
    let (worst, worst_logit) = compare_outputs("circles_outputs.txt", |x| forward_with_logits(&net, x), true);
    assert!(worst <= 1e-6, "largest output difference from PyTorch: {worst:e}");
    assert!(worst_logit <= 1e-5, "largest logit difference from PyTorch (relative): {worst_logit:e}");
    // Not a vacuous comparison: the outputs span both classes and the boundary.
    let ys: Vec<f64> = rows("circles_outputs.txt").iter().map(|r| r[2]).collect();
    assert!(
        ys.iter().any(|&y| y < 0.01) && ys.iter().any(|&y| y > 0.99) && ys.iter().any(|&y| (0.1..0.9).contains(&y))
    );
    println!("PyTorch → constnet: max |Δoutput| {worst:.2e}, max relative |Δlogit| {worst_logit:.2e} over 52 inputs");
}

#[test]
fn keras_trained_network_gives_keras_outputs() {
    let bytes = read("keras_circles.safetensors");
    let net = Circles::from_safetensors(&bytes).unwrap(); // Keras naming detected
    let explicit = Circles::from_safetensors_with(&bytes, &Import::new().naming(Naming::Keras)).unwrap();
    assert_eq!(net, explicit);
    let (worst, _) = compare_outputs("keras_outputs.txt", |x| forward_with_logits(&net, x), false);
    assert!(worst <= 1e-6, "largest output difference from Keras: {worst:e}");
    // The kernel was transposed: PyTorch-style reading of the same file fails on its shape.
    let err = Circles::from_safetensors_with(
        &bytes,
        &Import::new().naming(Naming::Map(&[("hidden1.weight", "hidden1/kernel")])).allow_extra(),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "wrong shape: expected [4, 2] for hidden1.weight (`hidden1/kernel` in the file), found [2, 4]"
    );
}

#[test]
fn sequential_numbering_is_detected() {
    let bytes = read("circles_sequential.safetensors");
    assert_eq!(Circles::from_safetensors(&bytes).unwrap(), pytorch_circles());
    let explicit = Import::new().naming(Naming::Sequential);
    assert_eq!(Circles::from_safetensors_with(&bytes, &explicit).unwrap(), pytorch_circles());
    // Field names are not numbers: read as fields, the file has none of the tensors.
    let fields = Import::new().naming(Naming::Fields);
    assert!(matches!(
        Circles::from_safetensors_with(&bytes, &fields),
        Err(SafetensorsError::MissingTensor { looked_for: Some(name), .. }) if name == "hidden1.weight"
    ));
    // Gaps anywhere: modules 1, 5, 6, 10, 42 are the five layers in order.
    let net = pytorch_circles();
    let renumbered = edited(&net, |list| {
        for (name, ..) in list.iter_mut() {
            let (layer, tensor) = name.split_once('.').unwrap();
            let number =
                ["hidden1", "hidden2", "hidden3", "hidden4", "output"].iter().position(|l| *l == layer).unwrap();
            *name = format!("{}.{tensor}", [1, 5, 6, 10, 42][number]);
        }
    });
    assert_eq!(Circles::from_safetensors(&renumbered).unwrap(), net);
    // Export numbers layer k as module 2k, which PyTorch's Linear/ReLU stack has.
    let exported = net.to_safetensors_with(Naming::Sequential).unwrap();
    assert_eq!(Circles::from_safetensors(&exported).unwrap(), net);
    let names = names(&exported);
    assert!(names.contains(&"0.weight".to_string()) && names.contains(&"8.bias".to_string()), "{names:?}");
}

/// The tensor names of a file, sorted.
fn names(bytes: &[u8]) -> Vec<String> {
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header = std::str::from_utf8(&bytes[8..8 + header_len]).unwrap();
    let mut names: Vec<String> = header
        .split("\"dtype\"")
        .filter_map(|part| part.rsplit_once("\":{").map(|(before, _)| before.rsplit_once('"').unwrap().1.to_string()))
        .collect();
    names.sort();
    names
}

#[test]
fn layers_without_parameters_and_user_layers_take_part() {
    let mut net = Mixed::random(&mut rng(5));
    net.gain.g = [0.5, -1.0, 2.0, 0.25, 3.0];
    let bytes = net.to_safetensors();
    assert_eq!(names(&bytes), ["first.bias", "first.weight", "gain.gain", "last.bias", "last.weight"]);
    assert_eq!(Mixed::from_safetensors(&bytes).unwrap(), net);
    // nn.Sequential(Linear, Tanh, Dropout, Gain, Linear, Softmax): modules 0, 3, 4.
    let sequential = net.to_safetensors_with(Naming::Map(&[("first", "0"), ("gain", "3"), ("last", "4")])).unwrap();
    assert_eq!(names(&sequential), ["0.bias", "0.weight", "3.gain", "4.bias", "4.weight"]);
    assert_eq!(Mixed::from_safetensors(&sequential).unwrap(), net);
    // Keras: only `weight` is a kernel; `gain` keeps its name and layout.
    let keras = net.to_safetensors_with(Naming::Keras).unwrap();
    assert_eq!(names(&keras), ["first/bias", "first/kernel", "gain/gain", "last/bias", "last/kernel"]);
    assert_eq!(Mixed::from_safetensors(&keras).unwrap(), net);
}

#[test]
fn heap_layers_and_the_const_table() {
    network! { struct OnHeap<f32> { wide: HeapDense<6, 3, Relu>, out: Dense<3, 2, Softmax> } }
    let net = OnHeap::random(&mut rng(8));
    assert_eq!(OnHeap::from_safetensors(&net.to_safetensors()).unwrap(), net);
    // The compile-time table (`Parameters::TENSOR_INFO` per layer) says what the run-time chain says.
    use constnet::network::TensorTable;
    let mut node = <<Circles as Sequential<f32, 2, 1>>::Layers as TensorTable<Circles, f32>>::FIRST;
    let mut index = 0;
    while let Some(layer) = node {
        assert_eq!(layer.tensors.len(), layer.count);
        for info in layer.tensors {
            let chain = <<Circles as Sequential<f32, 2, 1>>::Layers as Chain<Circles, f32, 2, 1>>::tensor_info(index);
            let name = <<Circles as Sequential<f32, 2, 1>>::Layers as Chain<Circles, f32, 2, 1>>::tensor_layer(index);
            assert_eq!((*info, layer.layer), (chain, name));
            index += 1;
        }
        node = layer.next;
    }
    assert_eq!(index, Circles::TENSORS);
}

#[test]
fn explicit_mapping() {
    let net = pytorch_circles();
    let map = [("hidden1", "encoder.0"), ("hidden2", "encoder.2"), ("output.bias", "head_b")];
    let bytes = net.to_safetensors_with(Naming::Map(&map)).unwrap();
    let names = names(&bytes);
    for expected in ["encoder.0.weight", "encoder.2.bias", "head_b", "output.weight", "hidden3.weight"] {
        assert!(names.contains(&expected.to_string()), "{expected} not in {names:?}");
    }
    // Without the map the names are not found; with it, the network comes back.
    assert!(matches!(Circles::from_safetensors(&bytes), Err(SafetensorsError::MissingTensor { .. })));
    assert_eq!(Circles::from_safetensors_with(&bytes, &Import::new().naming(Naming::Map(&map))).unwrap(), net);
    // A map onto nn.Sequential numbers reads the PyTorch Sequential fixture.
    let sequential = [("hidden1", "0"), ("hidden2", "2"), ("hidden3", "4"), ("hidden4", "6"), ("output", "8")];
    let import = Import::new().naming(Naming::Map(&sequential));
    assert_eq!(Circles::from_safetensors_with(&read("circles_sequential.safetensors"), &import).unwrap(), net);
}

#[test]
fn element_types_are_converted() {
    let net = pytorch_circles();
    // f64 → f32: every value came from an f32, so it converts back exactly.
    assert_eq!(Circles::from_safetensors(&read("circles_f64.safetensors")).unwrap(), net);
    // f16 and bf16 widen exactly: the same values as PyTorch's own `.float()`.
    for narrow in ["f16", "bf16"] {
        let got = Circles::from_safetensors(&read(&format!("circles_{narrow}.safetensors"))).unwrap();
        let widened = Circles::from_safetensors(&read(&format!("circles_{narrow}_widened.safetensors"))).unwrap();
        assert_eq!(got, widened, "{narrow}");
        assert_ne!(got, net, "{narrow}: the fixture lost precision, so the comparison means something");
    }
    // f32 files into an f64 network, and f64 files into it bit for bit.
    let wide = Circles64::from_safetensors(&read("circles.safetensors")).unwrap();
    assert_eq!(Circles64::from_safetensors(&read("circles_f64.safetensors")).unwrap(), wide);
    assert_eq!(wide.hidden2.weights[3][1], net.hidden2.weights[3][1] as f64);
    let f16 = Circles64::from_safetensors(&read("circles_f16.safetensors")).unwrap();
    let f16_in_f32 = Circles::from_safetensors(&read("circles_f16.safetensors")).unwrap();
    assert_eq!(f16.output.bias[0], f16_in_f32.output.bias[0] as f64);
}

#[test]
fn fixed_point_networks_convert_through_from_f64() {
    use constnet::fixed::Q16;
    network! { struct Fixed<Q16> { hidden1: Dense<2, 4, Relu>, hidden2: Dense<4, 6, Relu>, hidden3: Dense<6, 6, Relu>, hidden4: Dense<6, 4, Relu>, output: Dense<4, 1, Sigmoid> } }
    let net = Fixed::from_safetensors(&read("circles.safetensors")).unwrap();
    let float = pytorch_circles();
    for t in 0..Fixed::TENSORS {
        for (q, f) in net.tensor(t).iter().zip(float.tensor(t)) {
            assert_eq!(*q, Q16::from_f64(*f as f64));
        }
    }
    // Exported as F64, which holds every Q16 exactly (F32 would not: 31 significant bits).
    let bytes = net.to_safetensors();
    assert!(bytes.windows(5).any(|w| w == b"\"F64\""));
    assert_eq!(Fixed::from_safetensors(&bytes).unwrap(), net);
    let mut big = net.clone();
    big.output.bias[0] = Q16::from_f64(12345.678);
    assert_eq!(Fixed::from_safetensors(&big.to_safetensors()).unwrap(), big);
}

#[test]
fn f64_to_f32_rounds_to_nearest_even() {
    network! { struct One<f32> { only: Dense<1, 4, Identity> } }
    let one = 1.0f64;
    let ulp = f32::EPSILON as f64; // 2⁻²³
    let weights = [0.1, one + ulp / 2.0, one + 3.0 * ulp / 2.0, 1e300];
    let data = weights.iter().flat_map(|v: &f64| v.to_le_bytes()).collect();
    let bytes = file(&[("only.weight", "F64", &[4, 1], data), ("only.bias", "F64", &[4], vec![0; 32])]);
    let net = One::from_safetensors(&bytes).unwrap();
    assert_eq!(net.only.weights, [[0.1f32], [1.0], [1.0 + 2.0 * f32::EPSILON], [f32::INFINITY]]);
}

#[test]
fn round_trips() {
    for seed in 0..20 {
        let net = Circles::random(&mut rng(seed));
        assert_eq!(Circles::from_safetensors(&net.to_safetensors()).unwrap(), net);
        let wide = Circles64::random(&mut rng(seed));
        assert_eq!(Circles64::from_safetensors(&wide.to_safetensors()).unwrap(), wide);
        for naming in [Naming::Fields, Naming::Sequential, Naming::Keras] {
            let bytes = net.to_safetensors_with(naming).unwrap();
            assert_eq!(Circles::from_safetensors(&bytes).unwrap(), net, "{naming:?}");
            assert_eq!(Circles::from_safetensors_with(&bytes, &Import::new().naming(naming)).unwrap(), net);
        }
        let pair = Pair::<f64>::random(&mut rng(seed));
        assert_eq!(Pair::<f64>::from_safetensors(&pair.to_safetensors()).unwrap(), pair);
    }
    // Bit for bit, NaN payloads and signed zeros included.
    let mut net = Circles::random(&mut rng(1));
    net.hidden1.weights[0] = [f32::from_bits(0x7fc0_1234), -0.0];
    net.output.bias[0] = f32::from_bits(1); // the smallest subnormal
    let back = Circles::from_safetensors(&net.to_safetensors()).unwrap();
    assert_eq!(back.hidden1.weights[0].map(f32::to_bits), [0x7fc0_1234, (-0.0f32).to_bits()]);
    assert_eq!(back.output.bias[0].to_bits(), 1);
    // The file is what PyTorch writes: F32, [out, in], metadata {"format": "pt"}.
    let bytes = net.to_safetensors();
    let header =
        std::str::from_utf8(&bytes[8..8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize]).unwrap();
    assert!(header.contains("\"__metadata__\":{\"format\":\"pt\"}"), "{header}");
    assert!(header.contains("\"hidden2.weight\":{\"dtype\":\"F32\",\"shape\":[6,4]"), "{header}");
    let wide_header = Circles64::zeroed().to_safetensors();
    assert!(
        std::str::from_utf8(&wide_header[8..]).unwrap_or("").contains("\"dtype\":\"F64\"")
            || wide_header.windows(5).any(|w| w == b"\"F64\"")
    );
}

// ---------------------------------------------------------------- errors, one test each

#[test]
fn error_corrupt_file() {
    let good = pytorch_circles().to_safetensors();
    let cases: [(&str, Vec<u8>); 5] = [
        ("empty", vec![]),
        ("garbage", b"not a safetensors file at all".to_vec()),
        ("truncated", good[..good.len() - 3].to_vec()),
        ("header length past the end", {
            let mut b = good.clone();
            b[..8].copy_from_slice(&(good.len() as u64).to_le_bytes());
            b
        }),
        ("not JSON", {
            let mut b = good.clone();
            b[8] = b'[';
            b
        }),
    ];
    for (what, bytes) in cases {
        let err = Circles::from_safetensors(&bytes).unwrap_err();
        assert!(matches!(err, SafetensorsError::Corrupt { .. }), "{what}: {err:?}");
        assert!(err.to_string().starts_with("not a valid safetensors file: "), "{what}: {err}");
    }
}

#[test]
fn error_missing_tensor() {
    let net = pytorch_circles();
    let bytes = edited(&net, |list| list.retain(|(name, ..)| name != "hidden3.bias"));
    let err = Circles::from_safetensors(&bytes).unwrap_err();
    assert_eq!(
        err,
        SafetensorsError::MissingTensor {
            tensor: "hidden3.bias".into(),
            looked_for: Some("hidden3.bias".into()),
            modules: 0
        }
    );
    assert_eq!(err.to_string(), "missing tensor: expected `hidden3.bias` in the file");
    // allow_extra does not excuse a missing tensor.
    assert!(Circles::from_safetensors_with(&bytes, &Import::new().allow_extra()).is_err());
    // An nn.Sequential with one Linear too few.
    let short = edited(&net, |list| {
        list.retain(|(name, ..)| !name.starts_with("output"));
        for (name, ..) in list.iter_mut() {
            *name =
                name.replace("hidden1", "0").replace("hidden2", "2").replace("hidden3", "4").replace("hidden4", "6");
        }
    });
    let err = Circles::from_safetensors(&short).unwrap_err();
    assert_eq!(err, SafetensorsError::MissingTensor { tensor: "output.weight".into(), looked_for: None, modules: 4 });
    assert_eq!(
        err.to_string(),
        "missing tensor: expected an nn.Sequential module for output.weight, the file numbers only 4"
    );
    // Named differently in the file: both names are given.
    let sequential = edited(&net, |list| {
        list.retain(|(name, ..)| name != "hidden2.weight");
        for (name, ..) in list.iter_mut() {
            *name = name
                .replace("hidden1", "0")
                .replace("hidden2", "2")
                .replace("hidden3", "4")
                .replace("hidden4", "6")
                .replace("output", "8");
        }
    });
    let err = Circles::from_safetensors(&sequential).unwrap_err();
    assert_eq!(err.to_string(), "missing tensor: expected `2.weight` in the file for hidden2.weight");
}

#[test]
fn error_unexpected_tensor_unless_allowed() {
    let net = pytorch_circles();
    let bytes = edited(&net, |list| {
        list.push(("num_batches_tracked".into(), "I64", vec![], 7i64.to_le_bytes().to_vec()));
    });
    let err = Circles::from_safetensors(&bytes).unwrap_err();
    assert_eq!(
        err,
        SafetensorsError::UnexpectedTensor { name: "num_batches_tracked".into(), dtype: "I64", shape: vec![] }
    );
    assert_eq!(
        err.to_string(),
        "unexpected tensor `num_batches_tracked` (I64 []) in the file: the network has no tensor for it (allow_extra ignores it)"
    );
    assert_eq!(Circles::from_safetensors_with(&bytes, &Import::new().allow_extra()).unwrap(), net);
}

#[test]
fn error_wrong_shape() {
    let net = pytorch_circles();
    // `tensors_of` lists in the network's order: hidden1.weight first. A fifth row of weights:
    let bytes = edited(&net, |list| {
        list[0].2 = vec![5, 2];
        list[0].3.extend_from_slice(&[0; 8]);
    });
    let err = Circles::from_safetensors(&bytes).unwrap_err();
    assert_eq!(
        err,
        SafetensorsError::WrongShape {
            tensor: "hidden1.weight".into(),
            file_name: "hidden1.weight".into(),
            expected: vec![4, 2],
            found: vec![5, 2],
        }
    );
    assert_eq!(err.to_string(), "wrong shape: expected [4, 2] for hidden1.weight, found [5, 2]");
    // The right number of values in the wrong layout is still the wrong shape.
    let transposed = edited(&net, |list| list[0].2 = vec![2, 4]);
    assert_eq!(
        Circles::from_safetensors(&transposed).unwrap_err().to_string(),
        "wrong shape: expected [4, 2] for hidden1.weight, found [2, 4]"
    );
}

#[test]
fn error_wrong_dtype() {
    let net = pytorch_circles();
    let bytes = edited(&net, |list| list[1].1 = "I32"); // hidden1.bias: 4 values of 4 bytes
    let err = Circles::from_safetensors(&bytes).unwrap_err();
    assert_eq!(
        err,
        SafetensorsError::WrongDtype { tensor: "hidden1.bias".into(), file_name: "hidden1.bias".into(), found: "I32" }
    );
    assert_eq!(err.to_string(), "wrong dtype: expected F16, BF16, F32 or F64 for hidden1.bias, found I32");
    for dtype in ["U32", "BOOL", "F8_E4M3", "U8", "I64"] {
        let bytes = file(&[("only.weight", dtype, &[1, 1], vec![0; 8]), ("only.bias", "F32", &[1], vec![0; 4])]);
        let bytes = if dtype == "I64" {
            bytes
        } else {
            // Element sizes differ: rebuild with the right length.
            let size = match dtype {
                "U32" => 4,
                _ => 1,
            };
            file(&[("only.weight", dtype, &[1, 1], vec![0; size]), ("only.bias", "F32", &[1], vec![0; 4])])
        };
        network! { struct Tiny<f32> { only: Dense<1, 1, Identity> } }
        assert!(
            matches!(Tiny::from_safetensors(&bytes), Err(SafetensorsError::WrongDtype { found, .. }) if found == dtype),
            "{dtype}"
        );
    }
}

#[test]
fn error_duplicate_name_on_export() {
    let net = pytorch_circles();
    let err = net.to_safetensors_with(Naming::Map(&[("hidden1", "x"), ("hidden2", "x")])).unwrap_err();
    assert_eq!(err, SafetensorsError::DuplicateName { name: "x.weight".into() });
    assert_eq!(err.to_string(), "cannot export: two tensors would both be named `x.weight`");
    let err = net.to_safetensors_with(Naming::Map(&[("output.bias", "__metadata__")])).unwrap_err();
    assert_eq!(err.to_string(), "cannot export: `__metadata__` is reserved by the safetensors format");
}

#[test]
fn network_is_untouched_on_error() {
    let original = Circles::random(&mut rng(3));
    let good = pytorch_circles();
    // Every tensor but the last is fine: a loader that wrote as it went would have changed four layers.
    let bad = edited(&good, |list| {
        let last = list.last_mut().unwrap();
        last.2 = vec![2];
        last.3.extend_from_slice(&[0; 4]);
    });
    let mut net = original.clone();
    assert!(matches!(net.read_safetensors(&bad, &Import::new()), Err(SafetensorsError::WrongShape { .. })));
    assert_eq!(net, original);
    net.read_safetensors(&good.to_safetensors(), &Import::new()).unwrap();
    assert_eq!(net, good);
}

// ---------------------------------------------------------------- build time

static BUILT: Circles = include_safetensors!(Circles, "../fixtures/safetensors/circles.safetensors");
static BUILT_SEQUENTIAL: Circles =
    include_safetensors!(Circles, "../fixtures/safetensors/circles_sequential.safetensors");
static BUILT_KERAS: Circles =
    include_safetensors!(Circles, "../fixtures/safetensors/keras_circles.safetensors", naming = keras);
static BUILT_F16: Circles64 = include_safetensors!(Circles64, "../fixtures/safetensors/circles_f16.safetensors");
static BUILT_F64: Circles = include_safetensors!(Circles, "../fixtures/safetensors/circles_f64.safetensors");
static BUILT_GENERIC: Pair<f32> = include_safetensors!(Pair<f32>, "../fixtures/safetensors/pair.safetensors");
const BUILT_MAPPED: Circles = include_safetensors!(
    Circles,
    "../fixtures/safetensors/circles_sequential.safetensors",
    map = { "hidden1" => "0", "hidden2" => "2", "hidden3" => "4", "hidden4" => "6", "output" => "8" },
);

#[test]
fn include_safetensors_matches_the_run_time_importer() {
    let net = pytorch_circles();
    assert_eq!(BUILT, net);
    assert_eq!(BUILT_SEQUENTIAL, net);
    assert_eq!(BUILT_MAPPED, net);
    assert_eq!(BUILT_F64, net);
    assert_eq!(BUILT_KERAS, Circles::from_safetensors(&read("keras_circles.safetensors")).unwrap());
    assert_eq!(BUILT_F16, Circles64::from_safetensors(&read("circles_f16.safetensors")).unwrap());
    assert_eq!(BUILT_GENERIC, Pair::<f32>::from_safetensors(&read("pair.safetensors")).unwrap());
    let (worst, _) = compare_outputs("circles_outputs.txt", |x| forward_with_logits(&BUILT, x), true);
    assert!(worst <= 1e-6, "{worst:e}");
    // Extra tensors: refused by default (a compile error, see tests/ui/safetensors), ignored on request.
    let extra: Circles =
        include_safetensors!(Circles, "../fixtures/safetensors/circles_extra.safetensors", allow_extra);
    assert_eq!(extra, net);
}

/// `pair.safetensors` and `circles_extra.safetensors` are made here from the PyTorch fixture
/// (run with `CONSTNET_WRITE_FIXTURES=1` to rewrite them); this checks they are current.
#[test]
fn derived_fixtures_are_current() {
    let pair = Pair::<f32>::from_layers(
        Dense::from_parts([[0.5, -1.0], [0.25, 2.0], [-0.75, 1.5]], [0.1, -0.2, 0.3]),
        Dense::from_parts([[1.0, -2.0, 0.5]], [0.0]),
    );
    let extra = edited(&pytorch_circles(), |list| {
        list.push((
            "running_mean".into(),
            "F32",
            vec![2],
            [0.0f32, 1.0].iter().flat_map(|v| v.to_le_bytes()).collect(),
        ));
    });
    for (name, bytes) in [("pair.safetensors", pair.to_safetensors()), ("circles_extra.safetensors", extra)] {
        if std::env::var_os("CONSTNET_WRITE_FIXTURES").is_some() {
            std::fs::write(fixture(name), &bytes).unwrap();
        }
        assert_eq!(read(name), bytes, "{name} is stale: run with CONSTNET_WRITE_FIXTURES=1");
    }
}

// ---------------------------------------------------------------- the way back

/// constnet → PyTorch and Keras: a network trained here, exported in three namings with its
/// outputs, for `tools/safetensors_fixtures.py --check`. With `CONSTNET_WRITE_FIXTURES=1` it
/// trains and writes them; otherwise it checks that the committed files agree with each other
/// and that exporting again gives the same bytes.
#[test]
fn export_for_pytorch_and_keras() {
    let outputs = "constnet_export_outputs.txt";
    if std::env::var_os("CONSTNET_WRITE_FIXTURES").is_some() {
        let net = train_circles();
        std::fs::write(fixture("constnet_export.safetensors"), net.to_safetensors()).unwrap();
        std::fs::write(
            fixture("constnet_export_sequential.safetensors"),
            net.to_safetensors_with(Naming::Sequential).unwrap(),
        )
        .unwrap();
        std::fs::write(fixture("constnet_export_keras.safetensors"), net.to_safetensors_with(Naming::Keras).unwrap())
            .unwrap();
        let mut text = String::new();
        for row in rows("circles_outputs.txt") {
            let x = [row[0] as f32, row[1] as f32];
            writeln!(text, "{:?} {:?} {:?}", x[0] as f64, x[1] as f64, net.forward(&x)[0] as f64).unwrap();
        }
        std::fs::write(fixture(outputs), text).unwrap();
    }
    let bytes = read("constnet_export.safetensors");
    let net = Circles::from_safetensors(&bytes).unwrap();
    assert_eq!(net.to_safetensors(), bytes, "export is deterministic");
    assert_eq!(Circles::from_safetensors(&read("constnet_export_sequential.safetensors")).unwrap(), net);
    assert_eq!(Circles::from_safetensors(&read("constnet_export_keras.safetensors")).unwrap(), net);
    assert_eq!(net.to_safetensors_with(Naming::Keras).unwrap(), read("constnet_export_keras.safetensors"));
    let (worst, _) = compare_outputs(outputs, |x| forward_with_logits(&net, x), false);
    assert!(worst <= 1e-6, "{worst:e}");
}

/// The circles classifier trained by constnet, as in the demo.
fn train_circles() -> Circles {
    use constnet::data::circles;
    use constnet::loss::BinaryCrossEntropy;
    use constnet::optim::{Adamax, Schedule};
    use constnet::train::{Batch, Control, FitConfig, FitData, Metric, Trainer};
    let mut generator = rng(3);
    let mut inputs = vec![[0.0f32; 2]; 1000];
    let mut labels = vec![[0.0f32; 1]; 1000];
    circles(&mut inputs, &mut labels, 0.3, 0.1, &mut generator).unwrap();
    let mut net = Circles::random(&mut rng(11));
    let mut trainer = Trainer::new(Adamax::default(), BinaryCrossEntropy, Schedule::Constant(0.01)).unwrap();
    let config = FitConfig::new(60).batch(Batch::Mini(32)).metric(Metric::Binary);
    let report = trainer
        .fit(&mut net, FitData::new(&mut inputs, &mut labels), &config, &mut generator, |_| Control::Continue)
        .unwrap();
    println!("constnet training: {report}");
    net
}

// ---------------------------------------------------------------- fuzzing

/// What one fuzz run saw: inputs tried, how each import ended, and panics (crashes).
#[derive(Default, Debug)]
struct FuzzStats {
    inputs: u64,
    imports: u64,
    outcomes: std::collections::BTreeMap<&'static str, u64>,
    crashes: u64,
    first_crash: Option<(Vec<u8>, String)>,
}

/// Valid files to mutate: every fixture, and exports of other networks in every naming.
fn fuzz_corpus() -> Vec<Vec<u8>> {
    let mut corpus: Vec<Vec<u8>> = std::fs::read_dir(fixture(""))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "safetensors"))
        .map(|path| std::fs::read(path).unwrap())
        .collect();
    let mixed = Mixed::random(&mut rng(9));
    for naming in [Naming::Fields, Naming::Sequential, Naming::Keras] {
        corpus.push(mixed.to_safetensors_with(naming).unwrap());
        corpus.push(Circles64::random(&mut rng(2)).to_safetensors_with(naming).unwrap());
    }
    corpus.push(file(&[]));
    corpus.sort();
    corpus
}

/// The header's byte range, when the length prefix points inside the buffer.
fn header_range(bytes: &[u8]) -> Option<std::ops::Range<usize>> {
    let n = u64::from_le_bytes(bytes.get(..8)?.try_into().ok()?) as usize;
    (n <= bytes.len() - 8).then(|| 8..8 + n)
}

/// Replaces `from` by `to` at one of its occurrences in the header (fixing the length prefix
/// when the lengths differ, so the JSON still parses and the change reaches constnet's checks).
fn replace_in_header(bytes: &mut Vec<u8>, from: &[u8], to: &[u8], pick: u64) -> bool {
    let Some(range) = header_range(bytes) else { return false };
    let hits: Vec<usize> =
        (range.start..range.end.saturating_sub(from.len() - 1)).filter(|&i| bytes[i..].starts_with(from)).collect();
    if hits.is_empty() {
        return false;
    }
    let at = hits[pick as usize % hits.len()];
    bytes.splice(at..at + from.len(), to.iter().copied());
    let n = range.len() + to.len() - from.len();
    bytes[..8].copy_from_slice(&(n as u64).to_le_bytes());
    true
}

/// One random mutation: bit flips, interesting bytes, truncation, appended garbage, header length
/// corruption, and edits of the JSON header that keep it valid (digits, dtypes, names, shapes).
fn mutate(bytes: &mut Vec<u8>, corpus: &[Vec<u8>], r: &mut impl Rng) {
    const INTERESTING: &[u8] = b"\x00\xff\x80\"{}[],:-0123456789 .eE";
    const DTYPES: &[&[u8]] = &[
        b"\"F32\"",
        b"\"F64\"",
        b"\"F16\"",
        b"\"BF16\"",
        b"\"I32\"",
        b"\"I64\"",
        b"\"U8\"",
        b"\"BOOL\"",
        b"\"I16\"",
        b"\"F8_E4M3\"",
    ];
    const NAMES: &[&[u8]] =
        &[b"hidden1", b"hidden9", b"output", b"weight", b"bias", b"kernel", b"0.", b"2.", b"7.", b"/", b"."];
    let mut pick = || r.next_u64();
    let len = bytes.len().max(1) as u64;
    match pick() % 12 {
        0 if !bytes.is_empty() => {
            let i = (pick() % len) as usize;
            bytes[i] ^= 1 << (pick() % 8);
        }
        1 if !bytes.is_empty() => {
            let i = (pick() % len) as usize;
            bytes[i] = INTERESTING[(pick() % INTERESTING.len() as u64) as usize];
        }
        2 => bytes.truncate((pick() % (len + 1)) as usize),
        3 => {
            let n = pick() % 16;
            bytes.extend((0..n).map(|_| pick() as u8));
        }
        4 if bytes.len() >= 8 => {
            let real = u64::from_le_bytes(bytes[..8].try_into().unwrap());
            let value = match pick() % 4 {
                0 => real.wrapping_add(pick() % 9).wrapping_sub(4),
                1 => u64::MAX - pick() % 3,
                2 => pick() % 200,
                _ => pick(),
            };
            bytes[..8].copy_from_slice(&value.to_le_bytes());
        }
        5 => {
            // A digit of the header (a dimension or an offset) becomes another.
            if let Some(range) = header_range(bytes) {
                let digits: Vec<usize> = range.filter(|&i| bytes[i].is_ascii_digit()).collect();
                if !digits.is_empty() {
                    let i = digits[(pick() % digits.len() as u64) as usize];
                    bytes[i] = b'0' + (pick() % 10) as u8;
                }
            }
        }
        6 => {
            let (from, to) =
                (DTYPES[(pick() % DTYPES.len() as u64) as usize], DTYPES[(pick() % DTYPES.len() as u64) as usize]);
            replace_in_header(bytes, from, to, pick());
        }
        7 => {
            let (from, to) =
                (NAMES[(pick() % NAMES.len() as u64) as usize], NAMES[(pick() % NAMES.len() as u64) as usize]);
            replace_in_header(bytes, from, to, pick());
        }
        8 => {
            // Transpose a shape: `[a,b]` → `[b,a]` keeps the element count, so only constnet objects.
            if let Some(range) = header_range(bytes) {
                let text = String::from_utf8_lossy(&bytes[range.clone()]).into_owned();
                let shapes: Vec<(usize, usize)> = text
                    .match_indices("\"shape\":[")
                    .filter_map(|(i, m)| text[i + m.len()..].find(']').map(|end| (i + m.len(), i + m.len() + end)))
                    .collect();
                if !shapes.is_empty() {
                    let (a, b) = shapes[(pick() % shapes.len() as u64) as usize];
                    let mut dims: Vec<&str> = text[a..b].split(',').collect();
                    dims.reverse();
                    replace_in_header(bytes, &text.as_bytes()[a..b], dims.join(",").as_bytes(), 0);
                }
            }
        }
        9 => {
            // Splice in a piece of another file.
            let other = &corpus[(pick() % corpus.len() as u64) as usize];
            if !other.is_empty() && !bytes.is_empty() {
                let from = (pick() % other.len() as u64) as usize;
                let n = (pick() % 64) as usize;
                let piece = &other[from..(from + n).min(other.len())];
                let at = (pick() % len) as usize;
                let end = (at + piece.len()).min(bytes.len());
                bytes.splice(at..end, piece.iter().copied());
            }
        }
        10 => {
            // Cut a piece out of the header, fixing the length prefix.
            if let Some(range) = header_range(bytes)
                && !range.is_empty()
            {
                let at = range.start + (pick() % range.len() as u64) as usize;
                let n = ((pick() % 24) as usize).min(range.end - at);
                bytes.drain(at..at + n);
                let len = (range.len() - n) as u64;
                bytes[..8].copy_from_slice(&len.to_le_bytes());
            }
        }
        _ => {
            // Duplicate a piece of the header in place (duplicate keys, nested garbage).
            if let Some(range) = header_range(bytes)
                && !range.is_empty()
            {
                let at = range.start + (pick() % range.len() as u64) as usize;
                let n = ((pick() % 48) as usize).min(range.end - at);
                let piece = bytes[at..at + n].to_vec();
                bytes.splice(at..at, piece);
                let len = (range.len() + n) as u64;
                bytes[..8].copy_from_slice(&len.to_le_bytes());
            }
        }
    }
}

fn outcome<N>(result: &Result<N, SafetensorsError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(SafetensorsError::Corrupt { .. }) => "corrupt",
        Err(SafetensorsError::MissingTensor { .. }) => "missing tensor",
        Err(SafetensorsError::UnexpectedTensor { .. }) => "unexpected tensor",
        Err(SafetensorsError::WrongShape { .. }) => "wrong shape",
        Err(SafetensorsError::WrongDtype { .. }) => "wrong dtype",
        Err(_) => "other",
    }
}

/// The parameters' bits (networks with NaNs compare unequal to themselves).
fn bits<T: Scalar, N: Parameters<T>>(net: &N) -> Vec<u64> {
    (0..N::TENSORS).flat_map(|t| net.tensor(t).iter().map(|v| v.to_f64().to_bits()).collect::<Vec<_>>()).collect()
}

/// Every import of one input, with the invariants: an accepted file exports and re-imports to the
/// same bits, and a refused one leaves the network it was read into unchanged.
fn exercise(bytes: &[u8], stats: &mut FuzzStats) {
    let keras = Import::new().naming(Naming::Keras);
    let sequential = Import::new().naming(Naming::Sequential).allow_extra();
    let map = [("hidden1", "0"), ("output.bias", "8.bias")];
    let mapped = Import::new().naming(Naming::Map(&map)).allow_extra();
    let mut results = Vec::new();
    for import in [Import::new(), Import::new().allow_extra(), keras, sequential, mapped] {
        let result = Circles::from_safetensors_with(bytes, &import);
        if let Ok(net) = &result {
            assert_eq!(bits(&Circles::from_safetensors(&net.to_safetensors()).unwrap()), bits(net));
        }
        results.push(outcome(&result));
    }
    let wide = Circles64::from_safetensors(bytes);
    if let Ok(net) = &wide {
        assert_eq!(bits(&Circles64::from_safetensors(&net.to_safetensors()).unwrap()), bits(net));
    }
    results.push(outcome(&wide));
    let before = Mixed::random(&mut rng(4));
    let mut mixed = before.clone();
    let read = mixed.read_safetensors(bytes, &Import::new().allow_extra());
    if read.is_err() {
        assert_eq!(bits(&mixed), bits(&before), "a refused file changed the network");
    }
    results.push(if read.is_ok() { "ok" } else { "refused (Mixed)" });
    for r in results {
        *stats.outcomes.entry(r).or_default() += 1;
        stats.imports += 1;
    }
}

/// `iterations` mutated inputs from `seed`; panics are caught and counted as crashes.
fn fuzz(iterations: u64, seed: u64) -> FuzzStats {
    let corpus = fuzz_corpus();
    let mut r = rng(seed);
    let mut stats = FuzzStats::default();
    for _ in 0..iterations {
        let mut bytes = corpus[(r.next_u64() % corpus.len() as u64) as usize].clone();
        for _ in 0..1 + r.next_u64() % 4 {
            mutate(&mut bytes, &corpus, &mut r);
        }
        stats.inputs += 1;
        let mut local = FuzzStats::default();
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| exercise(&bytes, &mut local)));
        match caught {
            Ok(()) => {
                stats.imports += local.imports;
                for (k, v) in local.outcomes {
                    *stats.outcomes.entry(k).or_default() += v;
                }
            }
            Err(payload) => {
                stats.crashes += 1;
                if stats.first_crash.is_none() {
                    let message = payload
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    stats.first_crash = Some((bytes.clone(), message));
                }
            }
        }
    }
    stats
}

fn report(stats: &FuzzStats, elapsed: std::time::Duration) {
    println!(
        "fuzzed {} inputs ({} imports) in {elapsed:.1?}: {} crashes; outcomes {:?}",
        stats.inputs, stats.imports, stats.crashes, stats.outcomes
    );
    if let Some((bytes, message)) = &stats.first_crash {
        panic!("first crash: {message}\ninput: {bytes:?}");
    }
}

#[test]
fn fuzz_importer_briefly() {
    let started = std::time::Instant::now();
    let stats = fuzz(3_000, 11);
    report(&stats, started.elapsed());
    assert_eq!(stats.crashes, 0);
    // The mutations reach past the parser: every outcome occurs.
    for outcome in ["ok", "corrupt", "missing tensor", "unexpected tensor", "wrong shape", "wrong dtype"] {
        assert!(stats.outcomes.get(outcome).is_some_and(|&n| n > 0), "no `{outcome}` in {:?}", stats.outcomes);
    }
}

/// The long run: `cargo test --release -p constnet --features safetensors --test suite
/// safetensors::fuzz_importer -- --ignored --nocapture` (`CONSTNET_FUZZ_INPUTS`, default one
/// million; `CONSTNET_FUZZ_SEED`, default 1).
#[test]
#[ignore = "a million inputs: run in release with --ignored"]
fn fuzz_importer() {
    let env = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let started = std::time::Instant::now();
    let stats = fuzz(env("CONSTNET_FUZZ_INPUTS", 1_000_000), env("CONSTNET_FUZZ_SEED", 1));
    report(&stats, started.elapsed());
    assert_eq!(stats.crashes, 0);
}
