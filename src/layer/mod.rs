//! Layers: the building blocks `network!` chains together, and the contract any layer — ours or
//! yours — fulfils to be one.
//!
//! # The layer contract
//!
//! `network!` treats every layer type alike; it knows grammar and names, not kinds of layer.
//! For `name: some::path::Kind<args…>` it emits `some::path::Kind<Scalar, args…>` — **the scalar
//! is the first generic parameter of every layer type** — and requires three things of it:
//!
//! 1. [`LayerShape`]: how many values the layer takes and gives (and whether its const
//!    parameters make sense). `network!` reads these to wire the layers together and checks at
//!    compile time that each layer takes what the one before gives.
//! 2. [`Layer<T, IN, OUT>`](Layer): the computation — inference, a recording forward pass for
//!    training, and back-propagation, split so that an optimizer can use it with or without a
//!    gradient buffer. Parameter-free layers get sensible defaults for everything about
//!    parameters. Through its supertrait [`Parameters`] it exposes its tensors, which is all
//!    optimizers and the model byte format need.
//! 3. For the last layer only, [`OutputLayer`]: the pre-activation a loss starts from.
//!
//! A layer may keep state between calls ([`Layer::State`], e.g. a recurrent layer's hidden
//! state); the state is a separate value, so the weights stay immutable and a network can live
//! in a `static` in flash while its state lives in RAM.
//!
//! The network that `network!` declares is wired by plain generic code in
//! [`network`](mod@crate::network); the example `examples/custom_layer.rs` builds, trains, checks and saves
//! a network with a layer and an activation defined outside this crate.

mod conv;
mod conv_stream;
mod dense;
pub(crate) mod dense_math;
mod dense_no_bias;
mod dropout;
pub mod fingerprint;
mod gru;
#[cfg(feature = "std")]
mod heap;
mod lstm;
mod norm;
mod pool;
mod prelu;
pub mod recurrent;
mod storage;

pub use conv::{Causal, Conv1d, Padding, Same, Valid};
pub use conv_stream::{ConvHistory, StreamingConv1d};
#[cfg(feature = "std")]
pub use dense::HeapDense;
pub use dense::{Dense, DenseTape};
pub use dense_no_bias::DenseNoBias;
pub use dropout::{Dropout, DropoutTape};
pub use gru::{Gru, GruState, GruTape};
#[cfg(feature = "std")]
pub use heap::{Heap, HeapMatrix};
pub use lstm::{Lstm, LstmState, LstmTape};
pub use norm::{LayerNorm, LayerNormTape};
pub use pool::{AvgPool1d, GlobalAvgPool1d, GlobalMaxPool1d, MaxPool1d, OutputTape};
pub use prelu::PRelu;
pub use recurrent::{AllSteps, Exact, Fast, GateMath, LastStep, Readout};
pub use storage::{Inline, Storage};

use crate::{Activation, Init, Parameters, Scalar};

/// A decimal number as a const generic argument: the bits of `value` as an `f32` (const
/// generics cannot be floating point on stable Rust). A layer with a fractional parameter, such
/// as [`Dropout`]'s rate, declares it as `const RATE: u32` and reads it with
/// `f32::from_bits(RATE)`.
///
/// `network!` writes it for you: inside a network, `drop: Dropout<128, 0.2>` means
/// `Dropout<T, 128, { decimal(0.2) }>`.
///
/// ```
/// use constnet::layer::decimal;
/// use constnet::Dropout;
/// type Drop = Dropout<f32, 16, { decimal(0.25) }>;
/// assert_eq!(Drop::RATE, 0.25);
/// ```
#[must_use]
pub const fn decimal(value: f32) -> u32 {
    value.to_bits()
}
use core::fmt::Debug;
use rand::Rng;

