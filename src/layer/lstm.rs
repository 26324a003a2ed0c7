use super::fingerprint::Fingerprint;
use super::recurrent::{self as rec, Exact, GateMath, LastStep, Readout};
use crate::{Init, Layer, Scalar};
use core::marker::PhantomData;
use rand::Rng;

/// A long short-term memory (LSTM) layer with PyTorch's equations, gate order and weight
/// layout, run over `STEPS` time steps of `IN` values with `HIDDEN` units; `R` chooses what it
/// gives ([`LastStep`], the default, or [`AllSteps`](super::AllSteps)) and `F` how its gates'
/// `σ` and `tanh` are evaluated ([`Exact`], the default, or [`Fast`](super::Fast)).
///
/// At each step `t`, from the input `x_t`, the previous hidden state `h_{t−1}` and cell state
/// `c_{t−1}` (both 0 at the start):
///
/// ```text
/// i_t = σ(W_ii·x_t + b_ii + W_hi·h_{t−1} + b_hi)       input gate
/// f_t = σ(W_if·x_t + b_if + W_hf·h_{t−1} + b_hf)       forget gate
/// g_t = tanh(W_ig·x_t + b_ig + W_hg·h_{t−1} + b_hg)    candidate
/// o_t = σ(W_io·x_t + b_io + W_ho·h_{t−1} + b_ho)       output gate
/// c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t
/// h_t = o_t ⊙ tanh(c_t)
/// ```
///
/// exactly as `torch.nn.LSTM` (no peepholes, no projection). The weights are PyTorch's
/// tensors, in its order and layout: `weight_ih` is `[W_ii; W_if; W_ig; W_io]`, `weight_hh`
/// is `[W_hi; W_hf; W_hg; W_ho]`, and the biases likewise, so a state dict's `weight_ih_l0`,
/// `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0` copy in and out unchanged (tensors 0 to 3, see
/// [`Parameters`](crate::Parameters)). The layer gives `h`; `c` stays inside (in the [`LstmState`] when
/// streaming).
///
/// # Two ways to run it
/// - **Over a window**, in a network: `lstm: Lstm<IN, HIDDEN, STEPS>` takes the sequence
///   `[[T; IN]; STEPS]` flattened time-major (`[T; STEPS·IN]`, see
///   [`recurrent`](super::recurrent)) and gives `h_STEPS`, or every `h_t` with `AllSteps`.
///   [`Layer::forward`] starts from the zero state; this is how it trains.
/// - **Streaming**, one step per call: `Lstm<IN, HIDDEN>` (`STEPS = 1`) with
///   [`Layer::forward_step`] keeps `h` and `c` in an [`LstmState`] that you own (reset it with
///   `Default`), while the weights stay immutable, e.g. in a `static` in flash.
///   [`Lstm::with_steps`] moves trained weights between window lengths (the weights, and the
///   model file's fingerprint, do not depend on `STEPS`).
///
/// # Exact or fast gates
/// With [`Exact`] the gates call the platform's `exp` and `tanh`, as PyTorch does (the tests
/// match PyTorch to 1e−12 in `f64`); for small layers those calls are most of a step's time.
/// With [`Fast`](super::Fast) (`Lstm<IN, HIDDEN, STEPS, LastStep, Fast>`) they are constnet's
/// branch-free approximations, which vectorise; in `f32` a step's output moves by less than
/// 1e−6. The weights and the model fingerprint are the same, so a model trained with one runs
/// with the other ([`Lstm::with_steps`] converts).
///
/// # Shapes
/// | item | type | meaning |
/// |---|---|---|
/// | input | `[T; STEPS·IN]` | `x_1 … x_STEPS`, time-major |
/// | `weight_ih` | `[[[T; IN]; HIDDEN]; 4]` | `W_ii, W_if, W_ig, W_io`; PyTorch `[4·HIDDEN, IN]` |
/// | `weight_hh` | `[[[T; HIDDEN]; HIDDEN]; 4]` | `W_hi, W_hf, W_hg, W_ho`; PyTorch `[4·HIDDEN, HIDDEN]` |
/// | `bias_ih` | `[[T; HIDDEN]; 4]` | PyTorch `[4·HIDDEN]` |
/// | `bias_hh` | `[[T; HIDDEN]; 4]` | PyTorch `[4·HIDDEN]` |
/// | state | [`LstmState`] | `h`, `c` |
/// | output, [`LastStep`] | `[T; HIDDEN]` | `h_STEPS` |
/// | output, `AllSteps` | `[T; STEPS·HIDDEN]` | `h_1 … h_STEPS`, time-major |
///
/// # Back-propagation through time
/// The tape keeps `i_t, f_t, g_t, o_t`, `c_t`, `tanh(c_t)` and `h_t` for every step. From
/// `∂L/∂h_t` (the loss's part at step `t` plus what flows back from step `t + 1`) and `∂L/∂c_t`
/// (from step `t + 1`; 0 at the end of the window), with `a` the gates' pre-activations:
///
/// ```text
/// ∂c   = ∂c_t + ∂h_t ⊙ o_t ⊙ (1 − tanh²(c_t))
/// ∂a_i = ∂c ⊙ g_t ⊙ i_t ⊙ (1 − i_t)          ∂a_f = ∂c ⊙ c_{t−1} ⊙ f_t ⊙ (1 − f_t)
/// ∂a_g = ∂c ⊙ i_t ⊙ (1 − g_t²)               ∂a_o = ∂h_t ⊙ tanh(c_t) ⊙ o_t ⊙ (1 − o_t)
/// g = [∂a_i; ∂a_f; ∂a_g; ∂a_o]
/// ∂W_ih += g·x_tᵀ   ∂b_ih += g   ∂W_hh += g·h_{t−1}ᵀ   ∂b_hh += g
/// ∂x_t = W_ihᵀ·g    ∂h_{t−1} = W_hhᵀ·g    ∂c_{t−1} = ∂c ⊙ f_t
/// ```
///
/// from `t = STEPS` down to 1, over the window only (truncated BPTT). [`Layer::gradient_norm2`]
/// and [`Layer::descend`] keep the trait's defaults, for the reason given for [`Gru`](super::Gru):
/// both need the whole gradient before any weight may change.
///
/// [`Layer::init`] with [`Init::Default`] draws every weight and bias uniformly in
/// `[−1/√HIDDEN, 1/√HIDDEN)`, as PyTorch does.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::layer::{AllSteps, Lstm};
///
/// network! {
///     /// Two stacked LSTMs over 16 steps of 2 channels, then a linear read-out.
///     struct Stacked<f64> {
///         lower: Lstm<2, 8, 16, AllSteps>,   // [f64; 32] -> [f64; 16·8]
///         upper: Lstm<8, 4, 16>,             // [f64; 128] -> [f64; 4]
///         out: Dense<4, 1, Identity>,
///     }
/// }
/// assert_eq!((Stacked::INPUTS, Stacked::OUTPUTS), (32, 1));
/// assert_eq!(Stacked::PARAMS, 4 * 8 * (2 + 8 + 2) + 4 * 4 * (8 + 4 + 2) + 5);
/// ```
// Cache-line (64-byte) aligned on x86-64, weights first, as `Dense` (see there).
#[cfg_attr(target_arch = "x86_64", repr(C, align(64)))]
pub struct Lstm<T, const IN: usize, const HIDDEN: usize, const STEPS: usize = 1, R = LastStep, F = Exact> {
    /// `W_ii, W_if, W_ig, W_io`: PyTorch's `weight_ih_l0`, `[4·HIDDEN, IN]`.
    pub weight_ih: [[[T; IN]; HIDDEN]; 4],
    /// `W_hi, W_hf, W_hg, W_ho`: PyTorch's `weight_hh_l0`, `[4·HIDDEN, HIDDEN]`.
    pub weight_hh: [[[T; HIDDEN]; HIDDEN]; 4],
    /// `b_ii, b_if, b_ig, b_io`: PyTorch's `bias_ih_l0`, `[4·HIDDEN]`.
    pub bias_ih: [[T; HIDDEN]; 4],
    /// `b_hi, b_hf, b_hg, b_ho`: PyTorch's `bias_hh_l0`, `[4·HIDDEN]`.
    pub bias_hh: [[T; HIDDEN]; 4],
    readout: PhantomData<fn() -> (R, F)>,
}

