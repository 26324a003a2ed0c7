use super::{TrainError, gradient_scale};
use crate::loss::Loss;
use crate::network::Descent;
use crate::optim::{Optimizer, Schedule, check};
use crate::{Network, Parameters, Scalar, TensorKind};
use rand::Rng;

/// Penalties and safeguards applied to the averaged gradient before each update.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Regularization {
    /// L2 weight decay `λ ≥ 0`: adds `λ·W` to the gradient of every weight matrix (biases are
    /// not decayed), i.e. the loss `L + (λ/2)·ΣW²`.
    pub l2: f64,
    /// Clip by global norm: if `‖g‖₂ > c`, scale the whole gradient by `c/‖g‖₂`.
    pub clip_norm: Option<f64>,
}

impl Regularization {
    /// Checks the settings as written and as the scalar `T` will see them.
    fn validate<T: Scalar>(&self) -> Result<(), TrainError> {
        check::<T>("L2 weight decay", self.l2, |l2| l2 >= 0.0, "λ ≥ 0")?;
        if let Some(c) = self.clip_norm {
            check::<T>("clip norm", c, |c| c > 0.0, "a finite norm > 0")?;
        }
        Ok(())
    }
}

/// Everything one training run keeps besides the network, all inline (no heap):
/// the gradient accumulator (type `N`), the optimizer state (shaped like `N`), a snapshot `N`
/// for early stopping, and the loss, schedule and regularisation. With the `parallel` feature,
/// [`Trainer::fit`] splits big mini-batches (samples × parameters ≥ 2²⁵) between threads and
/// keeps up to 7 more gradient buffers on the heap for them; the result does not depend on the
/// number of threads and equals the one-thread result to rounding.
///
/// Memory: `size_of::<Trainer<…>>()` is about `(2 + k)·size_of::<N>()`, with `k` = 0 for
/// [`Sgd`](crate::optim::Sgd), 1 for momentum and RMSprop, 2 for the Adam family. For a network
/// too big for the stack, box the trainer (`Box::new(Trainer::new(…)?)`) or declare the big layers
/// as `HeapDense` (see "Big networks" in [`Network`]).
#[derive(Clone, Debug)]
pub struct Trainer<T: Scalar, N: Parameters<T>, O: Optimizer<T>, L> {
    /// The optimizer's hyper-parameters.
    pub optimizer: O,
    /// The loss being minimised.
    pub loss: L,
    /// The learning rate per step.
    pub schedule: Schedule,
    regularization: Regularization,
    pub(super) grads: N,
    state: O::State<N>,
    pub(super) snapshot: N,
    steps: u64,
    pub(super) epoch: usize,
    /// Samples were accumulated since the last update (so the fused per-sample path knows
    /// whether the accumulator is empty).
    pub(super) pending: bool,
    /// One gradient buffer per group of a batch split between threads (`parallel` feature;
    /// allocated by the first such batch).
    #[cfg(feature = "parallel")]
    pub(super) group_grads: std::vec::Vec<N>,
}

impl<T: Scalar, N: Parameters<T> + Clone, O: Optimizer<T>, L: Copy> Trainer<T, N, O, L> {
    /// A trainer with zero gradients and fresh optimizer state.
    ///
    /// # Errors
    /// [`TrainError::InvalidHyperParameter`] or [`TrainError::InvalidLearningRate`] for invalid
    /// optimizer or schedule settings.
    pub fn new(optimizer: O, loss: L, schedule: Schedule) -> Result<Self, TrainError> {
        optimizer.validate()?;
        schedule.validate::<T>()?;
        Ok(Self {
            optimizer,
            loss,
            schedule,
            regularization: Regularization::default(),
            grads: N::zeroed(),
            state: optimizer.new_state::<N>(),
            snapshot: N::zeroed(),
            steps: 0,
            epoch: 0,
            pending: false,
            #[cfg(feature = "parallel")]
            group_grads: std::vec::Vec::new(),
        })
    }

