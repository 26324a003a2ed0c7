//! Baseline: a runtime-shaped multilayer perceptron in the style of genann and FANN: layer
//! sizes known only at run time, weights as `Vec<Vec<f32>>` (one `Vec` per neuron), the
//! activation an enum matched per layer, buffers allocated once at construction so nothing
//! allocates per sample.

use constnet::Parameters;

/// Activation of a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    /// `x`.
    Identity,
    /// Logistic sigmoid.
    Sigmoid,
    /// `tanh`.
    Tanh,
    /// `max(0, x)`.
    Relu,
    /// Softmax over the layer.
    Softmax,
}

/// One layer: weights per neuron, bias, and its buffers.
#[derive(Clone, Debug)]
pub struct VecLayer {
    /// `w[j]` = weights of neuron `j`.
    pub w: Vec<Vec<f32>>,
    /// Biases.
    pub b: Vec<f32>,
    /// Activation.
    pub act: Act,
    z: Vec<f32>,
    y: Vec<f32>,
    d: Vec<f32>,
}

impl VecLayer {
    fn forward(&mut self, x: &[f32]) {
        for ((z, w), b) in self.z.iter_mut().zip(&self.w).zip(&self.b) {
            let mut s = *b;
            for (wi, xi) in w.iter().zip(x) {
                s += wi * xi;
            }
            *z = s;
        }
        match self.act {
            Act::Identity => self.y.copy_from_slice(&self.z),
            Act::Sigmoid => {
                for (y, z) in self.y.iter_mut().zip(&self.z) {
                    *y = 1.0 / (1.0 + (-z).exp());
                }
            }
            Act::Tanh => {
                for (y, z) in self.y.iter_mut().zip(&self.z) {
                    *y = z.tanh();
                }
            }
            Act::Relu => {
                for (y, z) in self.y.iter_mut().zip(&self.z) {
                    *y = z.max(0.0);
                }
            }
            Act::Softmax => {
                let m = self.z.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
                let mut s = 0.0;
                for (y, z) in self.y.iter_mut().zip(&self.z) {
                    *y = (z - m).exp();
                    s += *y;
                }
                for y in &mut self.y {
                    *y /= s;
                }
            }
        }
    }
}

/// The network.
#[derive(Clone, Debug)]
pub struct VecMlp {
    /// Layers, input side first.
    pub layers: Vec<VecLayer>,
    input: Vec<f32>,
}

impl VecMlp {
    /// The same network as a constnet one with these widths and activations.
    pub fn from_net<N: Parameters<f32>>(net: &N, widths: &[usize], acts: &[Act]) -> Self {
        let layers = acts
            .iter()
            .enumerate()
            .map(|(k, &act)| {
                let (inp, out) = (widths[k], widths[k + 1]);
                let w = net.tensor(2 * k).chunks(inp).map(<[f32]>::to_vec).collect();
                VecLayer {
                    w,
                    b: net.tensor(2 * k + 1).to_vec(),
                    act,
                    z: vec![0.0; out],
                    y: vec![0.0; out],
                    d: vec![0.0; out],
                }
            })
            .collect();
        Self { layers, input: vec![0.0; widths[0]] }
    }

    /// Inference; the output lives in the last layer's buffer.
    pub fn forward(&mut self, x: &[f32]) -> &[f32] {
        self.input.copy_from_slice(x);
        for k in 0..self.layers.len() {
            let (before, rest) = self.layers.split_at_mut(k);
            let input = if k == 0 { &self.input } else { &before[k - 1].y };
            rest[0].forward(input);
        }
        &self.layers[self.layers.len() - 1].y
    }

    /// One SGD step: binary cross-entropy for a sigmoid output, cross-entropy for a softmax
    /// output (`target` one-hot), both with the fused `δ = p − t`. Returns the loss.
    pub fn train_step(&mut self, x: &[f32], target: &[f32], lr: f32) -> f32 {
        self.forward(x);
        let last = self.layers.len() - 1;
        let out = &mut self.layers[last];
        let loss = match out.act {
            Act::Sigmoid => {
                out.z.iter().zip(target).map(|(&z, &t)| z.max(0.0) + (-z.abs()).exp().ln_1p() - z * t).sum::<f32>()
            }
            _ => {
                let m = out.z.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v));
                let lse = m + out.z.iter().map(|z| (z - m).exp()).sum::<f32>().ln();
                out.z.iter().zip(target).map(|(z, t)| t * (lse - z)).sum()
            }
        };
        for ((d, y), t) in out.d.iter_mut().zip(&out.y).zip(target) {
            *d = y - t;
        }
        for k in (0..last).rev() {
            let (lower, upper) = self.layers.split_at_mut(k + 1);
            let (cur, next) = (&mut lower[k], &upper[0]);
            for j in 0..cur.d.len() {
                let mut s = 0.0;
                for (w, d) in next.w.iter().zip(&next.d) {
                    s += w[j] * d;
                }
                let g = match cur.act {
                    Act::Sigmoid => cur.y[j] * (1.0 - cur.y[j]),
                    Act::Tanh => 1.0 - cur.y[j] * cur.y[j],
                    Act::Relu => f32::from(u8::from(cur.z[j] > 0.0)),
                    Act::Identity | Act::Softmax => 1.0,
                };
                cur.d[j] = s * g;
            }
        }
        for k in 0..self.layers.len() {
            let (before, rest) = self.layers.split_at_mut(k);
            let input = if k == 0 { &self.input } else { &before[k - 1].y };
            let l = &mut rest[0];
            for ((w, b), d) in l.w.iter_mut().zip(&mut l.b).zip(&l.d) {
                for (wi, xi) in w.iter_mut().zip(input) {
                    *wi -= lr * d * xi;
                }
                *b -= lr * d;
            }
        }
        loss
    }
}
