//! The memory bill of a network, known before flashing.
//!
//! Everything constnet keeps is a plain value whose size is fixed by its type, so the RAM and
//! flash a network needs are compile-time constants:
//!
//! | item | where | what it is |
//! |---|---|---|
//! | [`Network::PARAM_BYTES`] | flash (a `static` network) or RAM | weights and biases: `size_of::<N>()` |
//! | [`Network::INFERENCE_SCRATCH_BYTES`] | stack | the widest layer's input and output vectors, live together during `forward` |
//! | [`Network::TAPE_BYTES`] | stack or RAM | one training tape: the input and each layer's `z` and `y` |
//! | [`Network::TRAIN_SCRATCH_BYTES`] | RAM | tape + gradient accumulator (a second `N`) |
//! | [`optimizer_state_bytes`] | RAM | the optimizer's moments: 0 for SGD, 1× `N` for momentum/RMSprop, 2× `N` (+ a step counter) for the Adam family |
//! | [`trainer_bytes`] | RAM | a whole [`Trainer`]: gradients, optimizer state, early-stopping snapshot, settings |
//! | [`Model::BYTES`](crate::io::Model::BYTES) | flash | the model in the byte format: header + parameters |
//!
//! The sizes are those of the target being compiled: on a microcontroller (and on every target
//! but x86-64) a network is exactly its parameters; on x86-64 the layers with weight matrices
//! are aligned to 64-byte cache lines for the SIMD kernels, so each rounds up to a multiple of
//! 64 bytes. Check a firmware bill in the firmware build (a `const` assertion, as below).
//!
//! The inference scratch is a lower bound for what `forward` puts on the stack; the compiler
//! decides the rest (the firmware example measures the real high-water mark by painting the
//! stack).
//!
//! ```
//! use constnet::memory::{optimizer_state_bytes, trainer_bytes};
//! use constnet::optim::{Adam, Sgd};
//! use constnet::loss::BinaryCrossEntropy;
//! use constnet::prelude::*;
//!
//! network! {
//!     struct Circles<f32> {
//!         hidden1: Dense<2, 4, Relu>,
//!         hidden2: Dense<4, 6, Relu>,
//!         hidden3: Dense<6, 6, Relu>,
//!         hidden4: Dense<6, 4, Relu>,
//!         output:  Dense<4, 1, Sigmoid>,
//!     }
//! }
//! type C = Circles;
//! // 117 parameters; on x86-64 the five layers' 48, 120, 168, 112 and 20 bytes are padded to 64s.
//! const PARAMS: usize = if cfg!(target_arch = "x86_64") { 64 + 128 + 192 + 128 + 64 } else { 117 * 4 };
//! const _: () = assert!(<C as Network<f32, 2, 1>>::PARAM_BYTES == PARAMS);
//! assert_eq!(<C as Network<f32, 2, 1>>::INFERENCE_SCRATCH_BYTES, (6 + 6) * 4);
//! assert_eq!(<C as Network<f32, 2, 1>>::TAPE_BYTES, (2 + 2 * (4 + 6 + 6 + 4 + 1)) * 4);
//! assert_eq!(<C as Network<f32, 2, 1>>::TRAIN_SCRATCH_BYTES, 176 + PARAMS);
//! assert_eq!(optimizer_state_bytes::<f32, C, Sgd>(), 0);
//! // Two moments and a step counter (padded to the moments' alignment).
//! let counter = if cfg!(target_arch = "x86_64") { 64 } else { 4 };
//! assert_eq!(optimizer_state_bytes::<f32, C, Adam>(), 2 * PARAMS + counter);
//! assert!(trainer_bytes::<f32, C, Adam, BinaryCrossEntropy>() > 4 * PARAMS);
//! ```

#[cfg(doc)]
use crate::Network;
use crate::optim::Optimizer;
use crate::train::Trainer;
use crate::{Parameters, Scalar};

/// Bytes of optimizer `O`'s state for network `N`: `size_of::<O::State<N>>()`.
#[must_use]
pub const fn optimizer_state_bytes<T: Scalar, N: Parameters<T>, O: Optimizer<T>>() -> usize {
    core::mem::size_of::<O::State<N>>()
}

/// Bytes of a whole [`Trainer`] for network `N`, optimizer `O` and loss `L`: the gradient
/// accumulator, the optimizer state, the early-stopping snapshot and the settings. The network
/// and one tape ([`Network::TAPE_BYTES`]) come on top.
#[must_use]
pub const fn trainer_bytes<T: Scalar, N: Parameters<T> + Clone, O: Optimizer<T>, L: Copy>() -> usize {
    core::mem::size_of::<Trainer<T, N, O, L>>()
}