    /// Sets L2 weight decay and gradient clipping.
    ///
    /// # Errors
    /// [`TrainError::InvalidHyperParameter`] for a negative `l2` or a non-positive clip norm.
    pub fn with_regularization(mut self, regularization: Regularization) -> Result<Self, TrainError> {
        regularization.validate::<T>()?;
        self.regularization = regularization;
        Ok(self)
    }

    /// Optimizer steps taken so far (the schedule's step counter).
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The learning rate the next step will use.
    pub fn learning_rate(&self) -> f64 {
        self.schedule.rate(self.steps)
    }

    /// The gradients accumulated since the last update.
    pub fn gradients(&self) -> &N {
        &self.grads
    }

    /// The optimizer's state (moments).
    pub fn optimizer_state(&self) -> &O::State<N> {
        &self.state
    }

    /// Back-propagation of one sample: records a forward pass in `tape`, computes the loss and the
    /// output error signal `δ`, and adds the sample's gradients to the accumulator. Returns the
    /// sample's loss. Nothing is updated until [`Trainer::apply`].
    pub fn accumulate<const IN: usize, const OUT: usize, R: Rng + ?Sized>(
        &mut self,
        net: &N,
        tape: &mut N::Tape,
        x: &[T; IN],
        target: &L::Target,
        rng: &mut R,
    ) -> T
    where
        N: Network<T, IN, OUT>,
        L: Loss<T, OUT>,
    {
        net.forward_train(x, tape, rng);
        let (z, y) = (N::output_pre_activation(tape), N::output(tape));
        let loss = self.loss.value_at::<N::OutputActivation>(z, y, target);
        let delta = self.loss.delta::<N::OutputActivation>(z, y, target);
        net.backward(tape, &delta, &mut self.grads);
        self.pending = true;
        loss
    }

    /// Back-propagation of many samples, [`TRAIN_BLOCK`](crate::batch::TRAIN_BLOCK) at a time:
    /// records their forward passes in `tape`, computes each loss and output error signal, and
    /// adds their gradients to the accumulator through the layers' block kernels
    /// ([`Network::backward_block`]). Each whole block of 16 samples is recorded by the layers'
    /// batched forward kernels (for `Dense`, what `forward_batch` computes, bit for bit), which
    /// sum in another order than [`Trainer::accumulate`]'s per-sample pass, so the gradients
    /// equal the per-sample ones to rounding; a partial block is recorded sample by sample, and
    /// its gradients are bit-identical to calling [`Trainer::accumulate`] on each sample in
    /// order. Same inputs, same build ⇒ the same bits. `record` sees each sample's loss, output
    /// and target. Nothing is updated until [`Trainer::apply`].
    ///
    /// # Errors
    /// [`TrainError::NonFiniteLoss`] for a NaN or infinite loss; the gradients accumulated since
    /// the last update are discarded.
    // Not inlined into `fit`: it runs once per batch, and inlined it made `fit` big enough
    // that LLVM stopped inlining the per-sample path's helpers (3× slower circles epochs).
    #[inline(never)]
    pub fn accumulate_block<const IN: usize, const OUT: usize, R: Rng + ?Sized>(
        &mut self,
        net: &N,
        tape: &mut N::BlockTape,
        inputs: &[[T; IN]],
        targets: &[L::Target],
        rng: &mut R,
        mut record: impl FnMut(T, &[T; OUT], &L::Target),
    ) -> Result<(), TrainError>
    where
        N: Network<T, IN, OUT>,
        L: Loss<T, OUT>,
    {
        use crate::batch::TRAIN_BLOCK;
        for (xs, ts) in inputs.chunks(TRAIN_BLOCK).zip(targets.chunks(TRAIN_BLOCK)) {
            if let Err((_, loss)) = block_gradients(net, self.loss, tape, xs, ts, rng, &mut self.grads, &mut record) {
                self.discard_gradients();
                return Err(TrainError::NonFiniteLoss { epoch: self.epoch, step: self.steps + 1, loss: loss.to_f64() });
            }
            self.pending = true;
        }
        Ok(())
    }

