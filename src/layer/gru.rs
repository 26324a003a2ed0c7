use super::fingerprint::Fingerprint;
use super::recurrent::{self as rec, Exact, GateMath, LastStep, Readout};
use crate::{Init, Layer, Scalar};
use core::marker::PhantomData;
use rand::Rng;

/// A gated recurrent unit (GRU) layer with PyTorch's equations, gate order and weight layout,
/// run over `STEPS` time steps of `IN` values with `HIDDEN` units; `R` chooses what it gives
/// ([`LastStep`], the default, or [`AllSteps`](super::AllSteps)) and `F` how its gates' `σ` and
/// `tanh` are evaluated ([`Exact`], the default, or [`Fast`](super::Fast)).
///
/// At each step `t`, from the input `x_t` and the previous hidden state `h_{t−1}` (`h_0 = 0`):
///
/// ```text
/// r_t = σ(W_ir·x_t + b_ir + W_hr·h_{t−1} + b_hr)              reset gate
/// z_t = σ(W_iz·x_t + b_iz + W_hz·h_{t−1} + b_hz)              update gate
/// n_t = tanh(W_in·x_t + b_in + r_t ⊙ (W_hn·h_{t−1} + b_hn))   candidate
/// h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t−1}
/// ```
///
/// exactly as `torch.nn.GRU` (note that the reset gate multiplies `W_hn·h + b_hn`, bias
/// included). The weights are PyTorch's tensors, in its order and layout: `weight_ih` is
/// `[W_ir; W_iz; W_in]`, `weight_hh` is `[W_hr; W_hz; W_hn]`, and the biases likewise, so a
/// state dict's `weight_ih_l0`, `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0` copy in and out
/// unchanged (they are tensors 0 to 3, see [`Parameters`](crate::Parameters)).
///
/// # Two ways to run it
/// - **Over a window**, in a network: `gru: Gru<IN, HIDDEN, STEPS>` takes the sequence
///   `[[T; IN]; STEPS]` flattened time-major (`[T; STEPS·IN]`, see
///   [`recurrent`](super::recurrent)) and gives `h_STEPS`, or every `h_t` with `AllSteps`.
///   [`Layer::forward`] starts from the zero state; this is how it trains.
/// - **Streaming**, one step per call: `Gru<IN, HIDDEN>` (`STEPS = 1`) with
///   [`Layer::forward_step`] (or [`Network::forward_step`](crate::Network::forward_step)) keeps
///   `h` in a [`GruState`] that you own — reset it with `Default` — while the weights stay
///   immutable, e.g. in a `static` in flash. A window layer's `forward_step` runs its whole
///   window from the state it is given, and [`Gru::with_steps`] moves trained weights from
///   one window length to another (the weights, and the model file's fingerprint, do not
///   depend on `STEPS`).
///
/// # Exact or fast gates
/// With [`Exact`] the gates call the platform's `exp` and `tanh`, as PyTorch does (the tests
/// match PyTorch to 1e−12 in `f64`); for small layers those calls are most of a step's time.
/// With [`Fast`](super::Fast) (`Gru<IN, HIDDEN, STEPS, LastStep, Fast>`) they are constnet's
/// branch-free approximations, which vectorise; in `f32` a step's output moves by less than
/// 1e−6. The weights and the model fingerprint are the same, so a model trained with one runs
/// with the other ([`Gru::with_steps`] converts).
///
/// # Shapes
/// | item | type | meaning |
/// |---|---|---|
/// | input | `[T; STEPS·IN]` | `x_1 … x_STEPS`, time-major |
/// | `weight_ih` | `[[[T; IN]; HIDDEN]; 3]` | `W_ir, W_iz, W_in`; PyTorch `[3·HIDDEN, IN]` |
/// | `weight_hh` | `[[[T; HIDDEN]; HIDDEN]; 3]` | `W_hr, W_hz, W_hn`; PyTorch `[3·HIDDEN, HIDDEN]` |
/// | `bias_ih` | `[[T; HIDDEN]; 3]` | `b_ir, b_iz, b_in`; PyTorch `[3·HIDDEN]` |
/// | `bias_hh` | `[[T; HIDDEN]; 3]` | `b_hr, b_hz, b_hn`; PyTorch `[3·HIDDEN]` |
/// | state | [`GruState`] | `h` |
/// | output, [`LastStep`] | `[T; HIDDEN]` | `h_STEPS` |
/// | output, `AllSteps` | `[T; STEPS·HIDDEN]` | `h_1 … h_STEPS`, time-major |
///
/// # Back-propagation through time
/// The tape keeps `r_t, z_t, n_t`, `W_hn·h_{t−1} + b_hn` and `h_t` for every step. From
/// `∂L/∂h_t` (the loss's part at step `t` plus what flows back from step `t + 1`), with `a`
/// the gates' pre-activations:
///
/// ```text
/// ∂a_n = ∂h_t ⊙ (1 − z_t) ⊙ (1 − n_t²)
/// ∂a_z = ∂h_t ⊙ (h_{t−1} − n_t) ⊙ z_t ⊙ (1 − z_t)
/// ∂a_r = ∂a_n ⊙ (W_hn·h_{t−1} + b_hn) ⊙ r_t ⊙ (1 − r_t)
/// input side  g_i = [∂a_r; ∂a_z; ∂a_n]       hidden side  g_h = [∂a_r; ∂a_z; r_t ⊙ ∂a_n]
/// ∂W_ih += g_i·x_tᵀ   ∂b_ih += g_i   ∂W_hh += g_h·h_{t−1}ᵀ   ∂b_hh += g_h
/// ∂x_t = W_ihᵀ·g_i    ∂h_{t−1} = z_t ⊙ ∂h_t + W_hhᵀ·g_h
/// ```
///
/// from `t = STEPS` down to 1, over the window only (truncated BPTT). [`Layer::gradient_norm2`]
/// and [`Layer::descend`] keep the trait's defaults: the gradient is a sum of outer products
/// over the steps whose norm does not factor as a dense layer's does, and descending in place
/// during the backward pass would change `W_hh` while earlier steps still need it, so both
/// form the whole gradient first, which is exactly what the defaults do.
///
/// [`Layer::init`] with [`Init::Default`] draws every weight and bias uniformly in
/// `[−1/√HIDDEN, 1/√HIDDEN)`, as PyTorch does; other schemes use fan-in `IN` (or `HIDDEN`) and
/// fan-out `HIDDEN`.
///
/// ```
/// use constnet::prelude::*;
/// use constnet::layer::{Gru, GruState, recurrent::flatten};
/// use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
///
/// network! {
///     /// Twelve steps of three channels in, one value out.
///     struct Seq<f32> { gru: Gru<3, 8, 12>, out: Dense<8, 1, Identity> }
/// }
/// let net = Seq::random(&mut Xoshiro128PlusPlus::seed_from_u64(1));
/// let window = [[0.1f32, -0.2, 0.3]; 12];
/// let y = net.forward(&flatten(&window)); // [f32; 36] in, [f32; 1] out
///
/// // The same weights, one step per call, with the state in RAM (reset: `Default`).
/// network! { struct Stream<f32> { gru: Gru<3, 8>, out: Dense<8, 1, Identity> } }
/// let stream = Stream::from_layers(net.gru.with_steps(), net.out.clone());
/// let mut state: (GruState<f32, 8>, ()) = Default::default();
/// let mut last = [0.0];
/// for x in &window {
///     last = stream.forward_step(&mut state, x);
/// }
/// assert_eq!(last, y); // the same operations in the same order
/// ```
// Cache-line (64-byte) aligned on x86-64, weights first, as `Dense` (see there).
#[cfg_attr(target_arch = "x86_64", repr(C, align(64)))]
pub struct Gru<T, const IN: usize, const HIDDEN: usize, const STEPS: usize = 1, R = LastStep, F = Exact> {
    /// `W_ir, W_iz, W_in`: PyTorch's `weight_ih_l0`, `[3·HIDDEN, IN]`.
    pub weight_ih: [[[T; IN]; HIDDEN]; 3],
    /// `W_hr, W_hz, W_hn`: PyTorch's `weight_hh_l0`, `[3·HIDDEN, HIDDEN]`.
    pub weight_hh: [[[T; HIDDEN]; HIDDEN]; 3],
    /// `b_ir, b_iz, b_in`: PyTorch's `bias_ih_l0`, `[3·HIDDEN]`.
    pub bias_ih: [[T; HIDDEN]; 3],
    /// `b_hr, b_hz, b_hn`: PyTorch's `bias_hh_l0`, `[3·HIDDEN]`.
    pub bias_hh: [[T; HIDDEN]; 3],
    readout: PhantomData<fn() -> (R, F)>,
}

