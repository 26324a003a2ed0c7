//! Uniform access to the trainable tensors of a layer or a network.

use crate::Scalar;

/// Whether a tensor holds weights or biases (optimizers may treat them differently, e.g. weight
/// decay on weights only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TensorKind {
    /// A weight matrix `W`, stored row by row.
    Weights,
    /// A bias vector `b`.
    Bias,
}

/// The shape of a parameter tensor in PyTorch's row-major layout, up to four dimensions
/// (`nn.Linear.weight` is `[out, in]`, a bias `[out]`).
///
/// ```
/// use constnet::TensorShape;
/// let shape = TensorShape::new(&[4, 2]);
/// assert_eq!((shape.dims(), shape.len()), (&[4, 2][..], 8));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TensorShape {
    dims: [usize; 4],
    rank: usize,
}

impl TensorShape {
    /// A shape from its dimensions, outermost first; dimensions past the fourth are dropped.
    #[must_use]
    pub const fn new(dims: &[usize]) -> Self {
        let mut out = [0; 4];
        let mut i = 0;
        while i < dims.len() && i < 4 {
            out[i] = dims[i];
            i += 1;
        }
        Self { dims: out, rank: i }
    }
    /// The dimensions, outermost first.
    #[must_use]
    pub const fn dims(&self) -> &[usize] {
        self.dims.split_at(self.rank).0
    }
    /// Number of elements: the product of the dimensions.
    #[must_use]
    pub const fn len(&self) -> usize {
        let mut product = 1;
        let mut i = 0;
        while i < self.rank {
            product *= self.dims[i];
            i += 1;
        }
        product
    }
    /// `true` for a shape with no elements.
    #[must_use]
    pub const fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// What one parameter tensor is: its name inside its layer (PyTorch's attribute name, such as
/// `weight` or `bias_ih`), its role, and its shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TensorInfo {
    /// The name inside the layer.
    pub name: &'static str,
    /// Weights or bias.
    pub kind: TensorKind,
    /// The shape in PyTorch's layout; its [`len`](TensorShape::len) is the tensor's length.
    pub shape: TensorShape,
}

/// A fixed set of parameter tensors, numbered `0..TENSORS`, each a flat slice of scalars.
///
/// Layers implement it, and `network!` implements it for a whole network by numbering its
/// layers' tensors in declaration order (`hidden1.weight`, `hidden1.bias`, `hidden2.weight`, …).
/// A layer without parameters implements only [`Parameters::zeroed`]; the rest defaults to "no
/// tensors". Gradients and optimizer state are values of the *same type* as the parameters, so tensor `i`
/// of the gradients belongs to tensor `i` of the weights; an optimizer walks the tensors by index
/// and updates slice by slice, with no allocation and no dynamic dispatch.
///
/// ```
/// use constnet::{Dense, Parameters, Relu};
/// let mut layer = Dense::<f32, 3, 2, Relu>::zeroed();
/// assert_eq!(<Dense<f32, 3, 2, Relu> as Parameters<f32>>::PARAMS, 8);
/// layer.tensor_mut(1).copy_from_slice(&[0.5, -0.5]); // the bias
/// assert_eq!(layer.bias, [0.5, -0.5]);
/// assert_eq!(layer.squared_norm(), 0.5);
/// ```
pub trait Parameters<T: Scalar>: Sized {
    /// Number of scalars over all tensors. Defaults to 0, for layers without parameters.
    const PARAMS: usize = 0;
    /// Number of tensors. Defaults to 0, for layers without parameters.
    const TENSORS: usize = 0;
    /// Name, role and shape of every tensor, in order, as a constant: what build-time paths
    /// read, since a trait method cannot be called in `const` context
    /// (`include_safetensors!` checks a file's tensors against it while compiling). A layer declares it once and gets [`Parameters::tensor_info`] from it:
    ///
    /// ```text
    /// const TENSOR_INFO: &'static [TensorInfo] = &[
    ///     TensorInfo { name: "weight", kind: TensorKind::Weights, shape: TensorShape::new(&[OUT, IN]) },
    ///     TensorInfo { name: "bias", kind: TensorKind::Bias, shape: TensorShape::new(&[OUT]) },
    /// ];
    /// ```
    ///
    /// Empty by default: for layers without parameters, for layers that override
    /// [`Parameters::tensor_info`] instead (they work everywhere except at build time), and for
    /// networks, whose tensors are listed layer by layer with the layers' names by
    /// [`TensorTable`](crate::network::TensorTable).
    const TENSOR_INFO: &'static [TensorInfo] = &[];

    /// All parameters zero (for a layer without parameters: the layer).
    fn zeroed() -> Self;
    /// Tensor `index` as a flat slice; an empty slice when `index >= TENSORS`.
    fn tensor(&self, index: usize) -> &[T] {
        let _ = index;
        &[]
    }
    /// Tensor `index` as a flat mutable slice; an empty slice when `index >= TENSORS`.
    fn tensor_mut(&mut self, index: usize) -> &mut [T] {
        let _ = index;
        &mut []
    }
    /// Name, role and shape of tensor `index` (`index < TENSORS`). Defaults to
    /// `TENSOR_INFO[index]`.
    fn tensor_info(index: usize) -> TensorInfo {
        match Self::TENSOR_INFO.get(index) {
            Some(info) => *info,
            None => TensorInfo { name: "", kind: TensorKind::Bias, shape: TensorShape::new(&[0]) },
        }
    }

    /// Whether tensor `index` holds weights or biases.
    fn tensor_kind(index: usize) -> TensorKind {
        Self::tensor_info(index).kind
    }
    /// Calls `f` with every tensor, in order. The default walks [`Parameters::tensor`] by index; a
    /// network visits its layers directly (no search for the layer that holds tensor `i`).
    #[inline]
    fn for_each_tensor<F: FnMut(&[T])>(&self, mut f: F) {
        for t in 0..Self::TENSORS {
            f(self.tensor(t));
        }
    }
    /// Calls `f` with every tensor, mutably, in order.
    #[inline]
    fn for_each_tensor_mut<F: FnMut(&mut [T])>(&mut self, mut f: F) {
        for t in 0..Self::TENSORS {
            f(self.tensor_mut(t));
        }
    }
    /// Sets every parameter to `value` (e.g. zero before accumulating gradients).
    fn fill(&mut self, value: T) {
        self.for_each_tensor_mut(|t| t.fill(value));
    }
    /// `Σ p²` over all parameters (the squared global norm used for gradient clipping).
    fn squared_norm(&self) -> T {
        let mut sum = T::ZERO;
        self.for_each_tensor(|t| sum += crate::kernel::sum_of_squares(t));
        sum
    }
    /// Multiplies every parameter by `factor`.
    fn scale(&mut self, factor: T) {
        self.for_each_tensor_mut(|t| {
            for p in t {
                *p *= factor;
            }
        });
    }
    /// `true` when no parameter is NaN or infinite.
    fn all_finite(&self) -> bool {
        let mut finite = true;
        self.for_each_tensor(|t| finite &= t.iter().all(|p| p.is_finite()));
        finite
    }
}
