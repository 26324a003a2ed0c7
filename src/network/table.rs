//! A network's tensors — layer names, tensor names, shapes — as a constant, for code that runs
//! while compiling.
//!
//! At run time, [`Chain::tensor_info`](super::Chain::tensor_info) and
//! [`Chain::tensor_layer`](super::Chain::tensor_layer) answer "what is tensor `i`?". `const`
//! code cannot call trait methods on stable Rust, but it can read associated constants, so the
//! same facts are also kept as a linked list of constants, one node per layer, built from each
//! layer's [`Parameters::TENSOR_INFO`] and name ([`LayerAt::NAME`]).
//! `include_safetensors!` matches a file's tensors against it at compile time.

use super::{Last, LayerAt, Link};
use crate::{Parameters, Scalar, TensorInfo};

/// One layer's tensors, and the layers after it: a node of a network's [`TensorTable`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LayerTensors {
    /// The layer's name (its field in the network struct).
    pub layer: &'static str,
    /// The layer's [`Parameters::TENSOR_INFO`]: empty for a layer without parameters, and for a
    /// layer that describes its tensors only through [`Parameters::tensor_info`].
    pub tensors: &'static [TensorInfo],
    /// The layer's [`Parameters::TENSORS`] (equal to `tensors.len()` when the layer declares
    /// [`Parameters::TENSOR_INFO`]).
    pub count: usize,
    /// The layer's [`Parameters::PARAMS`].
    pub params: usize,
    /// The next layer, or `None` after the last one.
    pub next: Option<&'static LayerTensors>,
}

/// The tensors of network `N` over scalar `T`, layer by layer, as a constant. Implemented for
/// every chain of layers ([`Sequential::Layers`](super::Sequential::Layers)).
///
/// ```
/// use constnet::network::{Sequential, TensorTable};
/// use constnet::prelude::*;
///
/// network! { struct Net<f32> { hidden: Dense<2, 3, Relu>, output: Dense<3, 1, Sigmoid> } }
///
/// const FIRST: Option<&constnet::network::LayerTensors> =
///     <<Net as Sequential<f32, 2, 1>>::Layers as TensorTable<Net, f32>>::FIRST;
/// let first = FIRST.unwrap();
/// assert_eq!((first.layer, first.tensors[0].name, first.tensors[0].shape.dims()), ("hidden", "weight", &[3, 2][..]));
/// assert_eq!(first.next.unwrap().layer, "output");
/// ```
pub trait TensorTable<N, T> {
    /// The first layer's node.
    const FIRST: Option<&'static LayerTensors>;
}

impl<N, T, R, const K: usize, const FROM: usize, const IN: usize, const OUT: usize> TensorTable<N, T>
    for (Link<K, FROM, IN, OUT>, R)
where
    T: Scalar,
    N: LayerAt<T, K>,
    R: TensorTable<N, T>,
{
    const FIRST: Option<&'static LayerTensors> = Some(&LayerTensors {
        layer: <N as LayerAt<T, K>>::NAME,
        tensors: <N::Layer as Parameters<T>>::TENSOR_INFO,
        count: <N::Layer as Parameters<T>>::TENSORS,
        params: <N::Layer as Parameters<T>>::PARAMS,
        next: R::FIRST,
    });
}

impl<N, T, const K: usize, const FROM: usize, const IN: usize, const OUT: usize> TensorTable<N, T>
    for Last<K, FROM, IN, OUT>
where
    T: Scalar,
    N: LayerAt<T, K>,
{
    const FIRST: Option<&'static LayerTensors> = Some(&LayerTensors {
        layer: <N as LayerAt<T, K>>::NAME,
        tensors: <N::Layer as Parameters<T>>::TENSOR_INFO,
        count: <N::Layer as Parameters<T>>::TENSORS,
        params: <N::Layer as Parameters<T>>::PARAMS,
        next: None,
    });
}
