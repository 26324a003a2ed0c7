//! Small numeric kernels shared by the layers.

use crate::Scalar;

/// Independent accumulators in [`dot`]: floating-point addition is not associative, so the
/// compiler may not split one running sum; keeping several lets it pipeline and vectorise.
const LANES: usize = 8;

/// `Σ aᵢ·bᵢ`.
///
/// Short vectors are summed left to right; longer ones in [`LANES`] interleaved partial sums
/// that are added pairwise at the end. The order is fixed by `N` alone, so results are
/// reproducible across runs and platforms.
#[inline(always)]
pub fn dot<T: Scalar, const N: usize>(a: &[T; N], b: &[T; N]) -> T {
    if N < 2 * LANES {
        let mut sum = T::ZERO;
        for i in 0..N {
            sum += a[i] * b[i];
        }
        return sum;
    }
    let mut acc = [T::ZERO; LANES];
    let (a_body, a_tail) = a.as_chunks::<LANES>();
    let (b_body, b_tail) = b.as_chunks::<LANES>();
    for (ca, cb) in a_body.iter().zip(b_body) {
        for l in 0..LANES {
            acc[l] += ca[l] * cb[l];
        }
    }
    for (l, (&x, &y)) in a_tail.iter().zip(b_tail).enumerate() {
        acc[l] += x * y;
    }
    let mut width = LANES;
    while width > 1 {
        width /= 2;
        for l in 0..width {
            acc[l] += acc[l + width];
        }
    }
    acc[0]
}

#[cfg(test)]
mod tests {
    use super::dot;

    #[test]
    fn dot_matches_naive_sum_for_all_lengths() {
        fn check<const N: usize>() {
            let a: [f64; N] = core::array::from_fn(|i| (i as f64 * 0.37).sin());
            let b: [f64; N] = core::array::from_fn(|i| 1.0 - i as f64 * 0.11);
            let naive: f64 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!((dot(&a, &b) - naive).abs() < 1e-12 * (1.0 + naive.abs()), "N = {N}");
        }
        check::<0>();
        check::<1>();
        check::<7>();
        check::<16>();
        check::<17>();
        check::<31>();
        check::<64>();
        check::<785>();
    }
}
