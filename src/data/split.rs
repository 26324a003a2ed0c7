//! Train/validation split of paired slices, without copying: borrowed ([`split()`]), mutable
//! ([`split_mut`]) and stratified by class ([`stratified_split`]).

use super::{DataError, error::check_pairs, shuffle_pairs};
use rand::Rng;

/// Borrowed train and validation parts of a data set, as returned by [`split()`].
#[derive(Debug, PartialEq)]
pub struct Split<'a, A, B> {
    /// Inputs used for training: the leading samples.
    pub train_inputs: &'a [A],
    /// Targets paired with [`Split::train_inputs`].
    pub train_targets: &'a [B],
    /// Inputs held out for validation: the trailing samples.
    pub validation_inputs: &'a [A],
    /// Targets paired with [`Split::validation_inputs`].
    pub validation_targets: &'a [B],
}

// Manual impls: a split is a set of shared borrows, copyable whatever `A` and `B` are.
impl<A, B> Clone for Split<'_, A, B> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<A, B> Copy for Split<'_, A, B> {}

/// Splits paired slices into a leading training part and a trailing validation part of
/// `v = round(n · validation_fraction)` samples (`n` = the common length; halves round away from
/// zero). The split is positional: shuffle first with
/// [`shuffle_pairs`](crate::data::shuffle_pairs) if the data is ordered.
///
/// # Errors
/// - [`DataError::LengthMismatch`] if the slices differ in length;
/// - [`DataError::Empty`] if they are empty;
/// - [`DataError::InvalidFraction`] unless `0 < validation_fraction < 1`;
/// - [`DataError::EmptySplitPart`] if `v` is 0 or `n` (too few samples for the fraction).
///
/// ```
/// use constnet::data::split;
///
/// let inputs = [[0.0f32], [1.0], [2.0], [3.0], [4.0]];
/// let targets = [0u8, 1, 0, 1, 0];
/// let parts = split(&inputs, &targets, 0.2)?;
/// assert_eq!(parts.train_inputs.len(), 4);
/// assert_eq!(parts.validation_inputs, &[[4.0]]);
/// assert_eq!(parts.validation_targets, &[0]);
/// # Ok::<(), constnet::data::DataError>(())
/// ```
pub fn split<'a, A, B>(
    inputs: &'a [A],
    targets: &'a [B],
    validation_fraction: f64,
) -> Result<Split<'a, A, B>, DataError> {
    let n = check_pairs(inputs.len(), targets.len())?;
    let validation = checked_part(n, rounded_part(n, validation_fraction)?)?;
    let (train_inputs, validation_inputs) = inputs.split_at(n - validation);
    let (train_targets, validation_targets) = targets.split_at(n - validation);
    Ok(Split { train_inputs, train_targets, validation_inputs, validation_targets })
}

/// Mutable train and validation parts of a data set, as returned by [`split_mut`] and
/// [`stratified_split`]. The training part can be handed to
/// [`FitData::new`](crate::train::FitData::new), which shuffles it in place every epoch, and the
/// validation part to [`FitData::with_validation`](crate::train::FitData::with_validation)
/// (a `&mut` slice passes where a shared one is expected):
///
/// ```
/// use constnet::data::{circles, split_mut};
/// use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
/// use constnet::train::FitData;
///
/// let mut rng = Xoshiro128PlusPlus::seed_from_u64(1);
/// let (mut inputs, mut targets) = ([[0.0f32; 2]; 100], [[0.0f32; 1]; 100]);
/// circles(&mut inputs, &mut targets, 0.5, 0.1, &mut rng)?;
/// let parts = split_mut(&mut inputs, &mut targets, 0.2)?;
/// let data = FitData::new(parts.train_inputs, parts.train_targets)
///     .with_validation(parts.validation_inputs, parts.validation_targets);
/// assert_eq!((data.inputs.len(), data.validation.map(|(v, _)| v.len())), (80, Some(20)));
/// # Ok::<(), constnet::data::DataError>(())
/// ```
#[derive(Debug, PartialEq)]
pub struct SplitMut<'a, A, B> {
    /// Inputs used for training: the leading samples.
    pub train_inputs: &'a mut [A],
    /// Targets paired with [`SplitMut::train_inputs`].
    pub train_targets: &'a mut [B],
    /// Inputs held out for validation: the trailing samples.
    pub validation_inputs: &'a mut [A],
    /// Targets paired with [`SplitMut::validation_inputs`].
    pub validation_targets: &'a mut [B],
}

