use super::dense_math as math;
use super::fingerprint::Fingerprint;
use super::{Inline, LayerShape, OutputLayer, Storage};
use crate::{Activation, Identity, Init, Layer, Parameters, Scalar, TensorInfo, TensorKind, TensorShape};
use core::borrow::{Borrow, BorrowMut};
use core::fmt;
use core::marker::PhantomData;
use rand::Rng;

/// A fully connected layer: `y = A(W·x + b)`.
///
/// Each of the `OUT` neurons takes a weighted sum of all `IN` inputs plus its bias, then applies
/// the activation `A`:
///
/// ```text
/// zⱼ = Σᵢ Wⱼᵢ·xᵢ + bⱼ        (pre-activation)
/// yⱼ = A(z)ⱼ                 (output)
/// ```
///
/// Back-propagation, with the signal `δ = ∂L/∂z = A'(z)ᵀ·∂L/∂y`:
///
/// ```text
/// ∂L/∂Wⱼᵢ = δⱼ·xᵢ     ∂L/∂bⱼ = δⱼ     ∂L/∂xᵢ = Σⱼ Wⱼᵢ·δⱼ   (that is, Wᵀ·δ)
/// ```
///
/// # Shapes
/// | item | type | meaning |
/// |---|---|---|
/// | input `x` | `[T; IN]` | |
/// | `weights` | `[[T; IN]; OUT]` | row `j` holds neuron `j`'s weights, as in `W·x` (PyTorch's `nn.Linear.weight`) |
/// | `bias` | `[T; OUT]` | one per neuron |
/// | output `y` | `[T; OUT]` | |
///
/// With the default [`Inline`] storage everything is stored in the layer: a
/// `Dense<f32, 2, 4, Relu>` is its `(2·4 + 4)·4 = 48` bytes of parameters and nothing else (on
/// x86-64 the layer is aligned to a 64-byte cache line, so that the SIMD kernels' accesses to `W`
/// never straddle two lines, and its size rounds up to a multiple of 64), and
/// [`Dense::from_parts`] is a `const fn`, so a layer can live in a `static` (in flash on a
/// microcontroller). With the
/// `Heap` storage (`std` feature), written `HeapDense`, the arrays are on the heap (the matrix a
/// `HeapMatrix`, on a cache line too): use it for layers too big
/// for a thread's stack (see "Big networks" in [`Network`](crate::Network)).
///
/// ```
/// use constnet::prelude::*;
/// // Two sigmoid neurons with weights w11 0.9, w12 0.2, w21 0.3, w22 0.8 and no bias, as in
/// // Tariq Rashid's *Make Your Own Neural Network*.
/// static LAYER: Dense<f64, 2, 2, Sigmoid> = Dense::from_parts([[0.9, 0.3], [0.2, 0.8]], [0.0; 2]);
/// let y = LAYER.forward(&[1.0, 0.5]);
/// assert!((y[0] - 0.7408).abs() < 1e-4 && (y[1] - 0.6457).abs() < 1e-4);
/// ```
// Cache-line (64-byte) aligned on x86-64, weights first: the kernels read and the per-sample
// update writes the rows of `W` in 32-byte vectors, and a `W` 16 bytes off that alignment
// splits every other vector across two cache lines (a digits per-sample epoch ran in 235 or
// 305 ns, a forward in 84 or 97 ns, depending on where the stack happened to start; 64 rather
// than 32 measured another 8% on mini-batch epochs, whose buffer-wide loops and copies use
// 64-byte vectors).
#[cfg_attr(target_arch = "x86_64", repr(C, align(64)))]
pub struct Dense<T: Scalar, const IN: usize, const OUT: usize, A = Identity, S: Storage = Inline> {
    /// `W`: row `j` holds the weights of neuron `j`.
    pub weights: S::Matrix<T, IN, OUT>,
    /// `b`: one bias per neuron.
    pub bias: S::Vector<T, OUT>,
    activation: PhantomData<A>,
}

