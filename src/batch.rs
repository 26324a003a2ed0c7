//! Batched inference: many samples through a network at once, vectorised across samples.
//!
//! Every network has `forward_batch(&self, inputs, outputs)`
//! ([`Network::forward_batch`](crate::Network::forward_batch)). It cuts the inputs into blocks of [`BLOCK`] samples, transposes each block to the
//! feature-major layout `x[i][s]` (input `i` of sample `s`), runs every layer's
//! [`Layer::forward_block`](crate::Layer::forward_block) on it, and transposes the outputs
//! back. In that layout each inner loop runs across the samples of the block, so the compiler
//! turns it into SIMD instructions with no horizontal sums, and each weight loaded from memory
//! serves a whole block.
//!
//! ```
//! use constnet::prelude::*;
//! use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
//!
//! network! { struct Xor<f32> { hidden: Dense<2, 4, FastSigmoid>, output: Dense<4, 1, FastSigmoid> } }
//! let net = Xor::random(&mut Xoshiro128PlusPlus::seed_from_u64(7));
//! let inputs: Vec<[f32; 2]> = (0..37).map(|k| [k as f32 / 37.0, 1.0 - k as f32 / 20.0]).collect();
//! let mut outputs = vec![[0.0f32; 1]; inputs.len()];
//! net.forward_batch(&inputs, &mut outputs);
//! for (x, y) in inputs.iter().zip(&outputs) {
//!     assert!((net.forward(x)[0] - y[0]).abs() < 1e-6);
//! }
//! ```
//!
//! On x86-64 CPUs with AVX-512, networks of at least 1024 parameters run blocks of 32 samples
//! instead: two registers of 16 samples share every weight the dense kernel broadcasts (a
//! 64 → 32 layer's kernel went from 29 to 23 ns per sample). Each sample gets the same
//! operations in the same order whatever the block's width, so the results are the same bits.
//!
//! Nothing is allocated: one block of inputs and the activations of one block live on the
//! stack (`BLOCK × width` values per layer, or `32 × width` with wide blocks).

use crate::Scalar;

/// Samples per block: 16 on x86-64 and AArch64 (one AVX-512, two AVX or four NEON registers of
/// `f32`), else 8. `forward_batch` runs blocks of 32 instead for networks of 1024 parameters or
/// more on CPUs with AVX-512 (see the module documentation).
pub const BLOCK: usize = crate::kernel::BLOCK;

/// Samples per block in mini-batch training: [`Trainer`](crate::train::Trainer) records this
/// many training passes, then back-propagates them together through
/// [`Layer::backward_block`](crate::Layer::backward_block). A batch of 32 is two blocks.
pub const TRAIN_BLOCK: usize = 16;

/// Networks whose widest layer has at most this many inputs plus outputs run `forward_batch`
/// as a loop of `forward`: their forward pass is a few instructions, and transposing samples to
/// the feature-major layout would cost more than it saves (2-2-1 nets were 14× slower batched).
pub const SAMPLE_BY_SAMPLE_SCRATCH: usize = 4;

/// [`Network::forward_batch`](crate::Network::forward_batch): a loop of `forward` for tiny
/// networks, else blocks of [`BLOCK`] samples, with AVX2 when the CPU has it (a runtime check,
/// so a build for the baseline x86-64 gets it too).
#[inline]
pub(crate) fn forward_batch<T: Scalar, N: crate::network::Sequential<T, IN, OUT>, const IN: usize, const OUT: usize>(
    net: &N,
    inputs: &[[T; IN]],
    outputs: &mut [[T; OUT]],
) {
    use crate::network::Chain;
    if <N::Layers as Chain<N, T, IN, OUT>>::SCRATCH <= SAMPLE_BY_SAMPLE_SCRATCH {
        check_lengths(inputs, outputs);
        for (x, y) in inputs.iter().zip(outputs.iter_mut()) {
            *y = N::Layers::forward(net, x);
        }
        return;
    }
    #[cfg(feature = "parallel")]
    if inputs.len() >= 4 * BLOCK && inputs.len().saturating_mul(N::PARAMS) >= PARALLEL_WORK {
        use rayon::prelude::*;
        check_lengths(inputs, outputs);
        // Whole blocks per task, so every sample is computed exactly as on one thread.
        let per_task = inputs.len().div_ceil(4 * rayon::current_num_threads()).next_multiple_of(BLOCK);
        inputs.par_chunks(per_task).zip(outputs.par_chunks_mut(per_task)).for_each(|(x, y)| {
            run_network::<T, N, IN, OUT>(net, x, y);
        });
        return;
    }
    run_network::<T, N, IN, OUT>(net, inputs, outputs);
}

