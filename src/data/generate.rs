//! Seeded toy data sets, written into caller-provided slices.
//!
//! All geometry is computed in `f64` and converted once with [`Scalar::from_f64`]; random
//! numbers come from the generator's `next_u32`/`next_u64` only, so the same seed gives the same
//! data on a 64-bit host and a 32-bit microcontroller.

use super::{DataError, error::check_pairs, shuffle_pairs};
use crate::Scalar;
use crate::init::standard_normal;
use core::f64::consts::{PI, TAU};
use rand::Rng;

/// The four XOR cases: inputs `[0,0], [0,1], [1,0], [1,1]` with targets `[0], [1], [1], [0]`
/// (`y = x₁ ⊕ x₂`).
///
/// ```
/// use constnet::data::xor;
///
/// let (inputs, targets) = xor::<f32>();
/// assert_eq!(inputs[2], [1.0, 0.0]);
/// assert_eq!(targets, [[0.0], [1.0], [1.0], [0.0]]);
/// ```
#[must_use]
pub const fn xor<T: Scalar>() -> ([[T; 2]; 4], [[T; 1]; 4]) {
    let (o, i) = (T::ZERO, T::ONE);
    ([[o, o], [o, i], [i, o], [i, i]], [[o], [i], [i], [o]])
}

/// Two concentric circles, as scikit-learn's `make_circles(n_samples=n, factor, noise,
/// shuffle=True)`, written into `inputs` and `targets` (`n` = their common length).
///
/// - `n_out = ⌊n/2⌋` points `(cos t, sin t)` on the unit circle, label 0, at
///   `t = 2πk/n_out` for `k = 0..n_out` (numpy's `linspace(0, 2π, n_out, endpoint=False)`);
/// - `n_in = n − n_out` points `factor·(cos t, sin t)`, label 1, at `t = 2πk/n_in`;
/// - then the pairs are shuffled with [`shuffle_pairs`];
/// - then `N(0, noise²)` is added to each coordinate, sample by sample, `x` before `y`. With
///   `noise == 0` nothing is drawn and the points lie exactly on their circles.
///
/// The points match scikit-learn's; the shuffle and the noise use this crate's generator, so the
/// order and the noise values differ from numpy's.
///
/// # Errors
/// - [`DataError::LengthMismatch`] if `inputs` and `targets` differ in length;
/// - [`DataError::Empty`] if they are empty;
/// - [`DataError::InvalidParameter`] for `factor` outside `[0, 1)` or `noise` negative or not
///   finite.
///
/// Nothing is written when an error is returned.
///
/// ```
/// use constnet::data::circles;
/// use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
///
/// let mut inputs = [[0.0f32; 2]; 100];
/// let mut targets = [[0.0f32; 1]; 100];
/// let mut rng = Xoshiro128PlusPlus::seed_from_u64(42);
/// circles(&mut inputs, &mut targets, 0.5, 0.05, &mut rng)?;
/// assert_eq!(targets.iter().filter(|t| t[0] == 1.0).count(), 50);
/// # Ok::<(), constnet::data::DataError>(())
/// ```
pub fn circles<T: Scalar, R: Rng + ?Sized>(
    inputs: &mut [[T; 2]],
    targets: &mut [[T; 1]],
    factor: f64,
    noise: f64,
    rng: &mut R,
) -> Result<(), DataError> {
    let n = check_pairs(inputs.len(), targets.len())?;
    if !(0.0..1.0).contains(&factor) {
        return Err(DataError::InvalidParameter { name: "factor", value: factor, expected: "0 <= factor < 1" });
    }
    check_noise(noise)?;
    let n_out = n / 2;
    let n_in = n - n_out;
    for (k, (x, y)) in inputs.iter_mut().zip(targets.iter_mut()).enumerate() {
        let (radius, t, label) = if k < n_out {
            (1.0, linspace(0.0, TAU, n_out, false, k), T::ZERO)
        } else {
            (factor, linspace(0.0, TAU, n_in, false, k - n_out), T::ONE)
        };
        *x = [T::from_f64(radius * cos(t)), T::from_f64(radius * sin(t))];
        *y = [label];
    }
    shuffle_pairs(inputs, targets, rng)?;
    add_noise(inputs, noise, rng);
    Ok(())
}

/// Two interleaving half circles, as scikit-learn's `make_moons(n_samples=n, noise,
/// shuffle=True)`, written into `inputs` and `targets` (`n` = their common length).
///
/// - `n_out = ⌊n/2⌋` points `(cos t, sin t)`, label 0, for `t` in `linspace(0, π, n_out)`
///   (endpoints included: `t = πk/(n_out − 1)`): x in `[−1, 1]`, y in `[0, 1]`;
/// - `n_in = n − n_out` points `(1 − cos t, 1 − sin t − 0.5)`, label 1, for `t` in
///   `linspace(0, π, n_in)`: x in `[0, 2]`, y in `[−0.5, 0.5]`;
/// - then shuffled with [`shuffle_pairs`], then `N(0, noise²)` added to each coordinate (nothing
///   is drawn when `noise == 0`).
///
/// # Errors
/// [`DataError::LengthMismatch`], [`DataError::Empty`], or [`DataError::InvalidParameter`] for a
/// negative or non-finite `noise`. Nothing is written when an error is returned.
///
/// ```
/// use constnet::data::moons;
/// use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
///
/// let mut inputs = [[0.0f64; 2]; 10];
/// let mut targets = [[0.0f64; 1]; 10];
/// moons(&mut inputs, &mut targets, 0.0, &mut Xoshiro128PlusPlus::seed_from_u64(1))?;
/// assert!(inputs.iter().all(|p| (-1.0..=2.0).contains(&p[0])));
/// # Ok::<(), constnet::data::DataError>(())
/// ```
pub fn moons<T: Scalar, R: Rng + ?Sized>(
    inputs: &mut [[T; 2]],
    targets: &mut [[T; 1]],
    noise: f64,
    rng: &mut R,
) -> Result<(), DataError> {
    let n = check_pairs(inputs.len(), targets.len())?;
    check_noise(noise)?;
    let n_out = n / 2;
    let n_in = n - n_out;
    for (k, (x, y)) in inputs.iter_mut().zip(targets.iter_mut()).enumerate() {
        if k < n_out {
            let t = linspace(0.0, PI, n_out, true, k);
            *x = [T::from_f64(cos(t)), T::from_f64(sin(t))];
            *y = [T::ZERO];
        } else {
            let t = linspace(0.0, PI, n_in, true, k - n_out);
            *x = [T::from_f64(1.0 - cos(t)), T::from_f64(1.0 - sin(t) - 0.5)];
            *y = [T::ONE];
        }
    }
    shuffle_pairs(inputs, targets, rng)?;
    add_noise(inputs, noise, rng);
    Ok(())
}

