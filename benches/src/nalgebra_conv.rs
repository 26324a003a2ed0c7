//! Baseline for `Conv1d`: the same convolution with `nalgebra`'s fixed-size matrices, in the two
//! formulations a competent user would write. The weights are rearranged once, when the
//! baseline is built, and borrowed by every call (`gemv` takes `&SMatrix`), so no call copies
//! them; the input is a `C_IN × LEN` matrix whose columns are the time steps (column-major, so
//! its memory is constnet's time-major layout).
//!
//! - **per tap**: `zⱼ = b + Σₖ Wₖ·x[j + k]`, one `C_OUT × C_IN` matrix–vector product per tap;
//! - **im2col**: `zⱼ = b + W·patchⱼ` with `W` the `C_OUT × (K·C_IN)` matrix of all taps and
//!   `patchⱼ` the `K` consecutive input columns viewed as one vector (contiguous for stride 1 and
//!   dilation 1, so no copy): one matrix–vector product per output step.

use nalgebra::{SMatrix, SVector, SVectorView};

/// A valid, stride-1, dilation-1 convolution with ReLU.
pub struct Conv<const C_IN: usize, const C_OUT: usize, const K: usize, const KC: usize> {
    /// `Wₖ`, `C_OUT × C_IN`, one per tap.
    pub taps: [SMatrix<f32, C_OUT, C_IN>; K],
    /// All taps side by side, `C_OUT × (K·C_IN)`: column `k·C_IN + c` is tap `k` of channel `c`.
    pub im2col: SMatrix<f32, C_OUT, KC>,
    /// `b`.
    pub b: SVector<f32, C_OUT>,
}

impl<const C_IN: usize, const C_OUT: usize, const K: usize, const KC: usize> Conv<C_IN, C_OUT, K, KC> {
    /// From PyTorch-layout tensors: `weight[o][c][k]` flattened, and the bias.
    pub fn from_tensors(weight: &[f32], bias: &[f32]) -> Self {
        assert_eq!(KC, K * C_IN);
        let w = |o: usize, c: usize, k: usize| weight[(o * C_IN + c) * K + k];
        Self {
            taps: core::array::from_fn(|k| SMatrix::from_fn(|o, c| w(o, c, k))),
            im2col: SMatrix::from_fn(|o, kc| w(o, kc % C_IN, kc / C_IN)),
            b: SVector::from_column_slice(bias),
        }
    }

    /// Per-tap formulation.
    #[inline]
    pub fn forward_taps<const LEN: usize, const LEN_OUT: usize>(
        &self,
        x: &SMatrix<f32, C_IN, LEN>,
    ) -> SMatrix<f32, C_OUT, LEN_OUT> {
        let mut y = SMatrix::<f32, C_OUT, LEN_OUT>::zeros();
        for j in 0..LEN_OUT {
            let mut z = self.b;
            for (k, w) in self.taps.iter().enumerate() {
                z.gemv(1.0, w, &x.column(j + k), 1.0);
            }
            y.set_column(j, &z.map(|v| v.max(0.0)));
        }
        y
    }

    /// im2col formulation.
    #[inline]
    pub fn forward_im2col<const LEN: usize, const LEN_OUT: usize>(
        &self,
        x: &SMatrix<f32, C_IN, LEN>,
    ) -> SMatrix<f32, C_OUT, LEN_OUT> {
        let flat = x.as_slice();
        let mut y = SMatrix::<f32, C_OUT, LEN_OUT>::zeros();
        for j in 0..LEN_OUT {
            let patch = SVectorView::<f32, KC>::from_slice(&flat[j * C_IN..j * C_IN + KC]);
            let mut z = self.b;
            z.gemv(1.0, &self.im2col, &patch, 1.0);
            y.set_column(j, &z.map(|v| v.max(0.0)));
        }
        y
    }
}
