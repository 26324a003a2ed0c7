//! Preparing training data: seeded toy data sets, loading and converting rows, shuffling,
//! scaling, one-hot encoding and train/validation splits. Nothing here allocates except the
//! `std`-only helpers that return a `Vec`: generators fill slices you provide, scalers and
//! encoders work in place or into your arrays, and splits borrow.
//!
//! ```
//! use constnet::data::{MinMaxScaler, circles, split_mut};
//! use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
//! use constnet::train::FitData;
//!
//! let mut rng = Xoshiro128PlusPlus::seed_from_u64(42);
//! let mut inputs = [[0.0f32; 2]; 200];
//! let mut targets = [[0.0f32; 1]; 200];
//! circles(&mut inputs, &mut targets, 0.5, 0.05, &mut rng)?; // already shuffled
//! let scaler = MinMaxScaler::fit(&inputs)?;
//! scaler.transform(&mut inputs);
//! let parts = split_mut(&mut inputs, &mut targets, 0.2)?;
//! assert_eq!((parts.train_inputs.len(), parts.validation_inputs.len()), (160, 40));
//! // The training part is shuffled in place by `Trainer::fit` every epoch.
//! let data = FitData::new(parts.train_inputs, parts.train_targets)
//!     .with_validation(parts.validation_inputs, parts.validation_targets);
//! # let _ = data;
//! # Ok::<(), constnet::data::DataError>(())
//! ```
//!
//! # From a file to a network
//!
//! | step | `no_std`, into your arrays | with `std` |
//! |---|---|---|
//! | read | | `read_csv`/`load_csv` (`csv` crate): `IN` input columns, then `OUT` target columns |
//! | convert rows | [`rows_into`], [`rows_into_pairs`] | `rows_to_arrays`, `rows_to_pairs` (`Vec<Vec<f32>>` → `Vec<[T; N]>`) |
//! | classes | [`one_hot_encode`], [`one_hot_decode`] (argmax) | |
//! | split | [`split_mut`] (positional), [`stratified_split`] (per class, seeded), [`split()`] (borrowed) | |
//! | scale | [`MinMaxScaler`], [`Standardizer`]; `to_bytes`/`from_bytes` to store one with the model | |
//!
//! Every failure is a typed error naming the row (sample), column (feature) and what was
//! expected: [`DataError`], `CsvError` (`std`), [`ScalerBytesError`].
//!
//! # Scaler bytes
//! A fitted scaler encodes to a fixed number of bytes (`MinMaxScaler::<T, N>::BYTES`,
//! `Standardizer::<T, N>::BYTES`), to be stored next to the model it prepares inputs for:
//!
//! ```
//! use constnet::data::MinMaxScaler;
//! use constnet::io::Model;
//! use constnet::prelude::*;
//!
//! network! { pub struct Net<f32> { out: Dense<2, 1, Sigmoid> } }
//! type Scaler = MinMaxScaler<f32, 2>;
//!
//! let net = Net::zeroed();
//! let scaler = Scaler::fit(&[[0.0, 10.0], [4.0, 20.0]])?;
//! let mut file = [0u8; Net::BYTES + Scaler::BYTES];
//! let (model_part, scaler_part) = file.split_at_mut(Net::BYTES);
//! net.to_bytes(model_part)?;
//! scaler.to_bytes(scaler_part)?;
//!
//! let (model_part, scaler_part) = file.split_at(Net::BYTES);
//! assert_eq!((Net::from_bytes(model_part)?, Scaler::from_bytes(scaler_part)?), (net, scaler));
//! # Ok::<(), Box<dyn core::error::Error>>(())
//! ```
//!
//! Layout (format version 1), all little-endian:
//!
//! | offset | bytes | field |
//! |---|---|---|
//! | 0 | 4 | magic `CNSC` |
//! | 4 | 2 | format version, `u16` (1) |
//! | 6 | 1 | kind: 1 = [`MinMaxScaler`], 2 = [`Standardizer`] |
//! | 7 | 1 | scalar type tag ([`Scalar::TYPE_TAG`](crate::Scalar::TYPE_TAG): 1 = `f32`, 2 = `f64`) |
//! | 8 | 4 | number of features `N`, `u32` |
//! | 12 | 4 | checksum, `u32`: FNV-1a 32 ([`Checksum`](crate::io::Checksum)) of bytes `0..12`, then of bytes `16..` |
//! | 16 | … | min–max: `min[0..N]`, `max[0..N]`, `low`, `high`; standardizer: `mean[0..N]`, `std[0..N]` |
//!
//! Decoding refuses another kind, scalar type or feature count, a wrong length or checksum,
//! non-finite values, and values no fitted scaler has (`min > max`, `low ≥ high`, `std < 0`).
//!
//! # Portability
//! Randomness is drawn only through `next_u32`/`next_u64`, and computed in `f64`, so a portable
//! generator such as `rand::rngs::Xoshiro128PlusPlus` produces the same data and the same
//! permutations and splits on a 64-bit host and a 32-bit microcontroller.

#[cfg(feature = "std")]
mod csv;
mod encode;
mod error;
mod generate;
mod rows;
mod scale;
mod scale_bytes;
mod shuffle;
mod split;

#[cfg(feature = "std")]
pub use csv::{CsvCell, CsvError, CsvOptions, load_csv, read_csv};
pub use encode::{one_hot_decode, one_hot_encode};
pub use error::DataError;
pub(crate) use error::check_pairs;
pub use generate::{circles, moons, noisy_sine, xor};
pub use rows::{rows_into, rows_into_pairs};
#[cfg(feature = "std")]
pub use rows::{rows_to_arrays, rows_to_pairs};
pub use scale::{MinMaxScaler, Standardizer};
pub use scale_bytes::ScalerBytesError;
pub use shuffle::{index_below, shuffle, shuffle_pairs};
pub use split::{Split, SplitMut, split, split_mut, stratified_split};