/// A [`Dense`] layer whose weights live on the heap (`std` only): the same function, the same
/// training, the same tensors and byte format, but a network of them is a few pointers wide, so
/// it and its gradients and optimizer state never touch the stack.
///
/// Use it in `network!` for layers too big for a thread's stack, e.g. the 400 KB first layer of
/// an MNIST classifier:
///
/// ```
/// use constnet::prelude::*;
/// use constnet::HeapDense;
/// network! {
///     struct Mnist<f32> { hidden: HeapDense<784, 128, Relu>, output: Dense<128, 10, Softmax> }
/// }
/// let net = Mnist::zeroed(); // 101 770 parameters, built on the heap in place
/// assert!(core::mem::size_of::<Mnist>() < 6 * 1024);
/// assert_eq!(net.forward(&[0.5; 784])[3], 0.1);
/// ```
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub type HeapDense<T, const IN: usize, const OUT: usize, A = Identity> = Dense<T, IN, OUT, A, super::Heap>;

/// What [`Dense`]'s training forward pass records: the pre-activation `z` and the output `y`,
/// since activation derivatives need one or the other.
#[derive(Clone, Debug, PartialEq)]
pub struct DenseTape<T, const OUT: usize> {
    /// `z = W·x + b`.
    pub z: [T; OUT],
    /// `y = A(z)`.
    pub y: [T; OUT],
}

impl<T: Scalar, const OUT: usize> Default for DenseTape<T, OUT> {
    fn default() -> Self {
        Self { z: [T::ZERO; OUT], y: [T::ZERO; OUT] }
    }
}

impl<T: Scalar, const IN: usize, const OUT: usize, A> Dense<T, IN, OUT, A, Inline> {
    /// A layer from its weights (row `j` = neuron `j`) and biases; usable in `const`/`static`.
    pub const fn from_parts(weights: [[T; IN]; OUT], bias: [T; OUT]) -> Self {
        Self { weights, bias, activation: PhantomData }
    }
}

#[cfg(feature = "std")]
impl<T: Scalar, const IN: usize, const OUT: usize, A> Dense<T, IN, OUT, A, super::Heap> {
    /// A layer from boxed weights (row `j` = neuron `j`) and biases. The weights are copied to
    /// a 64-byte boundary (see [`HeapMatrix`](super::HeapMatrix)) and their box freed.
    pub fn from_boxed(weights: std::boxed::Box<[[T; IN]; OUT]>, bias: std::boxed::Box<[T; OUT]>) -> Self {
        Self { weights: weights.into(), bias, activation: PhantomData }
    }
}

impl<T: Scalar, const IN: usize, const OUT: usize, A, S: Storage> Dense<T, IN, OUT, A, S> {
    /// Number of scalars: `IN·OUT + OUT`.
    pub const PARAMS: usize = IN * OUT + OUT;

    /// `W`, whatever the storage.
    #[inline(always)]
    fn w(&self) -> &[[T; IN]; OUT] {
        self.weights.borrow()
    }

    /// `b`, whatever the storage.
    #[inline(always)]
    fn b(&self) -> &[T; OUT] {
        self.bias.borrow()
    }

    /// `W` and `b`, mutably.
    #[inline(always)]
    fn parts_mut(&mut self) -> (&mut [[T; IN]; OUT], &mut [T; OUT]) {
        (self.weights.borrow_mut(), self.bias.borrow_mut())
    }

    /// The pre-activation `z = W·x + b`.
    #[inline]
    pub fn pre_activation(&self, x: &[T; IN]) -> [T; OUT] {
        crate::kernel::mat_vec(self.w(), self.b(), x)
    }
}

