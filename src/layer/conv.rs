//! One-dimensional convolution over time-major sequences: [`Conv1d`] on whole windows (trained
//! like any layer) and its streaming twin [`StreamingConv1d`] (one time step per call).

use super::fingerprint::Fingerprint;
use super::{DenseTape, LayerShape, OutputLayer};
use crate::__private::Message;
use crate::{Activation, Identity, Init, Layer, Parameters, Scalar, TensorInfo, TensorKind, TensorShape};
use core::fmt::{self, Debug};
use core::marker::PhantomData;
use rand::Rng;

/// How a [`Conv1d`] pads its input in time: a type, chosen in the layer's type
/// (`Conv1d<64, 1, 8, 5, Relu, Causal>`). Implemented by [`Valid`], [`Causal`] and [`Same`]
/// (and only by them: the convolution's arithmetic knows these three).
pub trait Padding: sealed::Sealed + Copy + Debug + Default + PartialEq + Send + Sync + 'static {
    /// The padding's name, for fingerprints and `Debug` output.
    const NAME: &'static str;
}

mod sealed {
    /// Where the zeros go, readable in `const` context.
    #[derive(Clone, Copy, PartialEq, Eq)]
    pub enum Mode {
        Valid,
        Causal,
        Same,
    }

    pub trait Sealed {
        const MODE: Mode;
    }
}

use sealed::{Mode, Sealed};

/// No padding (PyTorch's `padding=0`, `'valid'`): every output sees `K` real inputs, and the
/// output is `dilation·(K − 1)` time steps shorter than the input (before striding).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Valid;

/// `dilation·(K − 1)` zeros before the input and none after: output `t` sees inputs up to `t`
/// and never later ones, and (stride 1) the output is as long as the input. What streaming audio
/// and sensor models need: [`StreamingConv1d`](crate::StreamingConv1d) computes the same outputs one time step at a time.
/// PyTorch has no such mode; it is `F.pad(x, (dilation·(K − 1), 0))` followed by a valid
/// convolution (WaveNet and TCNs are built this way).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Causal;

/// Zeros on both sides so that the output is as long as the input (PyTorch's `padding='same'`:
/// `⌊dilation·(K − 1)/2⌋` before and the rest after). Stride 1 only, as in PyTorch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Same;

impl Sealed for Valid {
    const MODE: Mode = Mode::Valid;
}
impl Sealed for Causal {
    const MODE: Mode = Mode::Causal;
}
impl Sealed for Same {
    const MODE: Mode = Mode::Same;
}
impl Padding for Valid {
    const NAME: &'static str = "valid";
}
impl Padding for Causal {
    const NAME: &'static str = "causal";
}
impl Padding for Same {
    const NAME: &'static str = "same";
}

/// A one-dimensional convolution with `C_OUT` filters of `K` taps over `C_IN` channels, on a
/// window of `LEN` time steps (PyTorch's `nn.Conv1d`), then the activation `A`:
///
/// ```text
/// z[t][o] = b[o] + Σ_k Σ_c W[o][c][k] · x̃[t·STRIDE + k·DILATION][c]        y[t][o] = A(z[t][o])
/// ```
///
/// where `x̃` is the input with the padding `P` ([`Valid`], [`Causal`], [`Same`]) of zeros
/// around it. Back-propagation, with `δ = ∂L/∂z`:
///
/// ```text
/// ∂L/∂W[o][c][k] = Σ_t δ[t][o] · x̃[t·STRIDE + k·DILATION][c]      ∂L/∂b[o] = Σ_t δ[t][o]
/// ∂L/∂x̃[t·STRIDE + k·DILATION][c] += Σ_o W[o][c][k] · δ[t][o]    (the padding's share is dropped)
/// ```
///
/// # Shapes
/// Sequences are **time-major** and flat, so a convolution, a pooling layer and a [`Dense`](crate::Dense)
/// layer chain without any reshaping layer: `[[T; C]; LEN]` is stored as `[T; LEN·C]`, time step
/// `t`'s channels at `t·C .. t·C + C`.
///
/// | item | type | meaning |
/// |---|---|---|
/// | input `x` | `[T; LEN·C_IN]` | `LEN` time steps of `C_IN` channels |
/// | `weights` | `[[[T; K]; C_IN]; C_OUT]` | tensor `weight`, PyTorch's shape `[C_OUT, C_IN, K]` |
/// | `bias` | `[T; C_OUT]` | tensor `bias` |
/// | output `y` | `[T; LEN_OUT·C_OUT]` | `LEN_OUT` time steps of `C_OUT` channels |
///
/// `LEN_OUT = (LEN + padding − DILATION·(K − 1) − 1) / STRIDE + 1` is [`Conv1d::LEN_OUT`]
/// (`LEN` for [`Causal`] and [`Same`] with stride 1). Stable Rust cannot compute it in a type, so
/// the layer implements [`Layer<T, IN, OUT>`](Layer) for the widths in its [`LayerShape`] —
/// which `network!` reads — and a hand-wired call names the output width
/// (`let y: [f32; 60 * 8] = conv.forward(&x);`; any other width is a compile error).
///
/// # Memory
/// The layer is its weights and biases (`size_of` is `PARAMS` scalars). Inference needs the
/// input and the output and a tap-major copy of at most 4 KiB of the weights on the stack: all
/// of them, one tap's, or one column `W[·][c][k]` (see [`Conv1d::pre_activation`]). A training
/// tape holds the pre-activation and the output (`2·LEN_OUT·C_OUT` scalars).
///
/// # Compile-time checks
/// In `network!`, each of these is one error at the layer's declaration, naming the layer:
/// a kernel (dilated) longer than the padded input, a stride that leaves input steps unread
/// (`(LEN + padding − DILATION·(K − 1) − 1) % STRIDE ≠ 0`; PyTorch would silently drop them), a
/// kernel, stride or dilation of 0, [`Same`] with a stride other than 1, and a previous layer
/// whose channels differ from `C_IN` (see [`LayerShape::INPUT_CHANNELS`]).
///
/// ```
/// use constnet::prelude::*;
/// network! {
///     /// 64 samples of one channel → 8 features → 4 classes.
///     struct Net<f32> {
///         conv: Conv1d<64, 1, 8, 5, Relu>,     // 64 × 1 → 60 × 8
///         pool: MaxPool1d<60, 8, 4>,           // → 15 × 8
///         conv2: Conv1d<15, 8, 8, 3, Relu>,    // → 13 × 8
///         gap: GlobalAvgPool1d<13, 8>,         // → 8
///         out: Dense<8, 4, Softmax>,
///     }
/// }
/// assert_eq!(Net::PARAMS, (8 * 5 + 8) + (8 * 8 * 3 + 8) + (8 * 4 + 4));
/// let p = Net::zeroed().forward(&[0.5; 64]);
/// assert_eq!(p, [0.25; 4]);
/// ```
pub struct Conv1d<
    T,
    const LEN: usize,
    const C_IN: usize,
    const C_OUT: usize,
    const K: usize,
    A = Identity,
    P: Padding = Valid,
    const STRIDE: usize = 1,
    const DILATION: usize = 1,
