//! Baseline: the same networks written with `nalgebra`'s fixed-size `SMatrix`/`SVector`, the way
//! a competent user would: `W·x + b` and `map` for the activation per layer, the exact `f32`
//! functions from `std`, back-propagation with `tr_mul`/`component_mul`, updates with the
//! rank-1 `ger`. The batched variants multiply the weight matrix by a `Const<IN> × Dyn` block of
//! samples, which `nalgebra` hands to `matrixmultiply`'s GEMM (runtime-dispatched AVX/FMA).

use constnet::Parameters;
use nalgebra::{Const, Dyn, OMatrix, SMatrix, SVector};

/// A batch of samples, one per column.
pub type Block<const N: usize> = OMatrix<f32, Const<N>, Dyn>;

/// The exact logistic sigmoid.
#[inline]
pub fn sigmoid(v: f32) -> f32 {
    1.0 / (1.0 + (-v).exp())
}
/// ReLU.
#[inline]
pub fn relu(v: f32) -> f32 {
    v.max(0.0)
}
/// ReLU's derivative from the pre-activation.
#[inline]
pub fn relu_grad(z: f32) -> f32 {
    if z > 0.0 { 1.0 } else { 0.0 }
}
/// Max-shifted softmax.
#[inline]
pub fn softmax<const N: usize>(z: SVector<f32, N>) -> SVector<f32, N> {
    let m = z.max();
    let e = z.map(|v| (v - m).exp());
    let s = e.sum();
    e / s
}
/// Binary cross-entropy from the logit: `softplus(z) − z·t`.
#[inline]
pub fn bce_from_logit(z: f32, t: f32) -> f32 {
    z.max(0.0) + (-z.abs()).exp().ln_1p() - z * t
}
/// Cross-entropy of class `t` from the logits: `log Σ eᶻ − z_t`.
#[inline]
pub fn ce_from_logits<const N: usize>(z: &SVector<f32, N>, t: usize) -> f32 {
    let m = z.max();
    m + z.map(|v| (v - m).exp()).sum().ln() - z[t]
}

/// One dense layer's parameters, on a 64-byte boundary as constnet's layers are on x86-64.
///
/// Without it the baseline's speed depended on where the allocator put the matrix: mnist's
/// 401 KB first layer, boxed, came from `mmap` 16 bytes past a page boundary, so half of its
/// 32-byte loads straddled two cache lines, and its per-sample forward took 4.5 µs instead of
/// 3.0–3.2 µs aligned (the report's mnist ratios before 2026-11-30 14:50 flattered constnet).
#[derive(Clone, Debug)]
#[repr(C, align(64))]
pub struct Layer<const I: usize, const O: usize> {
    /// `W`, `O × I`.
    pub w: SMatrix<f32, O, I>,
    /// `b`.
    pub b: SVector<f32, O>,
}

impl<const I: usize, const O: usize> Layer<I, O> {
    /// From constnet's tensors (weights row by row, then the bias).
    pub fn from_tensors(w: &[f32], b: &[f32]) -> Self {
        Self { w: SMatrix::from_row_slice(w), b: SVector::from_column_slice(b) }
    }
    /// Tensors `2k` and `2k + 1` of a constnet network.
    pub fn from_net<N: Parameters<f32>>(net: &N, k: usize) -> Self {
        Self::from_tensors(net.tensor(2 * k), net.tensor(2 * k + 1))
    }
    /// `W·x + b`. By reference: `self.w * x` would move (copy) the whole matrix into the
    /// multiplication on every call (401 KB for mnist's first layer).
    #[inline]
    #[allow(clippy::op_ref, reason = "clippy's suggestion, `self.w * x`, copies the matrix on every call")]
    pub fn z(&self, x: &SVector<f32, I>) -> SVector<f32, O> {
        &self.w * x + &self.b
    }
    /// `out = W·X + b` for a block of samples (GEMM, no allocation).
    #[inline]
    pub fn z_batch(&self, x: &Block<I>, out: &mut Block<O>) {
        self.w.mul_to(x, out);
        for mut col in out.column_iter_mut() {
            col += &self.b;
        }
    }
    /// Plain SGD: `W −= lr·δ·xᵀ`, `b −= lr·δ`.
    #[inline]
    pub fn sgd(&mut self, delta: &SVector<f32, O>, x: &SVector<f32, I>, lr: f32) {
        self.w.ger(-lr, delta, x, 1.0);
        self.b.axpy(-lr, delta, 1.0);
    }
}