/// The blocked pass of [`forward_batch`]: blocks of 32 samples for networks of at least
/// [`WIDE_BLOCK_PARAMS`] parameters on CPUs with AVX-512 (two registers of samples share each
/// weight broadcast), else of [`BLOCK`]. Same bits either way.
#[inline(always)]
fn run_network<T: Scalar, N: crate::network::Sequential<T, IN, OUT>, const IN: usize, const OUT: usize>(
    net: &N,
    inputs: &[[T; IN]],
    outputs: &mut [[T; OUT]],
) {
    use crate::network::Chain;
    use crate::simd::WIDE_BLOCK;
    crate::simd::with_avx2(
        #[inline(always)]
        || {
            if <N::Layers as Chain<N, T, IN, OUT>>::PARAMS >= WIDE_BLOCK_PARAMS && crate::simd::wide_blocks() {
                run_blocks::<T, IN, OUT, WIDE_BLOCK>(
                    inputs,
                    outputs,
                    #[inline(always)]
                    |x| N::Layers::forward_block::<WIDE_BLOCK>(net, x),
                )
            } else {
                run_blocks::<T, IN, OUT, BLOCK>(
                    inputs,
                    outputs,
                    #[inline(always)]
                    |x| N::Layers::forward_block::<BLOCK>(net, x),
                )
            }
        },
    );
}

/// Parameters from which a network's `forward_batch` runs blocks of 32 samples on AVX-512
/// CPUs. Smaller networks' layers stay below the size where the AVX-512 kernel pays, and their
/// portable loops would not keep 32 samples of accumulators in registers.
pub(crate) const WIDE_BLOCK_PARAMS: usize = 1024;

/// Samples × parameters above which `forward_batch` splits the batch between threads
/// (`parallel` feature): about 2²⁰ multiply-adds, 60 µs on one core.
#[cfg(feature = "parallel")]
const PARALLEL_WORK: usize = 1 << 20;

/// Panics with the documented message if the lengths differ.
#[inline]
fn check_lengths<I, O>(inputs: &[I], outputs: &[O]) {
    assert_eq!(
        inputs.len(),
        outputs.len(),
        "forward_batch: {} inputs but {} output slots",
        inputs.len(),
        outputs.len()
    );
}

/// Runs `block` over `inputs` `S` samples at a time and writes the results to `outputs`.
///
/// `block` maps a feature-major block (`x[i][s]`) to a feature-major block of outputs. The last
/// block is padded with zero inputs whose outputs are discarded.
///
/// # Panics
/// If `inputs` and `outputs` differ in length.
#[inline(always)]
pub(crate) fn run_blocks<T: Scalar, const IN: usize, const OUT: usize, const S: usize>(
    inputs: &[[T; IN]],
    outputs: &mut [[T; OUT]],
    mut block: impl FnMut(&[[T; S]; IN]) -> [[T; S]; OUT],
) {
    check_lengths(inputs, outputs);
    let mut x = [[T::ZERO; S]; IN];
    for (xs, ys) in inputs.chunks(S).zip(outputs.chunks_mut(S)) {
        match <&[[T; IN]; S]>::try_from(xs) {
            Ok(full) => transpose_in(full, &mut x),
            Err(_) => {
                // The last, partial block: zero padding, and a plain loop (it runs once).
                x = [[T::ZERO; S]; IN];
                for (s, sample) in xs.iter().enumerate() {
                    for (row, &v) in x.iter_mut().zip(sample) {
                        row[s] = v;
                    }
                }
            }
        }
        let y = block(&x);
        for (s, out) in ys.iter_mut().enumerate() {
            for (o, row) in out.iter_mut().zip(&y) {
                *o = row[s];
            }
        }
    }
}

/// `x[i][s] = samples[s][i]`. Each sample is read 8 values at a time and they are written to 8
/// rows: measured faster than the plain double loop, which LLVM turns into AVX-512 scatters
/// (slow on AMD Zen 4).
#[inline(always)]
pub(crate) fn transpose_in<T: Scalar, const IN: usize, const S: usize>(samples: &[[T; IN]; S], x: &mut [[T; S]; IN]) {
    if crate::simd::transpose_block(samples, x) {
        return;
    }
    const K: usize = 8;
    let (rows, tail) = x.as_chunks_mut::<K>();
    for (s, sample) in samples.iter().enumerate() {
        let (chunks, rest) = sample.as_chunks::<K>();
        for (dst, src) in rows.iter_mut().zip(chunks) {
            for k in 0..K {
                dst[k][s] = src[k];
            }
        }
        for (row, &v) in tail.iter_mut().zip(rest) {
            row[s] = v;
        }
    }
}
