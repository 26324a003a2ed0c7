//! Networks: the [`Network`] trait every `network!` struct implements, and the plain generic code
//! behind it.
//!
//! A `network!` struct is a list of layers. The macro tells the library three things about it —
//! how to reach layer `K` ([`LayerAt`]), the type-level list of its layers ([`Sequential`]), and
//! how to build it — and everything else lives here: the forward pass, the training tape, the
//! backward pass, the fused per-sample descent and the batched forward pass are written once, in
//! [`chain`], over that list, and [`Network`] is implemented for every [`Sequential`] type.
//!
//! ```
//! use constnet::prelude::*;
//!
//! network! {
//!     /// Four inputs, a hidden layer, one probability.
//!     pub struct Net<f32> {
//!         hidden: Dense<4, 8, Relu>,
//!         output: Dense<8, 1, Sigmoid>,
//!     }
//! }
//!
//! // What `network!` says about it, in plain Rust:
//! use constnet::network::{Chain, Last, LayerAt, Link, Sequential};
//! fn layers<N: Sequential<f32, 4, 1>>() -> usize {
//!     <N::Layers as Chain<N, f32, 4, 1>>::LAYERS
//! }
//! assert_eq!(layers::<Net>(), 2);
//! let _: fn(&Net) -> &Dense<f32, 8, 1, Sigmoid> = <Net as LayerAt<f32, 1>>::layer;
//! let _: <Net as Sequential<f32, 4, 1>>::Layers = (Link::<0, 4, 4, 8>, Last::<1, 8, 8, 1>);
//! ```

pub mod chain;
mod table;
mod tape;

pub use chain::{Chain, Last, Link};
pub use table::{LayerTensors, TensorTable};

use crate::layer::Layer;
pub use tape::Tape;

use crate::{Activation, Init, InitError, Parameters, Scalar};
use core::fmt::Debug;
use rand::Rng;

/// Layer `K` of a network: how the [`chain`] reaches it. `network!` implements it once per
/// layer, with the layer's field as [`LayerAt::layer`].
pub trait LayerAt<T: Scalar, const K: usize> {
    /// The layer's type: its tensors and its widths (that it computes as a [`Layer`] of those
    /// widths is [`LayerIs`]).
    type Layer: LayerParts<T>;
    /// The layer's name (its field in the struct), for tensor names and messages.
    const NAME: &'static str;
    /// The layer.
    fn layer(&self) -> &Self::Layer;
    /// The layer, mutably.
    fn layer_mut(&mut self) -> &mut Self::Layer;
}

/// What every layer type has, whatever it computes: tensors ([`Parameters`]) and widths
/// ([`LayerShape`](crate::layer::LayerShape)). Implemented for every type that has both.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a constnet layer",
    label = "a layer in `network!` must implement `LayerShape`, `Parameters` and `Layer`",
    note = "see the `constnet::layer` docs for the layer contract"
)]
pub trait LayerParts<T: Scalar>: Parameters<T> + crate::layer::LayerShape {}

impl<T: Scalar, L: Parameters<T> + crate::layer::LayerShape> LayerParts<T> for L {}

/// Layer `K` of a network is a [`Layer`] from `IN` to `OUT` values: the widths its
/// [`LayerShape`](crate::layer::LayerShape) declares. `network!` implements it once per layer
/// (with no items: implementing it is the check), so a type that is not such a layer is one error,
/// at the layer's declaration; the [`chain`] relies on it.
pub trait LayerIs<T: Scalar, const K: usize, const IN: usize, const OUT: usize>:
    LayerAt<T, K, Layer: Layer<T, IN, OUT>>
{
}

/// The last layer `K` of a network is an [`OutputLayer`](crate::OutputLayer): as [`LayerIs`],
/// for the end of the [`chain`].
pub trait OutputLayerIs<T: Scalar, const K: usize, const IN: usize, const OUT: usize>:
    LayerAt<T, K, Layer: crate::OutputLayer<T, IN, OUT>>
{
}

