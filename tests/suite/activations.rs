//! Activation values and derivatives against reference values computed independently with
//! Python's `math` module, and softmax's invariants.

use constnet::{Activation, ElementWise, Identity, LeakyRelu, Relu, Sigmoid, Softmax, Step, Tanh};

const XS: [f64; 5] = [-3.0, -0.5, 0.0, 0.5, 2.0];

fn check<A: ElementWise>(values: [f64; 5], derivatives: [f64; 5]) {
    for ((&x, want_y), want_d) in XS.iter().zip(values).zip(derivatives) {
        let y = A::value(x);
        assert!((y - want_y).abs() < 1e-15, "{}({x}) = {y}, expected {want_y}", A::NAME);
        let d = A::derivative(x, y);
        assert!((d - want_d).abs() < 1e-15, "{}'({x}) = {d}, expected {want_d}", A::NAME);
        // f32 agrees to f32 precision.
        let y32 = A::value(x as f32);
        assert!((f64::from(y32) - want_y).abs() < 1e-6, "{} f32", A::NAME);
    }
}

#[test]
fn sigmoid_matches_reference() {
    check::<Sigmoid>(
        [0.04742587317756678, 0.3775406687981454, 0.5, 0.6224593312018546, 0.8807970779778823],
        [0.04517665973091214, 0.2350037122015945, 0.25, 0.2350037122015945, 0.10499358540350662],
    );
}

#[test]
fn tanh_matches_reference() {
    check::<Tanh>(
        [-0.9950547536867305, -0.46211715726000974, 0.0, 0.46211715726000974, 0.9640275800758169],
        [0.009866037165440211, 0.7864477329659274, 1.0, 0.7864477329659274, 0.07065082485316443],
    );
}

#[test]
fn piecewise_linear_activations() {
    check::<Identity>(XS, [1.0; 5]);
    check::<Relu>([0.0, 0.0, 0.0, 0.5, 2.0], [0.0, 0.0, 0.0, 1.0, 1.0]);
    check::<LeakyRelu>([-0.03, -0.005, 0.0, 0.5, 2.0], [0.01, 0.01, 0.01, 1.0, 1.0]);
    check::<Step>([0.0, 0.0, 1.0, 1.0, 1.0], [0.0; 5]);
}

#[test]
fn sigmoid_saturates_without_overflow() {
    for x in [-1e4f64, -800.0, 800.0, 1e4] {
        let y = Sigmoid::value(x);
        assert!(y.is_finite() && (0.0..=1.0).contains(&y), "σ({x}) = {y}");
        assert!(Sigmoid::derivative(x, y).is_finite());
    }
    assert_eq!(Sigmoid::value(-200.0f32), 0.0);
    assert_eq!(Sigmoid::value(200.0f32), 1.0);
}

#[test]
fn only_step_is_untrainable() {
    const { assert!(!Step::TRAINABLE) };
    const { assert!(Sigmoid::TRAINABLE && Tanh::TRAINABLE && Relu::TRAINABLE && Softmax::TRAINABLE) };
}

#[test]
fn softmax_matches_reference() {
    let mut y = [0.0f64; 3];
    Softmax::apply(&[2.0, 1.0, 0.1], &mut y);
    for (got, want) in y.iter().zip([0.6590011388859679, 0.2424329707047139, 0.09856589040931818]) {
        assert!((got - want).abs() < 1e-15, "{y:?}");
    }
}

#[test]
fn softmax_is_stable_for_large_inputs() {
    let mut y = [0.0f32; 2];
    Softmax::apply(&[1000.0, 1000.0], &mut y);
    assert_eq!(y, [0.5, 0.5]);
    let mut y = [0.0f32; 3];
    Softmax::apply(&[-1000.0, 0.0, 1000.0], &mut y);
    assert_eq!(y, [0.0, 0.0, 1.0]);
    let mut y = [0.0f64; 4];
    Softmax::apply(&[1e300, -1e300, 5.0, 1e300], &mut y);
    assert_eq!(y, [0.5, 0.0, 0.0, 0.5]);
}

#[test]
fn softmax_sums_to_one() {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..200 {
        let z: [f64; 10] = core::array::from_fn(|_| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 11) as f64 / (1u64 << 53) as f64 - 0.5) * 60.0
        });
        let mut y = [0.0; 10];
        Softmax::apply(&z, &mut y);
        let sum: f64 = y.iter().sum();
        assert!((sum - 1.0).abs() < 1e-12, "sum {sum} for {z:?}");
        assert!(y.iter().all(|&p| (0.0..=1.0).contains(&p)));
    }
}

#[test]
fn softmax_backprop_is_the_jacobian_product() {
    // ∂L/∂zᵢ = Σⱼ yⱼ(δⱼᵢ − yᵢ)·∂L/∂yⱼ, written out with the explicit Jacobian.
    let z = [0.3f64, -1.2, 2.0, 0.0];
    let dy = [0.5, -1.0, 0.25, 2.0];
    let mut y = [0.0; 4];
    Softmax::apply(&z, &mut y);
    let mut dz = [0.0; 4];
    Softmax::backprop(&z, &y, &dy, &mut dz);
    for i in 0..4 {
        let explicit: f64 = (0..4).map(|j| y[j] * (f64::from(u8::from(i == j)) - y[i]) * dy[j]).sum();
        assert!((dz[i] - explicit).abs() < 1e-15, "{dz:?}");
    }
}

/// Central differences in f64 against every element-wise derivative, away from kinks.
#[test]
fn element_wise_derivatives_match_finite_differences() {
    fn check_fd<A: ElementWise>() {
        let h = 1e-6;
        for &x in &[-2.7f64, -0.9, -0.3, 0.4, 1.1, 3.3] {
            let numeric: f64 = (A::value(x + h) - A::value(x - h)) / (2.0 * h);
            let analytic: f64 = A::derivative(x, A::value(x));
            let scale = numeric.abs().max(analytic.abs()).max(1e-8);
            assert!((numeric - analytic).abs() / scale < 1e-6, "{} at {x}: {analytic} vs {numeric}", A::NAME);
        }
    }
    check_fd::<Identity>();
    check_fd::<Sigmoid>();
    check_fd::<Tanh>();
    check_fd::<Relu>();
    check_fd::<LeakyRelu>();
}

#[test]
fn softmax_backprop_matches_finite_differences() {
    let z = [0.7f64, -0.4, 1.9, 0.05, -2.2];
    let w = [0.3, -1.1, 0.8, 2.0, -0.6]; // L = Σ wᵢ·yᵢ, so ∂L/∂y = w
    let loss = |z: &[f64; 5]| {
        let mut y = [0.0; 5];
        Softmax::apply(z, &mut y);
        y.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>()
    };
    let mut y = [0.0; 5];
    Softmax::apply(&z, &mut y);
    let mut dz = [0.0; 5];
    Softmax::backprop(&z, &y, &w, &mut dz);
    let h = 1e-6;
    for i in 0..5 {
        let (mut plus, mut minus) = (z, z);
        plus[i] += h;
        minus[i] -= h;
        let numeric = (loss(&plus) - loss(&minus)) / (2.0 * h);
        assert!((numeric - dz[i]).abs() / numeric.abs().max(1e-8) < 1e-6, "{i}: {} vs {numeric}", dz[i]);
    }
}
