use super::dense_math as math;
use super::fingerprint::Fingerprint;
use super::{DenseTape, LayerShape, OutputLayer};
use crate::kernel::{mat_block, mat_vec, sum_of_squares};
use crate::{Activation, Identity, Init, Layer, Parameters, Scalar, TensorInfo, TensorKind, TensorShape};
use core::fmt;
use core::marker::PhantomData;
use rand::Rng;

/// A fully connected layer without biases: `y = A(W·x)` (PyTorch's `nn.Linear(…, bias=False)`).
///
/// The network of Tariq Rashid's *Make Your Own Neural Network* is built of these: its learning
/// rule `ΔW = η·E·σ′·xᵀ` has no `b`. The layer has exactly the tensor `weight`, so optimizers,
/// gradient clipping and the model byte format never see a bias, and the fused per-sample SGD
/// step updates `W` in place.
///
/// ```text
/// zⱼ = Σᵢ Wⱼᵢ·xᵢ        yⱼ = A(z)ⱼ
/// ∂L/∂Wⱼᵢ = δⱼ·xᵢ       ∂L/∂xᵢ = Σⱼ Wⱼᵢ·δⱼ        with δ = ∂L/∂z = A'(z)ᵀ·∂L/∂y
/// ```
///
/// # Shapes
/// | item | type | meaning |
/// |---|---|---|
/// | input `x` | `[T; IN]` | |
/// | `weights` | `[[T; IN]; OUT]` | row `j` holds neuron `j`'s weights; tensor `weight`, shape `[OUT, IN]` |
/// | output `y` | `[T; OUT]` | |
///
/// ```
/// use constnet::prelude::*;
/// network! {
///     /// The 3-3-3 network of Rashid's *Make Your Own Neural Network*.
///     struct Book<f64> { hidden: DenseNoBias<3, 3, Sigmoid>, output: DenseNoBias<3, 3, Sigmoid> }
/// }
/// assert_eq!(Book::PARAMS, 18); // weights only
/// let w = [[0.9, 0.3, 0.4], [0.2, 0.8, 0.2], [0.1, 0.5, 0.6]];
/// let net = Book::from_layers(DenseNoBias::from_weights(w), DenseNoBias::from_weights(w));
/// let y = DenseNoBias::<f64, 3, 3, Sigmoid>::from_weights(w).forward(&[0.9, 0.1, 0.8]);
/// assert!((y[0] - 0.761).abs() < 1e-3);
/// assert_eq!(net.hidden.forward(&[0.9, 0.1, 0.8]), y);
/// ```
// Cache-line (64-byte) aligned on x86-64, weights first, as `Dense` (see there).
#[cfg_attr(target_arch = "x86_64", repr(C, align(64)))]
pub struct DenseNoBias<T, const IN: usize, const OUT: usize, A = Identity> {
    /// `W`: row `j` holds the weights of neuron `j`.
    pub weights: [[T; IN]; OUT],
    activation: PhantomData<A>,
}

impl<T: Scalar, const IN: usize, const OUT: usize, A> DenseNoBias<T, IN, OUT, A> {
    /// A layer from its weights (row `j` = neuron `j`); usable in `const`/`static`.
    pub const fn from_weights(weights: [[T; IN]; OUT]) -> Self {
        Self { weights, activation: PhantomData }
    }

    /// The pre-activation `z = W·x`.
    #[inline]
    pub fn pre_activation(&self, x: &[T; IN]) -> [T; OUT] {
        // `+ (−0)` is exact for every value, so the kernel's bias vanishes (LLVM folds it).
        mat_vec(&self.weights, &[-T::ZERO; OUT], x)
    }
}

impl<T, const IN: usize, const OUT: usize, A> LayerShape for DenseNoBias<T, IN, OUT, A> {
    const INPUTS: usize = IN;
    const OUTPUTS: usize = OUT;
}

impl<T: Scalar, const IN: usize, const OUT: usize, A> Parameters<T> for DenseNoBias<T, IN, OUT, A> {
    const PARAMS: usize = IN * OUT;
    const TENSORS: usize = 1;

    fn zeroed() -> Self {
        Self::from_weights([[T::ZERO; IN]; OUT])
    }
    #[inline]
    fn tensor(&self, index: usize) -> &[T] {
        if index == 0 { self.weights.as_flattened() } else { &[] }
    }
    #[inline]
    fn tensor_mut(&mut self, index: usize) -> &mut [T] {
        if index == 0 { self.weights.as_flattened_mut() } else { &mut [] }
    }
    fn tensor_info(_index: usize) -> TensorInfo {
        TensorInfo { name: "weight", kind: TensorKind::Weights, shape: TensorShape::new(&[OUT, IN]) }
    }
}

