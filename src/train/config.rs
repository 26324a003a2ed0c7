use super::{Metric, TrainError, check_range};

/// How many samples each optimizer step averages over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Batch {
    /// One step per sample: stochastic gradient descent in its original form.
    Sample,
    /// One step per `n` samples (the last batch of an epoch may be smaller).
    Mini(usize),
    /// One step per epoch over the whole training set.
    Full,
}

impl Batch {
    /// Samples per step for a training set of `len` samples.
    pub fn size(self, len: usize) -> usize {
        match self {
            Batch::Sample => 1,
            Batch::Mini(n) => n,
            Batch::Full => len,
        }
    }
}

/// Stop when the mean training loss fell by less than `min_decrease` per epoch, averaged over
/// the last `window` epochs (the rule of "Adventure of the Neurons", with threshold 0.05 in its example).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plateau {
    /// Epochs to average over, `1..=MAX_PLATEAU_WINDOW`.
    pub window: usize,
    /// Smallest average decrease per epoch that counts as progress, ≥ 0.
    pub min_decrease: f64,
}

/// The largest [`Plateau::window`]; the loss history lives in a fixed array of this size.
pub const MAX_PLATEAU_WINDOW: usize = 64;

/// Stop when the validation loss has not improved by `min_delta` for `patience` epochs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EarlyStopping {
    /// Epochs without improvement to tolerate, ≥ 1.
    pub patience: usize,
    /// Improvement smaller than this does not count, ≥ 0.
    pub min_delta: f64,
    /// Put the weights of the best validation epoch back when training ends.
    pub restore_best: bool,
}

/// When to stop, besides [`FitConfig::max_epochs`]. Rules combine: the first that fires wins,
/// and [`FitReport::stop`](super::FitReport::stop) says which.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StopRules {
    /// Stop after this many optimizer steps (iterations) in total.
    pub max_steps: Option<u64>,
    /// Stop once an epoch's mean training loss is at or below this.
    pub target_loss: Option<f64>,
    /// Stop when progress stalls.
    pub plateau: Option<Plateau>,
    /// Stop when the validation loss stops improving.
    pub early_stopping: Option<EarlyStopping>,
}

/// Settings of [`Trainer::fit`](super::Trainer::fit).
///
/// ```
/// use constnet::train::{Batch, FitConfig, Metric};
/// let config = FitConfig::new(50).batch(Batch::Mini(32)).metric(Metric::Binary);
/// assert_eq!((config.max_epochs, config.shuffle), (50, true));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FitConfig {
    /// Upper bound on epochs, ≥ 1.
    pub max_epochs: usize,
    /// Samples per optimizer step.
    pub batch: Batch,
    /// Shuffle the training set (in place) before every epoch.
    pub shuffle: bool,
    /// Accuracy to report.
    pub metric: Metric,
    /// Further stopping rules.
    pub stop: StopRules,
}

impl FitConfig {
    /// `max_epochs` epochs of per-sample SGD with shuffling, no metric, no further stopping rule.
    pub const fn new(max_epochs: usize) -> Self {
        Self {
            max_epochs,
            batch: Batch::Sample,
            shuffle: true,
            metric: Metric::None,
            stop: StopRules { max_steps: None, target_loss: None, plateau: None, early_stopping: None },
        }
    }
    /// Sets the batching.
    #[must_use]
    pub const fn batch(mut self, batch: Batch) -> Self {
        self.batch = batch;
        self
    }
    /// Sets the accuracy metric.
    #[must_use]
    pub const fn metric(mut self, metric: Metric) -> Self {
        self.metric = metric;
        self
    }
    /// Turns per-epoch shuffling on or off.
    #[must_use]
    pub const fn shuffle(mut self, shuffle: bool) -> Self {
        self.shuffle = shuffle;
        self
    }
    /// Sets the stopping rules.
    #[must_use]
    pub const fn stop(mut self, stop: StopRules) -> Self {
        self.stop = stop;
        self
    }

    /// Checks the settings against a training set of `samples` samples.
    pub(crate) fn validate(&self, samples: usize, has_validation: bool) -> Result<(), TrainError> {
        let epochs = self.max_epochs;
        check_range("max epochs", epochs as f64, epochs >= 1, "at least 1 epoch")?;
        let batch_size = self.batch.size(samples);
        if batch_size == 0 || batch_size > samples {
            return Err(TrainError::InvalidBatchSize { batch_size, samples });
        }
        if let Some(steps) = self.stop.max_steps {
            check_range("max steps", steps as f64, steps >= 1, "at least 1 step")?;
        }
        if let Some(target) = self.stop.target_loss {
            check_range("target loss", target, target >= 0.0, "a finite loss ≥ 0")?;
        }
        if let Some(Plateau { window, min_decrease }) = self.stop.plateau {
            let ok = (1..=MAX_PLATEAU_WINDOW).contains(&window);
            check_range("plateau window", window as f64, ok, "1 to 64 epochs")?;
            check_range("plateau threshold", min_decrease, min_decrease >= 0.0, "a finite decrease ≥ 0")?;
        }
        if let Some(EarlyStopping { patience, min_delta, .. }) = self.stop.early_stopping {
            if !has_validation {
                return Err(TrainError::EarlyStoppingWithoutValidation);
            }
            check_range("patience", patience as f64, patience >= 1, "at least 1 epoch")?;
            check_range("min delta", min_delta, min_delta >= 0.0, "a finite delta ≥ 0")?;
        }
        Ok(())
    }
}
