//! The chain: a network's layers as a type-level list, and the plain generic code that runs them.
//!
//! `network!` describes a network of layers `L₀ … Lₙ` by a list type
//! `(Link<0, …>, (Link<1, …>, … Last<n, …>))` and lets each link reach its layer through
//! [`LayerAt`]. Everything a network does is written once, here, as recursion over that list,
//! which the compiler unrolls into straight-line code (RTNeural's `ModelT` does the same with a
//! tuple of layers):
//!
//! ```text
//! forward:   h₀ = x,  hₖ₊₁ = Lₖ(hₖ),  ŷ = hₙ₊₁
//! backward:  sₙ = δ (from the loss),  sₖ = Lₖ.error_signal(∂L/∂hₖ₊₁),  ∂L/∂hₖ = Lₖ.input_gradient(sₖ)
//!            ∂L/∂θₖ += Lₖ.add_gradient(hₖ, sₖ)       (from the output layer back to the first)
//! descend:   all sₖ and ‖g‖² = Σₖ ‖∂L/∂θₖ‖² from the old weights, then θₖ ← θₖ − η·∂L/∂θₖ
//! ```
//!
//! A link carries the widths the chain sees on both sides, so the list type is well-formed even
//! when a declaration is wrong: `network!` checks that each layer takes what the one before gives
//! with a compile-time assertion at the user's declaration, and the chain only relies on it.

use super::{LayerAt, LayerIs, OutputLayerIs};
use crate::batch::TRAIN_BLOCK;
use crate::layer::{Layer, OutputLayer, fingerprint};
use crate::{Activation, Init, Parameters, Scalar, TensorInfo};
use core::fmt::Debug;
use rand::Rng;

/// Layer `K` of a network as one link of its chain: the chain hands it `FROM` values (the network
/// input or the previous layer's output), the layer takes `IN` (equal to `FROM`, checked where the
/// network is declared) and gives `OUT`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Link<const K: usize, const FROM: usize, const IN: usize, const OUT: usize>;

/// The last layer of a network, `K`, as the end of its chain: like [`Link`], and it must be an
/// [`OutputLayer`], because a loss starts back-propagation from its pre-activation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Last<const K: usize, const FROM: usize, const IN: usize, const OUT: usize>;

/// Layer `K` of network `N`.
type At<N, T, const K: usize> = <N as LayerAt<T, K>>::Layer;

/// `x` seen as an array of `B` values. `network!` asserts `A == B` at compile time where the
/// network is declared; the assertion here catches a hand-built chain that does not.
#[inline(always)]
pub(crate) fn reshape<T, const A: usize, const B: usize>(x: &[T; A]) -> &[T; B] {
    const { assert!(A == B, "constnet: a layer takes a different number of values than the layer before gives") }
    match x.first_chunk::<B>() {
        Some(y) => y,
        None => unreachable!(),
    }
}

/// `x` seen as a slice of arrays of `B` values (`A == B`, as for [`reshape`]).
#[inline(always)]
fn reshape_block<T, const A: usize, const B: usize>(x: &[[T; A]]) -> &[[T; B]] {
    const { assert!(A == B, "constnet: a layer takes a different number of values than the layer before gives") }
    x.as_flattened().as_chunks::<B>().0
}

/// `x` seen as a mutable slice of arrays of `B` values (`A == B`).
#[inline(always)]
fn reshape_block_mut<T, const A: usize, const B: usize>(x: &mut [[T; A]]) -> &mut [[T; B]] {
    const { assert!(A == B, "constnet: a layer takes a different number of values than the layer before gives") }
    x.as_flattened_mut().as_chunks_mut::<B>().0
}

/// The larger of two widths, in `const` context.
const fn max(a: usize, b: usize) -> usize {
    if a > b { a } else { b }
}

