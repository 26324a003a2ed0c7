use super::conv::{Causal, Conv1d};
use super::fingerprint::Fingerprint;
use super::{DenseTape, LayerShape, OutputLayer};
use crate::{Activation, Identity, Init, Layer, Parameters, Scalar, TensorInfo, TensorKind, TensorShape};
use core::fmt::{self, Debug};
use core::marker::PhantomData;
use rand::Rng;

/// A causal [`Conv1d`] run one time step per call, for streams (audio, sensors): each
/// [`Layer::forward_step`] takes the `C_IN` channels of the newest time step and gives the `C_OUT`
/// outputs of that step, keeping the last `DILATION·(K − 1)` inputs in its [`ConvHistory`] state
/// (as RTNeural's `Conv1DT` does).
///
/// ```text
/// z[t][o] = b[o] + Σ_k Σ_c W[o][c][k] · x[t − (K − 1 − k)·DILATION][c]        y[t] = A(z[t])
/// ```
///
/// with `x` zero before the stream's start: exactly the outputs of
/// `Conv1d<LEN, C_IN, C_OUT, K, A, Causal, 1, DILATION>` over the same steps, whatever `LEN`.
/// Train that windowed layer (its gradients are exact and the fused SGD step updates it), then
/// convert it with [`StreamingConv1d::from_conv`]; the tensors are the same (`weight`
/// `[C_OUT, C_IN, K]`, `bias`), so a PyTorch `nn.Conv1d`'s weights load into either.
///
/// The weights stay immutable, so the layer can sit in a `static` in flash while the state
/// lives in RAM. [`Layer::forward`] is one step from an empty history. The layer reports
/// [`Layer::TRAINABLE`] `false`: a training pass sees one time step with no history, which is not
/// what the stream computes, so `Trainer` refuses it rather than learn the wrong function.
///
/// # Shapes
/// | item | type | meaning |
/// |---|---|---|
/// | input `x` | `[T; C_IN]` | one time step |
/// | `weights` | `[[[T; K]; C_IN]; C_OUT]` | tensor `weight`, shape `[C_OUT, C_IN, K]` |
/// | `bias` | `[T; C_OUT]` | tensor `bias` |
/// | state | [`ConvHistory<T, C_IN, K, DILATION>`](ConvHistory) | the last `K·DILATION` inputs |
/// | output `y` | `[T; C_OUT]` | one time step |
///
/// ```
/// use constnet::prelude::*;
/// // y_t = x_t − x_{t−1}: a two-tap difference filter.
/// let windowed = Conv1d::<f32, 5, 1, 1, 2, Identity, Causal>::from_parts([[[-1.0, 1.0]]], [0.0]);
/// let stream = StreamingConv1d::from_conv(&windowed);
/// let mut history = Default::default();
/// let ys: Vec<f32> = [1.0, 4.0, 9.0, 16.0, 25.0].iter().map(|&x| stream.forward_step(&mut history, &[x])[0]).collect();
/// assert_eq!(ys, [1.0, 3.0, 5.0, 7.0, 9.0]);
/// let whole: [f32; 5] = windowed.forward(&[1.0, 4.0, 9.0, 16.0, 25.0]);
/// assert_eq!(whole.to_vec(), ys);
/// ```
pub struct StreamingConv1d<
    T,
    const C_IN: usize,
    const C_OUT: usize,
    const K: usize,
    A = Identity,
    const DILATION: usize = 1,
> {
    /// `W`: `weights[o][c][k]` is tap `k` of filter `o` on input channel `c`; tap `K − 1`
    /// multiplies the newest input.
    pub weights: [[[T; K]; C_IN]; C_OUT],
    /// `b`: one bias per filter.
    pub bias: [T; C_OUT],
    activation: PhantomData<A>,
}

