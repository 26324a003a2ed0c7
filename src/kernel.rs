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

/// Rows of `W` processed together by [`mat_vec`] for 8 to 15 and 64 to 255 inputs, sharing
/// each load of `x`.
const ROWS: usize = 4;

/// Inputs from which [`mat_vec`] keeps 16 partial sums per row instead of 8: one AVX-512
/// register, so a row's 16 weights are one 64-byte load. Such rows stream from L2 (a 784 × 128
/// layer's 401 KB), where full-line loads reach 89% of the read bandwidth (mnist's per-sample
/// pass 2.59 against 3.18 µs); below this width the 512-bit kernel made whole passes slower.
pub(crate) const WIDE_ROWS: usize = 256;

/// Samples per block in the batched forward pass: the inner loops of [`mat_block`] run over
/// this many samples, one AVX-512 or two AVX registers of `f32`. 16 on x86-64 whatever the build
/// targets, because the batched pass runs with AVX2 whenever the CPU has it
/// ([`crate::simd::with_avx2`]); 16 on AArch64 (four NEON registers, of which it has 32); 8
/// elsewhere.
pub const BLOCK: usize =
    if cfg!(any(target_feature = "avx", target_arch = "x86_64", target_arch = "aarch64")) { 16 } else { 8 };

/// Inputs per pass of [`mat_block`] over the row tiles, for wide layers: 256 inputs × 16
/// samples of `f32` is 16 KiB, so the part of the input block being read stays in L1 while
/// every tile streams its weights past it; the partial sums wait in the output between passes.
pub(crate) const INPUT_CHUNK: usize = 256;

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
pub(crate) fn dot_acc<T: Scalar, const N: usize>(a: &[T; N], b: &[T; N]) -> T::Accumulator {
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
    for (acc, (&x, &y)) in acc.iter_mut().zip(a_tail.iter().zip(b_tail)) {
        *acc = x.mul_acc(y, *acc);
    }
    tree_sum(acc, zero)
}

/// Sum of `N` values as a balanced binary tree: `⌈log₂ N⌉` dependent additions (`zero` for
/// `N = 0`). Each round adds the upper half of the values still in play onto the lower half
/// (`vᵢ += vᵢ₊ₖ` for `k = n − ⌊n/2⌋`, `i < ⌊n/2⌋`) and keeps the lower `k`.
#[inline(always)]
pub fn tree_sum<V: Copy + core::ops::Add<Output = V>, const N: usize>(v: [V; N], zero: V) -> V {
    tree_reduce(v, zero, |a, b| a + b)
}

/// `max(v)` as the same balanced tree as [`tree_sum`] (`empty` for `N = 0`). The maximum does
/// not depend on the order; the tree only shortens the chain of dependent comparisons.
#[inline(always)]
pub(crate) fn tree_max<T: Scalar, const N: usize>(v: [T; N], empty: T) -> T {
    tree_reduce(v, empty, T::max)
}

/// `op` over `N` values as the balanced tree [`tree_sum`] describes (`empty` for `N = 0`).
///
/// Written with slice splits and `zip` instead of indices, so it has no bounds check the
/// optimiser must remove: at `opt-level = "s"` it does not unroll the rounds, and the indexed
/// form linked `panic_bounds_check` into firmware for 8 or more values.
#[inline(always)]
pub(crate) fn tree_reduce<V: Copy, const N: usize>(mut v: [V; N], empty: V, op: impl Fn(V, V) -> V) -> V {
    let mut live: &mut [V] = &mut v;
    while live.len() > 1 {
        let keep = live.len() - live.len() / 2;
        let Some((low, high)) = core::mem::take(&mut live).split_at_mut_checked(keep) else { break };
        for (a, &b) in low.iter_mut().zip(&*high) {
            *a = op(*a, b);
        }
        live = low;
    }
    match live.first() {
        Some(&result) => result,
        None => empty,
    }
}