/// A network made of layers run in order, from `[T; IN]` to `[T; OUT]`: its layers as a
/// [`Chain`] type. `network!` implements it; [`Network`] is implemented for every `Sequential`
/// type by the code in this module.
pub trait Sequential<T: Scalar, const IN: usize, const OUT: usize>:
    Parameters<T> + Clone + Debug + PartialEq + Send + Sync
{
    /// The layers, in order: `(Link<0, …>, (Link<1, …>, … Last<n, …>))`.
    type Layers: Chain<Self, T, IN, OUT>;

    /// The architecture fingerprint of the model byte format: the number of layers and their
    /// fingerprints in order (see [`fingerprint`](crate::layer::fingerprint)).
    const FINGERPRINT: u64 = crate::layer::fingerprint::network(
        <Self::Layers as Chain<Self, T, IN, OUT>>::LAYERS,
        <Self::Layers as Chain<Self, T, IN, OUT>>::FINGERPRINT,
    );
}

/// A network's scalar and widths as one type, [`Io<T, IN, OUT>`](Io), for generic code that must
/// name a network's layers without knowing its widths, such as
/// [`int8::Quantized<Circles>`](crate::int8::Quantized). `network!` implements it next to
/// [`Sequential`]; a blanket implementation could not, because nothing in `N` alone fixes `IN`
/// and `OUT`.
///
/// ```
/// use constnet::network::{Io, Signature};
/// use constnet::prelude::*;
/// network! { struct Net<f32> { hidden: Dense<3, 8, Relu>, output: Dense<8, 2, Softmax> } }
/// let _: fn() -> Io<f32, 3, 2> = || <Net as Signature>::Io::default();
/// ```
pub trait Signature {
    /// `Io<T, IN, OUT>`: the scalar and the input and output widths.
    type Io;
}

/// The scalar `T` and widths `IN → OUT` of a network, as a type (see [`Signature`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Io<T, const IN: usize, const OUT: usize>(core::marker::PhantomData<T>);

impl<T, const IN: usize, const OUT: usize> Default for Io<T, IN, OUT> {
    fn default() -> Self {
        Self(core::marker::PhantomData)
    }
}

/// What a fused descent step ([`Network::descend`]) did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[must_use]
pub enum Descent {
    /// Every layer was updated.
    Applied,
    /// The gradient was NaN or infinite: nothing changed.
    NonFiniteGradient,
}