/// The state of a [`StreamingConv1d`]: the last `K·DILATION` inputs in a ring (at least the
/// `DILATION·(K − 1) + 1` the kernel reads). `Default` is the start of a stream, all zeros.
#[derive(Clone, PartialEq)]
pub struct ConvHistory<T, const C: usize, const K: usize, const DILATION: usize> {
    frames: [[[T; C]; DILATION]; K],
    /// Where the next input goes, in `0..K·DILATION`.
    next: usize,
}

impl<T: Scalar, const C: usize, const K: usize, const DILATION: usize> ConvHistory<T, C, K, DILATION> {
    /// Forgets the stream: back to all zeros.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// The input `age` steps before the newest one (`age < K·DILATION`).
    #[inline(always)]
    fn back(&self, age: usize) -> &[T; C] {
        let ring = self.frames.as_flattened();
        &ring[(self.next + ring.len() - 1 - age) % ring.len()]
    }

    /// Appends the newest input.
    #[inline(always)]
    fn push(&mut self, x: &[T; C]) {
        let ring = self.frames.as_flattened_mut();
        ring[self.next] = *x;
        self.next = (self.next + 1) % ring.len();
    }
}

impl<T: Scalar, const C: usize, const K: usize, const DILATION: usize> Default for ConvHistory<T, C, K, DILATION> {
    fn default() -> Self {
        Self { frames: [[[T::ZERO; C]; DILATION]; K], next: 0 }
    }
}

impl<T: Debug, const C: usize, const K: usize, const DILATION: usize> Debug for ConvHistory<T, C, K, DILATION> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConvHistory").field("next", &self.next).field("frames", &self.frames).finish()
    }
}

impl<T: Scalar, const C_IN: usize, const C_OUT: usize, const K: usize, A, const DILATION: usize>
    StreamingConv1d<T, C_IN, C_OUT, K, A, DILATION>
{
    /// A layer from its weights (`weights[o][c][k]`, PyTorch's layout) and biases; usable in
    /// `const`/`static`.
    pub const fn from_parts(weights: [[[T; K]; C_IN]; C_OUT], bias: [T; C_OUT]) -> Self {
        Self { weights, bias, activation: PhantomData }
    }

    /// The streaming form of a trained causal, stride-1 convolution: the same weights, the
    /// same outputs, one time step per call.
    pub const fn from_conv<const LEN: usize>(conv: &Conv1d<T, LEN, C_IN, C_OUT, K, A, Causal, 1, DILATION>) -> Self {
        Self::from_parts(conv.weights, conv.bias)
    }

    /// `z = b + Σₖ W[·][·][k]·x[t − (K − 1 − k)·DILATION]` from a history holding the newest
    /// input.
    #[inline]
    fn pre_activation(&self, history: &ConvHistory<T, C_IN, K, DILATION>) -> [T; C_OUT] {
        let mut z = [T::ZERO; C_OUT];
        for (zo, (filter, b)) in z.iter_mut().zip(self.weights.iter().zip(&self.bias)) {
            let mut acc = b.widen();
            for k in 0..K {
                let frame = history.back((K - 1 - k) * DILATION);
                for (w, &v) in filter.iter().zip(frame) {
                    acc = w[k].mul_acc(v, acc);
                }
            }
            *zo = T::narrow(acc);
        }
        z
    }

    /// `z = b + W[·][·][K − 1]·x`: one step from an empty history.
    #[inline]
    fn first_step(&self, x: &[T; C_IN]) -> [T; C_OUT] {
        let mut z = [T::ZERO; C_OUT];
        for (zo, (filter, b)) in z.iter_mut().zip(self.weights.iter().zip(&self.bias)) {
            let mut acc = b.widen();
            for (w, &v) in filter.iter().zip(x) {
                acc = w[K - 1].mul_acc(v, acc);
            }
            *zo = T::narrow(acc);
        }
        z
    }
}