/// A network's layers from `[T; IN]` to `[T; OUT]`, run in order: what every `network!` struct
/// `N` is made of (see the [module docs](self)). All methods take the network (or its gradients,
/// which have the network's type) and reach each layer through [`LayerAt`].
pub trait Chain<N, T: Scalar, const IN: usize, const OUT: usize> {
    /// Every layer's tape, in order (nested pairs).
    type Tape: Clone + Debug + Default;
    /// Every layer's state, in order (nested pairs of `()` for a network without state).
    type State: Clone + Debug + Default;
    /// Every layer's signal for the fused descent, in order.
    type Signals;
    /// The activation of the last layer.
    type OutputActivation: Activation;
    /// Number of layers.
    const LAYERS: usize;
    /// `false` if some layer cannot learn by back-propagation.
    const TRAINABLE: bool;
    /// The layers' fingerprints folded in order ([`fingerprint::chain`]).
    const FINGERPRINT: u64;
    /// Number of parameter tensors over all layers.
    const TENSORS: usize;
    /// Number of parameters over all layers.
    const PARAMS: usize;
    /// The largest `inputs + outputs` of any layer: the values inference keeps at once.
    const SCRATCH: usize;

    /// Tensor `index`, counted over the layers in order; empty past the end.
    fn tensor(net: &N, index: usize) -> &[T];
    /// Tensor `index`, mutably; empty past the end.
    fn tensor_mut(net: &mut N, index: usize) -> &mut [T];
    /// Calls `f` with every layer's tensors, in order.
    fn for_each_tensor<F: FnMut(&[T])>(net: &N, f: &mut F);
    /// Calls `f` with every layer's tensors, mutably, in order.
    fn for_each_tensor_mut<F: FnMut(&mut [T])>(net: &mut N, f: &mut F);
    /// What tensor `index` is, within its layer.
    fn tensor_info(index: usize) -> TensorInfo;
    /// The name of the layer that holds tensor `index`.
    fn tensor_layer(index: usize) -> &'static str;
    /// Initialises every layer in place, in order.
    fn init<R: Rng + ?Sized>(net: &mut N, rng: &mut R, init: Init);
    /// Inference.
    fn forward(net: &N, x: &[T; IN]) -> [T; OUT];
    /// Inference that also gives the last layer's pre-activation: `(z, y)`.
    fn forward_logits(net: &N, x: &[T; IN]) -> ([T; OUT], [T; OUT]);
    /// Inference on a feature-major block of `S` samples.
    fn forward_block<const S: usize>(net: &N, x: &[[T; S]; IN]) -> [[T; S]; OUT];
    /// One step of a sequence, updating every layer's state.
    fn forward_step(net: &N, state: &mut Self::State, x: &[T; IN]) -> [T; OUT];
    /// Training forward pass into the layers' tapes.
    fn forward_train<R: Rng + ?Sized>(net: &N, x: &[T; IN], tape: &mut Self::Tape, rng: &mut R);
    /// The network output recorded in a tape.
    fn output(tape: &Self::Tape) -> &[T; OUT];
    /// The last layer's pre-activation recorded in a tape.
    fn output_pre_activation(tape: &Self::Tape) -> &[T; OUT];
    /// Back-propagation from the loss's `δ` at the last layer: adds every layer's gradient into
    /// `grads` and returns `∂L/∂x`.
    fn backward(net: &N, x: &[T; IN], tape: &Self::Tape, delta: &[T; OUT], grads: &mut N) -> [T; IN];
    /// As [`Chain::backward`], without `∂L/∂x` (for the first layer nobody needs it).
    fn backward_params(net: &N, x: &[T; IN], tape: &Self::Tape, delta: &[T; OUT], grads: &mut N);
    /// Every layer's tapes for a block of [`TRAIN_BLOCK`] samples: one array of tapes per layer.
    type BlockTape: Clone + Debug + Default;
    /// Training forward pass of a block of samples (`x.len() ≤ TRAIN_BLOCK`) into the first
    /// `x.len()` slots of every layer's tapes, layer by layer ([`Layer::forward_train_block`]).
    fn forward_train_block<R: Rng + ?Sized>(net: &N, x: &[[T; IN]], tapes: &mut Self::BlockTape, rng: &mut R);
    /// The network output of sample `s` recorded in a block's tapes.
    fn output_at(tapes: &Self::BlockTape, s: usize) -> Option<&[T; OUT]>;
    /// The last layer's pre-activation of sample `s` recorded in a block's tapes.
    fn output_pre_activation_at(tapes: &Self::BlockTape, s: usize) -> Option<&[T; OUT]>;
    /// Back-propagation of a block of samples (`x.len() ≤ TRAIN_BLOCK`, recorded in `tapes`) from
    /// the loss's `δ` of each: adds every layer's gradients into `grads` (through
    /// [`Layer::backward_block`]) and, if asked, writes each sample's `∂L/∂x` into `d_x`.
    fn backward_block(
        net: &N,
        x: &[[T; IN]],
        tapes: &Self::BlockTape,
        deltas: &[[T; OUT]],
        grads: &mut N,
        d_x: Option<&mut [[T; IN]]>,
    );
    /// Phase one of the fused descent: every layer's signal and the squared gradient norm, from
    /// the current weights, and `∂L/∂x`.
    fn signals(net: &N, x: &[T; IN], tape: &Self::Tape, delta: &[T; OUT]) -> (Self::Signals, T, [T; IN]);
    /// As [`Chain::signals`], without `∂L/∂x`.
    fn signals_params(net: &N, x: &[T; IN], tape: &Self::Tape, delta: &[T; OUT]) -> (Self::Signals, T);
    /// Phase two of the fused descent: `θₖ ← θₖ − rate·∂L/∂θₖ` for every layer.
    fn descend(net: &mut N, x: &[T; IN], tape: &Self::Tape, signals: &Self::Signals, rate: T);
}