// Shape and tensors do not depend on the activation, so a wrong activation type is reported once,
// where the layer is used as a `Layer`.
impl<T: Scalar, const IN: usize, const OUT: usize, A, S: Storage> LayerShape for Dense<T, IN, OUT, A, S> {
    const INPUTS: usize = IN;
    const OUTPUTS: usize = OUT;
}

impl<T: Scalar, const IN: usize, const OUT: usize, A, S: Storage> Parameters<T> for Dense<T, IN, OUT, A, S> {
    const PARAMS: usize = IN * OUT + OUT;
    const TENSORS: usize = 2;
    const TENSOR_INFO: &'static [TensorInfo] = &[
        TensorInfo { name: "weight", kind: TensorKind::Weights, shape: TensorShape::new(&[OUT, IN]) },
        TensorInfo { name: "bias", kind: TensorKind::Bias, shape: TensorShape::new(&[OUT]) },
    ];

    fn zeroed() -> Self {
        Self { weights: S::matrix(T::ZERO), bias: S::vector(T::ZERO), activation: PhantomData }
    }
    #[inline]
    fn tensor(&self, index: usize) -> &[T] {
        match index {
            0 => self.w().as_flattened(),
            1 => &self.b()[..],
            _ => &[],
        }
    }
    #[inline]
    fn tensor_mut(&mut self, index: usize) -> &mut [T] {
        let (w, b) = self.parts_mut();
        match index {
            0 => w.as_flattened_mut(),
            1 => &mut b[..],
            _ => &mut [],
        }
    }
    #[inline]
    fn for_each_tensor<F: FnMut(&[T])>(&self, mut f: F) {
        f(self.w().as_flattened());
        f(&self.b()[..]);
    }
    #[inline]
    fn for_each_tensor_mut<F: FnMut(&mut [T])>(&mut self, mut f: F) {
        let (w, b) = self.parts_mut();
        f(w.as_flattened_mut());
        f(&mut b[..]);
    }
}

impl<T: Scalar, const IN: usize, const OUT: usize, A: Activation, S: Storage> Layer<T, IN, OUT>
    for Dense<T, IN, OUT, A, S>
{
    type Tape = DenseTape<T, OUT>;
    type State = ();
    const TRAINABLE: bool = A::TRAINABLE;
    // One architecture whatever the storage, and whatever the activation's implementation:
    // `Tanh` and `FastTanh` read each other's bytes.
    const FINGERPRINT: u64 = Fingerprint::new("Dense").usize(IN).usize(OUT).str(A::FUNCTION).finish();

    fn init<R: Rng + ?Sized>(&mut self, rng: &mut R, init: Init) {
        let (w, b) = self.parts_mut();
        math::init(w, b, rng, init.resolve(A::DEFAULT_INIT));
    }

    #[inline]
    fn forward(&self, x: &[T; IN]) -> [T; OUT] {
        math::forward::<T, A, IN, OUT>(self.w(), self.b(), x)
    }

    #[inline(always)]
    fn forward_block<const B: usize>(&self, x: &[[T; B]; IN]) -> [[T; B]; OUT] {
        math::forward_block::<T, A, IN, OUT, B>(self.w(), self.b(), x)
    }

    #[inline]
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; IN], tape: &mut Self::Tape, _rng: &mut R) {
        math::forward_train::<T, A, IN, OUT>(self.w(), self.b(), x, tape);
    }

    /// A whole block of [`BLOCK`](crate::batch::BLOCK) samples goes through the batched
    /// kernel, as in `forward_batch` (so `z` is summed in that kernel's order and may differ from
    /// [`Layer::forward_train`]'s in the last bits); other blocks, and fixed-point scalars, go
    /// sample by sample.
    #[inline]
    fn forward_train_block<R: Rng + ?Sized>(&self, x: &[[T; IN]], tapes: &mut [Self::Tape], _rng: &mut R) {
        math::forward_train_block::<T, A, IN, OUT>(self.w(), self.b(), x, tapes);
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
        math::input_gradient(self.w(), delta)
    }

    #[inline]
    fn add_gradient(&self, x: &[T; IN], _tape: &Self::Tape, delta: &[T; OUT], grads: &mut Self) {
        let (w, b) = grads.parts_mut();
        math::rank_one_update(w, b, T::ONE, delta, x);
    }

    /// `∂L/∂W += Σₛ δₛ·xₛᵀ`, `∂L/∂b += Σₛ δₛ` and `∂L/∂xₛ = Wᵀ·δₛ` through block kernels: a
    /// tile of gradient rows stays in registers while the block's samples stream past, and each
    /// weight row is loaded once for four samples. Bit-identical to the per-sample methods.
    #[inline]
    fn backward_block(
        &self,
        x: &[[T; IN]],
        _tapes: &[Self::Tape],
        signals: &[[T; OUT]],
        grads: &mut Self,
        d_x: Option<&mut [[T; IN]]>,
    ) {
        let (gw, gb) = grads.parts_mut();
        math::gradient_block(gw, gb, signals, x);
        if let Some(d_x) = d_x {
            math::input_gradient_block(self.w(), signals, d_x);
        }
    }

    /// `‖δ·xᵀ‖² + ‖δ‖² = ‖δ‖²·(‖x‖² + 1)`, without forming the gradient.
    #[inline]
    fn gradient_norm2(&self, x: &[T; IN], _tape: &Self::Tape, delta: &[T; OUT]) -> T {
        math::gradient_norm2(x, delta)
    }

    /// `W ← W − rate·δ·xᵀ`, `b ← b − rate·δ`, in place, with no gradient buffer.
    #[inline]
    fn descend(&mut self, x: &[T; IN], _tape: &Self::Tape, delta: &[T; OUT], rate: T) {
        let (w, b) = self.parts_mut();
        math::rank_one_update(w, b, -rate, delta, x);
    }
}

