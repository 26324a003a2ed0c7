use core::fmt;
use core::time::Duration;

/// Why [`Trainer::fit`](super::Trainer::fit) stopped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum StopReason {
    /// [`FitConfig::max_epochs`](super::FitConfig::max_epochs) epochs ran.
    MaxEpochs,
    /// [`StopRules::max_steps`](super::StopRules::max_steps) optimizer steps ran.
    MaxSteps,
    /// The mean training loss reached [`StopRules::target_loss`](super::StopRules::target_loss).
    TargetLoss,
    /// The training loss stopped decreasing ([`super::Plateau`]).
    Plateau,
    /// The validation loss stopped improving ([`super::EarlyStopping`]).
    EarlyStopping,
    /// The per-epoch callback asked to stop.
    Callback,
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StopReason::MaxEpochs => "reached the maximum number of epochs",
            StopReason::MaxSteps => "reached the maximum number of steps",
            StopReason::TargetLoss => "reached the target loss",
            StopReason::Plateau => "the training loss stopped decreasing",
            StopReason::EarlyStopping => "the validation loss stopped improving",
            StopReason::Callback => "stopped by the callback",
        })
    }
}

/// What one epoch did, passed to the per-epoch callback. Its `Display` is a progress line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EpochReport {
    /// Epoch number, from 1.
    pub epoch: usize,
    /// The configured maximum.
    pub max_epochs: usize,
    /// Mean loss over the epoch's training samples (each measured before its update).
    pub train_loss: f64,
    /// Training accuracy over the epoch, if a metric is configured.
    pub train_accuracy: Option<f64>,
    /// Mean validation loss after the epoch.
    pub validation_loss: Option<f64>,
    /// Validation accuracy after the epoch, if a metric is configured.
    pub validation_accuracy: Option<f64>,
    /// Optimizer steps so far.
    pub steps: u64,
    /// Learning rate of the epoch's last step.
    pub learning_rate: f64,
    /// Training samples in the epoch.
    pub samples: usize,
    /// Wall time of the epoch (measured with the `std` feature only).
    pub elapsed: Option<Duration>,
}

impl fmt::Display for EpochReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = digits(self.max_epochs);
        write!(f, "epoch {:>width$}/{}  loss {:.5}", self.epoch, self.max_epochs, self.train_loss)?;
        if let Some(acc) = self.train_accuracy {
            write!(f, "  acc {:>6.2}%", acc * 100.0)?;
        }
        if let Some(loss) = self.validation_loss {
            write!(f, "  val_loss {loss:.5}")?;
        }
        if let Some(acc) = self.validation_accuracy {
            write!(f, "  val_acc {:>6.2}%", acc * 100.0)?;
        }
        write!(f, "  lr {:.3e}", self.learning_rate)?;
        if let Some(elapsed) = self.elapsed {
            let secs = elapsed.as_secs_f64();
            if secs > 0.0 {
                write!(f, "  {:.0} samples/s", self.samples as f64 / secs)?;
            }
        }
        Ok(())
    }
}

fn digits(mut n: usize) -> usize {
    let mut d = 1;
    while n >= 10 {
        n /= 10;
        d += 1;
    }
    d
}

/// The outcome of [`Trainer::fit`](super::Trainer::fit).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FitReport {
    /// Epochs run.
    pub epochs: usize,
    /// Optimizer steps run.
    pub steps: u64,
    /// Why training stopped.
    pub stop: StopReason,
    /// The last epoch's report.
    pub last: EpochReport,
    /// With early stopping: the epoch whose weights the network holds (if restored) and its
    /// validation loss.
    pub best: Option<(usize, f64)>,
}

impl fmt::Display for FitReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stopped after {} epochs ({} steps): {}; {}", self.epochs, self.steps, self.stop, self.last)
    }
}