/// The shape of a layer type as `network!` sees it: how many values it takes and gives, and
/// whether its const parameters make sense. It does not depend on the scalar type.
///
/// `network!` reads [`LayerShape::INPUTS`] and [`LayerShape::OUTPUTS`] to wire layers together,
/// and checks at compile time, at your declaration, that each layer's inputs equal the previous
/// layer's outputs, that no width is zero, and that [`LayerShape::INVALID`] is `None`.
///
/// ```
/// use constnet::layer::LayerShape;
/// use constnet::{Dense, Relu};
/// assert_eq!(<Dense<f32, 2, 4, Relu> as LayerShape>::OUTPUTS, 4);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a constnet layer",
    label = "a layer in `network!` must implement `LayerShape` and `Layer`",
    note = "layers are declared as `name: Dense<INPUTS, OUTPUTS, Activation>`, or as a path to your own layer type whose first generic parameter is the scalar"
)]
pub trait LayerShape {
    /// Number of values the layer takes.
    const INPUTS: usize;
    /// Number of values the layer gives.
    const OUTPUTS: usize;
    /// `Some(message)` when the type's parameters are invalid (for example a dropout rate of 1 or
    /// more). `network!` turns it into a compile error at the layer's declaration, prefixed by the
    /// layer's name.
    const INVALID: Option<&'static str> = None;
    /// For a layer that reads its input as a sequence of time steps stored time-major
    /// (`[[T; C]; LEN]` flattened to `[T; LEN·C]`, as [`Conv1d`] does): the channels `C` per time
    /// step. `None` (the default) for a layer that sees a flat vector. Where both sides of a link
    /// say, `network!` checks that they agree, so a convolution feeding 8 channels into a
    /// pooling layer declared for 16 is a compile error even when the total widths happen to
    /// match.
    const INPUT_CHANNELS: Option<usize> = None;
    /// The channels per time step of the output (see [`LayerShape::INPUT_CHANNELS`]).
    const OUTPUT_CHANNELS: Option<usize> = None;
}

