use super::{
    Batch, EarlyStopping, EpochReport, FitConfig, FitReport, MAX_PLATEAU_WINDOW, Plateau, StopReason, Target,
    TrainError, Trainer,
};
use crate::data::shuffle_pairs;
use crate::loss::Loss;
use crate::optim::Optimizer;
use crate::{Network, Parameters, Scalar};

/// `true` when no value is NaN or infinite.
trait AllFinite {
    fn all_finite(&self) -> bool;
}

impl<T: Scalar, const N: usize> AllFinite for [T; N] {
    fn all_finite(&self) -> bool {
        // Without short-circuit, so it vectorises (the data is checked before every `fit`).
        self.iter().fold(true, |ok, v| ok & v.is_finite())
    }
}
use rand::Rng;

/// The data [`Trainer::fit`] learns from. The training set is shuffled in place between epochs
/// (no copy, no index buffer); the validation set is only read.
#[derive(Debug)]
pub struct FitData<'a, I, G> {
    /// Training inputs.
    pub inputs: &'a mut [I],
    /// Training targets, one per input.
    pub targets: &'a mut [G],
    /// Optional validation inputs and targets.
    pub validation: Option<(&'a [I], &'a [G])>,
}

impl<'a, I, G> FitData<'a, I, G> {
    /// Training data without a validation set.
    pub fn new(inputs: &'a mut [I], targets: &'a mut [G]) -> Self {
        Self { inputs, targets, validation: None }
    }
    /// Adds a validation set.
    #[must_use]
    pub fn with_validation(mut self, inputs: &'a [I], targets: &'a [G]) -> Self {
        self.validation = Some((inputs, targets));
        self
    }
}

/// What the per-epoch callback wants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Control {
    /// Go on.
    Continue,
    /// Stop after this epoch ([`StopReason::Callback`]).
    Stop,
}

