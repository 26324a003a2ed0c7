use super::fingerprint::Fingerprint;
use super::{LayerShape, OutputTape};
use crate::__private::Message;
use crate::{Init, Layer, Parameters, Scalar, TensorInfo, TensorKind, TensorShape};
use core::fmt;
use rand::Rng;

/// The parametric ReLU (PyTorch's `nn.PReLU(C)`): a leaky ReLU whose negative slope `a` is
/// learned, one slope per channel. An activation with a parameter is a layer, since activations
/// are parameter-free types.
///
/// ```text
/// y[i] = x[i]          for x[i] > 0       ∂L/∂x[i] = ∂L/∂y[i]·(1 or a[c])
///        a[c]·x[i]     otherwise          ∂L/∂a[c] = Σ_{i in channel c, x[i] ≤ 0} ∂L/∂y[i]·x[i]
/// ```
///
/// Value `i` belongs to channel `c = i mod C`: `C = 1` (the default, PyTorch's default too)
/// shares one slope by all values; `C = N` gives each value its own; after a
/// [`Conv1d`](crate::layer::Conv1d), `C` channels of a time-major sequence share a slope per
/// channel across time, as PyTorch's `nn.PReLU(C)` does on `(…, C, LEN)`. Slopes start at 0.25
/// (PyTorch's default).
///
/// # Shapes
/// | item | type | meaning |
/// |---|---|---|
/// | input `x` | `[T; N]` | |
/// | `weight` | `[T; C]` | the slopes `a`, tensor `weight` (PyTorch's `nn.PReLU.weight`) |
/// | output `y` | `[T; N]` | |
///
/// `C` must divide `N` (a compile error in `network!` otherwise).
///
/// ```
/// use constnet::prelude::*;
/// network! { struct Net<f32> { hidden: Dense<2, 4, Identity>, act: PRelu<4>, out: Dense<4, 1, Sigmoid> } }
/// let act = PRelu::<f32, 4>::from_slopes([0.25]);
/// assert_eq!(act.forward(&[-2.0, -1.0, 0.0, 3.0]), [-0.5, -0.25, 0.0, 3.0]);
/// assert_eq!(Net::PARAMS, 12 + 1 + 5);
/// ```
#[derive(Clone, PartialEq)]
pub struct PRelu<T, const N: usize, const C: usize = 1> {
    /// The negative slopes `a`, one per channel.
    pub weight: [T; C],
}

impl<T: Scalar, const N: usize, const C: usize> PRelu<T, N, C> {
    /// PyTorch's initial slope.
    pub const INITIAL_SLOPE: f64 = 0.25;

    /// A layer from its slopes; usable in `const`/`static`.
    pub const fn from_slopes(weight: [T; C]) -> Self {
        Self { weight }
    }

    /// The slope of value `i`.
    #[inline(always)]
    fn slope(&self, i: usize) -> T {
        self.weight[i % C]
    }
}

impl<T, const N: usize, const C: usize> LayerShape for PRelu<T, N, C> {
    const INPUTS: usize = N;
    const OUTPUTS: usize = N;
    const INVALID: Option<&'static str> = if N == 0 {
        None // `network!` reports the zero width itself.
    } else if C == 0 {
        Some("the number of slopes must be at least 1")
    } else if !N.is_multiple_of(C) {
        Some(Self::PROBLEM.as_str())
    } else {
        None
    };
    const INPUT_CHANNELS: Option<usize> = if C == 1 || C == N { None } else { Some(C) };
    const OUTPUT_CHANNELS: Option<usize> = if C == 1 || C == N { None } else { Some(C) };
}

impl<T, const N: usize, const C: usize> PRelu<T, N, C> {
    /// The message for a channel count that does not divide the width.
    const PROBLEM: Message =
        Message::new().push("the ").number(C).push(" channels do not divide the ").number(N).push(" inputs");
}

impl<T: Scalar, const N: usize, const C: usize> Parameters<T> for PRelu<T, N, C> {
    const PARAMS: usize = C;
    const TENSORS: usize = 1;

    fn zeroed() -> Self {
        Self { weight: [T::ZERO; C] }
    }
    #[inline]
    fn tensor(&self, index: usize) -> &[T] {
        if index == 0 { &self.weight } else { &[] }
    }
    #[inline]
    fn tensor_mut(&mut self, index: usize) -> &mut [T] {
        if index == 0 { &mut self.weight } else { &mut [] }
    }
    fn tensor_info(_index: usize) -> TensorInfo {
        TensorInfo { name: "weight", kind: TensorKind::Weights, shape: TensorShape::new(&[C]) }
    }
}

impl<T: Scalar, const N: usize, const C: usize> Layer<T, N, N> for PRelu<T, N, C> {
    type Tape = OutputTape<T, N>;
    type State = ();
    const FINGERPRINT: u64 = Fingerprint::new("PRelu").usize(N).usize(C).finish();

    /// Every slope 0.25, whatever the scheme (as PyTorch does).
    fn init<R: Rng + ?Sized>(&mut self, _rng: &mut R, _init: Init) {
        self.weight = [T::from_f64(Self::INITIAL_SLOPE); C];
    }

    #[inline]
    fn forward(&self, x: &[T; N]) -> [T; N] {
        const { assert!(C > 0 && N.is_multiple_of(C), "PRelu: the number of slopes C must divide N") };
        core::array::from_fn(|i| if x[i] > T::ZERO { x[i] } else { self.slope(i) * x[i] })
    }

    #[inline]
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; N], tape: &mut Self::Tape, _rng: &mut R) {
        tape.y = self.forward(x);
    }

    #[inline(always)]
    fn output(tape: &Self::Tape) -> &[T; N] {
        &tape.y
    }

    #[inline]
    fn input_gradient(&self, x: &[T; N], _tape: &Self::Tape, d_out: &[T; N]) -> [T; N] {
        core::array::from_fn(|i| if x[i] > T::ZERO { d_out[i] } else { self.slope(i) * d_out[i] })
    }

    #[inline]
    fn add_gradient(&self, x: &[T; N], _tape: &Self::Tape, d_out: &[T; N], grads: &mut Self) {
        for i in 0..N {
            if x[i] <= T::ZERO {
                grads.weight[i % C] = d_out[i].mul_add(x[i], grads.weight[i % C]);
            }
        }
    }
}

impl<T: fmt::Debug, const N: usize, const C: usize> fmt::Debug for PRelu<T, N, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PRelu").field("width", &N).field("weight", &self.weight).finish()
    }
}

impl<B: crate::io::ModelBytes, T: Scalar, const N: usize, const C: usize> crate::io::ConstDecode<B> for PRelu<T, N, C>
where
    [T; C]: crate::io::ConstDecode<B>,
{
    const DECODED: Self = Self::from_slopes(<[T; C] as crate::io::ConstDecode<B>>::DECODED);
}
