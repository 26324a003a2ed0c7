//! Small numeric kernels shared by the layers.
//!
//! Everything here is plain safe Rust written so that LLVM's auto-vectoriser produces SIMD code:
//! fixed trip counts, independent accumulators (floating-point addition is not associative, so
//! the compiler never splits one running sum by itself), and, for batches, loops that run
//! across samples stored contiguously. Multiply-adds go through [`Scalar::mul_add`], a fused
//! instruction when the build targets FMA.

use crate::Scalar;

/// Independent accumulators in [`dot`] for long vectors.
const LANES: usize = 8;

/// Rows of `W` processed together by [`mat_vec`] for wide inputs, sharing each load of `x`.
const ROWS: usize = 4;

/// Samples per block in the batched forward pass: the inner loops of [`mat_block`] run over
/// this many samples, one AVX-512 or two AVX registers of `f32` (two SSE registers without AVX).
pub const BLOCK: usize = if cfg!(target_feature = "avx") { 16 } else { 8 };

/// Inputs per pass of [`mat_block`] over the row tiles, for wide layers: 256 inputs × 16
/// samples of `f32` is 16 KiB, so the part of the input block being read stays in L1 while
/// every tile streams its weights past it; the partial sums wait in the output between passes.
const INPUT_CHUNK: usize = 256;

/// Rows of `W` per register tile in [`mat_block`]: `TILE_ROWS × BLOCK` accumulators stay in
/// registers while the inputs stream past. More rows spill, or tempt LLVM into vectorising the
/// loop over inputs with gathers.
const TILE_ROWS: usize = 4;

#[cfg(test)]
/// `Σ aᵢ·bᵢ`, accumulated in [`Scalar::Accumulator`] and rounded once.
///
/// Short vectors (`N < 16`) are summed as a balanced tree of pairs, so the dependency chain is
/// `⌈log₂ N⌉` additions long instead of `N`; longer ones in [`LANES`] interleaved partial sums
/// that are added pairwise at the end. The order is fixed by `N` alone, so results are
/// reproducible across runs and platforms.
#[inline(always)]
pub fn dot<T: Scalar, const N: usize>(a: &[T; N], b: &[T; N]) -> T {
    T::narrow(dot_acc(a, b))
}

/// [`dot`] before the final rounding.
#[inline(always)]
fn dot_acc<T: Scalar, const N: usize>(a: &[T; N], b: &[T; N]) -> T::Accumulator {
    if N < 2 * LANES {
        let zero = T::ZERO.widen();
        return tree_sum(core::array::from_fn::<T::Accumulator, N, _>(|i| a[i].mul_acc(b[i], zero)), zero);
    }
    dot_in_lanes::<T, N, LANES>(a, b)
}

/// `Σ aᵢ·bᵢ` in `L` interleaved partial sums, added as a tree at the end.
#[inline(always)]
fn dot_in_lanes<T: Scalar, const N: usize, const L: usize>(a: &[T; N], b: &[T; N]) -> T::Accumulator {
    let zero = T::ZERO.widen();
    let mut acc = [zero; L];
    let (a_body, a_tail) = a.as_chunks::<L>();
    let (b_body, b_tail) = b.as_chunks::<L>();
    for (ca, cb) in a_body.iter().zip(b_body) {
        for l in 0..L {
            acc[l] = ca[l].mul_acc(cb[l], acc[l]);
        }
    }
    for (l, (&x, &y)) in a_tail.iter().zip(b_tail).enumerate() {
        acc[l] = x.mul_acc(y, acc[l]);
    }
    tree_sum(acc, zero)
}

/// Sum of `N` values as a balanced binary tree: `⌈log₂ N⌉` dependent additions (`zero` for
/// `N = 0`).
#[inline(always)]
pub fn tree_sum<V: Copy + core::ops::Add<Output = V>, const N: usize>(mut v: [V; N], zero: V) -> V {
    let mut n = N;
    while n > 1 {
        let half = n / 2;
        let rest = n - half;
        // `v[i] += v[i + rest]` for `i < half`, through a split rather than indices: where the
        // loop is not unrolled (firmware built for size), LLVM cannot prove `i + rest < N`, and
        // the bounds check would be a panic path.
        let Some((low, high)) = v.split_at_mut_checked(rest) else { break };
        for (a, &b) in low.iter_mut().zip(high.iter().take(half)) {
            *a = *a + b;
        }
        n = rest;
    }
    match v.first() {
        Some(&sum) => sum,
        None => zero,
    }
}