impl<N, T, R, const K: usize, const FROM: usize, const IN: usize, const MID: usize, const OUT: usize>
    Chain<N, T, FROM, OUT> for (Link<K, FROM, IN, MID>, R)
where
    T: Scalar,
    N: LayerIs<T, K, IN, MID>,
    R: Chain<N, T, MID, OUT>,
{
    type Tape = (<At<N, T, K> as Layer<T, IN, MID>>::Tape, R::Tape);
    type State = (<At<N, T, K> as Layer<T, IN, MID>>::State, R::State);
    type Signals = ([T; MID], R::Signals);
    type BlockTape = ([<At<N, T, K> as Layer<T, IN, MID>>::Tape; TRAIN_BLOCK], R::BlockTape);
    type OutputActivation = R::OutputActivation;
    const LAYERS: usize = 1 + R::LAYERS;
    const TRAINABLE: bool = <At<N, T, K> as Layer<T, IN, MID>>::TRAINABLE && R::TRAINABLE;
    const FINGERPRINT: u64 = fingerprint::chain(<At<N, T, K> as Layer<T, IN, MID>>::FINGERPRINT, R::FINGERPRINT);
    const TENSORS: usize = <At<N, T, K> as Parameters<T>>::TENSORS + R::TENSORS;
    const PARAMS: usize = <At<N, T, K> as Parameters<T>>::PARAMS + R::PARAMS;
    const SCRATCH: usize = max(IN + MID, R::SCRATCH);

    #[inline]
    fn tensor(net: &N, index: usize) -> &[T] {
        let own = <At<N, T, K> as Parameters<T>>::TENSORS;
        if index < own { net.layer().tensor(index) } else { R::tensor(net, index - own) }
    }
    #[inline]
    fn tensor_mut(net: &mut N, index: usize) -> &mut [T] {
        let own = <At<N, T, K> as Parameters<T>>::TENSORS;
        if index < own { net.layer_mut().tensor_mut(index) } else { R::tensor_mut(net, index - own) }
    }
    #[inline]
    fn for_each_tensor<F: FnMut(&[T])>(net: &N, f: &mut F) {
        net.layer().for_each_tensor(&mut *f);
        R::for_each_tensor(net, f);
    }
    #[inline]
    fn for_each_tensor_mut<F: FnMut(&mut [T])>(net: &mut N, f: &mut F) {
        net.layer_mut().for_each_tensor_mut(&mut *f);
        R::for_each_tensor_mut(net, f);
    }
    fn tensor_info(index: usize) -> TensorInfo {
        let own = <At<N, T, K> as Parameters<T>>::TENSORS;
        if index < own { <At<N, T, K> as Parameters<T>>::tensor_info(index) } else { R::tensor_info(index - own) }
    }
    fn tensor_layer(index: usize) -> &'static str {
        let own = <At<N, T, K> as Parameters<T>>::TENSORS;
        if index < own { <N as LayerAt<T, K>>::NAME } else { R::tensor_layer(index - own) }
    }
    fn init<Rg: Rng + ?Sized>(net: &mut N, rng: &mut Rg, init: Init) {
        net.layer_mut().init(rng, init);
        R::init(net, rng, init);
    }
    #[inline(always)]
    fn forward(net: &N, x: &[T; FROM]) -> [T; OUT] {
        let h = net.layer().forward(reshape(x));
        R::forward(net, &h)
    }
    #[inline(always)]
    fn forward_logits(net: &N, x: &[T; FROM]) -> ([T; OUT], [T; OUT]) {
        let h = net.layer().forward(reshape(x));
        R::forward_logits(net, &h)
    }
    #[inline(always)]
    fn forward_block<const S: usize>(net: &N, x: &[[T; S]; FROM]) -> [[T; S]; OUT] {
        let h = net.layer().forward_block(reshape(x));
        R::forward_block(net, &h)
    }
    #[inline(always)]
    fn forward_step(net: &N, state: &mut Self::State, x: &[T; FROM]) -> [T; OUT] {
        let h = net.layer().forward_step(&mut state.0, reshape(x));
        R::forward_step(net, &mut state.1, &h)
    }
    #[inline(always)]
    fn forward_train<Rg: Rng + ?Sized>(net: &N, x: &[T; FROM], tape: &mut Self::Tape, rng: &mut Rg) {
        net.layer().forward_train(reshape(x), &mut tape.0, rng);
        R::forward_train(net, <At<N, T, K> as Layer<T, IN, MID>>::output(&tape.0), &mut tape.1, rng);
    }
    #[inline(always)]
    fn output(tape: &Self::Tape) -> &[T; OUT] {
        R::output(&tape.1)
    }
    #[inline(always)]
    fn output_pre_activation(tape: &Self::Tape) -> &[T; OUT] {
        R::output_pre_activation(&tape.1)
    }
    #[inline(always)]
    fn backward(net: &N, x: &[T; FROM], tape: &Self::Tape, delta: &[T; OUT], grads: &mut N) -> [T; FROM] {
        let signal = backward_head::<N, T, R, K, FROM, IN, MID, OUT>(net, x, tape, delta, grads);
        *reshape(&net.layer().input_gradient(reshape(x), &tape.0, &signal))
    }
    #[inline(always)]
    fn backward_params(net: &N, x: &[T; FROM], tape: &Self::Tape, delta: &[T; OUT], grads: &mut N) {
        backward_head::<N, T, R, K, FROM, IN, MID, OUT>(net, x, tape, delta, grads);
    }
    #[inline(always)]
    fn signals(net: &N, x: &[T; FROM], tape: &Self::Tape, delta: &[T; OUT]) -> (Self::Signals, T, [T; FROM]) {
        let (signals, norm2) = signals_head::<N, T, R, K, FROM, IN, MID, OUT>(net, x, tape, delta);
        let dx = *reshape(&net.layer().input_gradient(reshape(x), &tape.0, &signals.0));
        (signals, norm2, dx)
    }
    #[inline(always)]
    fn signals_params(net: &N, x: &[T; FROM], tape: &Self::Tape, delta: &[T; OUT]) -> (Self::Signals, T) {
        signals_head::<N, T, R, K, FROM, IN, MID, OUT>(net, x, tape, delta)
    }
    #[inline(always)]
    fn forward_train_block<Rg: Rng + ?Sized>(net: &N, x: &[[T; FROM]], tapes: &mut Self::BlockTape, rng: &mut Rg) {
        let n = x.len().min(TRAIN_BLOCK);
        let own = tapes.0.split_at_mut(n).0;
        net.layer().forward_train_block(reshape_block(x.split_at(n).0), own, rng);
        // This layer's outputs, contiguous, are the next layer's inputs.
        let mut h = [[T::ZERO; MID]; TRAIN_BLOCK];
        for (hs, tape) in h.iter_mut().zip(&*own) {
            *hs = *<At<N, T, K> as Layer<T, IN, MID>>::output(tape);
        }
        R::forward_train_block(net, h.split_at(n).0, &mut tapes.1, rng);
    }
    #[inline(always)]
    fn output_at(tapes: &Self::BlockTape, s: usize) -> Option<&[T; OUT]> {
        R::output_at(&tapes.1, s)
    }
    #[inline(always)]
    fn output_pre_activation_at(tapes: &Self::BlockTape, s: usize) -> Option<&[T; OUT]> {
        R::output_pre_activation_at(&tapes.1, s)
    }
    #[inline(always)]
    fn backward_block(
        net: &N,
        x: &[[T; FROM]],
        tapes: &Self::BlockTape,
        deltas: &[[T; OUT]],
        grads: &mut N,
        d_x: Option<&mut [[T; FROM]]>,
    ) {
        let layer = net.layer();
        let n = x.len().min(TRAIN_BLOCK);
        let own = tapes.0.split_at(n).0;
        // This layer's outputs are the next layer's inputs.
        let mut h = [[T::ZERO; MID]; TRAIN_BLOCK];
        for (hs, tape) in h.iter_mut().zip(own) {
            *hs = *<At<N, T, K> as Layer<T, IN, MID>>::output(tape);
        }
        let mut d_h = [[T::ZERO; MID]; TRAIN_BLOCK];
        R::backward_block(net, h.split_at(n).0, &tapes.1, deltas, grads, Some(d_h.split_at_mut(n).0));
        let mut signals = [[T::ZERO; MID]; TRAIN_BLOCK];
        for ((signal, tape), dh) in signals.iter_mut().zip(own).zip(&d_h) {
            *signal = layer.error_signal(tape, dh);
        }
        layer.backward_block(
            reshape_block(x),
            own,
            signals.split_at(n).0,
            grads.layer_mut(),
            d_x.map(reshape_block_mut),
        );
    }
    #[inline(always)]
    fn descend(net: &mut N, x: &[T; FROM], tape: &Self::Tape, signals: &Self::Signals, rate: T) {
        net.layer_mut().descend(reshape(x), &tape.0, &signals.0, rate);
        let h = <At<N, T, K> as Layer<T, IN, MID>>::output(&tape.0);
        R::descend(net, h, &tape.1, &signals.1, rate);
    }
}