> {
    /// `W`: `weights[o][c][k]` is tap `k` of filter `o` on input channel `c`.
    pub weights: [[[T; K]; C_IN]; C_OUT],
    /// `b`: one bias per filter.
    pub bias: [T; C_OUT],
    kind: PhantomData<(A, P)>,
}

/// The geometry of a convolution in time, in `const` context: `network!` reads it through
/// [`LayerShape`], and the arithmetic uses the same numbers.
#[derive(Clone, Copy, Debug)]
struct Geometry {
    /// Time steps one output sees: `DILATION·(K − 1) + 1`.
    span: usize,
    /// Zeros before the input.
    left: usize,
    /// Input length with the padding on both sides.
    padded: usize,
    /// Output time steps (0 when the kernel does not fit).
    len_out: usize,
}

impl Geometry {
    const fn new(len: usize, k: usize, stride: usize, dilation: usize, mode: Mode) -> Self {
        let span = dilation * k.saturating_sub(1) + 1;
        let total = span - 1;
        let (left, right) = match mode {
            Mode::Valid => (0, 0),
            Mode::Causal => (total, 0),
            Mode::Same => (total / 2, total - total / 2),
        };
        let padded = len + left + right;
        let len_out = if padded >= span && stride > 0 { (padded - span) / stride + 1 } else { 0 };
        Self { span, left, padded, len_out }
    }
}

impl<
    T,
    const LEN: usize,
    const C_IN: usize,
    const C_OUT: usize,
    const K: usize,
    A,
    P: Padding,
    const STRIDE: usize,
    const DILATION: usize,
> Conv1d<T, LEN, C_IN, C_OUT, K, A, P, STRIDE, DILATION>
{
    /// Span, padding and output length in time.
    const GEOMETRY: Geometry = Geometry::new(LEN, K, STRIDE, DILATION, P::MODE);
    /// Output time steps: `(LEN + padding − DILATION·(K − 1) − 1) / STRIDE + 1`.
    pub const LEN_OUT: usize = Self::GEOMETRY.len_out;
    /// Input width, `LEN·C_IN`.
    pub const INPUTS: usize = LEN * C_IN;
    /// Output width, `LEN_OUT·C_OUT`.
    pub const OUTPUTS: usize = Self::LEN_OUT * C_OUT;
    /// Number of scalars: `C_OUT·C_IN·K + C_OUT`.
    pub const PARAMS: usize = C_OUT * C_IN * K + C_OUT;

    /// What is wrong with the const parameters, if anything.
    const PROBLEM: Option<Message> = {
        let g = Self::GEOMETRY;
        if LEN == 0 || C_IN == 0 || C_OUT == 0 {
            None // `network!` reports the zero width itself.
        } else if K == 0 {
            Some(Message::new().push("the kernel size must be at least 1"))
        } else if STRIDE == 0 {
            Some(Message::new().push("the stride must be at least 1"))
        } else if DILATION == 0 {
            Some(Message::new().push("the dilation must be at least 1"))
        } else if matches!(P::MODE, Mode::Same) && STRIDE != 1 {
            Some(Message::new().push("`Same` padding needs stride 1 (as in PyTorch)"))
        } else if g.span > g.padded {
            Some(
                Message::new()
                    .push("the kernel spans ")
                    .number(g.span)
                    .push(" time steps but the input has ")
                    .number(LEN),
            )
        } else if !(g.padded - g.span).is_multiple_of(STRIDE) {
            let unread = (g.padded - g.span) % STRIDE;
            Some(
                Message::new()
                    .push("stride ")
                    .number(STRIDE)
                    .push(" leaves the last ")
                    .number(unread)
                    .push(" of ")
                    .number(LEN)
                    .push(" time steps unread; use an input of ")
                    .number(LEN - unread)
                    .push(" or ")
                    .number(LEN - unread + STRIDE)
                    .push(" time steps"),
            )
        } else {
            None
        }
    };

    /// Panics at compile time (when the layer is used) if the parameters are invalid or `IN`,
    /// `OUT` are not the layer's widths.
    const fn check<const IN: usize, const OUT: usize>() {
        if let Some(problem) = &Self::PROBLEM {
            panic!("{}", problem.as_str());
        }
        if IN != Self::INPUTS || OUT != Self::OUTPUTS {
            let message = Message::new()
                .push("Conv1d takes ")
                .number(Self::INPUTS)
                .push(" values (LEN·C_IN) and gives ")
                .number(Self::OUTPUTS)
                .push(" (LEN_OUT·C_OUT), not ")
                .number(IN)
                .push(" and ")
                .number(OUT);
            panic!("{}", message.as_str());
        }
    }
}