impl<T: Scalar, const IN: usize, const OUT: usize, A: Activation, S: Storage> OutputLayer<T, IN, OUT>
    for Dense<T, IN, OUT, A, S>
{
    type Activation = A;

    #[inline(always)]
    fn pre_activation(tape: &Self::Tape) -> &[T; OUT] {
        &tape.z
    }

    #[inline]
    fn forward_logits(&self, x: &[T; IN]) -> ([T; OUT], [T; OUT]) {
        let z = self.pre_activation(x);
        let mut y = [T::ZERO; OUT];
        A::apply(&z, &mut y);
        (z, y)
    }
}

// Written by hand so that the activation shows by name and `A` needs no bounds, and so that
// `clone_from` reuses the heap storage's allocation (early stopping snapshots every epoch).
impl<T: Scalar, const IN: usize, const OUT: usize, A, S: Storage> Clone for Dense<T, IN, OUT, A, S> {
    fn clone(&self) -> Self {
        Self { weights: self.weights.clone(), bias: self.bias.clone(), activation: PhantomData }
    }
    fn clone_from(&mut self, source: &Self) {
        self.weights.clone_from(&source.weights);
        self.bias.clone_from(&source.bias);
    }
}

impl<T: Scalar, const IN: usize, const OUT: usize, A, S: Storage> PartialEq for Dense<T, IN, OUT, A, S> {
    fn eq(&self, other: &Self) -> bool {
        self.weights == other.weights && self.bias == other.bias
    }
}

impl<T: Scalar, const IN: usize, const OUT: usize, A, S: Storage> fmt::Debug for Dense<T, IN, OUT, A, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The activation's type name without its module path (no bound on `A`, so that a type
        // that is not an activation is reported once, where the layer is used).
        let activation = core::any::type_name::<A>().rsplit("::").next().unwrap_or("?");
        f.debug_struct("Dense")
            .field("activation", &activation)
            .field("storage", &S::NAME)
            .field("weights", &self.weights)
            .field("bias", &self.bias)
            .finish()
    }
}