/// The state a [`Gru`] keeps between calls of [`Layer::forward_step`]: the hidden state `h`.
/// `Default` is the start of a sequence, `h = 0`.
#[derive(Clone, Debug, PartialEq)]
pub struct GruState<T, const HIDDEN: usize> {
    /// The hidden state `h_t` after the last step.
    pub h: [T; HIDDEN],
}

impl<T: Scalar, const HIDDEN: usize> Default for GruState<T, HIDDEN> {
    fn default() -> Self {
        Self { h: [T::ZERO; HIDDEN] }
    }
}

/// What a [`Gru`]'s training forward pass records, per step: the gates and the hidden state.
#[derive(Clone, Debug, PartialEq)]
pub struct GruTape<T, const HIDDEN: usize, const STEPS: usize> {
    /// `[r_t, z_t, n_t]`, after their activations.
    pub gates: [[[T; HIDDEN]; 3]; STEPS],
    /// `W_hn·h_{t−1} + b_hn`, which the reset gate multiplies.
    pub hn: [[T; HIDDEN]; STEPS],
    /// `h_t`.
    pub h: [[T; HIDDEN]; STEPS],
}

impl<T: Scalar, const HIDDEN: usize, const STEPS: usize> Default for GruTape<T, HIDDEN, STEPS> {
    fn default() -> Self {
        Self { gates: [[[T::ZERO; HIDDEN]; 3]; STEPS], hn: [[T::ZERO; HIDDEN]; STEPS], h: [[T::ZERO; HIDDEN]; STEPS] }
    }
}