/// `yᵢ = f(xᵢ)` in loops of 16, which LLVM's loop vectorizer turns into SIMD instructions (it
/// leaves loops of fewer than 16 iterations alone); on targets with SIMD the tail too, as a
/// zero-padded chunk of 16 (a vector operation or two instead of one scalar operation per
/// element; `f(0)` is computed and dropped).
///
/// For branch-free `f` only: a plain loop of 10 fast exponentials stayed scalar, 10 times the
/// 25 instructions of one (a 10-way `FastSoftmax` took 29 ns, now 11.5 ns). A library call
/// such as `libm::expf` gains nothing from this, and its padding would cost calls.
#[inline(always)]
pub(crate) fn map_in_lanes<T: Scalar, const N: usize>(x: &[T; N], y: &mut [T; N], f: impl Fn(T) -> T) {
    const L: usize = 16;
    let (x_body, x_tail) = x.as_chunks::<L>();
    let (y_body, y_tail) = y.as_chunks_mut::<L>();
    for (xc, yc) in x_body.iter().zip(y_body) {
        for l in 0..L {
            yc[l] = f(xc[l]);
        }
    }
    if cfg!(any(target_arch = "x86_64", target_arch = "aarch64")) && !x_tail.is_empty() {
        let mut pad = [T::ZERO; L];
        for (p, &v) in pad.iter_mut().zip(x_tail) {
            *p = v;
        }
        for p in pad.iter_mut() {
            *p = f(*p);
        }
        for (o, &p) in y_tail.iter_mut().zip(&pad) {
            *o = p;
        }
    } else {
        for (o, &v) in y_tail.iter_mut().zip(x_tail) {
            *o = f(v);
        }
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
    for (acc, &x) in acc.iter_mut().zip(tail) {
        *acc = x.mul_add(x, *acc);
    }
    tree_sum(acc, T::ZERO)
}

/// `z = b + Σᵢ xᵢ·W[·][i]` for narrow inputs: column by column, which vectorises across the
/// outputs, in two interleaved sums (even and odd inputs) that halve the dependency chain.
/// `row(j)` is row `j` of `W`.
// Indexed loops: with iterators over `x` and the sums, the microcontroller builds (opt-level
// "z") kept a bounds check on `row(j)[i]`, and the firmware check found a reachable panic.
#[allow(clippy::needless_range_loop)]
#[inline(always)]
fn column_sums<'w, T: Scalar + 'w, const IN: usize, const OUT: usize>(
    row: impl Fn(usize) -> &'w [T; IN],
    b: &[T; OUT],
    x: &[T; IN],
) -> [T; OUT] {
    let zero = T::ZERO.widen();
    let mut z = b.map(T::widen);
    let mut odd = [zero; OUT];
    for i in 0..IN {
        let acc = if i % 2 == 0 { &mut z } else { &mut odd };
        for j in 0..OUT {
            acc[j] = row(j)[i].mul_acc(x[i], acc[j]);
        }
    }
    if IN > 1 {
        for j in 0..OUT {
            z[j] = z[j] + odd[j];
        }
    }
    z.map(T::narrow)
}

/// A dot product in 16 partial sums behind a call boundary; see [`mat_vec`].
#[inline(never)]
fn row_dot<T: Scalar, const N: usize>(a: &[T; N], b: &[T; N]) -> T::Accumulator {
    dot_in_lanes::<T, N, { 2 * LANES }>(a, b)
}

/// `z = W·x + b` for `W` stored row by row (`w[j]` is neuron `j`).
///
/// Narrow inputs (`IN < 8`) are computed column by column, `z = b + Σᵢ xᵢ·W[·][i]`, which
/// vectorises across the outputs; inputs of 16 to 63, and of [`WIDE_ROWS`] (256) or more, one
/// row at a time through a call (`row_dot`), each row's dot product in 16 partial sums
/// `sₗ = Σ_{i ≡ l (mod 16)} wᵢ·xᵢ` (inputs in order) added as the tree of [`tree_sum`]; other
/// widths take [`ROWS`] rows at a time, each row's dot product in [`LANES`] partial sums, so
/// every load of `x` serves several rows. The SIMD paths of [`crate::simd`] compute exactly
/// these operations.
#[inline(always)]
pub fn mat_vec<T: Scalar, const IN: usize, const OUT: usize>(
    w: &[[T; IN]; OUT],
    b: &[T; OUT],
    x: &[T; IN],
) -> [T; OUT] {
    if let Some(z) = crate::simd::mat_vec(w, b, x) {
        return z;
    }
    mat_vec_portable(w, b, x)
}

/// [`mat_vec`] in portable code: the operations every SIMD path reproduces exactly.
#[inline(always)]
pub(crate) fn mat_vec_portable<T: Scalar, const IN: usize, const OUT: usize>(
    w: &[[T; IN]; OUT],
    b: &[T; OUT],
    x: &[T; IN],
) -> [T; OUT] {
    if IN < LANES {
        // Each row through `black_box` (x86-64, more than 8 weights): LLVM then loads the
        // weights row by row instead of 32 or 64 bytes spanning several rows. A training step
        // has just stored the updated rows, and a load that spans two stores cannot be
        // forwarded from the store buffer: it waits until they reach the cache, and circles'
        // per-sample SGD step (2-4-6-6-4-1) spent about a quarter of its time there (criterion:
        // 108 → 80 ns a step; the forward pass alone 32 → 21 ns). The values are untouched.
        // Tiny layers (2-2-1, xor's 2 × 4) were slower with it and keep one load; elsewhere
        // the array of row addresses cost microcontrollers 14% more instructions, so they
        // index `w` directly.
        if cfg!(target_arch = "x86_64") && IN * OUT > 8 {
            let rows = w.each_ref().map(core::hint::black_box);
            return column_sums(|j| rows[j], b, x);
        }
        return column_sums(|j| &w[j], b, x);
    }
    let zero = T::ZERO.widen();
    let mut z = b.map(T::widen);
    if (2 * LANES..8 * LANES).contains(&IN) || IN >= WIDE_ROWS {
        // Mid and wide rows: one call per row. Inlined, LLVM vectorises this row loop across
        // rows (gathering weights 16 rows apart), several times slower than a dot product per row.
        for (zj, row) in z.iter_mut().zip(w) {
            *zj = *zj + row_dot(row, x);
        }
        return z.map(T::narrow);
    }
    // Rows, inputs and outputs are walked as chunks zipped together, never indexed, so there is
    // no bounds check for the optimiser to remove (at `opt-level = "z"` it kept the indexed
    // form's). The arithmetic and its order are the indexed form's.
    let (groups, rest) = w.as_chunks::<ROWS>();
    let (z_groups, z_rest) = z.as_chunks_mut::<ROWS>();
    let (x_body, x_tail) = x.as_chunks::<LANES>();
    fn body<T, const IN: usize>(row: &[T; IN]) -> &[[T; LANES]] {
        row.as_chunks::<LANES>().0
    }
    for (rows, zg) in groups.iter().zip(z_groups) {
        let mut acc = [[zero; LANES]; ROWS];
        let [r0, r1, r2, r3] = rows; // ROWS = 4
        let chunks = x_body.iter().zip(body(r0)).zip(body(r1)).zip(body(r2)).zip(body(r3));
        for ((((xc, w0), w1), w2), w3) in chunks {
            for (a, wc) in acc.iter_mut().zip([w0, w1, w2, w3]) {
                for ((a, &wv), &xv) in a.iter_mut().zip(wc).zip(xc) {
                    *a = wv.mul_acc(xv, *a);
                }
            }
        }
        for ((a, row), zj) in acc.iter_mut().zip(rows).zip(zg) {
            for ((a, &wv), &xv) in a.iter_mut().zip(row.as_chunks::<LANES>().1).zip(x_tail) {
                *a = wv.mul_acc(xv, *a);
            }
            *zj = *zj + tree_sum(*a, zero);
        }
    }
    for (zj, row) in z_rest.iter_mut().zip(rest) {
        *zj = *zj + dot_acc(row, x);
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
    if !crate::simd::mat_block(w, b, x, &mut z) {
        mat_block_portable(w, b, x, &mut z);
    }
    z
}

/// [`mat_block`] in portable code, into `z` (every element written): the operations its SIMD
/// path reproduces exactly.
#[inline(always)]
pub(crate) fn mat_block_portable<T: Scalar, const IN: usize, const OUT: usize, const S: usize>(
    w: &[[T; IN]; OUT],
    b: &[T; OUT],
    x: &[[T; S]; IN],
    z: &mut [[T; S]; OUT],
) {
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

    /// The order of the additions is the indexed one `tree_sum` had before it was rewritten
    /// without indices (values of very different magnitudes make every order give other bits).
    #[test]
    fn tree_sum_adds_in_the_same_order_as_the_indexed_form() {
        fn indexed<const N: usize>(mut v: [f32; N]) -> f32 {
            let mut n = N;
            while n > 1 {
                let half = n / 2;
                let rest = n - half;
                for i in 0..half {
                    v[i] += v[i + rest];
                }
                n = rest;
            }
            v.first().copied().unwrap_or(0.0)
        }
        fn check<const N: usize>() {
            for seed in 0..20u32 {
                let v: [f32; N] = core::array::from_fn(|i| {
                    let h = (i as u32 + 1).wrapping_mul(2_654_435_761).wrapping_add(seed.wrapping_mul(40_503));
                    let mantissa = (h >> 9) as f32 / 8_388_608.0 - 0.5;
                    mantissa * [1e-3, 1.0, 3e4, 1e8][(h % 4) as usize]
                });
                assert_eq!(tree_sum(v, 0.0).to_bits(), indexed(v).to_bits(), "N = {N}, seed {seed}");
            }
        }
        check::<0>();
        check::<1>();
        check::<2>();
        check::<3>();
        check::<5>();
        check::<7>();
        check::<8>();
        check::<9>();
        check::<13>();
        check::<16>();
        check::<31>();
    }

    /// `mat_vec` (SIMD or portable) does the indexed form's arithmetic in the indexed form's
    /// order, bit for bit: rows in fours with 8 partial sums for 8 to 15 and 64 to 255 inputs,
    /// and 16 partial sums per row, inputs in order, for 16 to 63 and 256 or more.
    #[test]
    fn mat_vec_adds_in_the_same_order_as_the_indexed_form() {
        use super::{LANES, ROWS, WIDE_ROWS, dot_acc};
        use crate::Scalar;
        fn indexed<const IN: usize, const OUT: usize>(
            w: &[[f32; IN]; OUT],
            b: &[f32; OUT],
            x: &[f32; IN],
        ) -> [f32; OUT] {
            let mut z = *b;
            if (16..64).contains(&IN) || IN >= WIDE_ROWS {
                for (zj, row) in z.iter_mut().zip(w) {
                    let mut acc = [0.0f32; 16];
                    for i in 0..IN {
                        acc[i % 16] = row[i].mul_acc(x[i], acc[i % 16]);
                    }
                    // The tree: lanes l + 8, then l + 4, l + 2, l + 1.
                    for half in [8, 4, 2, 1] {
                        for l in 0..half {
                            acc[l] += acc[l + half];
                        }
                    }
                    *zj += acc[0];
                }
                return z;
            }
            let (groups, rest) = w.as_chunks::<ROWS>();
            let (x_body, x_tail) = x.as_chunks::<LANES>();
            for (g, rows) in groups.iter().enumerate() {
                let mut acc = [[0.0f32; LANES]; ROWS];
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
                    z[g * ROWS + r] += tree_sum(acc[r], 0.0);
                }
            }
            let done = groups.len() * ROWS;
            for (k, row) in rest.iter().enumerate() {
                z[done + k] += dot_acc(row, x);
            }
            z
        }
        fn value(i: usize, salt: u32) -> f32 {
            let h = (i as u32 + 1).wrapping_mul(2_654_435_761).wrapping_add(salt.wrapping_mul(40_503));
            ((h >> 9) as f32 / 8_388_608.0 - 0.5) * [1e-3, 1.0, 3e4, 1e8][(h % 4) as usize]
        }
        fn check<const IN: usize, const OUT: usize>() {
            for salt in 0..5 {
                let w: [[f32; IN]; OUT] = core::array::from_fn(|j| core::array::from_fn(|i| value(j * IN + i, salt)));
                let b: [f32; OUT] = core::array::from_fn(|j| value(j, salt + 100));
                let x: [f32; IN] = core::array::from_fn(|i| value(i, salt + 200));
                let (new, old) = (mat_vec(&w, &b, &x), indexed(&w, &b, &x));
                assert_eq!(new.map(f32::to_bits), old.map(f32::to_bits), "{IN}x{OUT}, salt {salt}");
            }
        }
        check::<8, 4>();
        check::<8, 16>();
        check::<9, 5>();
        check::<13, 10>();
        check::<15, 7>();
        check::<21, 100>();
        check::<32, 10>();
        check::<64, 21>();
        check::<100, 13>();
        check::<131, 6>();
        check::<255, 9>();
        check::<256, 7>();
        check::<300, 13>();
        check::<784, 17>();
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

    /// `map_in_lanes` gives `f(xᵢ)` at every position, for every length class (no chunk, a
    /// padded tail only, whole chunks, chunks and a tail).
    #[test]
    fn map_in_lanes_applies_f_to_every_element() {
        fn check<const N: usize>() {
            let x: [f32; N] = core::array::from_fn(|i| i as f32 * 0.7 - 3.0);
            let mut y = [f32::NAN; N];
            super::map_in_lanes(&x, &mut y, |v| v * v + 1.0);
            for (i, (&xi, &yi)) in x.iter().zip(&y).enumerate() {
                assert_eq!(yi.to_bits(), (xi * xi + 1.0).to_bits(), "N = {N}, element {i}");
            }
        }
        check::<0>();
        check::<1>();
        check::<10>();
        check::<16>();
        check::<17>();
        check::<40>();
    }

    /// The softmax's tree maximum is the maximum.
    #[test]
    fn tree_max_is_the_maximum() {
        fn check<const N: usize>() {
            for seed in 0..10u32 {
                let v: [f32; N] = core::array::from_fn(|i| {
                    ((i as u32 + 1).wrapping_mul(2_654_435_761).wrapping_add(seed * 977) >> 8) as f32 - 8e6
                });
                let expected = v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                assert_eq!(super::tree_max(v, 0.5), if N == 0 { 0.5 } else { expected });
            }
        }
        check::<0>();
        check::<1>();
        check::<2>();
        check::<3>();
        check::<10>();
        check::<17>();
    }
}