impl<
    T,
    const LEN: usize,
    const C_IN: usize,
    const C_OUT: usize,
    const K: usize,
    A,
    P: Padding,
    const STRIDE: usize,
    const DILATION: usize,
> LayerShape for Conv1d<T, LEN, C_IN, C_OUT, K, A, P, STRIDE, DILATION>
{
    const INPUTS: usize = LEN * C_IN;
    const OUTPUTS: usize = Self::LEN_OUT * C_OUT;
    const INVALID: Option<&'static str> = match &Self::PROBLEM {
        Some(problem) => Some(problem.as_str()),
        None => None,
    };
    const INPUT_CHANNELS: Option<usize> = Some(C_IN);
    const OUTPUT_CHANNELS: Option<usize> = Some(C_OUT);
}

/// Weights up to this size (all of a layer's, or one tap's) are copied tap-major onto the stack
/// by [`Conv1d::pre_activation`].
const TAP_MAJOR_BYTES: usize = 4096;

/// `x` seen as `L` frames of `C` values (`N = L·C`, asserted where the layer is checked).
#[inline(always)]
fn frames<T, const N: usize, const C: usize, const L: usize>(x: &[T; N]) -> &[[T; C]; L] {
    match x.as_chunks::<C>().0.first_chunk::<L>() {
        Some(frames) => frames,
        None => unreachable!("the layer's widths are checked at compile time"),
    }
}

/// `x` seen as `L` frames of `C` values, mutably.
#[inline(always)]
fn frames_mut<T, const N: usize, const C: usize, const L: usize>(x: &mut [T; N]) -> &mut [[T; C]; L] {
    match x.as_chunks_mut::<C>().0.first_chunk_mut::<L>() {
        Some(frames) => frames,
        None => unreachable!("the layer's widths are checked at compile time"),
    }
}

impl<
    T: Scalar,
    const LEN: usize,
    const C_IN: usize,
    const C_OUT: usize,
    const K: usize,
    A,
    P: Padding,
    const STRIDE: usize,
    const DILATION: usize,