/// A whole network from `[T; IN]` to `[T; OUT]`, as declared with [`network!`](macro@crate::network).
///
/// Generic code (training loops, benchmarks, serialization) is written against this trait:
///
/// ```
/// use constnet::prelude::*;
///
/// fn classify<N: Network<f32, 2, 1>>(net: &N, points: &[[f32; 2]]) -> usize {
///     points.iter().filter(|p| net.forward(p)[0] >= 0.5).count()
/// }
///
/// network! { struct Tiny<f32> { out: Dense<2, 1, Sigmoid> } }
/// let net = Tiny::from_layers(Dense::from_parts([[1.0, 1.0]], [0.0]));
/// assert_eq!(classify(&net, &[[1.0, 1.0], [-1.0, -2.0]]), 1);
/// ```
///
/// The network value doubles as its own gradient and optimizer-state container: the gradients
/// of a `Circles<f32>` are a `Circles<f32>` (see [`Parameters`]).
///
/// # Big networks
/// A network is its weights, inline: a 784-128-10 MNIST classifier of `Dense` layers is 400 KB,
/// and training keeps about five of them (the network, the gradients, Adam's two moments, the
/// early-stopping snapshot). That overflows a test thread's 2 MiB stack and a debug main thread's
/// 8 MiB. `network!` warns at compile time when a network's weights pass 256 KiB; declare the big
/// layers as [`HeapDense`](crate::layer::Dense) (`std` feature: the same layer with its arrays
/// boxed, so the network, its gradients and the optimizer state are a few pointers each), or put
/// an inline network in a `static` (in flash on a microcontroller) and allow the warning with
/// `#[allow(deprecated)]` on its declaration. Networks are created in place
/// ([`Network::random`] zeroes then initialises each layer where it stands).
pub trait Network<T: Scalar, const IN: usize, const OUT: usize>:
    Parameters<T> + Clone + Debug + PartialEq + Send + Sync
{
    /// Everything a training forward pass records for backward: the input and each layer's tape.
    /// A plain value whose size is fixed by the network type.
    type Tape: Clone + Debug + Default;
    /// Every layer's state between calls of [`Network::forward_step`] (for recurrent layers);
    /// `Default` is the state at the start of a sequence. Zero-sized for networks without state.
    type State: Clone + Debug + Default;
    /// The activation of the output layer (losses use it to choose a fused gradient).
    type OutputActivation: Activation;
    /// Number of layers.
    const LAYERS: usize;
    /// `false` if some layer cannot learn by back-propagation (it contains [`crate::Step`]).
    const TRAINABLE: bool;
    /// Bytes of the weights and biases, `size_of::<Self>()`: the flash a `static` network
    /// occupies (see [`crate::memory`] for the whole bill). On a microcontroller exactly the
    /// parameters; on x86-64 each layer with a weight matrix is padded to a 64-byte cache line.
    const PARAM_BYTES: usize = core::mem::size_of::<Self>();
    /// Bytes of the activation vectors [`Network::forward`] needs at once: the largest
    /// `(inputs + outputs) × size_of::<T>()` over the layers. A lower bound for its stack use.
    const INFERENCE_SCRATCH_BYTES: usize;
    /// Bytes of one training tape, `size_of::<Self::Tape>()`.
    const TAPE_BYTES: usize = core::mem::size_of::<Self::Tape>();
    /// Bytes a training step needs besides the network and the optimizer state: one tape and
    /// the gradient accumulator (a second `Self`).
    const TRAIN_SCRATCH_BYTES: usize = Self::TAPE_BYTES + core::mem::size_of::<Self>();

    /// Inference: runs every layer in turn, on the stack.
    fn forward(&self, x: &[T; IN]) -> [T; OUT];
    /// Inference that also gives the output layer's pre-activation: `(z, y)`, `y = forward(x)`.
    /// [`Trainer::evaluate`](crate::train::Trainer::evaluate) uses it so that a loss on held-out
    /// data is computed exactly as in training (cross-entropies from the logits).
    fn forward_logits(&self, x: &[T; IN]) -> ([T; OUT], [T; OUT]);
    /// Inference on many samples: `outputs[k] = forward(&inputs[k])`, up to rounding, computed in
    /// blocks of [`BLOCK`](crate::batch::BLOCK) samples (32 for networks of 1024 parameters or
    /// more on CPUs with AVX-512; the same bits) that every layer processes together, vectorised
    /// across samples (see [`crate::batch`]). No allocation.
    ///
    /// # Panics
    /// If `inputs` and `outputs` differ in length.
    fn forward_batch(&self, inputs: &[[T; IN]], outputs: &mut [[T; OUT]]);
    /// One step of a sequence: every layer from its state in `state`, which is updated. For a
    /// network without recurrent layers this is [`Network::forward`].
    fn forward_step(&self, state: &mut Self::State, x: &[T; IN]) -> [T; OUT];
    /// A network whose parameters are drawn by `init` (each layer resolves [`Init::Default`] for
    /// its own activation), layer by layer in declaration order, in place.
    ///
    /// # Errors
    /// [`InitError`] if `init` has invalid parameters.
    fn init<R: Rng + ?Sized>(rng: &mut R, init: Init) -> Result<Self, InitError>;
    /// A network initialised with [`Init::Default`]: He for ReLU layers, Glorot for the rest.
    fn random<R: Rng + ?Sized>(rng: &mut R) -> Self;
    /// Training forward pass: records into `tape` what [`Network::backward`] needs. `rng` drives
    /// stochastic layers such as dropout.
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; IN], tape: &mut Self::Tape, rng: &mut R);
    /// The network output `ŷ` recorded in a tape.
    fn output(tape: &Self::Tape) -> &[T; OUT];
    /// The output layer's pre-activation `z` (the logits) recorded in a tape.
    fn output_pre_activation(tape: &Self::Tape) -> &[T; OUT];
    /// Back-propagation: from the output layer's error signal `δ = ∂L/∂z`, adds the gradient of
    /// every weight and bias into `grads`, layer by layer in reverse.
    fn backward(&self, tape: &Self::Tape, delta: &[T; OUT], grads: &mut Self);
    /// Every layer's training tapes for a block of [`TRAIN_BLOCK`](crate::batch::TRAIN_BLOCK)
    /// samples (mini-batch training). A plain value on the stack.
    type BlockTape: Clone + Debug + Default;
    /// Training forward pass of a block of samples (`x.len() ≤ TRAIN_BLOCK`; samples past it are
    /// ignored), layer by layer: each layer's [`Layer::forward_train_block`] over the whole block,
    /// then the next layer's (for `Dense` layers and a whole block, `forward_batch`'s kernel, so
    /// the last bits may differ from [`Network::forward_train`]'s). The draws from `rng` are
    /// those of [`Network::forward_train`] on each sample in order when at most one layer draws
    /// (one `Dropout`); with several, each of them draws for every sample of the block in turn.
    fn forward_train_block<R: Rng + ?Sized>(&self, x: &[[T; IN]], tape: &mut Self::BlockTape, rng: &mut R);
    /// The output `ŷ` of sample `s` recorded by [`Network::forward_train_block`].
    fn block_output(tape: &Self::BlockTape, s: usize) -> Option<&[T; OUT]>;
    /// The output layer's pre-activation of sample `s` recorded by
    /// [`Network::forward_train_block`].
    fn block_pre_activation(tape: &Self::BlockTape, s: usize) -> Option<&[T; OUT]>;
    /// Back-propagation of the block recorded in `tape` (from the same inputs `x`), from each
    /// sample's output error signal `deltas[s]`: adds the gradients of all samples into `grads`,
    /// layer by layer in reverse, each layer's samples at once
    /// ([`Layer::backward_block`]). Every gradient element receives
    /// the same additions, in the same order, as from [`Network::backward`] sample by sample.
    fn backward_block(&self, x: &[[T; IN]], tape: &Self::BlockTape, deltas: &[[T; OUT]], grads: &mut Self);
    /// Back-propagation fused with one step of plain gradient descent on one sample: every
    /// weight moves by `−rate·∂L/∂w` in place, without a gradient buffer. The fast path of
    /// [`Trainer`](crate::train::Trainer) for per-sample [`Sgd`](crate::optim::Sgd).
    ///
    /// All signals and the gradient's squared norm `‖g‖²` are computed first, from the old
    /// weights; then [`gradient_scale`](crate::train::gradient_scale) — the same rule the
    /// accumulating path applies — decides: a non-finite gradient changes nothing
    /// ([`Descent::NonFiniteGradient`]); a gradient longer than `clip_norm` is scaled down to it.
    fn descend(&mut self, tape: &Self::Tape, delta: &[T; OUT], rate: T, clip_norm: Option<T>) -> Descent;
}