impl<T, const C_IN: usize, const C_OUT: usize, const K: usize, A, const DILATION: usize> LayerShape
    for StreamingConv1d<T, C_IN, C_OUT, K, A, DILATION>
{
    const INPUTS: usize = C_IN;
    const OUTPUTS: usize = C_OUT;
    const INVALID: Option<&'static str> = if K == 0 {
        Some("the kernel size must be at least 1")
    } else if DILATION == 0 {
        Some("the dilation must be at least 1")
    } else {
        None
    };
}

impl<T: Scalar, const C_IN: usize, const C_OUT: usize, const K: usize, A, const DILATION: usize> Parameters<T>
    for StreamingConv1d<T, C_IN, C_OUT, K, A, DILATION>
{
    const PARAMS: usize = C_OUT * C_IN * K + C_OUT;
    const TENSORS: usize = 2;

    fn zeroed() -> Self {
        Self::from_parts([[[T::ZERO; K]; C_IN]; C_OUT], [T::ZERO; C_OUT])
    }
    #[inline]
    fn tensor(&self, index: usize) -> &[T] {
        match index {
            0 => self.weights.as_flattened().as_flattened(),
            1 => &self.bias,
            _ => &[],
        }
    }
    #[inline]
    fn tensor_mut(&mut self, index: usize) -> &mut [T] {
        match index {
            0 => self.weights.as_flattened_mut().as_flattened_mut(),
            1 => &mut self.bias,
            _ => &mut [],
        }
    }
    fn tensor_info(index: usize) -> TensorInfo {
        if index == 0 {
            TensorInfo { name: "weight", kind: TensorKind::Weights, shape: TensorShape::new(&[C_OUT, C_IN, K]) }
        } else {
            TensorInfo { name: "bias", kind: TensorKind::Bias, shape: TensorShape::new(&[C_OUT]) }
        }
    }
}

impl<T: Scalar, const C_IN: usize, const C_OUT: usize, const K: usize, A: Activation, const DILATION: usize>
    Layer<T, C_IN, C_OUT> for StreamingConv1d<T, C_IN, C_OUT, K, A, DILATION>
{
    type Tape = DenseTape<T, C_OUT>;
    type State = ConvHistory<T, C_IN, K, DILATION>;
    const TRAINABLE: bool = false;
    const FINGERPRINT: u64 =
        Fingerprint::new("StreamingConv1d").usize(C_IN).usize(C_OUT).usize(K).usize(DILATION).str(A::FUNCTION).finish();

    fn init<R: Rng + ?Sized>(&mut self, rng: &mut R, init: Init) {
        let init = init.resolve(A::DEFAULT_INIT);
        for w in self.weights.as_flattened_mut().as_flattened_mut() {
            *w = T::from_f64(init.sample_weight(C_IN * K, C_OUT * K, rng));
        }
        for b in &mut self.bias {
            *b = T::from_f64(init.sample_bias(rng));
        }
    }

    #[inline]
    fn forward(&self, x: &[T; C_IN]) -> [T; C_OUT] {
        const { assert!(K > 0 && DILATION > 0, "StreamingConv1d: the kernel size and the dilation must be at least 1") };
        let mut y = [T::ZERO; C_OUT];
        A::apply(&self.first_step(x), &mut y);
        y
    }

    #[inline]
    fn forward_step(&self, state: &mut Self::State, x: &[T; C_IN]) -> [T; C_OUT] {
        const { assert!(K > 0 && DILATION > 0, "StreamingConv1d: the kernel size and the dilation must be at least 1") };
        state.push(x);
        let mut y = [T::ZERO; C_OUT];
        A::apply(&self.pre_activation(state), &mut y);
        y
    }

    /// One step from an empty history (see the type's docs for why the layer is not trained
    /// this way).
    #[inline]
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; C_IN], tape: &mut Self::Tape, _rng: &mut R) {
        const { assert!(K > 0 && DILATION > 0, "StreamingConv1d: the kernel size and the dilation must be at least 1") };
        tape.z = self.first_step(x);
        A::apply(&tape.z, &mut tape.y);
    }

    #[inline(always)]
    fn output(tape: &Self::Tape) -> &[T; C_OUT] {
        &tape.y
    }

    #[inline]
    fn error_signal(&self, tape: &Self::Tape, d_out: &[T; C_OUT]) -> [T; C_OUT] {
        let mut delta = [T::ZERO; C_OUT];
        A::backprop(&tape.z, &tape.y, d_out, &mut delta);
        delta
    }

    /// The gradient of [`Layer::forward_train`]'s function (one step, empty history).
    #[inline]
    fn input_gradient(&self, _x: &[T; C_IN], _tape: &Self::Tape, delta: &[T; C_OUT]) -> [T; C_IN] {
        core::array::from_fn(|c| self.weights.iter().zip(delta).map(|(filter, &d)| filter[c][K - 1] * d).sum())
    }

    /// The gradient of [`Layer::forward_train`]'s function: only the newest tap and the bias.
    #[inline]
    fn add_gradient(&self, x: &[T; C_IN], _tape: &Self::Tape, delta: &[T; C_OUT], grads: &mut Self) {
        for ((filter, b), &d) in grads.weights.iter_mut().zip(&mut grads.bias).zip(delta) {
            *b += d;
            for (taps, &v) in filter.iter_mut().zip(x) {
                taps[K - 1] = d.mul_add(v, taps[K - 1]);
            }
        }
    }
}

