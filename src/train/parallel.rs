//! Mini-batch gradients on several cores (`parallel` feature).
//!
//! A big batch of at least two blocks of [`TRAIN_BLOCK`] samples is cut into `G` contiguous
//! groups of whole blocks, `G = min(blocks, MAX_GROUPS)`: a number fixed by the batch's length,
//! never by the number of threads. Each group runs on a rayon task with its own block tape and
//! its own random numbers (a generator seeded from the training rng, one seed per group, drawn
//! in order), exactly as [`Trainer::accumulate_block`] runs one block after another; group 0
//! accumulates into the trainer's gradients, the others into buffers the trainer keeps, which
//! are then added in group order; the losses reach `record` in sample order. So the result is
//! the same bits on 1 or 64 threads, equal to the one-thread path's to rounding (the sums are
//! grouped differently). The training rng advances by one draw per group, so a dropout network
//! draws other masks, and later epochs shuffle differently, than without the feature.
//!
//! Only big batches are split. Every update changes the weights, which the next batch's tasks
//! then read from the core that wrote them, and the gradients travel back: for a 784-128-10
//! network (400 KB of weights) split between the two cores of the development machine, a
//! `Mini(32)` epoch took 1.7× longer, `Mini(128)` 1.2× longer, `Mini(256)` broke even, and
//! `Mini(512)` / `Mini(1024)` were 1.35× / 1.6× faster (a scratch program, then
//! `cargo run --release -p constnet-benches --bin parallel_training --features parallel`).

use super::trainer::block_gradients;
use super::{TrainError, Trainer};
use crate::batch::TRAIN_BLOCK;
use crate::loss::Loss;
use crate::optim::Optimizer;
use crate::{Network, Parameters, Scalar};
use rand::rngs::Xoshiro128PlusPlus;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use std::vec::Vec;

/// Most groups a batch is cut into: the gradient buffers the trainer keeps.
const MAX_GROUPS: usize = 8;

/// Samples × parameters from which a batch is split between threads (2²⁵: a 784-128-10
/// network's batches of 330 samples or more); smaller batches run on one thread. See the module
/// documentation for the measurements behind it.
const PARALLEL_BATCH_WORK: usize = 1 << 25;

/// A group's losses and outputs in sample order, or its first non-finite loss (sample, value).
type Outcome<T, const OUT: usize> = Result<Vec<(T, [T; OUT])>, (usize, T)>;

impl<T: Scalar, N: Parameters<T> + Clone, O: Optimizer<T>, L: Copy> Trainer<T, N, O, L> {
    /// [`Trainer::accumulate_block`] on several cores when the batch is big enough; `Ok(false)`
    /// (nothing done, the rng untouched) when it is not.
    pub(super) fn accumulate_parallel<const IN: usize, const OUT: usize, R: Rng + ?Sized>(
        &mut self,
        net: &N,
        inputs: &[[T; IN]],
        targets: &[L::Target],
        rng: &mut R,
        record: &mut impl FnMut(T, &[T; OUT], &L::Target),
    ) -> Result<bool, TrainError>
    where
        N: Network<T, IN, OUT>,
        L: Loss<T, OUT>,
    {
        let blocks = inputs.len().div_ceil(TRAIN_BLOCK);
        if blocks < 2 || inputs.len().saturating_mul(N::PARAMS) < PARALLEL_BATCH_WORK {
            return Ok(false);
        }
        let groups = blocks.min(MAX_GROUPS);
        // Group 0 accumulates straight into the trainer's gradients; the others into buffers.
        if self.group_grads.len() < groups - 1 {
            self.group_grads.resize_with(groups - 1, N::zeroed);
        }
        // Group g: blocks [g·blocks/G, (g+1)·blocks/G), as sample ranges.
        let bounds: Vec<(usize, usize, u64)> = (0..groups)
            .map(|g| {
                let start = (g * blocks / groups * TRAIN_BLOCK).min(inputs.len());
                let end = ((g + 1) * blocks / groups * TRAIN_BLOCK).min(inputs.len());
                (start, end, rng.next_u64())
            })
            .collect();
        let loss = self.loss;
        let mut buffers: Vec<&mut N> = Vec::with_capacity(groups);
        buffers.push(&mut self.grads);
        buffers.extend(self.group_grads[..groups - 1].iter_mut());
        let outcomes: Vec<Outcome<T, OUT>> = buffers
            .par_iter_mut()
            .zip(bounds.par_iter())
            .map(|(grads, &(start, end, seed))| {
                let mut rng = Xoshiro128PlusPlus::seed_from_u64(seed);
                let mut tape = N::BlockTape::default();
                let mut seen = Vec::with_capacity(end - start);
                let blocks = inputs[start..end].chunks(TRAIN_BLOCK).zip(targets[start..end].chunks(TRAIN_BLOCK));
                for (b, (xs, ts)) in blocks.enumerate() {
                    block_gradients(net, loss, &mut tape, xs, ts, &mut rng, grads, &mut |value, y: &[T; OUT], _| {
                        seen.push((value, *y));
                    })
                    .map_err(|(s, value)| (start + b * TRAIN_BLOCK + s, value))?;
                }
                Ok(seen)
            })
            .collect();
        if let Some(&(_, value)) = outcomes.iter().filter_map(|o| o.as_ref().err()).min_by_key(|(sample, _)| *sample) {
            self.discard_gradients();
            for g in &mut self.group_grads[..groups - 1] {
                g.fill(T::ZERO);
            }
            return Err(TrainError::NonFiniteLoss { epoch: self.epoch, step: self.steps() + 1, loss: value.to_f64() });
        }
        for ((value, y), t) in outcomes.iter().flatten().flatten().zip(targets) {
            record(*value, y, t);
        }
        for group in &mut self.group_grads[..groups - 1] {
            for t in 0..N::TENSORS {
                for (a, &g) in self.grads.tensor_mut(t).iter_mut().zip(group.tensor(t)) {
                    *a += g;
                }
            }
            group.fill(T::ZERO);
        }
        self.pending = true;
        Ok(true)
    }
}