/// A constnet-shaped layer's Adam moments.
#[derive(Clone, Debug)]
pub struct AdamLayer<const I: usize, const O: usize> {
    mw: SMatrix<f32, O, I>,
    vw: SMatrix<f32, O, I>,
    mb: SVector<f32, O>,
    vb: SVector<f32, O>,
}

impl<const I: usize, const O: usize> Default for AdamLayer<I, O> {
    fn default() -> Self {
        Self { mw: SMatrix::zeros(), vw: SMatrix::zeros(), mb: SVector::zeros(), vb: SVector::zeros() }
    }
}

/// Adam hyper-parameters and the step count.
#[derive(Clone, Copy, Debug)]
pub struct Adam {
    /// Learning rate.
    pub lr: f32,
    /// Steps taken.
    pub t: i32,
}

impl Adam {
    fn slices(&self, p: &mut [f32], g: &[f32], m: &mut [f32], v: &mut [f32]) {
        let (b1, b2, eps) = (0.9f32, 0.999f32, 1e-8f32);
        let c1 = 1.0 / (1.0 - b1.powi(self.t));
        let c2 = 1.0 / (1.0 - b2.powi(self.t));
        for (((p, &g), m), v) in p.iter_mut().zip(g).zip(m.iter_mut()).zip(v.iter_mut()) {
            *m = b1 * *m + (1.0 - b1) * g;
            *v = b2 * *v + (1.0 - b2) * g * g;
            *p -= self.lr * (*m * c1) / ((*v * c2).sqrt() + eps);
        }
    }
    /// Adam update of one layer from `δ` and its input.
    #[inline]
    pub fn layer<const I: usize, const O: usize>(
        &self,
        l: &mut Layer<I, O>,
        s: &mut AdamLayer<I, O>,
        delta: &SVector<f32, O>,
        x: &SVector<f32, I>,
    ) {
        let g = delta * x.transpose();
        self.slices(l.w.as_mut_slice(), g.as_slice(), s.mw.as_mut_slice(), s.vw.as_mut_slice());
        self.slices(l.b.as_mut_slice(), delta.as_slice(), s.mb.as_mut_slice(), s.vb.as_mut_slice());
    }
}

/// tree: 2-2-1, identity.
#[derive(Clone, Debug)]
pub struct Tree(pub Layer<2, 2>, pub Layer<2, 1>);
impl Tree {
    /// Inference.
    #[inline]
    pub fn forward(&self, x: &SVector<f32, 2>) -> SVector<f32, 1> {
        self.1.z(&self.0.z(x))
    }
}

/// xor: 2-4-1, sigmoid, sigmoid.
#[derive(Clone, Debug)]
pub struct Xor(pub Layer<2, 4>, pub Layer<4, 1>);
impl Xor {
    /// Inference.
    #[inline]
    pub fn forward(&self, x: &SVector<f32, 2>) -> SVector<f32, 1> {
        self.1.z(&self.0.z(x).map(sigmoid)).map(sigmoid)
    }
    /// One SGD step on binary cross-entropy; returns the loss.
    #[inline]
    pub fn train_step(&mut self, x: &SVector<f32, 2>, t: f32, lr: f32) -> f32 {
        let h = self.0.z(x).map(sigmoid);
        let z = self.1.z(&h);
        let p = sigmoid(z[0]);
        let loss = bce_from_logit(z[0], t);
        let d2 = SVector::<f32, 1>::new(p - t);
        let d1 = self.1.w.tr_mul(&d2).component_mul(&h.map(|y| y * (1.0 - y)));
        self.1.sgd(&d2, &h, lr);
        self.0.sgd(&d1, x, lr);
        loss
    }
}