impl<T: Scalar, const C_IN: usize, const C_OUT: usize, const K: usize, A: Activation, const DILATION: usize>
    OutputLayer<T, C_IN, C_OUT> for StreamingConv1d<T, C_IN, C_OUT, K, A, DILATION>
{
    type Activation = A;

    #[inline(always)]
    fn pre_activation(tape: &Self::Tape) -> &[T; C_OUT] {
        &tape.z
    }
}

impl<T: Clone, const C_IN: usize, const C_OUT: usize, const K: usize, A, const DILATION: usize> Clone
    for StreamingConv1d<T, C_IN, C_OUT, K, A, DILATION>
{
    fn clone(&self) -> Self {
        Self { weights: self.weights.clone(), bias: self.bias.clone(), activation: PhantomData }
    }
}

impl<T: PartialEq, const C_IN: usize, const C_OUT: usize, const K: usize, A, const DILATION: usize> PartialEq
    for StreamingConv1d<T, C_IN, C_OUT, K, A, DILATION>
{
    fn eq(&self, other: &Self) -> bool {
        self.weights == other.weights && self.bias == other.bias
    }
}

impl<T: Debug, const C_IN: usize, const C_OUT: usize, const K: usize, A, const DILATION: usize> Debug
    for StreamingConv1d<T, C_IN, C_OUT, K, A, DILATION>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let activation = core::any::type_name::<A>().rsplit("::").next().unwrap_or("?");
        f.debug_struct("StreamingConv1d")
            .field("dilation", &DILATION)
            .field("activation", &activation)
            .field("weights", &self.weights)
            .field("bias", &self.bias)
            .finish()
    }
}

impl<
    B: crate::io::ModelBytes,
    T: Scalar,
    const C_IN: usize,
    const C_OUT: usize,
    const K: usize,
    A,
    const DILATION: usize,
> crate::io::ConstDecode<B> for StreamingConv1d<T, C_IN, C_OUT, K, A, DILATION>
where
    [[[T; K]; C_IN]; C_OUT]: crate::io::ConstDecode<B>,
    [T; C_OUT]: crate::io::ConstDecode<crate::io::After<B, [[[T; K]; C_IN]; C_OUT]>>,
{
    const DECODED: Self = Self::from_parts(
        <[[[T; K]; C_IN]; C_OUT] as crate::io::ConstDecode<B>>::DECODED,
        <[T; C_OUT] as crate::io::ConstDecode<crate::io::After<B, [[[T; K]; C_IN]; C_OUT]>>>::DECODED,
    );
}
