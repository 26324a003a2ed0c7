//! Portable, seeded shuffling.

use super::DataError;
use rand::Rng;

/// A uniform random integer in `0..n`, built only on [`Rng::next_u32`] so that every platform
/// draws the same index from the same generator state.
///
/// Lemire's multiply-shift method with rejection: `m = r · n` for a 32-bit draw `r` (in `u64`);
/// the answer is `m >> 32` unless the low half `m mod 2³²` falls below `2³² mod n`, in which case
/// `r` is redrawn. The result is exactly uniform (no modulo bias) and needs one draw almost
/// always.
///
/// `n == 0` has no valid index: it returns 0 without drawing. For `n ≥ 1` at least one `u32` is
/// drawn.
///
/// ```
/// use constnet::data::index_below;
/// use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
///
/// let mut rng = Xoshiro128PlusPlus::seed_from_u64(1);
/// assert!((0..1000).all(|_| index_below(6, &mut rng) < 6));
/// ```
pub fn index_below<R: Rng + ?Sized>(n: u32, rng: &mut R) -> u32 {
    if n == 0 {
        return 0;
    }
    let wide = u64::from(n);
    let mut m = u64::from(rng.next_u32()) * wide;
    if (m as u32) < n {
        // 2³² mod n, computed in 32 bits as (2³² − n) mod n.
        let threshold = n.wrapping_neg() % n;
        while (m as u32) < threshold {
            m = u64::from(rng.next_u32()) * wide;
        }
    }
    (m >> 32) as u32
}

/// A uniform index in `0..n` for a slice length. Lengths that fit in `u32` (all of them on a
/// 32-bit target) use [`index_below`], so permutations are portable; longer ones, which only a
/// 64-bit host can have, use the same method on 64-bit draws.
fn index_below_len<R: Rng + ?Sized>(n: usize, rng: &mut R) -> usize {
    match u32::try_from(n) {
        Ok(n) => index_below(n, rng) as usize,
        Err(_) => {
            let n = n as u64;
            let wide = u128::from(n);
            let mut m = u128::from(rng.next_u64()) * wide;
            if (m as u64) < n {
                let threshold = n.wrapping_neg() % n;
                while (m as u64) < threshold {
                    m = u128::from(rng.next_u64()) * wide;
                }
            }
            (m >> 64) as usize
        }
    }
}

/// Shuffles `items` in place with the Fisher–Yates algorithm: for `i = n − 1` down to `1`, pick
/// `j` uniform in `0..=i` (by [`index_below`]) and swap items `i` and `j`. Every permutation is
/// equally likely.
///
/// The same generator state gives the same permutation on every platform, 64-bit host or 32-bit
/// microcontroller.
///
/// ```
/// use constnet::data::shuffle;
/// use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
///
/// let mut a = [1, 2, 3, 4, 5];
/// let mut b = a;
/// shuffle(&mut a, &mut Xoshiro128PlusPlus::seed_from_u64(7));
/// shuffle(&mut b, &mut Xoshiro128PlusPlus::seed_from_u64(7));
/// assert_eq!(a, b);
/// ```
pub fn shuffle<T, R: Rng + ?Sized>(items: &mut [T], rng: &mut R) {
    for i in (1..items.len()).rev() {
        let j = index_below_len(i + 1, rng);
        items.swap(i, j);
    }
}

/// Shuffles two slices with the same permutation, keeping `a[k]` paired with `b[k]` (inputs with
/// their targets). With the same generator state the permutation is the one [`shuffle`] applies.
///
/// # Errors
/// [`DataError::LengthMismatch`] if the slices have different lengths (nothing is moved).
///
/// ```
/// use constnet::data::shuffle_pairs;
/// use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
///
/// let mut inputs = [[0.0f32], [1.0], [2.0], [3.0]];
/// let mut targets = [[0.0f32], [10.0], [20.0], [30.0]];
/// shuffle_pairs(&mut inputs, &mut targets, &mut Xoshiro128PlusPlus::seed_from_u64(3))?;
/// assert!(inputs.iter().zip(&targets).all(|(x, y)| y[0] == 10.0 * x[0]));
/// # Ok::<(), constnet::data::DataError>(())
/// ```
pub fn shuffle_pairs<A, B, R: Rng + ?Sized>(a: &mut [A], b: &mut [B], rng: &mut R) -> Result<(), DataError> {
    if a.len() != b.len() {
        return Err(DataError::LengthMismatch { inputs: a.len(), targets: b.len() });
    }
    for i in (1..a.len()).rev() {
        let j = index_below_len(i + 1, rng);
        a.swap(i, j);
        b.swap(i, j);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{SeedableRng, rngs::Xoshiro128PlusPlus};

    /// A generator that replays fixed `u32` values, to exercise the rejection branch.
    struct Replay<'a>(&'a [u32], usize);

    impl rand::TryRng for Replay<'_> {
        type Error = core::convert::Infallible;
        fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
            let v = self.0[self.1];
            self.1 += 1;
            Ok(v)
        }
        fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
            let lo = u64::from(self.try_next_u32()?);
            Ok(lo | (u64::from(self.try_next_u32()?) << 32))
        }
        fn try_fill_bytes(&mut self, _dst: &mut [u8]) -> Result<(), Self::Error> {
            unreachable!("not used")
        }
    }

    #[test]
    fn rejection_discards_biased_draws() {
        // n = 3: threshold = 2³² mod 3 = 1. r = 0 gives m = 0, low half 0 < 1: rejected.
        // r = u32::MAX gives m = 3·(2³² − 1) = 2·2³² + (2³² − 3): accepted, index 2.
        let mut rng = Replay(&[0, u32::MAX], 0);
        assert_eq!(index_below(3, &mut rng), 2);
        assert_eq!(rng.1, 2);
        // n = 0 draws nothing.
        let mut rng = Replay(&[], 0);
        assert_eq!(index_below(0, &mut rng), 0);
    }

    #[test]
    fn indices_are_uniform() {
        let mut rng = Xoshiro128PlusPlus::seed_from_u64(11);
        let mut counts = [0u32; 7];
        for _ in 0..70_000 {
            counts[index_below(7, &mut rng) as usize] += 1;
        }
        // Expected 10 000 each; σ ≈ 93, so ±500 is > 5σ.
        assert!(counts.iter().all(|&c| (9_500..10_500).contains(&c)), "{counts:?}");
    }
}
