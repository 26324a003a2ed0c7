//! Pooling over time for time-major sequences: [`MaxPool1d`], [`AvgPool1d`] and their global
//! forms [`GlobalMaxPool1d`], [`GlobalAvgPool1d`].

use super::LayerShape;
use super::fingerprint::Fingerprint;
use crate::__private::Message;
use crate::{Layer, Parameters, Scalar};
use core::fmt;
use core::marker::PhantomData;
use rand::Rng;

/// What a layer that needs only its output for back-propagation records (the pooling layers,
/// [`PRelu`](crate::layer::PRelu)): the output.
#[derive(Clone, Debug, PartialEq)]
pub struct OutputTape<T, const N: usize> {
    /// The output.
    pub y: [T; N],
}

impl<T: Scalar, const N: usize> Default for OutputTape<T, N> {
    fn default() -> Self {
        Self { y: [T::ZERO; N] }
    }
}

/// The shape of a pooling layer in `const` context; `None` for the output length when the
/// parameters are invalid.
const fn pool_problem(len: usize, c: usize, pool: usize, stride: usize) -> Option<Message> {
    if len == 0 || c == 0 {
        None // `network!` reports the zero width itself.
    } else if pool == 0 {
        Some(Message::new().push("the pool size must be at least 1"))
    } else if stride == 0 {
        Some(Message::new().push("the stride must be at least 1"))
    } else if pool > len {
        Some(Message::new().push("the pool spans ").number(pool).push(" time steps but the input has ").number(len))
    } else if stride == pool && !len.is_multiple_of(pool) {
        let rest = len % pool;
        Some(
            Message::new()
                .push("the pool size ")
                .number(pool)
                .push(" does not divide the ")
                .number(len)
                .push(" time steps (")
                .number(rest)
                .push(" left over); use an input of ")
                .number(len - rest)
                .push(" or ")
                .number(len - rest + pool)
                .push(" time steps"),
        )
    } else if !(len - pool).is_multiple_of(stride) {
        let unread = (len - pool) % stride;
        Some(
            Message::new()
                .push("stride ")
                .number(stride)
                .push(" leaves the last ")
                .number(unread)
                .push(" of ")
                .number(len)
                .push(" time steps unread; use an input of ")
                .number(len - unread)
                .push(" or ")
                .number(len - unread + stride)
                .push(" time steps"),
        )
    } else {
        None
    }
}

/// Output time steps of a pool: `(LEN − POOL)/STRIDE + 1`, 0 when it does not fit.
const fn pool_len_out(len: usize, pool: usize, stride: usize) -> usize {
    if pool <= len && stride > 0 && pool > 0 { (len - pool) / stride + 1 } else { 0 }
}

/// `x` seen as `L` frames of `C` values (`N = L·C`, asserted where the layer is checked).
#[inline(always)]
fn frames<T, const N: usize, const C: usize, const L: usize>(x: &[T; N]) -> &[[T; C]; L] {
    match x.as_chunks::<C>().0.first_chunk::<L>() {
        Some(frames) => frames,
        None => unreachable!("the layer's widths are checked at compile time"),
    }
}

