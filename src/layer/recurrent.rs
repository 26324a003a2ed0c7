//! What the recurrent layers ([`Gru`](super::Gru), [`Lstm`](super::Lstm)) share: how a sequence
//! is laid out, what they give ([`Readout`]), how their gates are evaluated ([`GateMath`]), and
//! the arithmetic of their gates on borrowed weights.
//!
//! # Sequences are flat and time-major
//!
//! A layer in a network maps `[T; IN]` to `[T; OUT]`, so a recurrent layer over `STEPS` time
//! steps of `IN` values takes the sequence `[[T; IN]; STEPS]` flattened time-major: values
//! `t·IN .. (t + 1)·IN` are step `t` (`sequence.as_flattened()`, or [`flatten`] for an array).
//! What it gives is chosen by its [`Readout`]: the last hidden state `[T; HIDDEN]`
//! ([`LastStep`], the default: a sequence in, one vector out, for a classifier or a
//! regression on the whole window), or every step's hidden state flattened the same way,
//! `[T; STEPS·HIDDEN]` ([`AllSteps`]: a sequence in, a sequence out, to stack a second recurrent
//! layer on the first). PyTorch returns both; here the choice is part of the type, because the
//! output's width must be known at compile time, and a stacked model is only possible if the
//! lower layer can give every step.
//!
//! With `STEPS = 1` (the default) a layer is the cell itself, run one time step per call of
//! [`Layer::forward_step`](crate::Layer::forward_step) with its state in a value you own: the
//! streaming form for a microcontroller or an audio callback. The weights do not depend on
//! `STEPS`, so a model trained on windows runs streaming (`with_steps` converts a layer, and the
//! model bytes load across, since the fingerprint leaves `STEPS` out).
//!
//! Stable Rust cannot write `[T; STEPS * IN]` in a type that depends on `STEPS` and `IN`, so a
//! recurrent layer implements [`Layer<T, X, Y>`](crate::Layer) for every `X` and `Y` and
//! declares its true widths through [`LayerShape`](super::LayerShape): `network!` reads
//! `INPUTS = STEPS·IN` and `OUTPUTS` there, so a sequence of the wrong length or a layer whose
//! channels do not match the one before is one compile error at the declaration (reported as
//! the widths that differ: "`upper` takes 96 inputs but `lower` outputs 80"). Used by hand with
//! other widths, every method fails to compile (a `const` assertion); the inherent
//! `step`/`sequence` methods take `[T; IN]` and `[[T; IN]; STEPS]` exactly.
//!
//! # Training: truncated back-propagation through time
//!
//! A training forward pass runs the whole window from the zero state and records every step's
//! gates on the layer's tape (on the stack, no heap); back-propagation runs the recurrence
//! backwards over the window (see each layer's docs for its equations). Nothing flows past the
//! start of the window: that is truncated BPTT with the window as the truncation length.

use crate::kernel::mat_vec;
use crate::{Init, Scalar};
use core::fmt::Debug;
use rand::Rng;

// The impls both layers share word for word, stamped by a macro.
mod shared_impls;
pub(crate) use shared_impls::{AtBiasHh, AtBiasIh, AtWeightHh, shared_impls, tensor_info};

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::LastStep {}
    impl Sealed for super::AllSteps {}
    impl Sealed for super::Exact {}
    impl Sealed for super::Fast {}
}

/// What a recurrent layer gives: [`LastStep`] (the last hidden state) or [`AllSteps`] (the
/// hidden state of every step). The parameter after `STEPS`, `LastStep` unless written.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a readout of a recurrent layer",
    label = "expected `LastStep` or `AllSteps`",
    note = "a recurrent layer gives its last hidden state (`LastStep`, the default) or every step's (`AllSteps`)"
)]
pub trait Readout: sealed::Sealed + Copy + Debug + Default + PartialEq + Send + Sync + 'static {
    /// `true` when every step's hidden state is given.
    const ALL_STEPS: bool;
    /// The marker's name, for `Debug` output.
    const NAME: &'static str;
}