/// `Σ vᵢ²` over a slice of any length, in [`LANES`] independent partial sums.
#[inline]
pub fn sum_of_squares<T: Scalar>(v: &[T]) -> T {
    let mut acc = [T::ZERO; LANES];
    let (body, tail) = v.as_chunks::<LANES>();
    for c in body {
        for l in 0..LANES {
            acc[l] = c[l].mul_add(c[l], acc[l]);
        }
    }
    for (l, &x) in tail.iter().enumerate() {
        acc[l] = x.mul_add(x, acc[l]);
    }
    tree_sum(acc, T::ZERO)
}

/// A dot product in 16 partial sums behind a call boundary; see [`mat_vec`].
#[inline(never)]
fn row_dot<T: Scalar, const N: usize>(a: &[T; N], b: &[T; N]) -> T::Accumulator {
    dot_in_lanes::<T, N, { 2 * LANES }>(a, b)
}

/// `z = W·x + b` for `W` stored row by row (`w[j]` is neuron `j`).
///
/// Narrow inputs (`IN < 8`) are computed column by column, `z = b + Σᵢ xᵢ·W[·][i]`, which
/// vectorises across the outputs; inputs of 16 to 63 one row at a time through a call
/// (`row_dot`); other widths take [`ROWS`] rows at a time, each row's dot product in [`LANES`]
/// partial sums, so every load of `x` serves several rows.
#[inline(always)]
pub fn mat_vec<T: Scalar, const IN: usize, const OUT: usize>(
    w: &[[T; IN]; OUT],
    b: &[T; OUT],
    x: &[T; IN],
) -> [T; OUT] {
    let zero = T::ZERO.widen();
    let mut z = b.map(T::widen);
    if IN < LANES {
        // Two interleaved column sums halve the dependency chain.
        let mut odd = [zero; OUT];
        for i in 0..IN {
            let acc = if i % 2 == 0 { &mut z } else { &mut odd };
            for j in 0..OUT {
                acc[j] = w[j][i].mul_acc(x[i], acc[j]);
            }
        }
        if IN > 1 {
            for j in 0..OUT {
                z[j] = z[j] + odd[j];
            }
        }
        return z.map(T::narrow);
    }
    if (2 * LANES..8 * LANES).contains(&IN) {
        // Mid widths: one call per row. Inlined, LLVM vectorises this row loop across rows
        // (gathering weights 16 rows apart), several times slower than a dot product per row.
        for (zj, row) in z.iter_mut().zip(w) {
            *zj = *zj + row_dot(row, x);
        }
        return z.map(T::narrow);
    }
    let (groups, rest) = w.as_chunks::<ROWS>();
    let (x_body, x_tail) = x.as_chunks::<LANES>();
    for (g, rows) in groups.iter().enumerate() {
        let mut acc = [[zero; LANES]; ROWS];
        for (c, xc) in x_body.iter().enumerate() {
            for r in 0..ROWS {
                let wc = &rows[r][c * LANES..c * LANES + LANES];
                for l in 0..LANES {
                    acc[r][l] = wc[l].mul_acc(xc[l], acc[r][l]);
                }
            }
        }
        let tail_start = x_body.len() * LANES;
        for r in 0..ROWS {
            for (t, &xv) in x_tail.iter().enumerate() {
                acc[r][t] = rows[r][tail_start + t].mul_acc(xv, acc[r][t]);
            }
            z[g * ROWS + r] = z[g * ROWS + r] + tree_sum(acc[r], zero);
        }
    }
    let done = groups.len() * ROWS;
    for (k, row) in rest.iter().enumerate() {
        z[done + k] = z[done + k] + dot_acc(row, x);
    }
    z.map(T::narrow)
}