/// The same pooling shape code for both kinds of pool.
macro_rules! pool_layer {
    ($name:ident, $kind:literal) => {
        impl<T, const LEN: usize, const C: usize, const POOL: usize, const STRIDE: usize>
            $name<T, LEN, C, POOL, STRIDE>
        {
            /// The layer (it has no parameters).
            pub const NEW: Self = Self(PhantomData);
            /// Output time steps: `(LEN − POOL)/STRIDE + 1`.
            pub const LEN_OUT: usize = pool_len_out(LEN, POOL, STRIDE);
            /// What is wrong with the const parameters, if anything.
            const PROBLEM: Option<Message> = pool_problem(LEN, C, POOL, STRIDE);

            /// Panics at compile time (when the layer is used) if the parameters are invalid or
            /// `IN`, `OUT` are not the layer's widths.
            const fn check<const IN: usize, const OUT: usize>() {
                if let Some(problem) = &Self::PROBLEM {
                    panic!("{}", problem.as_str());
                }
                let (inputs, outputs) = (LEN * C, Self::LEN_OUT * C);
                if IN != inputs || OUT != outputs {
                    let message = Message::new()
                        .push(concat!($kind, " takes "))
                        .number(inputs)
                        .push(" values (LEN·C) and gives ")
                        .number(outputs)
                        .push(" (LEN_OUT·C), not ")
                        .number(IN)
                        .push(" and ")
                        .number(OUT);
                    panic!("{}", message.as_str());
                }
            }
        }

        impl<T, const LEN: usize, const C: usize, const POOL: usize, const STRIDE: usize> LayerShape
            for $name<T, LEN, C, POOL, STRIDE>
        {
            const INPUTS: usize = LEN * C;
            const OUTPUTS: usize = Self::LEN_OUT * C;
            const INVALID: Option<&'static str> = match &Self::PROBLEM {
                Some(problem) => Some(problem.as_str()),
                None => None,
            };
            const INPUT_CHANNELS: Option<usize> = Some(C);
            const OUTPUT_CHANNELS: Option<usize> = Some(C);
        }

        impl<T: Scalar, const LEN: usize, const C: usize, const POOL: usize, const STRIDE: usize> Parameters<T>
            for $name<T, LEN, C, POOL, STRIDE>
        {
            fn zeroed() -> Self {
                Self::NEW
            }
        }

        impl<B: crate::io::ModelBytes, T, const LEN: usize, const C: usize, const POOL: usize, const STRIDE: usize>
            crate::io::ConstDecode<B> for $name<T, LEN, C, POOL, STRIDE>
        {
            const DECODED: Self = Self::NEW;
        }

        impl<T, const LEN: usize, const C: usize, const POOL: usize, const STRIDE: usize> Clone
            for $name<T, LEN, C, POOL, STRIDE>
        {
            fn clone(&self) -> Self {
                Self::NEW
            }
        }

        impl<T, const LEN: usize, const C: usize, const POOL: usize, const STRIDE: usize> PartialEq
            for $name<T, LEN, C, POOL, STRIDE>
        {
            fn eq(&self, _other: &Self) -> bool {
                true
            }
        }

        impl<T, const LEN: usize, const C: usize, const POOL: usize, const STRIDE: usize> Default
            for $name<T, LEN, C, POOL, STRIDE>
        {
            fn default() -> Self {
                Self::NEW
            }
        }

        impl<T, const LEN: usize, const C: usize, const POOL: usize, const STRIDE: usize> fmt::Debug
            for $name<T, LEN, C, POOL, STRIDE>
        {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct($kind)
                    .field("len", &LEN)
                    .field("channels", &C)
                    .field("pool", &POOL)
                    .field("stride", &STRIDE)
                    .finish()
            }
        }
    };
}

/// Max pooling over time (PyTorch's `nn.MaxPool1d(POOL, STRIDE)`): each channel's largest value
/// in every window of `POOL` time steps, windows `STRIDE` apart (by default `POOL`: side by
/// side, no overlap).
///
/// ```text
/// y[j][c] = max_{p < POOL} x[j·STRIDE + p][c]       ∂L/∂x flows to the first maximum of each window
/// ```
///
/// A NaN in a window is its maximum, so it propagates, as in PyTorch.
///
/// # Shapes
/// input `[T; LEN·C]` (time-major, see [`Conv1d`](crate::layer::Conv1d)), output
/// `[T; LEN_OUT·C]` with `LEN_OUT = (LEN − POOL)/STRIDE + 1` ([`MaxPool1d::LEN_OUT`]). In
/// `network!` a pool longer than the input, a stride that leaves input steps unread
/// (`(LEN − POOL) % STRIDE ≠ 0`), a pool or stride of 0, and a previous layer with other
/// than `C` channels are compile errors at the declaration.
///
/// ```
/// use constnet::prelude::*;
/// // 4 time steps of 2 channels, pooled in pairs.
/// let y: [f32; 4] = MaxPool1d::<f32, 4, 2, 2>::NEW.forward(&[1.0, -1.0, 3.0, -2.0, 0.0, 5.0, -4.0, 4.0]);
/// assert_eq!(y, [3.0, -1.0, 0.0, 5.0]);
/// ```
pub struct MaxPool1d<T, const LEN: usize, const C: usize, const POOL: usize, const STRIDE: usize = POOL>(
    PhantomData<fn() -> T>,
);