/// The recurrent layer gives its last hidden state `h_STEPS`: `[T; HIDDEN]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct LastStep;

/// The recurrent layer gives every step's hidden state, time-major: `[T; STEPS·HIDDEN]`, values
/// `t·HIDDEN .. (t + 1)·HIDDEN` being `h_{t+1}`. What a second recurrent layer stacked on it
/// takes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AllSteps;

impl Readout for LastStep {
    const ALL_STEPS: bool = false;
    const NAME: &'static str = "LastStep";
}

impl Readout for AllSteps {
    const ALL_STEPS: bool = true;
    const NAME: &'static str = "AllSteps";
}

/// How a recurrent layer evaluates the logistic sigmoid `σ` and `tanh` of its gates: [`Exact`]
/// (the default) or [`Fast`]. The last type parameter: `Gru<IN, HIDDEN, STEPS, LastStep, Fast>`.
///
/// Both compute the same functions, so they share the model fingerprint (train exact, deploy
/// fast), and back-propagation uses the derivatives of the exact functions from the gates'
/// values (`σ' = σ·(1 − σ)`, `tanh' = 1 − tanh²`), as [`FastSigmoid`](crate::FastSigmoid) and
/// [`FastTanh`](crate::FastTanh) do.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a choice of gate functions",
    label = "expected `Exact` or `Fast`",
    note = "a recurrent layer evaluates its gates exactly (`Exact`, the default) or with vectorising approximations (`Fast`)"
)]
pub trait GateMath: sealed::Sealed + Copy + Debug + Default + PartialEq + Send + Sync + 'static {
    /// The marker's name, for `Debug` output.
    const NAME: &'static str;
    /// `σ(x) = 1 / (1 + e^{−x})`.
    fn sigmoid<T: Scalar>(x: T) -> T;
    /// `tanh(x)`.
    fn tanh<T: Scalar>(x: T) -> T;
}

/// The gates' `σ` and `tanh` from the platform's `exp` and `tanh` ([`Scalar::exp`],
/// [`Scalar::tanh`]: `libm`, or the C library with the `std` feature), as PyTorch computes them;
/// a function call per value. The default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Exact;

/// The gates' `σ` and `tanh` from constnet's branch-free approximations
/// ([`Scalar::sigmoid_fast`], [`Scalar::tanh_fast`]), which vectorise across the hidden units.
/// In `f32`, measured over the whole range: absolute error at most 9e−8 (`σ`) and 3.8e−7
/// (`tanh`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Fast;

impl GateMath for Exact {
    const NAME: &'static str = "Exact";
    /// `1 / (1 + e^{−x})`, without a branch on the sign (the gates' signs are data, so a branch
    /// mispredicts half the time): for `x < −88` in `f32`, `e^{−x}` is `+∞` and the result is
    /// exactly 0, the correctly rounded value.
    #[inline(always)]
    fn sigmoid<T: Scalar>(x: T) -> T {
        T::ONE / (T::ONE + (-x).exp())
    }
    #[inline(always)]
    fn tanh<T: Scalar>(x: T) -> T {
        x.tanh()
    }
}

impl GateMath for Fast {
    const NAME: &'static str = "Fast";
    #[inline(always)]
    fn sigmoid<T: Scalar>(x: T) -> T {
        x.sigmoid_fast()
    }
    #[inline(always)]
    fn tanh<T: Scalar>(x: T) -> T {
        x.tanh_fast()
    }
}

/// Number of values a recurrent layer of `hidden` units over `steps` steps gives with readout
/// `R`, in `const` context.
pub(crate) const fn outputs<R: Readout>(steps: usize, hidden: usize) -> usize {
    if R::ALL_STEPS { steps * hidden } else { hidden }
}

/// `INVALID` of a recurrent layer: nothing is wrong that the zero-width checks do not catch,
/// except widths whose product overflows, which the compiler reports itself.
pub(crate) const fn check_widths(input: usize, hidden: usize, steps: usize) -> Option<&'static str> {
    if steps == 0 {
        Some("a recurrent layer needs at least one time step")
    } else if input == 0 || hidden == 0 {
        Some("a recurrent layer needs at least one input and one hidden unit")
    } else {
        None
    }
}