/// One step of the cell: the gates, `W_hn·h + b_hn`, and the new hidden state.
struct Step<T, const H: usize> {
    gates: [[T; H]; 3],
    hn: [T; H],
    h: [T; H],
}

// `from_parts`, `with_steps`, `LayerShape`, `Parameters`, `OutputLayer`, `ConstDecode`, `Clone`,
// `PartialEq` and `Debug`.
rec::shared_impls!(Gru, 3, "`r, z, n`");

impl<T: Scalar, const IN: usize, const HIDDEN: usize, const STEPS: usize, R, F: GateMath>
    Gru<T, IN, HIDDEN, STEPS, R, F>
{
    /// One time step: `h ← GRU(x, h)`, returning the new `h`. The cell itself, whatever `STEPS`.
    #[inline]
    pub fn step(&self, state: &mut GruState<T, HIDDEN>, x: &[T; IN]) -> [T; HIDDEN] {
        state.h = self.cell(&state.h, x).h;
        state.h
    }

    /// Runs `STEPS` steps from `state` (updated), returning every step's hidden state: the
    /// sequence as an array of steps, with no flattening.
    #[inline]
    pub fn sequence(&self, state: &mut GruState<T, HIDDEN>, xs: &[[T; IN]; STEPS]) -> [[T; HIDDEN]; STEPS] {
        let mut hs = [[T::ZERO; HIDDEN]; STEPS];
        for (h, x) in hs.iter_mut().zip(xs) {
            *h = self.step(state, x);
        }
        hs
    }

    /// The cell's equations for one step from `h`.
    #[inline(always)]
    fn cell(&self, h: &[T; HIDDEN], x: &[T; IN]) -> Step<T, HIDDEN> {
        let gi = rec::gates(&self.weight_ih, &self.bias_ih, x);
        let gh = rec::gates(&self.weight_hh, &self.bias_hh, h);
        let mut s = Step { gates: [[T::ZERO; HIDDEN]; 3], hn: gh[2], h: [T::ZERO; HIDDEN] };
        // One loop per gate: with `Fast` gates each loop vectorises.
        let [r, z, n] = &mut s.gates;
        for j in 0..HIDDEN {
            r[j] = F::sigmoid(gi[0][j] + gh[0][j]);
        }
        for j in 0..HIDDEN {
            z[j] = F::sigmoid(gi[1][j] + gh[1][j]);
        }
        for j in 0..HIDDEN {
            n[j] = F::tanh(r[j].mul_add(gh[2][j], gi[2][j]));
        }
        for j in 0..HIDDEN {
            s.h[j] = z[j].mul_add(h[j] - n[j], n[j]);
        }
        s
    }

    /// Back-propagation through time from the output's signal: adds `∂L/∂x` into `dx` and
    /// `∂L/∂θ` into `grads`, each if given.
    #[inline(always)]
    fn backward<const X: usize, const Y: usize>(
        &self,
        x: &[T; X],
        tape: &GruTape<T, HIDDEN, STEPS>,
        d_out: &[T; Y],
        mut dx: Option<&mut [T; X]>,
        mut grads: Option<&mut Self>,
    ) where
        R: Readout,
    {
        let xs = rec::steps::<T, IN, STEPS, X>(x);
        let zero = [T::ZERO; HIDDEN];
        let mut dh = zero;
        for t in (0..STEPS).rev() {
            if let Some(d) = rec::output_gradient::<T, R, HIDDEN, STEPS, Y>(d_out, t) {
                for (a, &b) in dh.iter_mut().zip(d) {
                    *a += b;
                }
            }
            let h_prev = if t == 0 { &zero } else { &tape.h[t - 1] };
            let [r, z, n] = &tape.gates[t];
            let hn = &tape.hn[t];
            let mut gi = [zero; 3];
            let mut gh_n = zero;
            let mut dh_prev = zero;
            for j in 0..HIDDEN {
                let dan = dh[j] * (T::ONE - z[j]) * (T::ONE - n[j] * n[j]);
                let daz = dh[j] * (h_prev[j] - n[j]) * z[j] * (T::ONE - z[j]);
                let dar = dan * hn[j] * r[j] * (T::ONE - r[j]);
                gi[0][j] = dar;
                gi[1][j] = daz;
                gi[2][j] = dan;
                gh_n[j] = r[j] * dan;
                dh_prev[j] = z[j] * dh[j];
            }
            let gh = [gi[0], gi[1], gh_n];
            if let Some(dx) = dx.as_deref_mut() {
                rec::transpose_mul_add(&self.weight_ih, &gi, &mut rec::steps_mut::<T, IN, STEPS, X>(dx)[t]);
            }
            if let Some(g) = grads.as_deref_mut() {
                rec::outer_add(&mut g.weight_ih, &mut g.bias_ih, &gi, &xs[t]);
                rec::outer_add(&mut g.weight_hh, &mut g.bias_hh, &gh, h_prev);
            }
            if t > 0 {
                rec::transpose_mul_add(&self.weight_hh, &gh, &mut dh_prev);
                dh = dh_prev;
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
> Layer<T, X, Y> for Gru<T, IN, HIDDEN, STEPS, R, F>
{
    type Tape = GruTape<T, HIDDEN, STEPS>;
    type State = GruState<T, HIDDEN>;
    // Not `STEPS` nor the readout: the weights mean the same for every window, so a model
    // trained on windows loads into the streaming network.
    const FINGERPRINT: u64 = Fingerprint::new("Gru").usize(IN).usize(HIDDEN).finish();

    fn init<Rg: Rng + ?Sized>(&mut self, rng: &mut Rg, init: Init) {
        let init = init.resolve(rec::default_init(HIDDEN));
        rec::init(&mut self.weight_ih, &mut self.weight_hh, &mut self.bias_ih, &mut self.bias_hh, rng, init);
    }

    #[inline]
    fn forward(&self, x: &[T; X]) -> [T; Y] {
        self.forward_step(&mut GruState::default(), x)
    }

    #[inline]
    fn forward_step(&self, state: &mut Self::State, x: &[T; X]) -> [T; Y] {
        let mut y = [T::ZERO; Y];
        for (t, xt) in rec::steps::<T, IN, STEPS, X>(x).iter().enumerate() {
            state.h = self.cell(&state.h, xt).h;
            rec::emit::<T, R, HIDDEN, STEPS, Y>(&mut y, t, &state.h);
        }
        y
    }

    #[inline]
    fn forward_train<Rg: Rng + ?Sized>(&self, x: &[T; X], tape: &mut Self::Tape, _rng: &mut Rg) {
        let mut h = [T::ZERO; HIDDEN];
        for (t, xt) in rec::steps::<T, IN, STEPS, X>(x).iter().enumerate() {
            let s = self.cell(&h, xt);
            (tape.gates[t], tape.hn[t], tape.h[t]) = (s.gates, s.hn, s.h);
            h = s.h;
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
