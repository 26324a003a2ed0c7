use crate::Scalar;

/// What a network's training forward pass records: its input and every layer's tape, in order
/// (nested pairs, see [`Chain::Tape`](super::Chain::Tape)). A plain value on the stack; its size
/// is [`Network::TAPE_BYTES`](super::Network::TAPE_BYTES).
#[derive(Clone, Debug, PartialEq)]
pub struct Tape<T, const IN: usize, L> {
    /// The input the forward pass was called with.
    pub input: [T; IN],
    /// What each layer recorded, layer 0 first.
    pub layers: L,
}

impl<T: Scalar, const IN: usize, L: Default> Default for Tape<T, IN, L> {
    fn default() -> Self {
        Self { input: [T::ZERO; IN], layers: L::default() }
    }
}