/// [`split()`] for mutable slices: the same positional split (`round(n · validation_fraction)`
/// trailing samples for validation), returned as mutable parts, so that the training part can
/// be shuffled in place and either part split again (e.g. a test set out of the held-out part).
///
/// # Errors
/// As [`split()`]; nothing is moved.
///
/// ```
/// use constnet::data::split_mut;
///
/// let mut inputs = [[0.0f32], [1.0], [2.0], [3.0], [4.0]];
/// let mut targets = [0u8, 1, 0, 1, 0];
/// let parts = split_mut(&mut inputs, &mut targets, 0.4)?;
/// parts.train_inputs.swap(0, 2); // e.g. a shuffle
/// assert_eq!(parts.train_inputs, &[[2.0], [1.0], [0.0]]);
/// assert_eq!(parts.validation_targets, &[1, 0]);
/// # Ok::<(), constnet::data::DataError>(())
/// ```
pub fn split_mut<'a, A, B>(
    inputs: &'a mut [A],
    targets: &'a mut [B],
    validation_fraction: f64,
) -> Result<SplitMut<'a, A, B>, DataError> {
    let n = check_pairs(inputs.len(), targets.len())?;
    let validation = checked_part(n, rounded_part(n, validation_fraction)?)?;
    Ok(parts_at(inputs, targets, n - validation))
}

/// Splits paired slices so that every class keeps its share: of the `n_c` samples of class `c`,
/// `round(n_c · validation_fraction)` go to the trailing validation part (halves round away
/// from zero) and the rest to the leading training part. `class_of` names a target's class
/// (for example [`metrics::predicted_class`](crate::metrics::predicted_class) for one-hot or
/// single sigmoid targets, `|&label| label` for class indices); it must give the same answer
/// every time it is asked about the same target.
///
/// Which samples of a class are held out is drawn from `rng`, and each part comes back in a
/// random order (not grouped by class): the same data and generator state give the same split
/// on every platform. Works in place, without allocation, in `O(n · k)` time for `k` classes.
///
/// A class whose share rounds to zero (e.g. a class of 2 samples at a fraction of 0.2) has no
/// validation samples, and a class whose share rounds to all of it has no training samples.
///
/// # Errors
/// - [`DataError::LengthMismatch`] if the slices differ in length;
/// - [`DataError::Empty`] if they are empty;
/// - [`DataError::InvalidFraction`] unless `0 < validation_fraction < 1`;
/// - [`DataError::EmptySplitPart`] if the per-class shares add up to no validation sample or to
///   every sample.
///
/// Nothing is moved, and nothing is drawn from `rng`, when an error is returned.
///
/// ```
/// use constnet::data::stratified_split;
/// use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
///
/// // 8 samples of class 0, 4 of class 1, 8 of class 2.
/// let mut inputs: Vec<[f32; 1]> = (0..20).map(|i| [i as f32]).collect();
/// let mut labels: Vec<usize> = (0..20).map(|i| if i < 8 { 0 } else if i < 12 { 1 } else { 2 }).collect();
/// let mut rng = Xoshiro128PlusPlus::seed_from_u64(5);
/// let parts = stratified_split(&mut inputs, &mut labels, 0.25, |&c| c, &mut rng)?;
/// let count = |part: &[usize], c: usize| part.iter().filter(|&&l| l == c).count();
/// let held: Vec<usize> = (0..3).map(|c| count(parts.validation_targets, c)).collect();
/// assert_eq!(held, [2, 1, 2]);
/// assert_eq!(parts.train_inputs.len(), 15);
/// // Pairs stay together: sample i has class 0 below 8, 1 below 12, else 2.
/// for (x, &c) in parts.train_inputs.iter().zip(parts.train_targets.iter()) {
///     assert_eq!(c, if x[0] < 8.0 { 0 } else if x[0] < 12.0 { 1 } else { 2 });
/// }
/// # Ok::<(), constnet::data::DataError>(())
/// ```
pub fn stratified_split<'a, A, B, R>(
    inputs: &'a mut [A],
    targets: &'a mut [B],
    validation_fraction: f64,
    class_of: impl Fn(&B) -> usize,
    rng: &mut R,
) -> Result<SplitMut<'a, A, B>, DataError>
where
    R: Rng + ?Sized,
{
    let n = check_pairs(inputs.len(), targets.len())?;
    rounded_part(n, validation_fraction)?;
    // First pass: the size of the validation part, before anything moves.
    let mut validation = 0;
    for_each_class(targets, &class_of, |_, size| validation += share(size, validation_fraction));
    checked_part(n, validation)?;

    // Which samples of a class are held out is random: shuffle, then take the last ones.
    let _ = shuffle_pairs(inputs, targets, rng); // equal lengths were checked
    let mut end = n; // `end..n` is the validation part
    let mut class = None;
    // At most `n` classes; the bound only keeps a `class_of` that changes its mind finite.
    for _ in 0..n {
        let Some((c, size)) = next_class(targets, &class_of, class) else { break };
        class = Some(c);
        let mut wanted = share(size, validation_fraction);
        // Walk down from the end of the training part; positions above `i` hold samples of
        // other classes, so swapping a class-`c` sample up to `end − 1` displaces none of it.
        let mut i = end;
        while wanted > 0 && i > 0 {
            i -= 1;
            if class_of(&targets[i]) == c {
                end -= 1;
                inputs.swap(i, end);
                targets.swap(i, end);
                wanted -= 1;
            }
        }
    }
    // The moves grouped the validation part by class and left gaps in the training part's
    // order: shuffle both parts.
    let (train_inputs, validation_inputs) = inputs.split_at_mut(end);
    let (train_targets, validation_targets) = targets.split_at_mut(end);
    let _ = shuffle_pairs(train_inputs, train_targets, rng);
    let _ = shuffle_pairs(validation_inputs, validation_targets, rng);
    Ok(SplitMut { train_inputs, train_targets, validation_inputs, validation_targets })
}