/// `Z = W·X + b` for a block of [`BLOCK`]-many samples stored feature-major: `x[i][s]` is input
/// `i` of sample `s`, and `z[j][s]` output `j` of sample `s`.
///
/// It accumulates in `T` with [`Scalar::mul_add`], not in [`Scalar::Accumulator`]: a separate
/// accumulator block costs a copy of the whole block for `f32`, so for a fixed-point scalar the
/// batched pass rounds each product (`forward` rounds once per output).
///
/// Every inner loop runs across the samples, so it vectorises without any horizontal sum, and
/// a tile of `TILE_ROWS` rows × `S` samples of accumulators stays in registers while the inputs
/// stream past: each weight is loaded once per block and used `S` times.
#[inline(always)]
pub fn mat_block<T: Scalar, const IN: usize, const OUT: usize, const S: usize>(
    w: &[[T; IN]; OUT],
    b: &[T; OUT],
    x: &[[T; S]; IN],
) -> [[T; S]; OUT] {
    let mut z = [[T::ZERO; S]; OUT];
    let (w_tiles, w_rest) = w.as_chunks::<TILE_ROWS>();
    let (b_tiles, b_rest) = b.as_chunks::<TILE_ROWS>();
    let (z_tiles, z_rest) = z.as_chunks_mut::<TILE_ROWS>();
    if IN <= INPUT_CHUNK {
        for ((rows, bias), out) in w_tiles.iter().zip(b_tiles).zip(z_tiles) {
            let mut acc = [[T::ZERO; S]; TILE_ROWS];
            for (a, &bj) in acc.iter_mut().zip(bias) {
                *a = [bj; S];
            }
            for (i, xi) in x.iter().enumerate() {
                for r in 0..TILE_ROWS {
                    let w = rows[r][i];
                    for s in 0..S {
                        acc[r][s] = w.mul_add(xi[s], acc[r][s]);
                    }
                }
            }
            *out = acc;
        }
    } else {
        for (out, bias) in z_tiles.iter_mut().zip(b_tiles) {
            for (o, &bj) in out.iter_mut().zip(bias) {
                *o = [bj; S];
            }
        }
        let mut start = 0;
        while start < IN {
            let end = if IN - start > INPUT_CHUNK { start + INPUT_CHUNK } else { IN };
            for (rows, out) in w_tiles.iter().zip(z_tiles.iter_mut()) {
                let mut acc = *out;
                for i in start..end {
                    for r in 0..TILE_ROWS {
                        let w = rows[r][i];
                        for s in 0..S {
                            acc[r][s] = w.mul_add(x[i][s], acc[r][s]);
                        }
                    }
                }
                *out = acc;
            }
            start = end;
        }
    }
    // The last `OUT % TILE_ROWS` rows: one partial tile, with inputs split even/odd into two
    // accumulator sets so that even a single row has two chains in flight.
    let n = w_rest.len();
    if n > 0 {
        let mut even = [[T::ZERO; S]; TILE_ROWS];
        let mut odd = [[T::ZERO; S]; TILE_ROWS];
        for r in 0..n {
            even[r] = [b_rest[r]; S];
        }
        let (pairs, last) = x.as_chunks::<2>();
        for (p, [xe, xo]) in pairs.iter().enumerate() {
            for r in 0..n {
                let (we, wo) = (w_rest[r][2 * p], w_rest[r][2 * p + 1]);
                for s in 0..S {
                    even[r][s] = we.mul_add(xe[s], even[r][s]);
                    odd[r][s] = wo.mul_add(xo[s], odd[r][s]);
                }
            }
        }
        if let [xl] = last {
            for r in 0..n {
                let wl = w_rest[r][IN - 1];
                for s in 0..S {
                    even[r][s] = wl.mul_add(xl[s], even[r][s]);
                }
            }
        }
        for r in 0..n {
            for s in 0..S {
                z_rest[r][s] = even[r][s] + odd[r][s];
            }
        }
    }
    z
}

#[cfg(test)]
mod tests {
    use super::{dot, mat_block, mat_vec, sum_of_squares, tree_sum};

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

    #[test]
    fn tree_sum_and_sum_of_squares_are_exact_on_integers() {
        assert_eq!(tree_sum([1.0f32, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0], 0.0), 28.0);
        assert_eq!(tree_sum::<f32, 0>([], 0.0), 0.0);
        let v: [f64; 21] = core::array::from_fn(|i| i as f64);
        assert_eq!(sum_of_squares(&v), (0..21).map(|i| (i * i) as f64).sum::<f64>());
    }

    /// The vector and block kernels agree with the textbook loop for every shape class
    /// (narrow, wide, rows not a multiple of the tile, inputs not a multiple of the lanes).
    #[test]
    fn mat_vec_and_mat_block_match_the_definition() {
        fn check<const IN: usize, const OUT: usize>() {
            let w: [[f64; IN]; OUT] = core::array::from_fn(|j| core::array::from_fn(|i| ((j * 7 + i) as f64).cos()));
            let b: [f64; OUT] = core::array::from_fn(|j| j as f64 * 0.1 - 0.3);
            let xs: [[f64; IN]; 9] = core::array::from_fn(|s| core::array::from_fn(|i| ((s * 3 + i) as f64).sin()));
            let block: [[f64; 9]; IN] = core::array::from_fn(|i| core::array::from_fn(|s| xs[s][i]));
            let zb = mat_block(&w, &b, &block);
            for (s, x) in xs.iter().enumerate() {
                let z = mat_vec(&w, &b, x);
                for j in 0..OUT {
                    let naive = b[j] + (0..IN).map(|i| w[j][i] * x[i]).sum::<f64>();
                    assert!((z[j] - naive).abs() < 1e-12, "mat_vec {IN}x{OUT}");
                    assert!((zb[j][s] - naive).abs() < 1e-12, "mat_block {IN}x{OUT}");
                }
            }
        }
        check::<1, 1>();
        check::<2, 4>();
        check::<3, 5>();
        check::<6, 6>();
        check::<8, 16>();
        check::<13, 9>();
        check::<64, 10>();
        check::<100, 33>();
    }
}