> Conv1d<T, LEN, C_IN, C_OUT, K, A, P, STRIDE, DILATION>
{
    /// A layer from its weights (`weights[o][c][k]`, PyTorch's layout) and biases; usable in
    /// `const`/`static`.
    pub const fn from_parts(weights: [[[T; K]; C_IN]; C_OUT], bias: [T; C_OUT]) -> Self {
        Self { weights, bias, kind: PhantomData }
    }

    /// Draws the weights with `init` (fan-in `C_IN·K`, fan-out `C_OUT·K`, PyTorch's convention;
    /// [`Init::Default`] resolved for the activation) and the biases, in place. The same as
    /// [`Layer::init`], callable without naming the layer's widths.
    pub fn init<R: Rng + ?Sized>(&mut self, rng: &mut R, init: Init)
    where
        A: Activation,
    {
        let init = init.resolve(A::DEFAULT_INIT);
        for w in self.weights.as_flattened_mut().as_flattened_mut() {
            *w = T::from_f64(init.sample_weight(C_IN * K, C_OUT * K, rng));
        }
        for b in &mut self.bias {
            *b = T::from_f64(init.sample_bias(rng));
        }
    }

    /// The output steps whose tap `k` reads the input rather than the padding, and the input
    /// step output `lo` reads (output `j` reads input `first + (j − lo)·STRIDE`).
    #[inline(always)]
    fn tap_range(k: usize, len_out: usize) -> (core::ops::Range<usize>, usize) {
        let (offset, left) = (k * DILATION, Self::GEOMETRY.left);
        let lo = if left > offset { (left - offset).div_ceil(STRIDE) } else { 0 };
        let hi = if LEN + left > offset { (LEN + left - offset).div_ceil(STRIDE).min(len_out) } else { 0 };
        (lo..hi.max(lo), (lo * STRIDE + offset).saturating_sub(left))
    }

    /// Tap `k` of every filter on input channel `c`: `W[·][c][k]`, gathered once per call.
    #[inline(always)]
    fn tap_column(weights: &[[[T; K]; C_IN]; C_OUT], c: usize, k: usize) -> [T; C_OUT] {
        core::array::from_fn(|o| weights[o][c][k])
    }

    /// Tap `k`'s `C_IN` columns `W[·][c][k]`, gathered in one pass over the weights.
    #[inline(always)]
    fn tap_columns(weights: &[[[T; K]; C_IN]; C_OUT], k: usize) -> [[T; C_OUT]; C_IN] {
        let mut columns = [[T::ZERO; C_OUT]; C_IN];
        for (o, filter) in weights.iter().enumerate() {
            for (column, taps) in columns.iter_mut().zip(filter) {
                column[o] = taps[k];
            }
        }
        columns
    }

    /// Whether all the layer's weights fit the stack copy of [`TAP_MAJOR_BYTES`].
    const ALL_TAPS_FIT: bool = K * C_IN * C_OUT * core::mem::size_of::<T>() <= TAP_MAJOR_BYTES;
    /// Whether one tap's weights (`C_IN·C_OUT` scalars) fit it.
    const ONE_TAP_FITS: bool = C_IN * C_OUT * core::mem::size_of::<T>() <= TAP_MAJOR_BYTES;

    /// Output steps summed together by [`Conv1d::pre_activation`]: their sums stay in registers
    /// while each weight column is loaded once for all of them, and they are independent
    /// chains of multiply-adds, where one step alone waits `C_IN·K` multiply-add latencies. The
    /// largest power of two up to 8 whose sums take at most 384 bytes, twelve AVX registers
    /// (measured on a 64 × 1 → 8, 8 → 12, 16 → 16 and 32 → 32 layer: 16 registers spilled, 8
    /// left a 12-filter layer 20% slower); one step on targets without SIMD, whose registers
    /// one step's sums already fill. The weight gradient groups as many input channels.
    const STEP_TILE: usize = {
        let simd = cfg!(any(target_arch = "x86_64", target_arch = "aarch64"));
        let sums = C_OUT * core::mem::size_of::<T::Accumulator>();
        let fit = if simd && sums > 0 { 384 / sums } else { 1 };
        if fit >= 8 {
            8
        } else if fit >= 4 {
            4
        } else if fit >= 2 {
            2
        } else {
            1
        }
    };

    /// The output steps whose every tap reads the input, not the padding: all of them for
    /// [`Valid`] padding, all but the first and last few for [`Causal`] and [`Same`].
    const INTERIOR: core::ops::Range<usize> = {
        let g = Self::GEOMETRY;
        let lo = if STRIDE == 0 { 0 } else { g.left.div_ceil(STRIDE) };
        // Step j's last tap reads input j·STRIDE + span − 1 − left, which must be < LEN.
        let hi = if STRIDE == 0 || LEN + g.left < g.span { 0 } else { (LEN + g.left - g.span) / STRIDE + 1 };
        let hi = if hi < g.len_out { hi } else { g.len_out };
        if lo < hi { lo..hi } else { 0..0 }
    };

    /// The pre-activation `z = b + W ⋆ x` (time-major, `LEN_OUT × C_OUT`).
    ///
    /// The sums run across the `C_OUT` filters, `z[j] += x[j·STRIDE + k·DILATION][c] · W[·][c][k]`,
    /// so they vectorise; the stored layout `[C_OUT][C_IN][K]` keeps a tap's weights `C_IN·K`
    /// apart, so they are gathered first into columns `W[·][c][k]`:
    ///
    /// - weights of up to 4 KiB: all columns at once onto the stack; the steps whose taps all
    ///   read the input are summed up to 8 at a time in registers through every tap, the few
    ///   next to the padding one by one;
    /// - bigger layers: tap by tap, that tap's `C_IN` columns onto the stack if they take at
    ///   most 4 KiB, else one column at a time, each applied to the steps it reads the input
    ///   for, several steps at a time, the sums kept in the output.
    ///
    /// Every sum adds the taps in the same order (tap by tap, channel by channel) on every
    /// path, the order [`StreamingConv1d`](crate::StreamingConv1d) uses too, so all give the
    /// same bits. On x86-64 the loops run with AVX2 when the CPU has it.
    #[inline]
    pub fn pre_activation<const IN: usize, const OUT: usize>(&self, x: &[T; IN]) -> [T; OUT] {
        const { Self::check::<IN, OUT>() };
        let x: &[[T; C_IN]; LEN] = frames(x);
        let mut z = [T::ZERO; OUT];
        crate::simd::with_avx2(
            #[inline(always)]
            || {
                if Self::ALL_TAPS_FIT {
                    self.all_taps_at_once(z.as_chunks_mut::<C_OUT>().0, x);
                } else {
                    self.tap_by_tap(&mut z, x);
                }
            },
        );
        z
    }

    /// The bigger layers' path: the sums in the output, each tap added to them in turn.
    #[inline(always)]
    fn tap_by_tap<const OUT: usize>(&self, z: &mut [T; OUT], x: &[[T; C_IN]; LEN]) {
        let mut acc = [T::ZERO.widen(); OUT];
        let steps = acc.as_chunks_mut::<C_OUT>().0;
        for step in steps.iter_mut() {
            *step = self.bias.map(T::widen);
        }
        for k in 0..K {
            self.accumulate_tap(k, steps, x);
        }
        for (zi, &a) in z.iter_mut().zip(&acc) {
            *zi = T::narrow(a);
        }
    }

    /// The small layers' path: every column gathered onto the stack at once, then each output
    /// step (`out`) summed from its bias in registers through every tap.
    #[inline(always)]
    fn all_taps_at_once(&self, out: &mut [[T; C_OUT]], x: &[[T; C_IN]; LEN]) {
        // One pass over the weights for all taps (a pass per tap measured slower on the
        // 64 × 4 → 8 causal layer).
        let mut columns = [[[T::ZERO; C_OUT]; C_IN]; K];
        for (o, filter) in self.weights.iter().enumerate() {
            for (c, taps) in filter.iter().enumerate() {
                for (tap, &w) in columns.iter_mut().zip(taps) {
                    tap[c][o] = w;
                }
            }
        }
        let left = Self::GEOMETRY.left;
        let interior = Self::INTERIOR;
        for (j, step) in out.iter_mut().enumerate() {
            if interior.contains(&j) {
                continue;
            }
            let mut sums = self.bias.map(T::widen);
            for (k, tap) in columns.iter().enumerate() {
                let t = j * STRIDE + k * DILATION;
                let Some(frame) = t.checked_sub(left).and_then(|t| x.get(t)) else { continue };
                for (column, &v) in tap.iter().zip(frame) {
                    for (a, &w) in sums.iter_mut().zip(column) {
                        *a = w.mul_acc(v, *a);
                    }
                }
            }
            *step = sums.map(T::narrow);
        }
        let Some(inner) = out.get_mut(interior.clone()) else { return };
        match Self::STEP_TILE {
            8 => self.all_taps_tiled::<8>(inner, interior.start, x, &columns),
            4 => self.all_taps_tiled::<4>(inner, interior.start, x, &columns),
            2 => self.all_taps_tiled::<2>(inner, interior.start, x, &columns),
            _ => self.all_taps_tiled::<1>(inner, interior.start, x, &columns),
        }
    }

    /// Interior steps from step `first`, `S` at a time (the last `< S` one at a time), through
    /// every tap with their sums in registers.
    #[inline(always)]
    fn all_taps_tiled<const S: usize>(
        &self,
        out: &mut [[T; C_OUT]],
        first: usize,
        x: &[[T; C_IN]; LEN],
        columns: &[[[T; C_OUT]; C_IN]; K],
    ) {
        let (tiles, rest) = out.as_chunks_mut::<S>();
        let tail = tiles.len() * S;
        for (i, tile) in tiles.iter_mut().enumerate() {
            // Opaque to LLVM, so it vectorises each tile across the filters instead of this
            // loop across the tiles, with gathers (a 64 × 1 → 60 × 8 layer took 3× longer).
            self.all_taps_steps(tile, core::hint::black_box(first + i * S), x, columns);
        }
        for (i, step) in rest.iter_mut().enumerate() {
            self.all_taps_steps(core::array::from_mut(step), first + tail + i, x, columns);
        }
    }

    /// `S` interior steps from step `j0`, summed from the bias in registers through every tap
    /// and channel.
    #[inline(always)]
    fn all_taps_steps<const S: usize>(
        &self,
        tile: &mut [[T; C_OUT]; S],
        j0: usize,
        x: &[[T; C_IN]; LEN],
        columns: &[[[T; C_OUT]; C_IN]; K],
    ) {
        let zero = [T::ZERO; C_IN];
        let left = Self::GEOMETRY.left;
        let mut sums = [self.bias.map(T::widen); S];
        for (k, tap) in columns.iter().enumerate() {
            // Interior steps read the input at every tap, so the fallback is never taken.
            let mut frames = [&zero; S];
            for (s, frame) in frames.iter_mut().enumerate() {
                if let Some(f) = ((j0 + s) * STRIDE + k * DILATION).checked_sub(left).and_then(|t| x.get(t)) {
                    *frame = f;
                }
            }
            for (c, column) in tap.iter().enumerate() {
                for (row, frame) in sums.iter_mut().zip(&frames) {
                    let v = frame[c];
                    for (a, &w) in row.iter_mut().zip(column) {
                        *a = w.mul_acc(v, *a);
                    }
                }
            }
        }
        for (step, row) in tile.iter_mut().zip(sums) {
            *step = row.map(T::narrow);
        }
    }

    /// Tap `k`'s contribution to the steps it reads the input for: its `C_IN` columns gathered
    /// onto the stack if they take at most 4 KiB, else one column at a time.
    #[inline(always)]
    fn accumulate_tap(&self, k: usize, steps: &mut [[T::Accumulator; C_OUT]], x: &[[T; C_IN]; LEN]) {
        let (range, first) = Self::tap_range(k, steps.len());
        let Some(steps) = steps.get_mut(range) else { return };
        if Self::ONE_TAP_FITS {
            Self::columns_tiled(steps, x, first, &Self::tap_columns(&self.weights, k), 0);
        } else {
            for c in 0..C_IN {
                Self::columns_tiled(steps, x, first, &[Self::tap_column(&self.weights, c, k)], c);
            }
        }
    }

    /// `steps[i] += Σₙ columns[n] · x[first + i·STRIDE][c0 + n]`, in `n` order, for every step,
    /// [`STEP_TILE`](Self::STEP_TILE) steps at a time.
    #[inline(always)]
    fn columns_tiled<const N: usize>(
        steps: &mut [[T::Accumulator; C_OUT]],
        x: &[[T; C_IN]; LEN],
        first: usize,
        columns: &[[T; C_OUT]; N],
        c0: usize,
    ) {
        match Self::STEP_TILE {
            8 => Self::columns_in_tiles::<N, 8>(steps, x, first, columns, c0),
            4 => Self::columns_in_tiles::<N, 4>(steps, x, first, columns, c0),
            2 => Self::columns_in_tiles::<N, 2>(steps, x, first, columns, c0),
            _ => Self::columns_in_tiles::<N, 1>(steps, x, first, columns, c0),
        }
    }

    /// [`Conv1d::columns_tiled`] with `S` steps per tile (the last `< S` one at a time).
    #[inline(always)]
    fn columns_in_tiles<const N: usize, const S: usize>(
        steps: &mut [[T::Accumulator; C_OUT]],
        x: &[[T; C_IN]; LEN],
        first: usize,
        columns: &[[T; C_OUT]; N],
        c0: usize,
    ) {
        let mut inputs = x.get(first..).unwrap_or_default().iter().step_by(STRIDE);
        let (tiles, rest) = steps.as_chunks_mut::<S>();
        for tile in tiles {
            let mut frames = [None; S];
            for frame in &mut frames {
                *frame = inputs.next();
            }
            Self::columns_steps(tile, frames, columns, c0);
        }
        for step in rest {
            Self::columns_steps(core::array::from_mut(step), [inputs.next()], columns, c0);
        }
    }

    /// `S` steps' sums, loaded into registers, updated with every column, stored.
    #[inline(always)]
    fn columns_steps<const N: usize, const S: usize>(
        tile: &mut [[T::Accumulator; C_OUT]; S],
        inputs: [Option<&[T; C_IN]>; S],
        columns: &[[T; C_OUT]; N],
        c0: usize,
    ) {
        // The tap range guarantees an input frame for every step, and `c0 + N ≤ C_IN`.
        let mut values = [[T::ZERO; N]; S];
        for (v, frame) in values.iter_mut().zip(inputs) {
            if let Some(channels) = frame.and_then(|f| f.get(c0..)).and_then(|f| f.first_chunk::<N>()) {
                *v = *channels;
            }
        }
        let mut sums = *tile;
        for (n, column) in columns.iter().enumerate() {
            for (row, v) in sums.iter_mut().zip(&values) {
                for (a, &w) in row.iter_mut().zip(column) {
                    *a = w.mul_acc(v[n], *a);
                }
            }
        }
        *tile = sums;
    }

    /// Tap `k`'s part of `∂L/∂x`: `∂L/∂x[t][c] += Σ_o W[o][c][k]·δ[j][o]` for each step `j`
    /// and its input frame `t`, the sum over the filters a balanced tree ([`tree_sum`]'s) of
    /// products. With the tap's weights copied as rows `W[o][·][k]`, all the channels' sums
    /// run at once, in vectors across the channels.
    ///
    /// [`tree_sum`]: crate::kernel::tree_sum
    #[inline(always)]
    fn input_gradient_tap(weights: &[[[T; K]; C_IN]; C_OUT], k: usize, delta: &[[T; C_OUT]], frames: &mut [[T; C_IN]]) {
        let mut rows = [[T::ZERO; C_IN]; C_OUT];
        for (row, filter) in rows.iter_mut().zip(weights) {
            for (w, taps) in row.iter_mut().zip(filter) {
                *w = taps[k];
            }
        }
        let zero = T::ZERO.widen();
        for (d, frame) in delta.iter().zip(frames.iter_mut().step_by(STRIDE)) {
            // Opaque, so that LLVM vectorises across the channels, not this loop across the
            // steps with gathers and scatters.
            let d = core::hint::black_box(d);
            let mut products = [[zero; C_IN]; C_OUT];
            for ((p, row), &dj) in products.iter_mut().zip(&rows).zip(d) {
                for (pc, &w) in p.iter_mut().zip(row) {
                    *pc = w.mul_acc(dj, zero);
                }
            }
            let sums = crate::kernel::tree_reduce(products, [zero; C_IN], |mut a, b| {
                for (a, b) in a.iter_mut().zip(b) {
                    *a = *a + b;
                }
                a
            });
            for (dxc, s) in frame.iter_mut().zip(sums) {
                *dxc += T::narrow(s);
            }
        }
    }

    /// [`Conv1d::input_gradient_tap`] for layers whose tap takes more than 4 KiB: one channel
    /// at a time, its column `W[·][c][k]` gathered, the same tree of products across the
    /// filters.
    #[inline(always)]
    fn input_gradient_columns(
        weights: &[[[T; K]; C_IN]; C_OUT],
        k: usize,
        delta: &[[T; C_OUT]],
        frames: &mut [[T; C_IN]],
    ) {
        let zero = T::ZERO.widen();
        for c in 0..C_IN {
            let column = Self::tap_column(weights, c, k);
            for (d, frame) in delta.iter().zip(frames.iter_mut().step_by(STRIDE)) {
                let products: [T::Accumulator; C_OUT] = core::array::from_fn(|o| column[o].mul_acc(d[o], zero));
                frame[c] += T::narrow(crate::kernel::tree_sum(products, zero));
            }
        }
    }

    /// `W += scale·∂L/∂W`, `b += scale·∂L/∂b` for one sample with signal `delta`.
    #[inline]
    fn add_scaled_gradient<const IN: usize, const OUT: usize>(
        weights: &mut [[[T; K]; C_IN]; C_OUT],
        bias: &mut [T; C_OUT],
        scale: T,
        x: &[T; IN],
        delta: &[T; OUT],
    ) {
        let x: &[[T; C_IN]; LEN] = frames(x);
        let delta = delta.as_chunks::<C_OUT>().0;
        for (o, b) in bias.iter_mut().enumerate() {
            let gb: T = delta.iter().map(|d| d[o]).sum();
            *b = scale.mul_add(gb, *b);
        }
        crate::simd::with_avx2(
            #[inline(always)]
            || {
                Self::for_each_tap_gradient(x, delta, |c, k, gradient| {
                    for (filter, g) in weights.iter_mut().zip(gradient) {
                        filter[c][k] = scale.mul_add(g, filter[c][k]);
                    }
                });
            },
        );
    }

    /// Calls `f(c, k, ∂L/∂W[·][c][k])` for every input channel `c` and tap `k`, channel by
    /// channel (the order the gradient's norm adds them in). When the `K` taps' gradients of
    /// a group of channels take at most 4 KiB, the group's sums run together (independent
    /// chains, each the same sequence of multiply-adds as alone).
    #[inline(always)]
    fn for_each_tap_gradient(x: &[[T; C_IN]; LEN], delta: &[[T; C_OUT]], mut f: impl FnMut(usize, usize, [T; C_OUT])) {
        if K * Self::STEP_TILE * C_OUT * core::mem::size_of::<T>() > TAP_MAJOR_BYTES {
            for c in 0..C_IN {
                for k in 0..K {
                    let [gradient] = Self::tap_gradients::<1>(x, delta, c, k);
                    f(c, k, gradient);
                }
            }
            return;
        }
        match Self::STEP_TILE {
            8 => Self::tap_gradients_grouped::<8>(x, delta, f),
            4 => Self::tap_gradients_grouped::<4>(x, delta, f),
            2 => Self::tap_gradients_grouped::<2>(x, delta, f),
            _ => Self::tap_gradients_grouped::<1>(x, delta, f),
        }
    }

    /// [`Conv1d::for_each_tap_gradient`] in groups of `G` channels.
    #[inline(always)]
    fn tap_gradients_grouped<const G: usize>(
        x: &[[T; C_IN]; LEN],
        delta: &[[T; C_OUT]],
        mut f: impl FnMut(usize, usize, [T; C_OUT]),
    ) {
        for c0 in (0..C_IN).step_by(G) {
            let mut group = [[[T::ZERO; C_OUT]; G]; K];
            for (k, taps) in group.iter_mut().enumerate() {
                *taps = Self::tap_gradients::<G>(x, delta, c0, k);
            }
            for g in 0..G.min(C_IN - c0) {
                for (k, taps) in group.iter().enumerate() {
                    f(c0 + g, k, taps[g]);
                }
            }
        }
    }

    /// `∂L/∂W[o][c][k] = Σ_t δ[t][o] · x̃[t·STRIDE + k·DILATION][c]` for every filter `o` and
    /// the `G` channels from `c0` (zeros past `C_IN`): multiply-adds across the filters per
    /// output step, contiguous in `δ`, the channels' sums independent of each other.
    #[inline(always)]
    fn tap_gradients<const G: usize>(
        x: &[[T; C_IN]; LEN],
        delta: &[[T; C_OUT]],
        c0: usize,
        k: usize,
    ) -> [[T; C_OUT]; G] {
        let mut acc = [[T::ZERO.widen(); C_OUT]; G];
        let (range, first) = Self::tap_range(k, delta.len());
        let frames = x.get(first..).unwrap_or_default().iter().step_by(STRIDE);
        for (d, frame) in delta.get(range).unwrap_or_default().iter().zip(frames) {
            // Opaque, as in `input_gradient_tap`: vectors across the filters, not the steps.
            let d = core::hint::black_box(d);
            let mut v = [T::ZERO; G];
            for (vg, &xc) in v.iter_mut().zip(frame.get(c0..).unwrap_or_default()) {
                *vg = xc;
            }
            for (sums, &vg) in acc.iter_mut().zip(&v) {
                for (a, &dj) in sums.iter_mut().zip(d) {
                    *a = dj.mul_acc(vg, *a);
                }
            }
        }
        acc.map(|sums| sums.map(T::narrow))
    }
}