/// circles: 2-4-6-6-4-1, ReLU ×4, sigmoid.
#[derive(Clone, Debug)]
pub struct Circles(pub Layer<2, 4>, pub Layer<4, 6>, pub Layer<6, 6>, pub Layer<6, 4>, pub Layer<4, 1>);
impl Circles {
    /// Inference.
    #[inline]
    pub fn forward(&self, x: &SVector<f32, 2>) -> SVector<f32, 1> {
        let h = self.0.z(x).map(relu);
        let h = self.1.z(&h).map(relu);
        let h = self.2.z(&h).map(relu);
        let h = self.3.z(&h).map(relu);
        self.4.z(&h).map(sigmoid)
    }
    #[inline]
    #[allow(clippy::type_complexity)]
    fn deltas(
        &self,
        x: &SVector<f32, 2>,
        t: f32,
    ) -> (f32, [SVector<f32, 4>; 2], [SVector<f32, 6>; 2], [SVector<f32, 6>; 2], [SVector<f32, 4>; 2], SVector<f32, 1>)
    {
        let z1 = self.0.z(x);
        let h1 = z1.map(relu);
        let z2 = self.1.z(&h1);
        let h2 = z2.map(relu);
        let z3 = self.2.z(&h2);
        let h3 = z3.map(relu);
        let z4 = self.3.z(&h3);
        let h4 = z4.map(relu);
        let z5 = self.4.z(&h4);
        let loss = bce_from_logit(z5[0], t);
        let d5 = SVector::<f32, 1>::new(sigmoid(z5[0]) - t);
        let d4 = self.4.w.tr_mul(&d5).component_mul(&z4.map(relu_grad));
        let d3 = self.3.w.tr_mul(&d4).component_mul(&z3.map(relu_grad));
        let d2 = self.2.w.tr_mul(&d3).component_mul(&z2.map(relu_grad));
        let d1 = self.1.w.tr_mul(&d2).component_mul(&z1.map(relu_grad));
        (loss, [d1, h1], [d2, h2], [d3, h3], [d4, h4], d5)
    }
    /// One SGD step on binary cross-entropy; returns the loss.
    #[inline]
    pub fn train_step(&mut self, x: &SVector<f32, 2>, t: f32, lr: f32) -> f32 {
        let (loss, [d1, h1], [d2, h2], [d3, h3], [d4, h4], d5) = self.deltas(x, t);
        self.4.sgd(&d5, &h4, lr);
        self.3.sgd(&d4, &h3, lr);
        self.2.sgd(&d3, &h2, lr);
        self.1.sgd(&d2, &h1, lr);
        self.0.sgd(&d1, x, lr);
        loss
    }
    /// One Adam step on binary cross-entropy; returns the loss.
    #[inline]
    pub fn adam_step(&mut self, s: &mut CirclesAdam, x: &SVector<f32, 2>, t: f32) -> f32 {
        let (loss, [d1, h1], [d2, h2], [d3, h3], [d4, h4], d5) = self.deltas(x, t);
        s.adam.t += 1;
        let a = s.adam;
        a.layer(&mut self.4, &mut s.l.4, &d5, &h4);
        a.layer(&mut self.3, &mut s.l.3, &d4, &h3);
        a.layer(&mut self.2, &mut s.l.2, &d3, &h2);
        a.layer(&mut self.1, &mut s.l.1, &d2, &h1);
        a.layer(&mut self.0, &mut s.l.0, &d1, x);
        loss
    }
    /// Inference on a block of samples, one per column (GEMM per layer).
    pub fn forward_batch(&self, x: &Block<2>, buf: &mut CirclesBatch) {
        self.0.z_batch(x, &mut buf.0);
        buf.0.apply(|v| *v = relu(*v));
        self.1.z_batch(&buf.0, &mut buf.1);
        buf.1.apply(|v| *v = relu(*v));
        self.2.z_batch(&buf.1, &mut buf.2);
        buf.2.apply(|v| *v = relu(*v));
        self.3.z_batch(&buf.2, &mut buf.3);
        buf.3.apply(|v| *v = relu(*v));
        self.4.z_batch(&buf.3, &mut buf.4);
        buf.4.apply(|v| *v = sigmoid(*v));
    }
}

/// Adam state for [`Circles`].
#[derive(Clone, Debug)]
pub struct CirclesAdam {
    /// Hyper-parameters and step.
    pub adam: Adam,
    l: (AdamLayer<2, 4>, AdamLayer<4, 6>, AdamLayer<6, 6>, AdamLayer<6, 4>, AdamLayer<4, 1>),
}
impl CirclesAdam {
    /// Zero moments.
    pub fn new(lr: f32) -> Self {
        Self { adam: Adam { lr, t: 0 }, l: Default::default() }
    }
}

/// Preallocated activations for [`Circles::forward_batch`].
pub struct CirclesBatch(pub Block<4>, pub Block<6>, pub Block<6>, pub Block<4>, pub Block<1>);
impl CirclesBatch {
    /// Buffers for `n` samples.
    pub fn new(n: usize) -> Self {
        Self(Block::zeros(n), Block::zeros(n), Block::zeros(n), Block::zeros(n), Block::zeros(n))
    }
}