/// A layer mapping `[T; IN]` to `[T; OUT]`: inference, a recording forward pass for training, and
/// back-propagation.
///
/// # Back-propagation in pieces
///
/// Back-propagation through a layer with input `x`, output `y` and loss `L` starts from
/// `∂L/∂y`. [`Layer::error_signal`] turns it into the layer's *signal* `s`: for a layer
/// `y = A(z)` with an activation, `s = ∂L/∂z = A'(z)ᵀ·∂L/∂y`; for other layers it may be
/// `∂L/∂y` itself. From the signal, [`Layer::input_gradient`] gives `∂L/∂x` for the layer
/// before, [`Layer::add_gradient`] adds `∂L/∂θ` to a gradient buffer, and
/// [`Layer::gradient_norm2`] and [`Layer::descend`] serve the fused per-sample update, which
/// checks the whole gradient's norm before changing any weight. The last layer of a network
/// gets its signal straight from the loss (see [`OutputLayer`]).
///
/// Gradients have the layer's own type (`grads: &mut Self`): gradient tensor `i` belongs to
/// parameter tensor `i` (see [`Parameters`]). [`Layer::add_gradient`] *adds*, so the gradients of
/// a mini-batch accumulate; zero them with [`Parameters::fill`] between steps.
///
/// # Defaults
/// A layer without parameters implements only [`Layer::forward`], [`Layer::forward_train`],
/// [`Layer::output`], [`Layer::input_gradient`] (and [`Layer::error_signal`] if its signal is
/// not `∂L/∂y`). A layer with parameters must also implement [`Layer::init`] and
/// [`Layer::add_gradient`] (the defaults refuse to compile for it); the defaults of
/// [`Layer::gradient_norm2`] and [`Layer::descend`] are then correct, computing the layer's
/// gradient into a temporary copy of the layer, and worth overriding for speed.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a layer from {IN} to {OUT} values of `{T}`",
    note = "a layer implements `constnet::layer::LayerShape` and `constnet::Layer<T, IN, OUT>`; see the `constnet::layer` docs"
)]
pub trait Layer<T: Scalar, const IN: usize, const OUT: usize>:
    LayerShape + Parameters<T> + Clone + Debug + PartialEq + Send + Sync
{
    /// What a training forward pass records for the backward pass (on the stack).
    type Tape: Clone + Debug + Default;
    /// What the layer keeps between calls of [`Layer::forward_step`]; `()` for layers without
    /// state. Its `Default` is the state at the start of a sequence.
    type State: Clone + Debug + Default;
    /// `false` when back-propagation through the layer cannot learn (see [`crate::Step`]).
    const TRAINABLE: bool = true;
    /// What the layer computes, hashed (see [`fingerprint`]): its kind, widths and whatever else
    /// decides the function, not type names. The model byte format uses it to recognise bytes
    /// written for another architecture.
    const FINGERPRINT: u64;

    /// Draws the layer's parameters from `rng` with `init` (already validated; resolve
    /// [`Init::Default`] with [`Init::resolve`] for the layer's activation), in place. The
    /// default, for layers without parameters, does nothing.
    #[inline]
    fn init<R: Rng + ?Sized>(&mut self, rng: &mut R, init: Init) {
        let _ = (rng, init);
        const { assert!(Self::PARAMS == 0, "a layer with parameters must implement `Layer::init`") }
    }

    /// Inference: `y = layer(x)`, from the start-of-sequence state for stateful layers.
    fn forward(&self, x: &[T; IN]) -> [T; OUT];

    /// Inference on a block of `S` samples stored feature-major: `x[i][s]` is input `i` of
    /// sample `s`, and so is the result. The batched forward pass (`forward_batch`) runs every
    /// layer this way, so that each loop runs across samples and vectorises. The default runs
    /// [`Layer::forward`] sample by sample; [`Dense`] overrides it with a register-tiled kernel.
    #[inline]
    fn forward_block<const S: usize>(&self, x: &[[T; S]; IN]) -> [[T; S]; OUT] {
        let mut y = [[T::ZERO; S]; OUT];
        for s in 0..S {
            let sample: [T; IN] = core::array::from_fn(|i| x[i][s]);
            for (row, v) in y.iter_mut().zip(self.forward(&sample)) {
                row[s] = v;
            }
        }
        y
    }

    /// One step of a sequence: `y = layer(x)` from `state`, which is updated. The default (for
    /// layers without state) is [`Layer::forward`].
    #[inline]
    fn forward_step(&self, state: &mut Self::State, x: &[T; IN]) -> [T; OUT] {
        let _ = state;
        self.forward(x)
    }

    /// Training forward pass: computes the output into `tape` along with whatever backward needs.
    /// `rng` drives stochastic layers such as dropout.
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; IN], tape: &mut Self::Tape, rng: &mut R);

    /// Training forward pass of a block of samples (mini-batch training): [`Layer::forward_train`]
    /// of `x[s]` into `tapes[s]` for every `s`, in order (`x` and `tapes` have the same length, at
    /// most [`TRAIN_BLOCK`](crate::batch::TRAIN_BLOCK)). The default is that loop: a block's
    /// samples are independent, so their passes overlap in the processor, where one sample's
    /// pass through all the layers is a chain of dependent steps. An override records the same
    /// function, possibly with its sums in another order ([`Dense`] runs a whole block through
    /// its `forward_batch` kernel), and must draw from `rng` as the loop does.
    #[inline]
    fn forward_train_block<R: Rng + ?Sized>(&self, x: &[[T; IN]], tapes: &mut [Self::Tape], rng: &mut R) {
        for (xs, tape) in x.iter().zip(tapes) {
            self.forward_train(xs, tape, rng);
        }
    }

    /// The output recorded by [`Layer::forward_train`].
    fn output(tape: &Self::Tape) -> &[T; OUT];

    /// The layer's signal `s` from `∂L/∂y` (see the trait docs): `A'(z)ᵀ·∂L/∂y` for a layer with
    /// an activation. The default passes `∂L/∂y` through.
    #[inline]
    fn error_signal(&self, tape: &Self::Tape, d_out: &[T; OUT]) -> [T; OUT] {
        let _ = tape;
        *d_out
    }

    /// `∂L/∂x` from the layer's input `x`, its tape and its signal.
    fn input_gradient(&self, x: &[T; IN], tape: &Self::Tape, signal: &[T; OUT]) -> [T; IN];

    /// Adds `∂L/∂θ` for one sample to `grads`. The default, for layers without parameters, does
    /// nothing.
    #[inline]
    fn add_gradient(&self, x: &[T; IN], tape: &Self::Tape, signal: &[T; OUT], grads: &mut Self) {
        let _ = (x, tape, signal, grads);
        const { assert!(Self::PARAMS == 0, "a layer with parameters must implement `Layer::add_gradient`") }
    }

    /// Back-propagation of a block of samples at once (mini-batch training): for every sample
    /// `s`, adds `∂L/∂θ` from `x[s]`, `tapes[s]` and `signals[s]` to `grads` — samples in order,
    /// so each gradient element receives the same additions as from [`Layer::add_gradient`]
    /// called sample by sample — and, if `d_x` is given, writes `∂L/∂x` of sample `s` to
    /// `d_x[s]`. All four slices have the same length (at most
    /// [`TRAIN_BLOCK`](crate::batch::TRAIN_BLOCK)).
    ///
    /// The default calls [`Layer::add_gradient`] and [`Layer::input_gradient`] sample by
    /// sample; [`Dense`] overrides it with block kernels that load each weight once per block.
    #[inline]
    fn backward_block(
        &self,
        x: &[[T; IN]],
        tapes: &[Self::Tape],
        signals: &[[T; OUT]],
        grads: &mut Self,
        d_x: Option<&mut [[T; IN]]>,
    ) {
        for ((xs, tape), signal) in x.iter().zip(tapes).zip(signals) {
            self.add_gradient(xs, tape, signal, grads);
        }
        if let Some(d_x) = d_x {
            for (((dx, xs), tape), signal) in d_x.iter_mut().zip(x).zip(tapes).zip(signals) {
                *dx = self.input_gradient(xs, tape, signal);
            }
        }
    }

    /// `‖∂L/∂θ‖²` for one sample, before any weight changes. The default computes the gradient
    /// with [`Layer::add_gradient`] into a zeroed copy of the layer.
    #[inline]
    fn gradient_norm2(&self, x: &[T; IN], tape: &Self::Tape, signal: &[T; OUT]) -> T {
        if Self::PARAMS == 0 {
            return T::ZERO;
        }
        let mut grads = Self::zeroed();
        self.add_gradient(x, tape, signal, &mut grads);
        grads.squared_norm()
    }

    /// One step of gradient descent on one sample's gradient, in place: `θ ← θ − rate·∂L/∂θ`.
    /// The default computes the gradient with [`Layer::add_gradient`] into a zeroed copy of the
    /// layer and subtracts it.
    #[inline]
    fn descend(&mut self, x: &[T; IN], tape: &Self::Tape, signal: &[T; OUT], rate: T) {
        if Self::PARAMS == 0 {
            return;
        }
        let mut grads = Self::zeroed();
        self.add_gradient(x, tape, signal, &mut grads);
        for t in 0..Self::TENSORS {
            for (p, &g) in self.tensor_mut(t).iter_mut().zip(grads.tensor(t)) {
                *p -= rate * g;
            }
        }
    }
}