/// A noisy sine wave for regression, written into `inputs` and `targets` (`n` = their length):
/// `xₖ` evenly spaced over `[−π, π]` (numpy's `linspace(−π, π, n)`, both ends included) and
/// `yₖ = sin(xₖ) + εₖ` with `εₖ ~ N(0, noise²)` drawn in order of `k` (nothing is drawn when
/// `noise == 0`); then the pairs are shuffled with [`shuffle_pairs`].
///
/// # Errors
/// [`DataError::LengthMismatch`], [`DataError::Empty`], or [`DataError::InvalidParameter`] for a
/// negative or non-finite `noise`. Nothing is written when an error is returned.
///
/// ```
/// use constnet::data::noisy_sine;
/// use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
///
/// let mut x = [[0.0f32; 1]; 64];
/// let mut y = [[0.0f32; 1]; 64];
/// noisy_sine(&mut x, &mut y, 0.1, &mut Xoshiro128PlusPlus::seed_from_u64(5))?;
/// assert!(x.iter().all(|x| x[0].abs() <= core::f32::consts::PI));
/// # Ok::<(), constnet::data::DataError>(())
/// ```
pub fn noisy_sine<T: Scalar, R: Rng + ?Sized>(
    inputs: &mut [[T; 1]],
    targets: &mut [[T; 1]],
    noise: f64,
    rng: &mut R,
) -> Result<(), DataError> {
    let n = check_pairs(inputs.len(), targets.len())?;
    check_noise(noise)?;
    for (k, (x, y)) in inputs.iter_mut().zip(targets.iter_mut()).enumerate() {
        let xk = linspace(-PI, PI, n, true, k);
        let eps = if noise == 0.0 { 0.0 } else { noise * standard_normal(rng) };
        *x = [T::from_f64(xk)];
        *y = [T::from_f64(sin(xk) + eps)];
    }
    shuffle_pairs(inputs, targets, rng)
}

/// `noise` must be a finite standard deviation `≥ 0`.
fn check_noise(noise: f64) -> Result<(), DataError> {
    if noise.is_finite() && noise >= 0.0 {
        Ok(())
    } else {
        Err(DataError::InvalidParameter { name: "noise", value: noise, expected: "a finite standard deviation >= 0" })
    }
}

/// Adds `N(0, noise²)` to every coordinate, sample by sample; draws nothing when `noise == 0`.
fn add_noise<T: Scalar, R: Rng + ?Sized>(points: &mut [[T; 2]], noise: f64, rng: &mut R) {
    if noise == 0.0 {
        return;
    }
    for point in points {
        for coordinate in point {
            *coordinate = T::from_f64(coordinate.to_f64() + noise * standard_normal(rng));
        }
    }
}

/// Element `i` of numpy's `linspace(start, stop, count, endpoint)`: `start + i·step` with
/// `step = (stop − start)/(count − 1)` (endpoint included, last element exactly `stop`) or
/// `(stop − start)/count` (excluded). A single element is `start`.
fn linspace(start: f64, stop: f64, count: usize, endpoint: bool, i: usize) -> f64 {
    let div = if endpoint { count.saturating_sub(1) } else { count };
    if div == 0 {
        start
    } else if endpoint && i == div {
        stop
    } else {
        start + (stop - start) / div as f64 * i as f64
    }
}

// Fully qualified so they resolve to libm on targets without std.
fn cos(x: f64) -> f64 {
    num_traits::Float::cos(x)
}

fn sin(x: f64) -> f64 {
    num_traits::Float::sin(x)
}

#[cfg(test)]
mod tests {
    use super::linspace;

    #[test]
    fn linspace_matches_numpy() {
        // np.linspace(0, 1, 5) and np.linspace(0, 1, 4, endpoint=False).
        let with: [f64; 5] = core::array::from_fn(|i| linspace(0.0, 1.0, 5, true, i));
        assert_eq!(with, [0.0, 0.25, 0.5, 0.75, 1.0]);
        let without: [f64; 4] = core::array::from_fn(|i| linspace(0.0, 1.0, 4, false, i));
        assert_eq!(without, [0.0, 0.25, 0.5, 0.75]);
        assert_eq!(linspace(2.0, 3.0, 1, true, 0), 2.0);
        assert_eq!(linspace(2.0, 3.0, 1, false, 0), 2.0);
    }
}