/// The mutable parts of paired slices split at `at`.
fn parts_at<'a, A, B>(inputs: &'a mut [A], targets: &'a mut [B], at: usize) -> SplitMut<'a, A, B> {
    let (train_inputs, validation_inputs) = inputs.split_at_mut(at);
    let (train_targets, validation_targets) = targets.split_at_mut(at);
    SplitMut { train_inputs, train_targets, validation_inputs, validation_targets }
}

/// `round(n · fraction)` after checking `0 < fraction < 1`.
fn rounded_part(n: usize, fraction: f64) -> Result<usize, DataError> {
    if !(fraction > 0.0 && fraction < 1.0) {
        return Err(DataError::InvalidFraction { value: fraction });
    }
    Ok(share(n, fraction))
}

/// `round(n · fraction)` for a valid fraction; in `[0, n]`, so the cast is exact.
fn share(n: usize, fraction: f64) -> usize {
    num_traits::Float::round(n as f64 * fraction) as usize
}

/// `validation` if both parts of `n` samples are non-empty.
fn checked_part(n: usize, validation: usize) -> Result<usize, DataError> {
    if validation == 0 || validation >= n {
        Err(DataError::EmptySplitPart { samples: n, validation })
    } else {
        Ok(validation)
    }
}

/// The smallest class above `after` (any class if `None`) and its number of samples.
fn next_class<B>(targets: &[B], class_of: &impl Fn(&B) -> usize, after: Option<usize>) -> Option<(usize, usize)> {
    let mut found: Option<(usize, usize)> = None;
    for t in targets {
        let c = class_of(t);
        if after.is_some_and(|a| c <= a) {
            continue;
        }
        found = match found {
            Some((best, count)) if c == best => Some((best, count + 1)),
            Some((best, _)) if c > best => found,
            _ => Some((c, 1)),
        };
    }
    found
}