    /// One optimizer update from the gradients of the last `batch` accumulated samples: averages
    /// them, applies L2 decay and clipping, checks they are finite, and steps the optimizer with
    /// the scheduled learning rate. The accumulator is zero afterwards.
    ///
    /// # Errors
    /// [`TrainError::InvalidBatchSize`] for `batch == 0` (nothing changes);
    /// [`TrainError::NonFiniteGradient`] (the update is not applied, the network is unchanged);
    /// [`TrainError::NonFiniteWeights`] if the optimizer's step made a weight NaN or infinite.
    pub fn apply(&mut self, net: &mut N, batch: usize) -> Result<(), TrainError> {
        if batch == 0 {
            return Err(TrainError::InvalidBatchSize { batch_size: 0, samples: 0 });
        }
        if batch > 1 {
            self.grads.scale(T::ONE / T::from_f64(batch as f64));
        }
        if self.regularization.l2 > 0.0 {
            let l2 = T::from_f64(self.regularization.l2);
            for t in 0..N::TENSORS {
                if N::tensor_kind(t) == TensorKind::Weights {
                    for (g, &w) in self.grads.tensor_mut(t).iter_mut().zip(net.tensor(t)) {
                        *g += l2 * w;
                    }
                }
            }
        }
        let lr = T::from_f64(self.schedule.rate(self.steps));
        match gradient_scale(self.grads.squared_norm(), self.clip_norm(), lr) {
            None => {
                self.discard_gradients();
                return Err(TrainError::NonFiniteGradient { epoch: self.epoch, step: self.steps + 1 });
            }
            Some(scale) if scale != T::ONE => self.grads.scale(scale),
            Some(_) => {}
        }
        let finite = self.optimizer.step(net, &self.grads, &mut self.state, lr);
        self.steps += 1;
        self.grads.fill(T::ZERO);
        self.pending = false;
        if !finite {
            return Err(TrainError::NonFiniteWeights { epoch: self.epoch, step: self.steps });
        }
        Ok(())
    }

    /// The clipping norm in the network's scalar type.
    fn clip_norm(&self) -> Option<T> {
        self.regularization.clip_norm.map(T::from_f64)
    }

    /// Drops the gradients accumulated since the last update (after a failed batch).
    pub fn discard_gradients(&mut self) {
        self.grads.fill(T::ZERO);
        self.pending = false;
    }

    /// One sample, one update, with nothing accumulated before: the forward pass into `tape`,
    /// the loss, then for plain SGD without L2 decay the fused back-propagation and update
    /// ([`Network::descend`]), otherwise back-propagation into the accumulator and
    /// [`Trainer::apply`]. A non-finite loss or gradient changes nothing.
    #[inline(always)]
    pub(super) fn sample_step<const IN: usize, const OUT: usize, R: Rng + ?Sized>(
        &mut self,
        net: &mut N,
        tape: &mut N::Tape,
        x: &[T; IN],
        target: &L::Target,
        rng: &mut R,
    ) -> Result<T, TrainError>
    where
        N: Network<T, IN, OUT>,
        L: Loss<T, OUT>,
    {
        debug_assert!(!self.pending);
        net.forward_train(x, tape, rng);
        let (z, y) = (N::output_pre_activation(tape), N::output(tape));
        let loss = self.loss.value_at::<N::OutputActivation>(z, y, target);
        if !loss.is_finite() {
            return Err(TrainError::NonFiniteLoss { epoch: self.epoch, step: self.steps + 1, loss: loss.to_f64() });
        }
        let delta = self.loss.delta::<N::OutputActivation>(z, y, target);
        if O::PLAIN_GRADIENT_DESCENT && self.regularization.l2 == 0.0 {
            let rate = T::from_f64(self.schedule.rate(self.steps));
            return match net.descend(tape, &delta, rate, self.clip_norm()) {
                Descent::Applied => {
                    self.steps += 1;
                    Ok(loss)
                }
                Descent::NonFiniteGradient => {
                    Err(TrainError::NonFiniteGradient { epoch: self.epoch, step: self.steps + 1 })
                }
            };
        }
        net.backward(tape, &delta, &mut self.grads);
        self.pending = true;
        self.apply(net, 1)?;
        Ok(loss)
    }

