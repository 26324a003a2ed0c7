//! The quantized twin of a network's chain of layers: written once over the float chain's type
//! ([`Link`]/[`Last`]), which knows every width, so the int8 layers themselves are a plain
//! nested tuple `(QDense<…>, (QDense<…>, QDense<…>))`.

use super::QuantizeError;
use super::codec::Codec;
use super::layer::{Int8Layer, QuantizeLayer};
use super::params::{LayerRanges, QParams};
use crate::Scalar;
use crate::io::Encoded;
use crate::network::chain::reshape;
use crate::network::{Last, LayerAt, LayerIs, Link, OutputLayerIs};
use core::fmt::Debug;

/// Layer `K` of network `N`.
type At<N, T, const K: usize> = <N as LayerAt<T, K>>::Layer;

/// A float chain from `[T; IN]` to `[T; OUT]` whose layers all quantize
/// ([`QuantizeLayer`]): what [`Quantized<N>`](super::Quantized) is built from.
pub trait QuantizeChain<N, T: Scalar, const IN: usize, const OUT: usize> {
    /// The int8 layers, in order (nested pairs).
    type Int8: Clone + Debug + PartialEq + Send + Sync + Codec + Encoded;
    /// Every layer's calibration ranges, in order.
    type Ranges: Clone + Debug + Default;
    /// The largest `inputs + outputs` of any layer: bytes of activations inference keeps at once.
    const SCRATCH: usize;

    /// Runs the float network on `x`, recording every layer's ranges.
    fn observe(net: &N, x: &[T; IN], ranges: &mut Self::Ranges);
    /// Quantizes every layer in order, each from its input's quantization; returns the int8
    /// layers and the quantization of the output.
    ///
    /// # Errors
    /// The first layer's [`QuantizeError`].
    fn quantize(net: &N, input: QParams, ranges: &Self::Ranges) -> Result<(Self::Int8, QParams), QuantizeError>;
    /// Int8 inference through every layer.
    fn forward(layers: &Self::Int8, x: &[i8; IN]) -> [i8; OUT];
}

impl<N, T, R, const K: usize, const FROM: usize, const IN: usize, const MID: usize, const OUT: usize>
    QuantizeChain<N, T, FROM, OUT> for (Link<K, FROM, IN, MID>, R)
where
    T: Scalar,
    N: LayerIs<T, K, IN, MID>,
    At<N, T, K>: QuantizeLayer<T, IN, MID>,
    R: QuantizeChain<N, T, MID, OUT>,
{
    type Int8 = (<At<N, T, K> as QuantizeLayer<T, IN, MID>>::Int8, R::Int8);
    type Ranges = (LayerRanges, R::Ranges);
    const SCRATCH: usize = if IN + MID > R::SCRATCH { IN + MID } else { R::SCRATCH };

    fn observe(net: &N, x: &[T; FROM], ranges: &mut Self::Ranges) {
        let h = net.layer().observe(reshape(x), &mut ranges.0);
        R::observe(net, &h, &mut ranges.1);
    }

    fn quantize(net: &N, input: QParams, ranges: &Self::Ranges) -> Result<(Self::Int8, QParams), QuantizeError> {
        let (layer, between) = net.layer().quantize(input, &ranges.0, <N as LayerAt<T, K>>::NAME)?;
        let (rest, output) = R::quantize(net, between, &ranges.1)?;
        Ok(((layer, rest), output))
    }

    #[inline(always)]
    fn forward(layers: &Self::Int8, x: &[i8; FROM]) -> [i8; OUT] {
        let h = layers.0.forward(reshape(x));
        R::forward(&layers.1, &h)
    }
}

impl<N, T, const K: usize, const FROM: usize, const IN: usize, const OUT: usize> QuantizeChain<N, T, FROM, OUT>
    for Last<K, FROM, IN, OUT>
where
    T: Scalar,
    N: OutputLayerIs<T, K, IN, OUT>,
    At<N, T, K>: QuantizeLayer<T, IN, OUT>,
{
    type Int8 = <At<N, T, K> as QuantizeLayer<T, IN, OUT>>::Int8;
    type Ranges = LayerRanges;
    const SCRATCH: usize = IN + OUT;

    fn observe(net: &N, x: &[T; FROM], ranges: &mut LayerRanges) {
        net.layer().observe(reshape(x), ranges);
    }

    fn quantize(net: &N, input: QParams, ranges: &LayerRanges) -> Result<(Self::Int8, QParams), QuantizeError> {
        net.layer().quantize(input, ranges, <N as LayerAt<T, K>>::NAME)
    }

    #[inline(always)]
    fn forward(layer: &Self::Int8, x: &[i8; FROM]) -> [i8; OUT] {
        layer.forward(reshape(x))
    }
}