/// The state an [`Lstm`] keeps between calls of [`Layer::forward_step`]: the hidden state `h`
/// and the cell state `c`. `Default` is the start of a sequence, both 0.
#[derive(Clone, Debug, PartialEq)]
pub struct LstmState<T, const HIDDEN: usize> {
    /// The hidden state `h_t` after the last step (what the layer gives).
    pub h: [T; HIDDEN],
    /// The cell state `c_t` after the last step.
    pub c: [T; HIDDEN],
}

impl<T: Scalar, const HIDDEN: usize> Default for LstmState<T, HIDDEN> {
    fn default() -> Self {
        Self { h: [T::ZERO; HIDDEN], c: [T::ZERO; HIDDEN] }
    }
}

/// What an [`Lstm`]'s training forward pass records, per step: the gates and both states.
#[derive(Clone, Debug, PartialEq)]
pub struct LstmTape<T, const HIDDEN: usize, const STEPS: usize> {
    /// `[i_t, f_t, g_t, o_t]`, after their activations.
    pub gates: [[[T; HIDDEN]; 4]; STEPS],
    /// `c_t`.
    pub c: [[T; HIDDEN]; STEPS],
    /// `tanh(c_t)`.
    pub tanh_c: [[T; HIDDEN]; STEPS],
    /// `h_t`.
    pub h: [[T; HIDDEN]; STEPS],
}

