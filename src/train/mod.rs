//! Training: back-propagation steps, mini-batches, and a fit loop with stopping rules.
//!
//! ```
//! use constnet::prelude::*;
//! use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
//!
//! network! { struct Xor<f32> { hidden: Dense<2, 4, Tanh>, output: Dense<4, 1, Sigmoid> } }
//!
//! let (mut inputs, mut targets) = constnet::data::xor::<f32>();
//! let mut rng = Xoshiro128PlusPlus::seed_from_u64(7);
//! let mut net = Xor::random(&mut rng);
//! let mut trainer = Trainer::new(Adam::default(), BinaryCrossEntropy, Schedule::Constant(0.05))?;
//! let config = FitConfig::new(2000)
//!     .metric(Metric::Binary)
//!     .stop(StopRules { target_loss: Some(0.02), ..StopRules::default() });
//! let report = trainer.fit(&mut net, FitData::new(&mut inputs, &mut targets), &config, &mut rng, |epoch| {
//!     if epoch.epoch % 100 == 0 {
//!         println!("{epoch}"); // a progress line
//!     }
//!     Control::Continue
//! })?;
//! assert_eq!(report.last.train_accuracy, Some(1.0));
//! assert!(net.forward(&[1.0, 0.0])[0] > 0.5 && net.forward(&[1.0, 1.0])[0] < 0.5);
//! # Ok::<(), constnet::train::TrainError>(())
//! ```
//!
//! A [`Trainer`] holds everything one training run needs besides the network: the gradient
//! accumulator and the optimizer state (both values of the network's own type), the loss, the
//! learning-rate schedule and the regularisation. It never allocates, so it trains on a
//! microcontroller as well as on a desktop.
//!
//! ```
//! use constnet::prelude::*;
//! use constnet::loss::Mse;
//! use constnet::optim::{Schedule, Sgd};
//! use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
//! use constnet::train::Trainer;
//!
//! network! { struct TreeAge<f64> { hidden: Dense<2, 2, Identity>, output: Dense<2, 1, Identity> } }
//!
//! // The tree-age example of "Adventure of the Neurons": one SGD step, rate 0.05, on MSE.
//! let mut net = TreeAge::from_layers(
//!     Dense::from_parts([[0.2, 0.6], [0.9, 0.4]], [0.9, 0.7]),
//!     Dense::from_parts([[0.5, 0.3]], [0.8]),
//! );
//! let mut trainer = Trainer::new(Sgd, Mse, Schedule::Constant(0.05)).unwrap();
//! let mut rng = Xoshiro128PlusPlus::seed_from_u64(0); // drives dropout, if the network has any
//! let loss = trainer.step(&mut net, &[5.0, 7.0], &[5.0], &mut rng).unwrap();
//! assert_eq!(loss, 1.5625);
//! assert!((net.hidden.weights[0][0] + 0.1125).abs() < 1e-12);
//! assert!((net.forward(&[5.0, 7.0])[0] + 3.33).abs() < 0.005);
//! ```

mod config;
mod error;
mod fit;
#[cfg(feature = "parallel")]
mod parallel;
mod policy;
mod report;
mod target;
mod trainer;

pub use config::{Batch, EarlyStopping, FitConfig, MAX_PLATEAU_WINDOW, Plateau, StopRules};
pub use error::TrainError;
pub(crate) use error::check_range;
pub use fit::{Control, FitData};
pub use policy::gradient_scale;
pub use report::{EpochReport, FitReport, StopReason};
pub use target::{Metric, Target};
pub use trainer::{Regularization, Trainer};