/// A sequence `[[T; IN]; STEPS]` as the flat, time-major array a recurrent layer takes in a
/// network. `X` must be `STEPS·IN` (checked at compile time).
///
/// ```
/// use constnet::layer::recurrent::flatten;
/// let seq = [[1.0f32, 2.0], [3.0, 4.0], [5.0, 6.0]];
/// let flat: [f32; 6] = flatten(&seq);
/// assert_eq!(flat, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
/// ```
#[must_use]
pub fn flatten<T: Copy, const IN: usize, const STEPS: usize, const X: usize>(sequence: &[[T; IN]; STEPS]) -> [T; X] {
    const { assert!(X == STEPS * IN, "constnet: a flat sequence has STEPS·IN values") }
    match sequence.as_flattened().first_chunk::<X>() {
        Some(flat) => *flat,
        None => unreachable!(),
    }
}

/// The flat input `x` as `STEPS` steps of `IN` values. `X` must be `STEPS·IN`.
#[inline(always)]
pub(crate) fn steps<T, const IN: usize, const STEPS: usize, const X: usize>(x: &[T; X]) -> &[[T; IN]; STEPS] {
    const {
        assert!(
            IN > 0 && STEPS > 0 && X == STEPS * IN,
            "constnet: a recurrent layer takes STEPS·IN values (its `LayerShape::INPUTS`)"
        )
    }
    match x.as_chunks::<IN>().0.first_chunk::<STEPS>() {
        Some(s) => s,
        None => unreachable!(),
    }
}

/// As [`steps`], mutably.
#[inline(always)]
pub(crate) fn steps_mut<T, const IN: usize, const STEPS: usize, const X: usize>(
    x: &mut [T; X],
) -> &mut [[T; IN]; STEPS] {
    const { assert!(IN > 0 && STEPS > 0 && X == STEPS * IN, "constnet: a recurrent layer takes STEPS·IN values") }
    match x.as_chunks_mut::<IN>().0.first_chunk_mut::<STEPS>() {
        Some(s) => s,
        None => unreachable!(),
    }
}

/// Checks at compile time that `Y` is what readout `R` gives.
#[inline(always)]
const fn check_output<R: Readout, const H: usize, const STEPS: usize, const Y: usize>() {
    const {
        assert!(
            H > 0 && STEPS > 0 && Y == outputs::<R>(STEPS, H),
            "constnet: a recurrent layer gives HIDDEN values (LastStep) or STEPS·HIDDEN (AllSteps): its `LayerShape::OUTPUTS`"
        )
    }
}

/// What readout `R` gives from the hidden states `h` of every step: the last one, or all of
/// them (both are the last `Y` values of the flattened states).
#[inline(always)]
pub(crate) fn readout<T, R: Readout, const H: usize, const STEPS: usize, const Y: usize>(
    h: &[[T; H]; STEPS],
) -> &[T; Y] {
    check_output::<R, H, STEPS, Y>();
    match h.as_flattened().last_chunk::<Y>() {
        Some(y) => y,
        None => unreachable!(),
    }
}

/// Writes step `t`'s hidden state `h` into the output `y`, if readout `R` gives it.
#[inline(always)]
pub(crate) fn emit<T: Copy, R: Readout, const H: usize, const STEPS: usize, const Y: usize>(
    y: &mut [T; Y],
    t: usize,
    h: &[T; H],
) {
    check_output::<R, H, STEPS, Y>();
    let slot = if R::ALL_STEPS {
        y.as_chunks_mut::<H>().0.get_mut(t)
    } else if t + 1 == STEPS {
        y.first_chunk_mut::<H>()
    } else {
        None
    };
    if let Some(slot) = slot {
        *slot = *h;
    }
}

