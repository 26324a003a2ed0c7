use crate::InitError;
use crate::optim::OptimError;
use core::fmt;

/// Why training refused to start or stopped early.
///
/// Everything a caller can get wrong is checked before the first update and reported here with
/// what was found and what was expected. Errors raised during training leave the network at its
/// last finite weights.
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum TrainError {
    /// A data set has no samples.
    EmptyDataSet {
        /// `"training"` or `"validation"`.
        set: &'static str,
    },
    /// Inputs and targets of a data set differ in length.
    LengthMismatch {
        /// `"training"` or `"validation"`.
        set: &'static str,
        /// Number of inputs.
        inputs: usize,
        /// Number of targets.
        targets: usize,
    },
    /// Batch size 0 or larger than the training set.
    InvalidBatchSize {
        /// The batch size asked for.
        batch_size: usize,
        /// Number of training samples.
        samples: usize,
    },
    /// A learning rate that is not finite and positive.
    InvalidLearningRate {
        /// The rate given.
        value: f64,
    },
    /// An optimizer, schedule or stopping-rule parameter outside its range.
    InvalidHyperParameter {
        /// Which parameter.
        name: &'static str,
        /// The value given.
        value: f64,
        /// The range it must lie in.
        expected: &'static str,
    },
    /// A class index target that is not below the number of classes.
    ClassOutOfRange {
        /// Which set the sample belongs to.
        set: &'static str,
        /// Index of the sample.
        sample: usize,
        /// The class index found.
        class: usize,
        /// Number of classes (the network's output width).
        classes: usize,
    },
    /// The network contains a layer that back-propagation cannot train (a `Step` activation, or
    /// a streaming layer such as `StreamingConv1d`, which is trained in its windowed form).
    Untrainable,
    /// Early stopping needs a validation set.
    EarlyStoppingWithoutValidation,
    /// The loss became NaN or infinite; no update was applied from that step on.
    NonFiniteLoss {
        /// Epoch (from 1) in which it happened; 0 for [`Trainer::step`](super::Trainer::step)
        /// outside [`Trainer::fit`](super::Trainer::fit).
        epoch: usize,
        /// Optimizer step (from 1, counted over the whole run) whose batch gave the loss.
        step: u64,
        /// The loss value (NaN or ±∞).
        loss: f64,
    },
    /// The gradient, or the update it makes (learning rate × gradient), became NaN or infinite;
    /// the update was not applied.
    NonFiniteGradient {
        /// Epoch (from 1) in which it happened; 0 for [`Trainer::step`](super::Trainer::step)
        /// outside [`Trainer::fit`](super::Trainer::fit).
        epoch: usize,
        /// Optimizer step (from 1) that was refused.
        step: u64,
    },
    /// An update was applied and made some weights NaN or infinite (an optimizer's step can
    /// overflow where the gradient did not). The weights are not usable; this is reported instead
    /// of a success.
    NonFiniteWeights {
        /// Epoch (from 1) in which it happened; 0 outside [`Trainer::fit`](super::Trainer::fit).
        epoch: usize,
        /// Optimizer step (from 1) that produced them.
        step: u64,
    },
    /// A sample holds NaN or infinity: refused before training, because one such value makes
    /// every later weight NaN (or, in the validation set, makes early stopping keep a NaN epoch).
    NonFiniteData {
        /// `"training"` or `"validation"`.
        set: &'static str,
        /// Index of the sample.
        sample: usize,
    },
    /// An initialisation scheme was invalid.
    Init(InitError),
    /// A setting is valid as written but not in the network's scalar type (see
    /// [`OptimError::NotRepresentable`]).
    NotRepresentable {
        /// Which setting.
        name: &'static str,
        /// The value given.
        value: f64,
        /// The scalar type.
        scalar: &'static str,
        /// What the value becomes in that type.
        becomes: f64,
        /// The range it must lie in.
        expected: &'static str,
    },
}

impl fmt::Display for TrainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            TrainError::EmptyDataSet { set } => write!(f, "the {set} set is empty: expected at least one sample"),
            TrainError::LengthMismatch { set, inputs, targets } => {
                write!(f, "the {set} set has {inputs} inputs but {targets} targets: expected one target per input")
            }
            TrainError::InvalidBatchSize { batch_size, samples } => {
                write!(f, "invalid batch size {batch_size}: expected 1 to {samples} (the number of training samples)")
            }
            TrainError::InvalidLearningRate { value } => {
                write!(f, "invalid learning rate {value}: expected a finite number greater than 0")
            }
            TrainError::InvalidHyperParameter { name, value, expected } => {
                write!(f, "invalid {name} {value}: expected {expected}")
            }
            TrainError::ClassOutOfRange { set, sample, class, classes } => {
                write!(f, "{set} sample {sample} has class {class}: expected a class index below {classes}")
            }
            TrainError::Untrainable => {
                write!(
                    f,
                    "the network contains a layer back-propagation cannot train: a Step activation (its derivative is zero: use Sigmoid to train it) or a streaming layer (train its windowed form, e.g. Conv1d with Causal padding)"
                )
            }
            TrainError::EarlyStoppingWithoutValidation => {
                write!(f, "early stopping watches the validation loss: pass a validation set")
            }
            TrainError::NonFiniteLoss { epoch, step, loss } => write!(
                f,
                "the loss became {loss}{}; the network keeps its last finite weights \
                 (try a smaller learning rate or gradient clipping, and check the data)",
                When(epoch, step)
            ),
            TrainError::NonFiniteGradient { epoch, step } => write!(
                f,
                "the gradient or its update became non-finite{}; the update was not applied \
                 (try a smaller learning rate or gradient clipping)",
                When(epoch, step)
            ),
            TrainError::NonFiniteWeights { epoch, step } => write!(
                f,
                "the update{} made some weights NaN or infinite, so the network is no longer usable \
                 (try a smaller learning rate, a larger epsilon, or gradient clipping)",
                When(epoch, step)
            ),
            TrainError::NonFiniteData { set, sample } => {
                write!(f, "{set} sample {sample} holds NaN or infinity: expected finite inputs and targets")
            }
            TrainError::Init(err) => write!(f, "{err}"),
            TrainError::NotRepresentable { name, value, scalar, becomes, expected } => {
                OptimError::NotRepresentable { name, value, scalar, becomes, expected }.fmt(f)
            }
        }
    }
}

impl core::error::Error for TrainError {}

/// " in epoch 3 at step 12", or " at step 12" outside `fit` (epoch 0).
struct When(usize, u64);

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            When(0, step) => write!(f, " at step {step}"),
            When(epoch, step) => write!(f, " in epoch {epoch} at step {step}"),
        }
    }
}

impl From<OptimError> for TrainError {
    fn from(err: OptimError) -> Self {
        match err {
            OptimError::InvalidLearningRate { value } => TrainError::InvalidLearningRate { value },
            OptimError::InvalidHyperParameter { name, value, expected } => {
                TrainError::InvalidHyperParameter { name, value, expected }
            }
            OptimError::NotRepresentable { name, value, scalar, becomes, expected } => {
                TrainError::NotRepresentable { name, value, scalar, becomes, expected }
            }
        }
    }
}

impl From<InitError> for TrainError {
    fn from(err: InitError) -> Self {
        TrainError::Init(err)
    }
}

/// `Ok` if `value` lies in the given range, else [`TrainError::InvalidHyperParameter`].
pub(crate) fn check_range(name: &'static str, value: f64, ok: bool, expected: &'static str) -> Result<(), TrainError> {
    if ok && value.is_finite() { Ok(()) } else { Err(TrainError::InvalidHyperParameter { name, value, expected }) }
}