/// Back-propagates through the rest of the chain, then into layer `K`'s gradient; returns layer
/// `K`'s signal.
#[inline(always)]
fn backward_head<N, T, R, const K: usize, const FROM: usize, const IN: usize, const MID: usize, const OUT: usize>(
    net: &N,
    x: &[T; FROM],
    tape: &<(Link<K, FROM, IN, MID>, R) as Chain<N, T, FROM, OUT>>::Tape,
    delta: &[T; OUT],
    grads: &mut N,
) -> [T; MID]
where
    T: Scalar,
    N: LayerIs<T, K, IN, MID>,
    R: Chain<N, T, MID, OUT>,
{
    let layer = net.layer();
    let h = <At<N, T, K> as Layer<T, IN, MID>>::output(&tape.0);
    let d_h = R::backward(net, h, &tape.1, delta, grads);
    let signal = layer.error_signal(&tape.0, &d_h);
    layer.add_gradient(reshape(x), &tape.0, &signal, grads.layer_mut());
    signal
}

/// The rest of the chain's signals and norm, then layer `K`'s.
#[inline(always)]
fn signals_head<N, T, R, const K: usize, const FROM: usize, const IN: usize, const MID: usize, const OUT: usize>(
    net: &N,
    x: &[T; FROM],
    tape: &<(Link<K, FROM, IN, MID>, R) as Chain<N, T, FROM, OUT>>::Tape,
    delta: &[T; OUT],
) -> (([T; MID], R::Signals), T)
where
    T: Scalar,
    N: LayerIs<T, K, IN, MID>,
    R: Chain<N, T, MID, OUT>,
{
    let layer = net.layer();
    let h = <At<N, T, K> as Layer<T, IN, MID>>::output(&tape.0);
    let (rest, rest_norm2, d_h) = R::signals(net, h, &tape.1, delta);
    let signal = layer.error_signal(&tape.0, &d_h);
    let norm2 = layer.gradient_norm2(reshape(x), &tape.0, &signal) + rest_norm2;
    ((signal, rest), norm2)
}