impl<
    T: Scalar,
    const LEN: usize,
    const C_IN: usize,
    const C_OUT: usize,
    const K: usize,
    A,
    P: Padding,
    const STRIDE: usize,
    const DILATION: usize,
> Parameters<T> for Conv1d<T, LEN, C_IN, C_OUT, K, A, P, STRIDE, DILATION>
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

impl<
    T: Scalar,
    const LEN: usize,
    const C_IN: usize,
    const C_OUT: usize,
    const K: usize,
    A: Activation,
    P: Padding,
    const STRIDE: usize,
    const DILATION: usize,
    const IN: usize,
    const OUT: usize,
> Layer<T, IN, OUT> for Conv1d<T, LEN, C_IN, C_OUT, K, A, P, STRIDE, DILATION>
{
    type Tape = DenseTape<T, OUT>;
    type State = ();
    const TRAINABLE: bool = A::TRAINABLE;
    const FINGERPRINT: u64 = Fingerprint::new("Conv1d")
        .usize(LEN)
        .usize(C_IN)
        .usize(C_OUT)
        .usize(K)
        .usize(STRIDE)
        .usize(DILATION)
        .str(P::NAME)
        .str(A::FUNCTION)
        .finish();

    /// See [`Conv1d::init`](Conv1d#method.init).
    fn init<R: Rng + ?Sized>(&mut self, rng: &mut R, init: Init) {
        Conv1d::init(self, rng, init);
    }

    #[inline]
    fn forward(&self, x: &[T; IN]) -> [T; OUT] {
        let mut y = [T::ZERO; OUT];
        A::apply(&self.pre_activation(x), &mut y);
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
        let mut delta = [T::ZERO; OUT];
        A::backprop(&tape.z, &tape.y, d_out, &mut delta);
        delta
    }

    #[inline]
    fn input_gradient(&self, _x: &[T; IN], _tape: &Self::Tape, delta: &[T; OUT]) -> [T; IN] {
        const { Self::check::<IN, OUT>() };
        let mut dx = [T::ZERO; IN];
        let dxf: &mut [[T; C_IN]; LEN] = frames_mut(&mut dx);
        let delta = delta.as_chunks::<C_OUT>().0;
        crate::simd::with_avx2(
            #[inline(always)]
            || {
                for k in 0..K {
                    let (range, first) = Self::tap_range(k, delta.len());
                    let Some(delta) = delta.get(range) else { continue };
                    let frames = dxf.get_mut(first..).unwrap_or_default();
                    if Self::ONE_TAP_FITS {
                        Self::input_gradient_tap(&self.weights, k, delta, frames);
                    } else {
                        Self::input_gradient_columns(&self.weights, k, delta, frames);
                    }
                }
            },
        );
        dx
    }

    #[inline]
    fn add_gradient(&self, x: &[T; IN], _tape: &Self::Tape, delta: &[T; OUT], grads: &mut Self) {
        Self::add_scaled_gradient(&mut grads.weights, &mut grads.bias, T::ONE, x, delta);
    }

    /// `Σ (∂L/∂W)² + Σ (∂L/∂b)²`, each gradient element computed once, without a buffer the
    /// size of the weights.
    #[inline]
    fn gradient_norm2(&self, x: &[T; IN], _tape: &Self::Tape, delta: &[T; OUT]) -> T {
        let xf: &[[T; C_IN]; LEN] = frames(x);
        let delta = delta.as_chunks::<C_OUT>().0;
        let mut sum = T::ZERO;
        for o in 0..C_OUT {
            let gb: T = delta.iter().map(|d| d[o]).sum();
            sum = gb.mul_add(gb, sum);
        }
        crate::simd::with_avx2(
            #[inline(always)]
            || {
                Self::for_each_tap_gradient(xf, delta, |_, _, gradient| {
                    for g in gradient {
                        sum = g.mul_add(g, sum);
                    }
                });
            },
        );
        sum
    }

    /// `W ← W − rate·∂L/∂W`, `b ← b − rate·∂L/∂b`, in place, without a gradient buffer (each
    /// gradient element depends on the input and the signal only).
    #[inline]
    fn descend(&mut self, x: &[T; IN], _tape: &Self::Tape, delta: &[T; OUT], rate: T) {
        Self::add_scaled_gradient(&mut self.weights, &mut self.bias, -rate, x, delta);
    }
}