impl<T: Scalar, const HIDDEN: usize, const STEPS: usize> Default for LstmTape<T, HIDDEN, STEPS> {
    fn default() -> Self {
        let zero = [[T::ZERO; HIDDEN]; STEPS];
        Self { gates: [[[T::ZERO; HIDDEN]; 4]; STEPS], c: zero, tanh_c: zero, h: zero }
    }
}

/// One step of the cell: the gates and the new states.
struct Step<T, const H: usize> {
    gates: [[T; H]; 4],
    c: [T; H],
    tanh_c: [T; H],
    h: [T; H],
}

// `from_parts`, `with_steps`, `LayerShape`, `Parameters`, `OutputLayer`, `ConstDecode`, `Clone`,
// `PartialEq` and `Debug`.
rec::shared_impls!(Lstm, 4, "`i, f, g, o`");

impl<T: Scalar, const IN: usize, const HIDDEN: usize, const STEPS: usize, R, F: GateMath>
    Lstm<T, IN, HIDDEN, STEPS, R, F>
{
    /// One time step: `(h, c) ← LSTM(x, h, c)`, returning the new `h`. The cell itself,
    /// whatever `STEPS`.
    #[inline]
    pub fn step(&self, state: &mut LstmState<T, HIDDEN>, x: &[T; IN]) -> [T; HIDDEN] {
        let s = self.cell(state, x);
        (state.h, state.c) = (s.h, s.c);
        state.h
    }

    /// Runs `STEPS` steps from `state` (updated), returning every step's hidden state: the
    /// sequence as an array of steps, with no flattening.
    #[inline]
    pub fn sequence(&self, state: &mut LstmState<T, HIDDEN>, xs: &[[T; IN]; STEPS]) -> [[T; HIDDEN]; STEPS] {
        let mut hs = [[T::ZERO; HIDDEN]; STEPS];
        for (h, x) in hs.iter_mut().zip(xs) {
            *h = self.step(state, x);
        }
        hs
    }

    /// The cell's equations for one step from `state`.
    #[inline(always)]
    fn cell(&self, state: &LstmState<T, HIDDEN>, x: &[T; IN]) -> Step<T, HIDDEN> {
        let gi = rec::gates(&self.weight_ih, &self.bias_ih, x);
        let gh = rec::gates(&self.weight_hh, &self.bias_hh, &state.h);
        let zero = [T::ZERO; HIDDEN];
        let mut s = Step { gates: [zero; 4], c: zero, tanh_c: zero, h: zero };
        // One loop per function: with `Fast` gates each loop vectorises.
        let [i, f, g, o] = &mut s.gates;
        for j in 0..HIDDEN {
            i[j] = F::sigmoid(gi[0][j] + gh[0][j]);
        }
        for j in 0..HIDDEN {
            f[j] = F::sigmoid(gi[1][j] + gh[1][j]);
        }
        for j in 0..HIDDEN {
            g[j] = F::tanh(gi[2][j] + gh[2][j]);
        }
        for j in 0..HIDDEN {
            o[j] = F::sigmoid(gi[3][j] + gh[3][j]);
        }
        for j in 0..HIDDEN {
            s.c[j] = f[j].mul_add(state.c[j], i[j] * g[j]);
        }
        for (tc, &c) in s.tanh_c.iter_mut().zip(&s.c) {
            *tc = F::tanh(c);
        }
        for ((h, &o), &tc) in s.h.iter_mut().zip(o.iter()).zip(&s.tanh_c) {
            *h = o * tc;
        }
        s
    }

    /// Back-propagation through time from the output's signal: adds `∂L/∂x` into `dx` and
    /// `∂L/∂θ` into `grads`, each if given.
    #[inline(always)]
    fn backward<const X: usize, const Y: usize>(
        &self,
        x: &[T; X],
        tape: &LstmTape<T, HIDDEN, STEPS>,
        d_out: &[T; Y],
        mut dx: Option<&mut [T; X]>,
        mut grads: Option<&mut Self>,
    ) where
        R: Readout,
    {
        let xs = rec::steps::<T, IN, STEPS, X>(x);
        let zero = [T::ZERO; HIDDEN];
        let (mut dh, mut dc) = (zero, zero);
        for t in (0..STEPS).rev() {
            if let Some(d) = rec::output_gradient::<T, R, HIDDEN, STEPS, Y>(d_out, t) {
                for (a, &b) in dh.iter_mut().zip(d) {
                    *a += b;
                }
            }
            let (h_prev, c_prev) = if t == 0 { (&zero, &zero) } else { (&tape.h[t - 1], &tape.c[t - 1]) };
            let [i, f, g, o] = &tape.gates[t];
            let tc = &tape.tanh_c[t];
            let mut ga = [zero; 4];
            for j in 0..HIDDEN {
                let dcj = (dh[j] * o[j]).mul_add(T::ONE - tc[j] * tc[j], dc[j]);
                ga[0][j] = dcj * g[j] * i[j] * (T::ONE - i[j]);
                ga[1][j] = dcj * c_prev[j] * f[j] * (T::ONE - f[j]);
                ga[2][j] = dcj * i[j] * (T::ONE - g[j] * g[j]);
                ga[3][j] = dh[j] * tc[j] * o[j] * (T::ONE - o[j]);
                dc[j] = dcj * f[j];
            }
            if let Some(dx) = dx.as_deref_mut() {
                rec::transpose_mul_add(&self.weight_ih, &ga, &mut rec::steps_mut::<T, IN, STEPS, X>(dx)[t]);
            }
            if let Some(gr) = grads.as_deref_mut() {
                rec::outer_add(&mut gr.weight_ih, &mut gr.bias_ih, &ga, &xs[t]);
                rec::outer_add(&mut gr.weight_hh, &mut gr.bias_hh, &ga, h_prev);
            }
            if t > 0 {
                dh = zero;
                rec::transpose_mul_add(&self.weight_hh, &ga, &mut dh);
            }
        }
    }
}