impl<N, T, const K: usize, const FROM: usize, const IN: usize, const OUT: usize> Chain<N, T, FROM, OUT>
    for Last<K, FROM, IN, OUT>
where
    T: Scalar,
    N: OutputLayerIs<T, K, IN, OUT>,
{
    type Tape = <At<N, T, K> as Layer<T, IN, OUT>>::Tape;
    type State = <At<N, T, K> as Layer<T, IN, OUT>>::State;
    // The loss's δ is the last layer's signal.
    type Signals = [T; OUT];
    type BlockTape = [<At<N, T, K> as Layer<T, IN, OUT>>::Tape; TRAIN_BLOCK];
    type OutputActivation = <At<N, T, K> as OutputLayer<T, IN, OUT>>::Activation;
    const LAYERS: usize = 1;
    const TRAINABLE: bool = <At<N, T, K> as Layer<T, IN, OUT>>::TRAINABLE;
    const FINGERPRINT: u64 = <At<N, T, K> as Layer<T, IN, OUT>>::FINGERPRINT;
    const TENSORS: usize = <At<N, T, K> as Parameters<T>>::TENSORS;
    const PARAMS: usize = <At<N, T, K> as Parameters<T>>::PARAMS;
    const SCRATCH: usize = IN + OUT;

    #[inline]
    fn tensor(net: &N, index: usize) -> &[T] {
        net.layer().tensor(index)
    }
    #[inline]
    fn tensor_mut(net: &mut N, index: usize) -> &mut [T] {
        net.layer_mut().tensor_mut(index)
    }
    #[inline]
    fn for_each_tensor<F: FnMut(&[T])>(net: &N, f: &mut F) {
        net.layer().for_each_tensor(&mut *f);
    }
    #[inline]
    fn for_each_tensor_mut<F: FnMut(&mut [T])>(net: &mut N, f: &mut F) {
        net.layer_mut().for_each_tensor_mut(&mut *f);
    }
    fn tensor_info(index: usize) -> TensorInfo {
        <At<N, T, K> as Parameters<T>>::tensor_info(index)
    }
    fn tensor_layer(_index: usize) -> &'static str {
        <N as LayerAt<T, K>>::NAME
    }
    fn init<Rg: Rng + ?Sized>(net: &mut N, rng: &mut Rg, init: Init) {
        net.layer_mut().init(rng, init);
    }
    #[inline(always)]
    fn forward(net: &N, x: &[T; FROM]) -> [T; OUT] {
        net.layer().forward(reshape(x))
    }
    #[inline(always)]
    fn forward_logits(net: &N, x: &[T; FROM]) -> ([T; OUT], [T; OUT]) {
        net.layer().forward_logits(reshape(x))
    }
    #[inline(always)]
    fn forward_block<const S: usize>(net: &N, x: &[[T; S]; FROM]) -> [[T; S]; OUT] {
        net.layer().forward_block(reshape(x))
    }
    #[inline(always)]
    fn forward_step(net: &N, state: &mut Self::State, x: &[T; FROM]) -> [T; OUT] {
        net.layer().forward_step(state, reshape(x))
    }
    #[inline(always)]
    fn forward_train<Rg: Rng + ?Sized>(net: &N, x: &[T; FROM], tape: &mut Self::Tape, rng: &mut Rg) {
        net.layer().forward_train(reshape(x), tape, rng);
    }
    #[inline(always)]
    fn output(tape: &Self::Tape) -> &[T; OUT] {
        <At<N, T, K> as Layer<T, IN, OUT>>::output(tape)
    }
    #[inline(always)]
    fn output_pre_activation(tape: &Self::Tape) -> &[T; OUT] {
        <At<N, T, K> as OutputLayer<T, IN, OUT>>::pre_activation(tape)
    }
    #[inline(always)]
    fn backward(net: &N, x: &[T; FROM], tape: &Self::Tape, delta: &[T; OUT], grads: &mut N) -> [T; FROM] {
        Self::backward_params(net, x, tape, delta, grads);
        *reshape(&net.layer().input_gradient(reshape(x), tape, delta))
    }
    #[inline(always)]
    fn backward_params(net: &N, x: &[T; FROM], tape: &Self::Tape, delta: &[T; OUT], grads: &mut N) {
        net.layer().add_gradient(reshape(x), tape, delta, grads.layer_mut());
    }
    #[inline(always)]
    fn signals(net: &N, x: &[T; FROM], tape: &Self::Tape, delta: &[T; OUT]) -> ([T; OUT], T, [T; FROM]) {
        let (signals, norm2) = Self::signals_params(net, x, tape, delta);
        (signals, norm2, *reshape(&net.layer().input_gradient(reshape(x), tape, delta)))
    }
    #[inline(always)]
    fn signals_params(net: &N, x: &[T; FROM], tape: &Self::Tape, delta: &[T; OUT]) -> ([T; OUT], T) {
        (*delta, net.layer().gradient_norm2(reshape(x), tape, delta))
    }
    #[inline(always)]
    fn forward_train_block<Rg: Rng + ?Sized>(net: &N, x: &[[T; FROM]], tapes: &mut Self::BlockTape, rng: &mut Rg) {
        let n = x.len().min(TRAIN_BLOCK);
        net.layer().forward_train_block(reshape_block(x.split_at(n).0), tapes.split_at_mut(n).0, rng);
    }
    #[inline(always)]
    fn output_at(tapes: &Self::BlockTape, s: usize) -> Option<&[T; OUT]> {
        tapes.get(s).map(<At<N, T, K> as Layer<T, IN, OUT>>::output)
    }
    #[inline(always)]
    fn output_pre_activation_at(tapes: &Self::BlockTape, s: usize) -> Option<&[T; OUT]> {
        tapes.get(s).map(<At<N, T, K> as OutputLayer<T, IN, OUT>>::pre_activation)
    }
    #[inline(always)]
    fn backward_block(
        net: &N,
        x: &[[T; FROM]],
        tapes: &Self::BlockTape,
        deltas: &[[T; OUT]],
        grads: &mut N,
        d_x: Option<&mut [[T; FROM]]>,
    ) {
        // The loss's δ is the last layer's signal.
        let n = x.len().min(TRAIN_BLOCK);
        net.layer().backward_block(
            reshape_block(x),
            tapes.split_at(n).0,
            deltas,
            grads.layer_mut(),
            d_x.map(reshape_block_mut),
        );
    }
    #[inline(always)]
    fn descend(net: &mut N, x: &[T; FROM], tape: &Self::Tape, signals: &[T; OUT], rate: T) {
        net.layer_mut().descend(reshape(x), tape, signals, rate);
    }
}