impl<T: Scalar, N: Sequential<T, IN, OUT>, const IN: usize, const OUT: usize> Network<T, IN, OUT> for N {
    type Tape = Tape<T, IN, <N::Layers as Chain<N, T, IN, OUT>>::Tape>;
    type State = <N::Layers as Chain<N, T, IN, OUT>>::State;
    type OutputActivation = <N::Layers as Chain<N, T, IN, OUT>>::OutputActivation;
    const LAYERS: usize = <N::Layers as Chain<N, T, IN, OUT>>::LAYERS;
    const TRAINABLE: bool = <N::Layers as Chain<N, T, IN, OUT>>::TRAINABLE;
    const INFERENCE_SCRATCH_BYTES: usize = <N::Layers as Chain<N, T, IN, OUT>>::SCRATCH * core::mem::size_of::<T>();

    #[inline]
    fn forward(&self, x: &[T; IN]) -> [T; OUT] {
        N::Layers::forward(self, x)
    }

    #[inline]
    fn forward_logits(&self, x: &[T; IN]) -> ([T; OUT], [T; OUT]) {
        N::Layers::forward_logits(self, x)
    }

    #[inline]
    fn forward_batch(&self, inputs: &[[T; IN]], outputs: &mut [[T; OUT]]) {
        crate::batch::forward_batch::<T, N, IN, OUT>(self, inputs, outputs);
    }