    /// One step of per-sample gradient descent: [`Trainer::accumulate`] then [`Trainer::apply`].
    /// Returns the sample's loss before the update.
    ///
    /// # Errors
    /// [`TrainError::Untrainable`] for a network with a `Step` activation;
    /// [`TrainError::ClassOutOfRange`] for a class index not below the network's output width;
    /// [`TrainError::NonFiniteLoss`] / [`TrainError::NonFiniteGradient`], in which case no update
    /// is applied and the network keeps its weights (outside [`Trainer::fit`] they report epoch 0).
    pub fn step<const IN: usize, const OUT: usize, R: Rng + ?Sized>(
        &mut self,
        net: &mut N,
        x: &[T; IN],
        target: &L::Target,
        rng: &mut R,
    ) -> Result<T, TrainError>
    where
        N: Network<T, IN, OUT>,
        L: Loss<T, OUT>,
    {
        if !N::TRAINABLE {
            return Err(TrainError::Untrainable);
        }
        if let (Some(classes), Err(class)) = (self.loss.classes(), self.loss.check_target(target)) {
            return Err(TrainError::ClassOutOfRange { set: "step", sample: 0, class, classes });
        }
        let mut tape = N::Tape::default();
        if !self.pending {
            return self.sample_step(net, &mut tape, x, target, rng);
        }
        // Gradients of earlier samples are waiting: they join this update, as documented for
        // `accumulate` + `apply`.
        let loss = self.accumulate(net, &mut tape, x, target, rng);
        if !loss.is_finite() {
            self.discard_gradients();
            return Err(TrainError::NonFiniteLoss { epoch: self.epoch, step: self.steps + 1, loss: loss.to_f64() });
        }
        self.apply(net, 1)?;
        Ok(loss)
    }
}

/// One block of at most [`TRAIN_BLOCK`](crate::batch::TRAIN_BLOCK) samples: records its forward
/// passes in `tape`, computes each sample's loss and output error signal (calling `record` with
/// each), and adds the block's gradients to `grads`. At the first non-finite loss it stops before
/// touching `grads` and returns that sample's index in the block and its loss.
// `clippy::too_many_arguments`: the pieces of a trainer it borrows separately, so that the
// `parallel` feature can run blocks on several threads with their own gradients.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
pub(super) fn block_gradients<T, N, L, R, const IN: usize, const OUT: usize>(
    net: &N,
    loss: L,
    tape: &mut N::BlockTape,
    xs: &[[T; IN]],
    ts: &[L::Target],
    rng: &mut R,
    grads: &mut N,
    record: &mut impl FnMut(T, &[T; OUT], &L::Target),
) -> Result<(), (usize, T)>
where
    T: Scalar,
    N: Network<T, IN, OUT>,
    L: Loss<T, OUT>,
    R: Rng + ?Sized,
{
    let mut deltas = [[T::ZERO; OUT]; crate::batch::TRAIN_BLOCK];
    net.forward_train_block(xs, tape, rng);
    for (s, (t, delta)) in ts.iter().zip(deltas.iter_mut()).enumerate() {
        let (Some(z), Some(y)) = (N::block_pre_activation(tape, s), N::block_output(tape, s)) else {
            break;
        };
        let value = loss.value_at::<N::OutputActivation>(z, y, t);
        if !value.is_finite() {
            return Err((s, value));
        }
        *delta = loss.delta::<N::OutputActivation>(z, y, t);
        record(value, y, t);
    }
    net.backward_block(xs, tape, &deltas, grads);
    Ok(())
}
