//! ELU, GELU (exact and tanh), SiLU, Softplus, Hardtanh and ReLU6, and their fast variants:
//! derivatives against central differences, inside a `Dense` layer through the whole layer
//! contract, what they declare (kind, function, initialisation), and fingerprints. Values against
//! PyTorch: `torch_reference`; maximum errors of the fast variants over all of `f32`: the
//! library's unit tests.

use crate::common::{check_layer, rng, uniform};
use constnet::activation::ActivationKind;
use constnet::layer::fingerprint::Fingerprint;
use constnet::prelude::*;

/// Points away from every kink (0, ±1, 6).
const POINTS: [f64; 12] = [-9.3, -4.1, -2.7, -0.93, -0.41, -0.013, 0.02, 0.37, 0.88, 1.6, 3.3, 7.2];

/// `f'` against central differences of `f`, relative to `tolerance`: 1e−7 for the exact
/// functions; a fast variant's derivative approximates the exact derivative, not its own
/// value's slope, so it agrees to its approximation error.
fn check_derivative<A: ElementWise>(tolerance: f64) {
    let h = 1e-6;
    for &x in &POINTS {
        let numeric = (A::value(x + h) - A::value(x - h)) / (2.0 * h);
        let analytic = A::derivative(x, A::value(x));
        let scale = numeric.abs().max(analytic.abs()).max(1e-3);
        assert!((numeric - analytic).abs() / scale < tolerance, "{}'({x}): {analytic} vs {numeric}", A::NAME);
        // f32 computes the same function to f32 precision.
        let y32 = A::value(x as f32);
        assert!(
            (f64::from(y32) - A::value(f64::from(x as f32))).abs() <= 3e-7 * A::value(x).abs().max(1.0),
            "{} f32",
            A::NAME
        );
    }
}

#[test]
fn derivatives_match_finite_differences() {
    check_derivative::<Elu>(1e-7);
    check_derivative::<FastElu>(1e-6);
    check_derivative::<Gelu>(1e-7);
    check_derivative::<FastGelu>(1e-6);
    check_derivative::<GeluTanh>(1e-7);
    check_derivative::<FastGeluTanh>(1e-6);
    check_derivative::<Silu>(1e-7);
    check_derivative::<FastSilu>(1e-6);
    check_derivative::<Softplus>(1e-7);
    check_derivative::<Hardtanh>(1e-7);
    check_derivative::<Relu6>(1e-7);
}

fn check_dense<A: Activation>(seed: u64) {
    let mut rng = rng(seed);
    let mut layer = Dense::<f64, 3, 4, A>::zeroed();
    layer.init(&mut rng, Init::GlorotNormal);
    for b in layer.bias.iter_mut() {
        *b = uniform(&mut rng, -0.5, 0.5);
    }
    let x: [f64; 3] = core::array::from_fn(|_| uniform(&mut rng, -2.0, 2.0));
    assert_eq!(check_layer(&layer, &x, seed), 16 + 3);
}

#[test]
fn every_new_activation_passes_the_layer_check_inside_dense() {
    for seed in 0..5 {
        check_dense::<Elu>(seed);
        check_dense::<FastElu>(seed);
        check_dense::<Gelu>(seed);
        check_dense::<FastGelu>(seed);
        check_dense::<GeluTanh>(seed);
        check_dense::<FastGeluTanh>(seed);
        check_dense::<Silu>(seed);
        check_dense::<FastSilu>(seed);
        check_dense::<Softplus>(seed);
        check_dense::<Hardtanh>(seed);
        check_dense::<Relu6>(seed);
    }
}

#[test]
fn clamps_and_corners() {
    assert_eq!([-2.0f32, -1.0, 0.3, 1.0, 4.0].map(Hardtanh::value), [-1.0, -1.0, 0.3, 1.0, 1.0]);
    assert_eq!([-1.0f32, -1.0, 0.3, 1.0, 4.0].map(|x| Hardtanh::derivative(x, 0.0)), [0.0, 0.0, 1.0, 0.0, 0.0]);
    assert_eq!([-2.0f64, 0.0, 3.0, 6.0, 9.0].map(Relu6::value), [0.0, 0.0, 3.0, 6.0, 6.0]);
    assert_eq!([-2.0f64, 0.0, 3.0, 6.0, 9.0].map(|x| Relu6::derivative(x, 0.0)), [0.0, 0.0, 1.0, 0.0, 0.0]);
    for f in [
        Hardtanh::value::<f32>,
        Relu6::value,
        Elu::value,
        FastElu::value,
        Gelu::value,
        FastGelu::value,
        Silu::value,
        FastSilu::value,
        Softplus::value,
        GeluTanh::value,
        FastGeluTanh::value,
    ] {
        assert!(f(f32::NAN).is_nan(), "NaN must pass through");
    }
    // Saturation without overflow or NaN.
    for x in [-1e30f32, -1e4, 1e4, 1e30] {
        for f in [
            Elu::value::<f32>,
            FastElu::value,
            Gelu::value,
            FastGelu::value,
            Silu::value,
            FastSilu::value,
            Softplus::value,
            GeluTanh::value,
            FastGeluTanh::value,
        ] {
            let y = f(x);
            assert!(y.is_finite() && (y == x || y.abs() <= 1.0), "f({x}) = {y}");
        }
    }
    assert_eq!(Softplus::value(-1e4f64), 0.0);
    assert_eq!(Softplus::value(1e4f64), 1e4);
}