impl<T: Scalar, N: Parameters<T> + Clone, O: Optimizer<T>, L: Copy> Trainer<T, N, O, L> {
    /// Trains `net` on `data` until a stopping rule fires, calling `on_epoch` after every epoch.
    ///
    /// Each epoch shuffles the training set (if configured) with `rng`, then walks it in batches
    /// of [`FitConfig::batch`]: per sample it records a forward pass and back-propagates, per
    /// batch it averages the gradients and steps the optimizer. The epoch's loss and accuracy are
    /// measured on the fly (each sample before its own update), the validation loss and accuracy
    /// after the epoch. Same data, same seed, same machine ⇒ bit-identical weights.
    ///
    /// With the `parallel` feature, a batch of samples × parameters ≥ 2²⁵ (a 784-128-10
    /// network's batches of 330 or more) is split into at most 8 groups of whole blocks that
    /// run on rayon's threads; the groups depend on the batch size only, so the weights are
    /// the same bits on any number of threads (and equal to the one-thread path's to rounding;
    /// `rng` advances by one draw per group, so later shuffles differ from a build without the
    /// feature). Smaller batches would lose more to moving the weights between cores than they gain.
    ///
    /// # Errors
    /// Before training: empty or mismatched data sets, batch size 0 or larger than the data,
    /// invalid stopping rules, class indices out of range, early stopping without a validation
    /// set, a `Step` network. During training: [`TrainError::NonFiniteLoss`] and
    /// [`TrainError::NonFiniteGradient`], with the network left at the weights of its last good
    /// update.
    pub fn fit<const IN: usize, const OUT: usize, R, F>(
        &mut self,
        net: &mut N,
        data: FitData<'_, [T; IN], L::Target>,
        config: &FitConfig,
        rng: &mut R,
        mut on_epoch: F,
    ) -> Result<FitReport, TrainError>
    where
        N: Network<T, IN, OUT>,
        L: Loss<T, OUT, Target: Target<T, OUT>>,
        R: Rng + ?Sized,
        F: FnMut(&EpochReport) -> Control,
    {
        let FitData { inputs, targets, validation } = data;
        self.check::<IN, OUT>(inputs, targets, "training")?;
        if let Some((vi, vt)) = validation {
            self.check::<IN, OUT>(vi, vt, "validation")?;
        }
        config.validate(inputs.len(), validation.is_some())?;
        if !N::TRAINABLE {
            return Err(TrainError::Untrainable);
        }

        let batch_size = config.batch.size(inputs.len());
        let mut tape = N::Tape::default();
        let mut block_tape: Option<N::BlockTape> = None;
        let mut history = [0.0f64; MAX_PLATEAU_WINDOW + 1];
        let mut best: Option<(usize, f64)> = None;
        let mut epochs_since_best = 0;

        for epoch in 1..=config.max_epochs {
            self.epoch = epoch;
            #[cfg(feature = "std")]
            let started = std::time::Instant::now();
            if config.shuffle && config.batch != Batch::Full {
                // Lengths were checked above, so this cannot fail.
                let _ = shuffle_pairs(inputs, targets, rng);
            }

            let (mut loss_sum, mut seen, mut correct, mut counted) = (0.0f64, 0usize, 0usize, 0usize);
            let mut stop = None;
            for (xs, ts) in inputs.chunks(batch_size).zip(targets.chunks(batch_size)) {
                let mut record = |loss: T, y: &[T; OUT], t: &L::Target| {
                    loss_sum += loss.to_f64();
                    seen += 1;
                    if let Some(ok) = t.is_correct(config.metric, y) {
                        correct += usize::from(ok);
                        counted += 1;
                    }
                };
                if let ([x], [t], false) = (xs, ts, self.pending) {
                    // One sample per update: the fused per-sample path when the optimizer allows.
                    let loss = self.sample_step(net, &mut tape, x, t, rng)?;
                    record(loss, N::output(&tape), t);
                } else {
                    // Blocks of samples through the layers' block kernels (the gradients of
                    // sample by sample to rounding; see `accumulate_block`).
                    #[cfg(feature = "parallel")]
                    let done = self.accumulate_parallel(net, xs, ts, rng, &mut record)?;
                    #[cfg(not(feature = "parallel"))]
                    let done = false;
                    if !done {
                        let block_tape = block_tape.get_or_insert_with(N::BlockTape::default);
                        self.accumulate_block(net, block_tape, xs, ts, rng, &mut record)?;
                    }
                    self.apply(net, xs.len())?;
                }
                if config.stop.max_steps.is_some_and(|max| self.steps() >= max) {
                    stop = Some(StopReason::MaxSteps);
                    break;
                }
            }

            let train_loss = loss_sum / seen as f64;
            let (validation_loss, validation_accuracy) = match validation {
                Some((vi, vt)) => {
                    let (loss, accuracy) = self.evaluate(net, vi, vt, config.metric)?;
                    (Some(loss), accuracy)
                }
                None => (None, None),
            };
            let report = EpochReport {
                epoch,
                max_epochs: config.max_epochs,
                train_loss,
                train_accuracy: (counted > 0).then(|| correct as f64 / counted as f64),
                validation_loss,
                validation_accuracy,
                steps: self.steps(),
                learning_rate: self.schedule.rate(self.steps().saturating_sub(1)),
                samples: seen,
                #[cfg(feature = "std")]
                elapsed: Some(started.elapsed()),
                #[cfg(not(feature = "std"))]
                elapsed: None,
            };

            if let (Some(es), Some(v)) = (config.stop.early_stopping, validation_loss) {
                if best.is_none_or(|(_, b)| v < b - es.min_delta) {
                    best = Some((epoch, v));
                    epochs_since_best = 0;
                    if es.restore_best {
                        self.snapshot.clone_from(net);
                    }
                } else {
                    epochs_since_best += 1;
                }
            }
            history[epoch % history.len()] = train_loss;

            let callback = on_epoch(&report);
            let stop = stop
                .or((callback == Control::Stop).then_some(StopReason::Callback))
                .or(config.stop.target_loss.and_then(|t| (train_loss <= t).then_some(StopReason::TargetLoss)))
                .or(config.stop.plateau.and_then(|p| plateaued(&history, epoch, p).then_some(StopReason::Plateau)))
                .or(config
                    .stop
                    .early_stopping
                    .and_then(|es| (epochs_since_best >= es.patience).then_some(StopReason::EarlyStopping)))
                .or((epoch == config.max_epochs).then_some(StopReason::MaxEpochs));
            if let Some(stop) = stop {
                if let (Some(EarlyStopping { restore_best: true, .. }), Some((best_epoch, _))) =
                    (config.stop.early_stopping, best)
                    && best_epoch != epoch
                {
                    net.clone_from(&self.snapshot);
                }
                return Ok(FitReport { epochs: epoch, steps: self.steps(), stop, last: report, best });
            }
        }
        unreachable_stop()
    }