impl<
    T: Scalar,
    const LEN: usize,
    const C_IN: usize,
    const C_OUT: usize,
    const K: usize,
    A: Activation,
    P: Padding,
    const STRIDE: usize,
    const DILATION: usize,
    const IN: usize,
    const OUT: usize,
> OutputLayer<T, IN, OUT> for Conv1d<T, LEN, C_IN, C_OUT, K, A, P, STRIDE, DILATION>
{
    type Activation = A;

    #[inline(always)]
    fn pre_activation(tape: &Self::Tape) -> &[T; OUT] {
        &tape.z
    }
}

impl<
    T: Clone,
    const LEN: usize,
    const C_IN: usize,
    const C_OUT: usize,
    const K: usize,
    A,
    P: Padding,
    const STRIDE: usize,
    const DILATION: usize,
> Clone for Conv1d<T, LEN, C_IN, C_OUT, K, A, P, STRIDE, DILATION>
{
    fn clone(&self) -> Self {
        Self { weights: self.weights.clone(), bias: self.bias.clone(), kind: PhantomData }
    }
}

impl<
    T: PartialEq,
    const LEN: usize,
    const C_IN: usize,
    const C_OUT: usize,
    const K: usize,
    A,
    P: Padding,
    const STRIDE: usize,
    const DILATION: usize,