/// audio: 8-16-16-1, tanh, tanh, identity.
#[derive(Clone, Debug)]
pub struct Audio(pub Layer<8, 16>, pub Layer<16, 16>, pub Layer<16, 1>);
impl Audio {
    /// Inference.
    #[inline]
    pub fn forward(&self, x: &SVector<f32, 8>) -> SVector<f32, 1> {
        let h = self.0.z(x).map(f32::tanh);
        let h = self.1.z(&h).map(f32::tanh);
        self.2.z(&h)
    }
}

/// digits: 64-32-10, ReLU, softmax.
#[derive(Clone, Debug)]
pub struct Digits(pub Layer<64, 32>, pub Layer<32, 10>);
impl Digits {
    /// Inference.
    #[inline]
    pub fn forward(&self, x: &SVector<f32, 64>) -> SVector<f32, 10> {
        softmax(self.1.z(&self.0.z(x).map(relu)))
    }
    #[inline]
    fn deltas(&self, x: &SVector<f32, 64>, t: usize) -> (f32, SVector<f32, 32>, SVector<f32, 32>, SVector<f32, 10>) {
        let z1 = self.0.z(x);
        let h = z1.map(relu);
        let z2 = self.1.z(&h);
        let loss = ce_from_logits(&z2, t);
        let mut d2 = softmax(z2);
        d2[t] -= 1.0;
        let d1 = self.1.w.tr_mul(&d2).component_mul(&z1.map(relu_grad));
        (loss, h, d1, d2)
    }
    /// One SGD step on cross-entropy; returns the loss.
    #[inline]
    pub fn train_step(&mut self, x: &SVector<f32, 64>, t: usize, lr: f32) -> f32 {
        let (loss, h, d1, d2) = self.deltas(x, t);
        self.1.sgd(&d2, &h, lr);
        self.0.sgd(&d1, x, lr);
        loss
    }
    /// One Adam step on cross-entropy; returns the loss.
    #[inline]
    pub fn adam_step(&mut self, s: &mut DigitsAdam, x: &SVector<f32, 64>, t: usize) -> f32 {
        let (loss, h, d1, d2) = self.deltas(x, t);
        s.adam.t += 1;
        let a = s.adam;
        a.layer(&mut self.1, &mut s.l.1, &d2, &h);
        a.layer(&mut self.0, &mut s.l.0, &d1, x);
        loss
    }
}

/// Adam state for [`Digits`].
#[derive(Clone, Debug)]
pub struct DigitsAdam {
    /// Hyper-parameters and step.
    pub adam: Adam,
    l: (AdamLayer<64, 32>, AdamLayer<32, 10>),
}
impl DigitsAdam {
    /// Zero moments.
    pub fn new(lr: f32) -> Self {
        Self { adam: Adam { lr, t: 0 }, l: Default::default() }
    }
}

/// mnist: 784-128-10, ReLU, softmax (the big layer boxed: 400 KB).
#[derive(Clone, Debug)]
pub struct Mnist(pub Box<Layer<784, 128>>, pub Layer<128, 10>);
impl Mnist {
    /// Inference.
    #[inline]
    pub fn forward(&self, x: &SVector<f32, 784>) -> SVector<f32, 10> {
        softmax(self.1.z(&self.0.z(x).map(relu)))
    }
}

/// Two-layer ReLU → softmax networks (digits, mnist) on a block of samples.
pub fn relu_softmax_batch<const I: usize, const H: usize, const O: usize>(
    l1: &Layer<I, H>,
    l2: &Layer<H, O>,
    x: &Block<I>,
    h: &mut Block<H>,
    out: &mut Block<O>,
) {
    l1.z_batch(x, h);
    h.apply(|v| *v = relu(*v));
    l2.z_batch(h, out);
    for mut col in out.column_iter_mut() {
        let m = col.max();
        col.apply(|v| *v = (*v - m).exp());
        let s = col.sum();
        col /= s;
    }
}

/// One `N → N` tanh layer.
#[inline]
pub fn dense_tanh<const N: usize>(l: &Layer<N, N>, x: &SVector<f32, N>) -> SVector<f32, N> {
    l.z(x).map(f32::tanh)
}

/// A slice of constnet inputs as `nalgebra` vectors.
pub fn vectors<const N: usize>(xs: &[[f32; N]]) -> Vec<SVector<f32, N>> {
    xs.iter().map(|x| SVector::from_column_slice(x)).collect()
}

/// A slice of constnet inputs as one block, a sample per column.
pub fn block<const N: usize>(xs: &[[f32; N]]) -> Block<N> {
    Block::from_fn(xs.len(), |i, s| xs[s][i])
}