/// Average pooling over time (PyTorch's `nn.AvgPool1d(POOL, STRIDE)`): each channel's mean over
/// every window of `POOL` time steps, windows `STRIDE` apart (by default `POOL`).
///
/// ```text
/// y[j][c] = (1/POOL)·Σ_{p < POOL} x[j·STRIDE + p][c]     ∂L/∂x[t][c] = Σ_{windows j ∋ t} ∂L/∂y[j][c] / POOL
/// ```
///
/// # Shapes
/// As [`MaxPool1d`]: input `[T; LEN·C]`, output `[T; LEN_OUT·C]`, `LEN_OUT = (LEN − POOL)/STRIDE + 1`.
///
/// ```
/// use constnet::prelude::*;
/// let y: [f32; 2] = AvgPool1d::<f32, 4, 1, 2>::NEW.forward(&[1.0, 3.0, -2.0, 4.0]);
/// assert_eq!(y, [2.0, 1.0]);
/// ```
pub struct AvgPool1d<T, const LEN: usize, const C: usize, const POOL: usize, const STRIDE: usize = POOL>(
    PhantomData<fn() -> T>,
);

/// Global average pooling over time: each channel's mean over all `LEN` time steps, `[T; LEN·C]`
/// to `[T; C]` (PyTorch's `nn.AdaptiveAvgPool1d(1)`, or `x.mean(dim=-1)`). The usual bridge
/// from convolutions to a classifier head: its output does not depend on where in the window a
/// pattern occurs.
///
/// ```
/// use constnet::prelude::*;
/// let y: [f32; 2] = GlobalAvgPool1d::<f32, 3, 2>::NEW.forward(&[1.0, 0.0, 2.0, 3.0, 3.0, 6.0]);
/// assert_eq!(y, [2.0, 3.0]);
/// ```
pub type GlobalAvgPool1d<T, const LEN: usize, const C: usize> = AvgPool1d<T, LEN, C, LEN, LEN>;

/// Global max pooling over time: each channel's largest value over all `LEN` time steps,
/// `[T; LEN·C]` to `[T; C]` (PyTorch's `nn.AdaptiveMaxPool1d(1)`): "did the pattern occur
/// anywhere in the window".
///
/// ```
/// use constnet::prelude::*;
/// let y: [f32; 2] = GlobalMaxPool1d::<f32, 3, 2>::NEW.forward(&[1.0, 0.0, 2.0, 3.0, 3.0, 6.0]);
/// assert_eq!(y, [3.0, 6.0]);
/// ```
pub type GlobalMaxPool1d<T, const LEN: usize, const C: usize> = MaxPool1d<T, LEN, C, LEN, LEN>;

pool_layer!(MaxPool1d, "MaxPool1d");
pool_layer!(AvgPool1d, "AvgPool1d");

impl<T, const LEN: usize, const C: usize, const POOL: usize, const STRIDE: usize> MaxPool1d<T, LEN, C, POOL, STRIDE> {
    /// The time step of the first maximum of channel `c` in window `j`; a NaN counts as the
    /// maximum (PyTorch's rule), so it propagates.
    #[inline(always)]
    fn argmax(x: &[[T; C]; LEN], j: usize, c: usize) -> usize
    where
        T: Scalar,
    {
        let start = j * STRIDE;
        let mut best = start;
        for t in start + 1..start + POOL {
            let (v, m) = (x[t][c], x[best][c]);
            #[allow(clippy::eq_op)] // `v != v` is the NaN test that needs no `Float` bound
            if v > m || v != v {
                best = t;
                if v != v {
                    break;
                }
            }
        }
        best
    }
}

impl<
    T: Scalar,
    const LEN: usize,
    const C: usize,
    const POOL: usize,
    const STRIDE: usize,
    const IN: usize,
    const OUT: usize,
