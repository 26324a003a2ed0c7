//! Preparing training data: seeded toy data sets, shuffling, scaling and train/validation
//! splits. Nothing here allocates: generators fill slices you provide, scalers work in place,
//! and a split borrows.
//!
//! ```
//! use constnet::data::{MinMaxScaler, circles, split};
//! use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
//!
//! let mut rng = Xoshiro128PlusPlus::seed_from_u64(42);
//! let mut inputs = [[0.0f32; 2]; 200];
//! let mut targets = [[0.0f32; 1]; 200];
//! circles(&mut inputs, &mut targets, 0.5, 0.05, &mut rng)?; // already shuffled
//! let scaler = MinMaxScaler::fit(&inputs)?;
//! scaler.transform(&mut inputs);
//! let parts = split(&inputs, &targets, 0.2)?;
//! assert_eq!((parts.train_inputs.len(), parts.validation_inputs.len()), (160, 40));
//! # Ok::<(), constnet::data::DataError>(())
//! ```
//!
//! Randomness is drawn only through `next_u32`/`next_u64`, and computed in `f64`, so a portable
//! generator such as `rand::rngs::Xoshiro128PlusPlus` produces the same data and the same
//! permutations on a 64-bit host and a 32-bit microcontroller.

mod error;
mod generate;
mod scale;
mod shuffle;
mod split;

pub use error::DataError;
pub(crate) use error::check_pairs;
pub use generate::{circles, moons, noisy_sine, xor};
pub use scale::{MinMaxScaler, Standardizer};
pub use shuffle::{index_below, shuffle, shuffle_pairs};
pub use split::{Split, split};