/// `∂L/∂h_t` from the loss, from the signal `d_out` of the layer's output: step `t`'s part for
/// [`AllSteps`]; all of it at the last step, nothing before, for [`LastStep`].
#[inline(always)]
pub(crate) fn output_gradient<T, R: Readout, const H: usize, const STEPS: usize, const Y: usize>(
    d_out: &[T; Y],
    t: usize,
) -> Option<&[T; H]> {
    check_output::<R, H, STEPS, Y>();
    if R::ALL_STEPS {
        d_out.as_chunks::<H>().0.get(t)
    } else if t + 1 == STEPS {
        d_out.first_chunk::<H>()
    } else {
        None
    }
}

/// Every gate's `W_g·x + b_g`.
#[inline(always)]
pub(crate) fn gates<T: Scalar, const G: usize, const IN: usize, const H: usize>(
    w: &[[[T; IN]; H]; G],
    b: &[[T; H]; G],
    x: &[T; IN],
) -> [[T; H]; G] {
    let mut z = [[T::ZERO; H]; G];
    for ((zg, wg), bg) in z.iter_mut().zip(w).zip(b) {
        *zg = mat_vec(wg, bg, x);
    }
    z
}

/// `out += Wᵀ·d` over all gates: `Σ_g Σ_j d_g[j]·W_g[j]`, one contiguous multiply-add per row.
#[inline(always)]
pub(crate) fn transpose_mul_add<T: Scalar, const G: usize, const IN: usize, const H: usize>(
    w: &[[[T; IN]; H]; G],
    d: &[[T; H]; G],
    out: &mut [T; IN],
) {
    for (wg, dg) in w.iter().zip(d) {
        for (row, &dj) in wg.iter().zip(dg) {
            for (o, &wi) in out.iter_mut().zip(row) {
                *o = wi.mul_add(dj, *o);
            }
        }
    }
}

/// `W += d·xᵀ`, `b += d` for every gate: the gradient of `W·x + b` with signal `d`.
#[inline(always)]
pub(crate) fn outer_add<T: Scalar, const G: usize, const IN: usize, const H: usize>(
    w: &mut [[[T; IN]; H]; G],
    b: &mut [[T; H]; G],
    d: &[[T; H]; G],
    x: &[T; IN],
) {
    for ((wg, bg), dg) in w.iter_mut().zip(b.iter_mut()).zip(d) {
        for ((row, bj), &dj) in wg.iter_mut().zip(bg.iter_mut()).zip(dg) {
            *bj += dj;
            for (wi, &xi) in row.iter_mut().zip(x) {
                *wi = dj.mul_add(xi, *wi);
            }
        }
    }
}

/// PyTorch's initialisation of its recurrent layers: every weight and bias uniform in
/// `[−1/√HIDDEN, 1/√HIDDEN)`, what [`Init::Default`] resolves to for them.
pub(crate) fn default_init(hidden: usize) -> Init {
    let k = 1.0 / num_traits::Float::sqrt(hidden.max(1) as f64);
    Init::Uniform { low: -k, high: k }
}

/// Draws the four tensors in place, in tensor order, with `init` (resolved): `weight_ih` with
/// fan-in `IN`, `weight_hh` with fan-in `H` (fan-out `H`, one gate), then the biases.
pub(crate) fn init<T: Scalar, R: Rng + ?Sized, const G: usize, const IN: usize, const H: usize>(
    weight_ih: &mut [[[T; IN]; H]; G],
    weight_hh: &mut [[[T; H]; H]; G],
    bias_ih: &mut [[T; H]; G],
    bias_hh: &mut [[T; H]; G],
    rng: &mut R,
    init: Init,
) {
    for w in weight_ih.as_flattened_mut().as_flattened_mut() {
        *w = T::from_f64(init.sample_weight(IN, H, rng));
    }
    for w in weight_hh.as_flattened_mut().as_flattened_mut() {
        *w = T::from_f64(init.sample_weight(H, H, rng));
    }
    for b in bias_ih.as_flattened_mut().iter_mut().chain(bias_hh.as_flattened_mut()) {
        *b = T::from_f64(init.sample_bias(rng));
    }
}