/// A layer that can end a network: its output is `A(z)` for an [`Activation`] `A` and a
/// pre-activation `z` it records, so a loss can start back-propagation from `δ = ∂L/∂z`, fused
/// with the activation where that is stable (`p − y` for sigmoid or softmax with
/// cross-entropy).
///
/// For an output layer the network hands the loss's `δ` to [`Layer::input_gradient`],
/// [`Layer::add_gradient`], [`Layer::gradient_norm2`] and [`Layer::descend`] as the layer's
/// signal, skipping [`Layer::error_signal`]; so an `OutputLayer`'s signal must be `∂L/∂z`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the last layer of a network",
    label = "the last layer must give its pre-activation to the loss",
    note = "end the network with a layer such as `Dense<IN, OUT, Sigmoid>`, or implement `constnet::OutputLayer` for this layer"
)]
pub trait OutputLayer<T: Scalar, const IN: usize, const OUT: usize>: Layer<T, IN, OUT> {
    /// The activation applied to the pre-activation.
    type Activation: Activation;
    /// The pre-activation `z` (the logits) recorded by [`Layer::forward_train`].
    fn pre_activation(tape: &Self::Tape) -> &[T; OUT];

    /// Inference that also gives the pre-activation: `(z, y)` with `y = A(z)`, so that a loss
    /// evaluated on held-out data is the same function as during training (cross-entropies from
    /// the logits). The default records a training pass with a generator that always returns
    /// `u32::MAX` (a stochastic layer should treat that as inference).
    fn forward_logits(&self, x: &[T; IN]) -> ([T; OUT], [T; OUT]) {
        let mut tape = Self::Tape::default();
        self.forward_train(x, &mut tape, &mut InferenceRng);
        (*Self::pre_activation(&tape), *Self::output(&tape))
    }
}

/// The generator [`OutputLayer::forward_logits`] hands a training pass: always `u32::MAX`.
struct InferenceRng;

impl rand::TryRng for InferenceRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(u32::MAX)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(u64::MAX)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        dst.fill(0xff);
        Ok(())
    }
}