/// Calls `f(class, size)` for every class present, in increasing order.
fn for_each_class<B>(targets: &[B], class_of: &impl Fn(&B) -> usize, mut f: impl FnMut(usize, usize)) {
    let mut after = None;
    while let Some((c, size)) = next_class(targets, class_of, after) {
        f(c, size);
        after = Some(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::predicted_class;
    use rand::{RngExt as _, SeedableRng, rngs::Xoshiro128PlusPlus};
    use std::vec::Vec;

    fn rng(seed: u64) -> Xoshiro128PlusPlus {
        Xoshiro128PlusPlus::seed_from_u64(seed)
    }

    /// Samples `[0.0], [1.0], …` with labels: `sizes[c]` consecutive samples of class `c`.
    fn labelled(sizes: &[usize]) -> (Vec<[f64; 1]>, Vec<usize>) {
        let labels: Vec<usize> = sizes.iter().enumerate().flat_map(|(c, &k)| core::iter::repeat_n(c, k)).collect();
        ((0..labels.len()).map(|i| [i as f64]).collect(), labels)
    }

    #[test]
    fn split_mut_is_the_positional_split() {
        let (mut x, mut y) = labelled(&[7, 3]);
        let (x0, y0) = (x.clone(), y.clone());
        let borrowed = split(&x0, &y0, 0.3).unwrap();
        let parts = split_mut(&mut x, &mut y, 0.3).unwrap();
        assert_eq!(&*parts.train_inputs, borrowed.train_inputs);
        assert_eq!(&*parts.train_targets, borrowed.train_targets);
        assert_eq!(&*parts.validation_inputs, borrowed.validation_inputs);
        assert_eq!(&*parts.validation_targets, borrowed.validation_targets);
        assert_eq!(parts.validation_inputs.len(), 3);
        // The parts are mutable views of the original slices.
        parts.train_inputs[0] = [99.0];
        parts.validation_targets[0] = 42;
        assert_eq!((x[0], y[7]), ([99.0], 42));
    }

    #[test]
    fn split_mut_rejects_what_split_rejects() {
        let (mut x, mut y) = labelled(&[4]);
        assert_eq!(
            split_mut(&mut x, &mut y[..3], 0.5).unwrap_err(),
            DataError::LengthMismatch { inputs: 4, targets: 3 }
        );
        assert_eq!(split_mut::<[f64; 1], usize>(&mut [], &mut [], 0.5).unwrap_err(), DataError::Empty);
        for bad in [0.0, 1.0, -0.1, f64::NAN] {
            let err = split_mut(&mut x, &mut y, bad).unwrap_err();
            assert!(matches!(err, DataError::InvalidFraction { value } if value.to_bits() == bad.to_bits()), "{err}");
        }
        assert_eq!(
            split_mut(&mut x, &mut y, 0.1).unwrap_err(),
            DataError::EmptySplitPart { samples: 4, validation: 0 }
        );
        assert_eq!(
            split_mut(&mut x, &mut y, 0.9).unwrap_err(),
            DataError::EmptySplitPart { samples: 4, validation: 4 }
        );
    }

    #[test]
    fn stratified_split_keeps_each_class_share_and_every_pair() {
        let (mut x, mut y) = labelled(&[50, 30, 20, 1]);
        let parts = stratified_split(&mut x, &mut y, 0.2, |&c| c, &mut rng(3)).unwrap();
        let count = |part: &[usize], c: usize| part.iter().filter(|&&l| l == c).count();
        // round(50·0.2) = 10, round(30·0.2) = 6, round(20·0.2) = 4, round(1·0.2) = 0.
        let held: Vec<usize> = (0..4).map(|c| count(parts.validation_targets, c)).collect();
        let kept: Vec<usize> = (0..4).map(|c| count(parts.train_targets, c)).collect();
        assert_eq!((held, kept), (std::vec![10, 6, 4, 0], std::vec![40, 24, 16, 1]));
        // Every pair survives: sample i was built with class 0 below 50, 1 below 80, …
        let class_of_sample = |i: f64| [50.0, 80.0, 100.0, 101.0].iter().position(|&end| i < end).unwrap();
        for (x, &c) in parts
            .train_inputs
            .iter()
            .chain(&*parts.validation_inputs)
            .zip(parts.train_targets.iter().chain(&*parts.validation_targets))
        {
            assert_eq!(class_of_sample(x[0]), c);
        }
        // Every sample is in exactly one part.
        let mut all: Vec<f64> = parts.train_inputs.iter().chain(&*parts.validation_inputs).map(|x| x[0]).collect();
        all.sort_by(f64::total_cmp);
        assert_eq!(all, (0..101).map(f64::from).collect::<Vec<_>>());
    }

    #[test]
    fn stratified_split_is_seeded_and_mixes_the_classes() {
        let run = |seed| {
            let (mut x, mut y) = labelled(&[40, 40]);
            let parts = stratified_split(&mut x, &mut y, 0.25, |&c| c, &mut rng(seed)).unwrap();
            (parts.train_inputs.to_vec(), parts.validation_inputs.to_vec(), parts.validation_targets.to_vec())
        };
        assert_eq!(run(7), run(7), "same seed, same split");
        assert_ne!(run(7).1, run(8).1, "another seed holds out other samples");
        // The validation part is not grouped by class (the moves put the classes in blocks; the
        // final shuffle mixes them): some class change appears before the last position.
        let labels = run(7).2;
        let changes = labels.windows(2).filter(|w| w[0] != w[1]).count();
        assert!(changes > 1, "{labels:?}");
    }

    #[test]
    fn stratified_split_holds_out_each_sample_equally_often() {
        // Class 0 has 10 samples, 3 of which are held out: over 3000 seeds each sample should be
        // held out 900 times (σ ≈ 25).
        let mut held = [0u32; 10];
        for seed in 0..3000 {
            let (mut x, mut y) = labelled(&[10, 10]);
            let parts = stratified_split(&mut x, &mut y, 0.3, |&c| c, &mut rng(seed)).unwrap();
            for (x, &c) in parts.validation_inputs.iter().zip(parts.validation_targets.iter()) {
                if c == 0 {
                    held[x[0] as usize] += 1;
                }
            }
        }
        assert!(held.iter().all(|&h| (775..1025).contains(&h)), "{held:?}");
    }

    #[test]
    fn stratified_split_works_on_one_hot_and_sigmoid_targets() {
        let mut x: Vec<[f32; 1]> = (0..12).map(|i| [i as f32]).collect();
        let mut hot: Vec<[f32; 3]> =
            (0..12).map(|i| core::array::from_fn(|k| f32::from(u8::from(k == i % 3)))).collect();
        let parts = stratified_split(&mut x, &mut hot, 0.25, predicted_class, &mut rng(1)).unwrap();
        let mut held: Vec<usize> = parts.validation_targets.iter().map(predicted_class).collect();
        held.sort_unstable();
        assert_eq!(held, [0, 1, 2]);

        let mut x: Vec<[f32; 1]> = (0..10).map(|i| [i as f32]).collect();
        let mut y: Vec<[f32; 1]> = (0..10).map(|i| [f32::from(u8::from(i < 2))]).collect();
        let parts = stratified_split(&mut x, &mut y, 0.5, predicted_class, &mut rng(1)).unwrap();
        assert_eq!(parts.validation_targets.iter().filter(|t| t[0] == 1.0).count(), 1);
        assert_eq!(parts.validation_targets.len(), 5);
    }

    #[test]
    fn stratified_split_errors_move_nothing_and_draw_nothing() {
        let (mut x, mut y) = labelled(&[1, 1, 1]);
        let (x0, y0) = (x.clone(), y.clone());
        let mut r = rng(5);
        let untouched = rng(5).random::<u64>();
        // Each class share rounds to 0: no validation sample at all.
        let err = stratified_split(&mut x, &mut y, 0.2, |&c| c, &mut r).unwrap_err();
        assert_eq!(err, DataError::EmptySplitPart { samples: 3, validation: 0 });
        // …or to everything.
        let err = stratified_split(&mut x, &mut y, 0.6, |&c| c, &mut r).unwrap_err();
        assert_eq!(err, DataError::EmptySplitPart { samples: 3, validation: 3 });
        let err = stratified_split(&mut x, &mut y[..2], 0.5, |&c| c, &mut r).unwrap_err();
        assert_eq!(err, DataError::LengthMismatch { inputs: 3, targets: 2 });
        let err = stratified_split(&mut x, &mut y, 1.0, |&c| c, &mut r).unwrap_err();
        assert!(matches!(err, DataError::InvalidFraction { value: 1.0 }));
        let err = stratified_split::<[f64; 1], usize, _>(&mut [], &mut [], 0.5, |&c| c, &mut r).unwrap_err();
        assert_eq!(err, DataError::Empty);
        assert_eq!((x, y), (x0, y0));
        assert_eq!(r.random::<u64>(), untouched, "the generator was used");
    }

    #[test]
    fn a_mutable_split_feeds_fit_without_copies() {
        use crate::loss::Mse;
        use crate::optim::{Schedule, Sgd};
        use crate::train::{Control, FitConfig, FitData, Trainer};
        use crate::{Dense, Identity, network};

        network! { struct Line<f64> { out: Dense<1, 1, Identity> } }
        // y = 2x + 1 on 40 points; fit shuffles the training part in place.
        let mut x: Vec<[f64; 1]> = (0..40).map(|i| [f64::from(i) / 40.0]).collect();
        let mut y: Vec<[f64; 1]> = x.iter().map(|x| [2.0 * x[0] + 1.0]).collect();
        let parts = split_mut(&mut x, &mut y, 0.25).unwrap();
        let data = FitData::new(parts.train_inputs, parts.train_targets)
            .with_validation(parts.validation_inputs, parts.validation_targets);
        let mut net = Line::zeroed();
        let mut trainer = Trainer::new(Sgd, Mse, Schedule::Constant(0.5)).unwrap();
        let report = trainer.fit(&mut net, data, &FitConfig::new(200), &mut rng(1), |_| Control::Continue).unwrap();
        assert!(report.last.validation_loss.unwrap() < 1e-6, "{report}");
        // The validation part was only read: it is still the last 10 samples in order.
        assert_eq!(x[30..], (30..40).map(|i| [f64::from(i) / 40.0]).collect::<Vec<_>>()[..]);
        // The training part was shuffled in place, pairs intact.
        assert_ne!(x[..30], (0..30).map(|i| [f64::from(i) / 40.0]).collect::<Vec<_>>()[..]);
        assert!(x.iter().zip(&y).all(|(x, y)| y[0] == 2.0 * x[0] + 1.0));
    }
}