#[test]
fn what_they_declare() {
    fn info<A: Activation>() -> (ActivationKind, &'static str, Init) {
        (A::KIND, A::FUNCTION, A::DEFAULT_INIT)
    }
    assert_eq!(info::<Elu>(), (ActivationKind::Elu, "elu(1)", Init::HeNormal));
    assert_eq!(info::<Gelu>(), (ActivationKind::Gelu, "gelu", Init::HeNormal));
    assert_eq!(info::<GeluTanh>(), (ActivationKind::GeluTanh, "gelu_tanh", Init::HeNormal));
    assert_eq!(info::<Silu>(), (ActivationKind::Silu, "silu", Init::HeNormal));
    assert_eq!(info::<Softplus>(), (ActivationKind::Softplus, "softplus(1)", Init::HeNormal));
    assert_eq!(info::<Hardtanh>(), (ActivationKind::Hardtanh, "hardtanh(-1,1)", Init::GlorotUniform));
    assert_eq!(info::<Relu6>(), (ActivationKind::Relu6, "relu6", Init::HeNormal));
    // A fast variant is the same function: same kind, same fingerprint.
    assert_eq!(info::<FastElu>(), info::<Elu>());
    assert_eq!(info::<FastGelu>(), info::<Gelu>());
    assert_eq!(info::<FastGeluTanh>(), info::<GeluTanh>());
    assert_eq!(info::<FastSilu>(), info::<Silu>());
    const { assert!(Elu::TRAINABLE && Gelu::TRAINABLE && Relu6::TRAINABLE && Hardtanh::TRAINABLE) };
}

#[test]
fn fast_and_exact_models_interchange_and_different_functions_do_not() {
    fn print<A: Activation>() -> u64 {
        <Dense<f32, 4, 3, A> as Layer<f32, 4, 3>>::FINGERPRINT
    }
    assert_eq!(print::<Gelu>(), print::<FastGelu>());
    assert_eq!(print::<Silu>(), print::<FastSilu>());
    assert_eq!(print::<Elu>(), print::<FastElu>());
    assert_eq!(print::<GeluTanh>(), print::<FastGeluTanh>());
    let all = [
        print::<Elu>(),
        print::<Gelu>(),
        print::<GeluTanh>(),
        print::<Silu>(),
        print::<Softplus>(),
        print::<Hardtanh>(),
        print::<Relu6>(),
        print::<Relu>(),
        print::<Tanh>(),
    ];
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            assert_ne!(a, b);
        }
    }
    assert_eq!(print::<Gelu>(), Fingerprint::new("Dense").usize(4).usize(3).str("gelu").finish());
    // Trained with GELU, deployed with the vectorising FastGelu.
    network! { struct Exact<f32> { hidden: Dense<4, 8, Gelu>, out: Dense<8, 2, Identity> } }
    network! { struct Fast<f32> { hidden: Dense<4, 8, FastGelu>, out: Dense<8, 2, Identity> } }
    let exact = Exact::random(&mut rng(4));
    let mut bytes = vec![0u8; Exact::BYTES];
    exact.to_bytes(&mut bytes).unwrap();
    let fast = Fast::from_bytes(&bytes).unwrap();
    let (a, b) = (exact.forward(&[0.3, -1.2, 0.8, 2.0]), fast.forward(&[0.3, -1.2, 0.8, 2.0]));
    assert!(a.iter().zip(&b).all(|(a, b)| (a - b).abs() < 2e-6), "{a:?} {b:?}");
}

#[test]
fn fast_variants_vectorise_through_the_batched_path() {
    // The batched forward pass runs the activation across samples; it must agree with forward.
    network! { struct Net<f32> { a: Dense<3, 16, FastGelu>, b: Dense<16, 8, FastSilu>, c: Dense<8, 4, FastElu>, d: Dense<4, 2, FastGeluTanh> } }
    let net = Net::random(&mut rng(9));
    let inputs: Vec<[f32; 3]> = (0..37).map(|k| [k as f32 / 10.0 - 1.8, 0.5, -(k as f32) / 20.0]).collect();
    let mut outputs = vec![[0.0; 2]; 37];
    net.forward_batch(&inputs, &mut outputs);
    for (x, y) in inputs.iter().zip(&outputs) {
        let one = net.forward(x);
        assert!(one.iter().zip(y).all(|(a, b)| (a - b).abs() < 1e-5), "{one:?} {y:?}");
    }
}