impl<T: Scalar, const IN: usize, const OUT: usize, A: Activation> Layer<T, IN, OUT> for DenseNoBias<T, IN, OUT, A> {
    type Tape = DenseTape<T, OUT>;
    type State = ();
    const TRAINABLE: bool = A::TRAINABLE;
    const FINGERPRINT: u64 = Fingerprint::new("DenseNoBias").usize(IN).usize(OUT).str(A::FUNCTION).finish();

    fn init<R: Rng + ?Sized>(&mut self, rng: &mut R, init: Init) {
        let init = init.resolve(A::DEFAULT_INIT);
        for w in self.weights.as_flattened_mut() {
            *w = T::from_f64(init.sample_weight(IN, OUT, rng));
        }
    }

    #[inline]
    fn forward(&self, x: &[T; IN]) -> [T; OUT] {
        let mut y = [T::ZERO; OUT];
        A::apply(&self.pre_activation(x), &mut y);
        y
    }

    #[inline]
    fn forward_block<const B: usize>(&self, x: &[[T; B]; IN]) -> [[T; B]; OUT] {
        let mut y = mat_block(&self.weights, &[-T::ZERO; OUT], x);
        A::apply_block(&mut y);
        y
    }

    #[inline]
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; IN], tape: &mut Self::Tape, _rng: &mut R) {
        tape.z = self.pre_activation(x);
        A::apply(&tape.z, &mut tape.y);
    }

    #[inline(always)]
    fn output(tape: &Self::Tape) -> &[T; OUT] {
        &tape.y
    }

    #[inline]
    fn error_signal(&self, tape: &Self::Tape, d_out: &[T; OUT]) -> [T; OUT] {
        math::error_signal::<T, A, OUT>(tape, d_out)
    }

    #[inline]
    fn input_gradient(&self, _x: &[T; IN], _tape: &Self::Tape, delta: &[T; OUT]) -> [T; IN] {
        math::input_gradient(&self.weights, delta)
    }

    #[inline]
    fn add_gradient(&self, x: &[T; IN], _tape: &Self::Tape, delta: &[T; OUT], grads: &mut Self) {
        rank_one_update(&mut grads.weights, T::ONE, delta, x);
    }

    /// `‖δ·xᵀ‖² = ‖δ‖²·‖x‖²`, without forming the gradient.
    #[inline]
    fn gradient_norm2(&self, x: &[T; IN], _tape: &Self::Tape, delta: &[T; OUT]) -> T {
        sum_of_squares(delta) * sum_of_squares(x)
    }

    /// `W ← W − rate·δ·xᵀ`, in place, with no gradient buffer.
    #[inline]
    fn descend(&mut self, x: &[T; IN], _tape: &Self::Tape, delta: &[T; OUT], rate: T) {
        rank_one_update(&mut self.weights, -rate, delta, x);
    }
}

/// `W ← W + k·δ·xᵀ`, one contiguous multiply-add per row.
#[inline(always)]
fn rank_one_update<T: Scalar, const IN: usize, const OUT: usize>(
    w: &mut [[T; IN]; OUT],
    k: T,
    delta: &[T; OUT],
    x: &[T; IN],
) {
    for (row, &d) in w.iter_mut().zip(delta) {
        let kd = k * d;
        for (wi, &xi) in row.iter_mut().zip(x) {
            *wi = kd.mul_add(xi, *wi);
        }
    }
}

impl<T: Scalar, const IN: usize, const OUT: usize, A: Activation> OutputLayer<T, IN, OUT>
    for DenseNoBias<T, IN, OUT, A>
{
    type Activation = A;

    #[inline(always)]
    fn pre_activation(tape: &Self::Tape) -> &[T; OUT] {
        &tape.z
    }
}

impl<T: Clone, const IN: usize, const OUT: usize, A> Clone for DenseNoBias<T, IN, OUT, A> {
    fn clone(&self) -> Self {
        Self { weights: self.weights.clone(), activation: PhantomData }
    }
}

impl<T: PartialEq, const IN: usize, const OUT: usize, A> PartialEq for DenseNoBias<T, IN, OUT, A> {
    fn eq(&self, other: &Self) -> bool {
        self.weights == other.weights
    }
}

impl<T: fmt::Debug, const IN: usize, const OUT: usize, A> fmt::Debug for DenseNoBias<T, IN, OUT, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let activation = core::any::type_name::<A>().rsplit("::").next().unwrap_or("?");
        f.debug_struct("DenseNoBias").field("activation", &activation).field("weights", &self.weights).finish()
    }
}

impl<B: crate::io::ModelBytes, T: Scalar, const IN: usize, const OUT: usize, A> crate::io::ConstDecode<B>
    for DenseNoBias<T, IN, OUT, A>
where
    [[T; IN]; OUT]: crate::io::ConstDecode<B>,
{
    const DECODED: Self = Self::from_weights(<[[T; IN]; OUT] as crate::io::ConstDecode<B>>::DECODED);
}