> PartialEq for Conv1d<T, LEN, C_IN, C_OUT, K, A, P, STRIDE, DILATION>
{
    fn eq(&self, other: &Self) -> bool {
        self.weights == other.weights && self.bias == other.bias
    }
}

impl<
    T: Debug,
    const LEN: usize,
    const C_IN: usize,
    const C_OUT: usize,
    const K: usize,
    A,
    P: Padding,
    const STRIDE: usize,
    const DILATION: usize,
> Debug for Conv1d<T, LEN, C_IN, C_OUT, K, A, P, STRIDE, DILATION>
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let activation = core::any::type_name::<A>().rsplit("::").next().unwrap_or("?");
        f.debug_struct("Conv1d")
            .field("len", &LEN)
            .field("stride", &STRIDE)
            .field("dilation", &DILATION)
            .field("padding", &P::NAME)
            .field("activation", &activation)
            .field("weights", &self.weights)
            .field("bias", &self.bias)
            .finish()
    }
}

impl<
    B: crate::io::ModelBytes,
    T: Scalar,
    const LEN: usize,
    const C_IN: usize,
    const C_OUT: usize,
    const K: usize,
    A,
    P: Padding,
    const STRIDE: usize,
    const DILATION: usize,
> crate::io::ConstDecode<B> for Conv1d<T, LEN, C_IN, C_OUT, K, A, P, STRIDE, DILATION>
where
    [[[T; K]; C_IN]; C_OUT]: crate::io::ConstDecode<B>,
    [T; C_OUT]: crate::io::ConstDecode<crate::io::After<B, [[[T; K]; C_IN]; C_OUT]>>,
{
    const DECODED: Self = Self::from_parts(
        <[[[T; K]; C_IN]; C_OUT] as crate::io::ConstDecode<B>>::DECODED,
        <[T; C_OUT] as crate::io::ConstDecode<crate::io::After<B, [[[T; K]; C_IN]; C_OUT]>>>::DECODED,
    );
}