> Layer<T, IN, OUT> for MaxPool1d<T, LEN, C, POOL, STRIDE>
{
    type Tape = OutputTape<T, OUT>;
    type State = ();
    const FINGERPRINT: u64 = Fingerprint::new("MaxPool1d").usize(LEN).usize(C).usize(POOL).usize(STRIDE).finish();

    #[inline]
    fn forward(&self, x: &[T; IN]) -> [T; OUT] {
        const { Self::check::<IN, OUT>() };
        let xf: &[[T; C]; LEN] = frames(x);
        let mut y = [T::ZERO; OUT];
        for (j, yj) in y.as_chunks_mut::<C>().0.iter_mut().enumerate() {
            for (c, v) in yj.iter_mut().enumerate() {
                *v = xf[Self::argmax(xf, j, c)][c];
            }
        }
        y
    }

    #[inline]
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; IN], tape: &mut Self::Tape, _rng: &mut R) {
        tape.y = self.forward(x);
    }

    #[inline(always)]
    fn output(tape: &Self::Tape) -> &[T; OUT] {
        &tape.y
    }

    /// Each window's gradient goes to its (first) maximum, found again from `x`.
    #[inline]
    fn input_gradient(&self, x: &[T; IN], _tape: &Self::Tape, d_out: &[T; OUT]) -> [T; IN] {
        const { Self::check::<IN, OUT>() };
        let xf: &[[T; C]; LEN] = frames(x);
        let mut dx = [T::ZERO; IN];
        let dxf = dx.as_chunks_mut::<C>().0;
        for (j, dj) in d_out.as_chunks::<C>().0.iter().enumerate() {
            for (c, &d) in dj.iter().enumerate() {
                dxf[Self::argmax(xf, j, c)][c] += d;
            }
        }
        dx
    }
}

impl<
    T: Scalar,
    const LEN: usize,
    const C: usize,
    const POOL: usize,
    const STRIDE: usize,
    const IN: usize,
    const OUT: usize,
> Layer<T, IN, OUT> for AvgPool1d<T, LEN, C, POOL, STRIDE>
{
    type Tape = OutputTape<T, OUT>;
    type State = ();
    const FINGERPRINT: u64 = Fingerprint::new("AvgPool1d").usize(LEN).usize(C).usize(POOL).usize(STRIDE).finish();

    #[inline]
    fn forward(&self, x: &[T; IN]) -> [T; OUT] {
        const { Self::check::<IN, OUT>() };
        let xf: &[[T; C]; LEN] = frames(x);
        let pool = T::from_f64(POOL as f64);
        let mut y = [T::ZERO; OUT];
        for (j, yj) in y.as_chunks_mut::<C>().0.iter_mut().enumerate() {
            let mut sum = [T::ZERO; C];
            for frame in &xf[j * STRIDE..j * STRIDE + POOL] {
                for (s, &v) in sum.iter_mut().zip(frame) {
                    *s += v;
                }
            }
            for (v, s) in yj.iter_mut().zip(sum) {
                *v = s / pool;
            }
        }
        y
    }

    #[inline]
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; IN], tape: &mut Self::Tape, _rng: &mut R) {
        tape.y = self.forward(x);
    }

    #[inline(always)]
    fn output(tape: &Self::Tape) -> &[T; OUT] {
        &tape.y
    }

    #[inline]
    fn input_gradient(&self, _x: &[T; IN], _tape: &Self::Tape, d_out: &[T; OUT]) -> [T; IN] {
        const { Self::check::<IN, OUT>() };
        let scale = T::ONE / T::from_f64(POOL as f64);
        let mut dx = [T::ZERO; IN];
        let dxf = dx.as_chunks_mut::<C>().0;
        for (j, dj) in d_out.as_chunks::<C>().0.iter().enumerate() {
            for frame in &mut dxf[j * STRIDE..j * STRIDE + POOL] {
                for (v, &d) in frame.iter_mut().zip(dj) {
                    *v = d.mul_add(scale, *v);
                }
            }
        }
        dx
    }
}