    #[inline]
    fn forward_step(&self, state: &mut Self::State, x: &[T; IN]) -> [T; OUT] {
        N::Layers::forward_step(self, state, x)
    }

    fn init<R: Rng + ?Sized>(rng: &mut R, init: Init) -> Result<Self, InitError> {
        let init = init.validate()?;
        let mut net = Self::zeroed();
        N::Layers::init(&mut net, rng, init);
        Ok(net)
    }

    fn random<R: Rng + ?Sized>(rng: &mut R) -> Self {
        let mut net = Self::zeroed();
        N::Layers::init(&mut net, rng, Init::Default);
        net
    }

    #[inline(always)]
    fn forward_train<R: Rng + ?Sized>(&self, x: &[T; IN], tape: &mut Self::Tape, rng: &mut R) {
        tape.input = *x;
        N::Layers::forward_train(self, &tape.input, &mut tape.layers, rng);
    }

    #[inline(always)]
    fn output(tape: &Self::Tape) -> &[T; OUT] {
        N::Layers::output(&tape.layers)
    }

    #[inline(always)]
    fn output_pre_activation(tape: &Self::Tape) -> &[T; OUT] {
        N::Layers::output_pre_activation(&tape.layers)
    }

    #[inline]
    fn backward(&self, tape: &Self::Tape, delta: &[T; OUT], grads: &mut Self) {
        N::Layers::backward_params(self, &tape.input, &tape.layers, delta, grads);
    }

    type BlockTape = <N::Layers as Chain<N, T, IN, OUT>>::BlockTape;

    #[inline]
    fn forward_train_block<R: Rng + ?Sized>(&self, x: &[[T; IN]], tape: &mut Self::BlockTape, rng: &mut R) {
        N::Layers::forward_train_block(self, x.split_at(x.len().min(crate::batch::TRAIN_BLOCK)).0, tape, rng);
    }

    #[inline(always)]
    fn block_output(tape: &Self::BlockTape, s: usize) -> Option<&[T; OUT]> {
        N::Layers::output_at(tape, s)
    }

    #[inline(always)]
    fn block_pre_activation(tape: &Self::BlockTape, s: usize) -> Option<&[T; OUT]> {
        N::Layers::output_pre_activation_at(tape, s)
    }

    #[inline]
    fn backward_block(&self, x: &[[T; IN]], tape: &Self::BlockTape, deltas: &[[T; OUT]], grads: &mut Self) {
        let n = x.len().min(deltas.len()).min(crate::batch::TRAIN_BLOCK);
        N::Layers::backward_block(self, x.split_at(n).0, tape, deltas.split_at(n).0, grads, None);
    }

    // Inlined into the training step, so the tape stays in registers for tiny networks.
    #[inline(always)]
    fn descend(&mut self, tape: &Self::Tape, delta: &[T; OUT], rate: T, clip_norm: Option<T>) -> Descent {
        let (signals, norm2) = N::Layers::signals_params(self, &tape.input, &tape.layers, delta);
        match crate::train::gradient_scale(norm2, clip_norm, rate) {
            Some(scale) => {
                N::Layers::descend(self, &tape.input, &tape.layers, &signals, rate * scale);
                Descent::Applied
            }
            None => Descent::NonFiniteGradient,
        }
    }
}