    /// Mean loss and accuracy over a data set, at inference (no dropout). The loss is the same
    /// function training reports ([`Loss::value_at`] on the output layer's logits and outputs), so
    /// training and validation losses compare.
    ///
    /// # Errors
    /// [`TrainError::EmptyDataSet`] or [`TrainError::LengthMismatch`] for an unusable set
    /// (reported as the `"evaluation"` set).
    pub fn evaluate<const IN: usize, const OUT: usize>(
        &self,
        net: &N,
        inputs: &[[T; IN]],
        targets: &[L::Target],
        metric: super::Metric,
    ) -> Result<(f64, Option<f64>), TrainError>
    where
        N: Network<T, IN, OUT>,
        L: Loss<T, OUT, Target: Target<T, OUT>>,
    {
        if inputs.len() != targets.len() {
            return Err(TrainError::LengthMismatch { set: "evaluation", inputs: inputs.len(), targets: targets.len() });
        }
        if inputs.is_empty() {
            return Err(TrainError::EmptyDataSet { set: "evaluation" });
        }
        let (mut loss, mut correct, mut counted) = (0.0, 0usize, 0usize);
        for (x, t) in inputs.iter().zip(targets) {
            let (z, y) = net.forward_logits(x);
            loss += self.loss.value_at::<N::OutputActivation>(&z, &y, t).to_f64();
            if let Some(ok) = t.is_correct(metric, &y) {
                correct += usize::from(ok);
                counted += 1;
            }
        }
        let n = inputs.len() as f64;
        Ok((loss / n, (counted > 0).then(|| correct as f64 / counted as f64)))
    }

    fn check<const IN: usize, const OUT: usize>(
        &self,
        inputs: &[[T; IN]],
        targets: &[L::Target],
        set: &'static str,
    ) -> Result<(), TrainError>
    where
        L: Loss<T, OUT, Target: Target<T, OUT>>,
    {
        if inputs.len() != targets.len() {
            return Err(TrainError::LengthMismatch { set, inputs: inputs.len(), targets: targets.len() });
        }
        if inputs.is_empty() {
            return Err(TrainError::EmptyDataSet { set });
        }
        if let Some(sample) = inputs.iter().zip(targets).position(|(x, t)| !(x.all_finite() && t.is_finite())) {
            return Err(TrainError::NonFiniteData { set, sample });
        }
        if let Some(classes) = self.loss.classes() {
            for (sample, t) in targets.iter().enumerate() {
                if let Err(class) = self.loss.check_target(t) {
                    return Err(TrainError::ClassOutOfRange { set, sample, class, classes });
                }
            }
        }
        Ok(())
    }
}

/// The plateau rule of "Adventure of the Neurons": the mean decrease of the epoch loss over the last `window` epochs.
fn plateaued(history: &[f64; MAX_PLATEAU_WINDOW + 1], epoch: usize, rule: Plateau) -> bool {
    if epoch <= rule.window {
        return false;
    }
    let len = history.len();
    let then = history[(epoch - rule.window) % len];
    let now = history[epoch % len];
    (then - now) / (rule.window as f64) < rule.min_decrease
}

/// `max_epochs ≥ 1` is validated, and the last epoch always returns `MaxEpochs` at the latest.
fn unreachable_stop() -> Result<FitReport, TrainError> {
    Err(TrainError::InvalidHyperParameter { name: "max epochs", value: 0.0, expected: "at least 1 epoch" })
}
