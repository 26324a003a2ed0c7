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
        if let Some(rate) = self.samples_per_second() {
            write!(f, "  {} samples/s", Si(rate))?;
        }
        Ok(())
    }
}

impl EpochReport {
    /// Training samples per second of wall time in this epoch, if it was timed (`std`). Short
    /// epochs are at the mercy of the timer and the scheduler: for a rate that means something,
    /// take the median over epochs, or total samples over total time.
    #[must_use]
    pub fn samples_per_second(&self) -> Option<f64> {
        let secs = self.elapsed?.as_secs_f64();
        (secs > 0.0).then(|| self.samples as f64 / secs)
    }
}

/// A non-negative number with three significant digits and an SI prefix: `950`, `12.3 k`,
/// `1.02 M`, `3.40 G`.
struct Si(f64);

impl fmt::Display for Si {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut value = self.0;
        let mut prefix = "";
        for next in [" k", " M", " G", " T"] {
            // Switch up when rounding to three significant digits would show 1000 or more.
            if value < 999.5 {
                break;
            }
            value /= 1000.0;
            prefix = next;
        }
        match (prefix, value) {
            ("", _) => write!(f, "{value:.0}"),
            (_, v) if v >= 99.95 => write!(f, "{value:.0}{prefix}"),
            (_, v) if v >= 9.995 => write!(f, "{value:.1}{prefix}"),
            _ => write!(f, "{value:.2}{prefix}"),
        }
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

/// One line: how long training ran and why it stopped (and, with early stopping, the best
/// epoch). It does not repeat the last epoch's numbers, which the per-epoch callback usually
/// prints already; print [`FitReport::last`] for them.
impl fmt::Display for FitReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "stopped after {} epochs ({} steps): {}", self.epochs, self.steps, self.stop)?;
        if let Some((epoch, loss)) = self.best {
            write!(f, "; best val_loss {loss:.5} in epoch {epoch}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::string::ToString;

    #[test]
    fn rates_have_three_significant_digits_and_a_prefix() {
        let cases = [
            (0.4, "0"),
            (950.0, "950"),
            (999.4, "999"),
            (999.6, "1.00 k"),
            (1234.0, "1.23 k"),
            (12_345.0, "12.3 k"),
            (99_960.0, "100 k"),
            (123_456.0, "123 k"),
            (1_020_000.0, "1.02 M"),
            (10_252_788.0, "10.3 M"),
            (3.4e9, "3.40 G"),
            (5e15, "5000 T"),
        ];
        for (rate, shown) in cases {
            assert_eq!(Si(rate).to_string(), shown, "{rate}");
        }
    }

    #[test]
    fn the_fit_report_does_not_repeat_the_last_epoch() {
        let last = EpochReport {
            epoch: 60,
            max_epochs: 60,
            train_loss: 0.5,
            train_accuracy: None,
            validation_loss: Some(0.25),
            validation_accuracy: None,
            steps: 1500,
            learning_rate: 0.01,
            samples: 800,
            elapsed: None,
        };
        let mut report = FitReport { epochs: 60, steps: 1500, stop: StopReason::MaxEpochs, last, best: None };
        assert_eq!(report.to_string(), "stopped after 60 epochs (1500 steps): reached the maximum number of epochs");
        report.stop = StopReason::EarlyStopping;
        report.best = Some((41, 0.123456));
        assert_eq!(
            report.to_string(),
            "stopped after 60 epochs (1500 steps): the validation loss stopped improving; best val_loss 0.12346 in \
             epoch 41"
        );
        assert_eq!(last.samples_per_second(), None);
        let timed = EpochReport { elapsed: Some(Duration::from_micros(80)), ..last };
        assert_eq!(timed.samples_per_second(), Some(10_000_000.0));
        assert!(timed.to_string().ends_with("  10.0 M samples/s"), "{timed}");
    }
}