impl<
    T: Scalar,
    const IN: usize,
    const HIDDEN: usize,
    const STEPS: usize,
    R: Readout,
    F: GateMath,
    const X: usize,
    const Y: usize,
> Layer<T, X, Y> for Lstm<T, IN, HIDDEN, STEPS, R, F>
{
    type Tape = LstmTape<T, HIDDEN, STEPS>;
    type State = LstmState<T, HIDDEN>;
    // Not `STEPS` nor the readout: the weights mean the same for every window.
    const FINGERPRINT: u64 = Fingerprint::new("Lstm").usize(IN).usize(HIDDEN).finish();

    fn init<Rg: Rng + ?Sized>(&mut self, rng: &mut Rg, init: Init) {
        let init = init.resolve(rec::default_init(HIDDEN));
        rec::init(&mut self.weight_ih, &mut self.weight_hh, &mut self.bias_ih, &mut self.bias_hh, rng, init);
    }

    #[inline]
    fn forward(&self, x: &[T; X]) -> [T; Y] {
        self.forward_step(&mut LstmState::default(), x)
    }

    #[inline]
    fn forward_step(&self, state: &mut Self::State, x: &[T; X]) -> [T; Y] {
        let mut y = [T::ZERO; Y];
        for (t, xt) in rec::steps::<T, IN, STEPS, X>(x).iter().enumerate() {
            let s = self.cell(state, xt);
            (state.h, state.c) = (s.h, s.c);
            rec::emit::<T, R, HIDDEN, STEPS, Y>(&mut y, t, &state.h);
        }
        y
    }

    #[inline]
    fn forward_train<Rg: Rng + ?Sized>(&self, x: &[T; X], tape: &mut Self::Tape, _rng: &mut Rg) {
        let mut state = LstmState::default();
        for (t, xt) in rec::steps::<T, IN, STEPS, X>(x).iter().enumerate() {
            let s = self.cell(&state, xt);
            (tape.gates[t], tape.c[t], tape.tanh_c[t], tape.h[t]) = (s.gates, s.c, s.tanh_c, s.h);
            (state.h, state.c) = (s.h, s.c);
        }
    }

    #[inline(always)]
    fn output(tape: &Self::Tape) -> &[T; Y] {
        rec::readout::<T, R, HIDDEN, STEPS, Y>(&tape.h)
    }

    fn input_gradient(&self, x: &[T; X], tape: &Self::Tape, signal: &[T; Y]) -> [T; X] {
        let mut dx = [T::ZERO; X];
        self.backward(x, tape, signal, Some(&mut dx), None);
        dx
    }

    fn add_gradient(&self, x: &[T; X], tape: &Self::Tape, signal: &[T; Y], grads: &mut Self) {
        self.backward(x, tape, signal, None, Some(grads));
    }
}
