//! Mini-batch training through the block kernels, for every shape class of the kernels (tiles
//! and tails), with dropout and with a layer that has no block kernel of its own: whole blocks
//! of 16 samples are recorded by the batched forward kernel, bit for bit as `forward_batch`
//! computes them, and the gradients equal the per-sample ones to rounding (the forward kernel
//! sums in another order); partial blocks are recorded sample by sample, and then the gradients
//! equal the per-sample ones bit for bit. `fit` equals `accumulate_block` + `apply` bit for bit.

use crate::common::rng;
use constnet::loss::{BinaryCrossEntropy, SparseCategoricalCrossEntropy};
use constnet::optim::{Adam, Schedule, Sgd};
use constnet::prelude::*;
use constnet::rand::{Rng, RngExt};
use constnet::train::{Batch, Control, FitConfig, FitData, Metric, Trainer};

network! {
    struct Digits<f32> { hidden: Dense<64, 32, Relu>, output: Dense<32, 10, Softmax> }
}
network! {
    /// Widths that leave tails everywhere: 19 inputs (16 + 3), 7 and 3 rows (4 + 3), a dropout.
    struct Ragged<f32> {
        a: Dense<19, 7, Tanh>,
        drop: Dropout<7, 0.25>,
        b: Dense<7, 5, LeakyRelu>,
        c: Dense<5, 3, Softmax>,
    }
}
network! {
    struct Wide<f64> { a: Dense<40, 9, Sigmoid>, b: Dense<9, 1, Sigmoid> }
}

fn data<const IN: usize, R: Rng>(n: usize, classes: usize, rng: &mut R) -> (Vec<[f32; IN]>, Vec<usize>) {
    let xs = (0..n).map(|_| core::array::from_fn(|_| rng.random_range(-1.0..1.0))).collect();
    let ts = (0..n).map(|_| rng.random_range(0..classes)).collect();
    (xs, ts)
}

/// Bit patterns of every parameter.
fn bits<T: Scalar, N: Parameters<T>>(net: &N) -> Vec<u64> {
    (0..N::TENSORS).flat_map(|t| net.tensor(t).iter().map(|v| v.to_f64().to_bits()).collect::<Vec<_>>()).collect()
}

/// `a` and `b` agree to `tolerance` relative to the largest magnitude in `b`.
fn assert_close(a: &[f64], b: &[f64], tolerance: f64, what: &str) {
    let scale = b.iter().fold(0.0f64, |m, v| m.max(v.abs())).max(1e-30);
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        assert!((x - y).abs() <= tolerance * scale, "{what}, element {i}: {x} against {y}");
    }
}

/// Every parameter as `f64`.
fn values<T: Scalar, N: Parameters<T>>(net: &N) -> Vec<f64> {
    (0..N::TENSORS).flat_map(|t| net.tensor(t).iter().map(|v| v.to_f64()).collect::<Vec<_>>()).collect()
}

#[test]
fn block_gradients_match_per_sample_gradients() {
    fn check<N: Network<f32, IN, OUT> + Parameters<f32>, const IN: usize, const OUT: usize>(n: usize) {
        let mut r = rng(3);
        let net = N::random(&mut r);
        let (xs, ts) = data::<IN, _>(n, OUT, &mut r);
        let mut one = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(0.1)).unwrap();
        let mut block = one.clone();
        let (mut r1, mut r2) = (rng(9), rng(9));
        let mut tape = N::Tape::default();
        let mut losses = Vec::new();
        for (x, t) in xs.iter().zip(&ts) {
            losses.push(one.accumulate(&net, &mut tape, x, t, &mut r1).to_f64());
        }
        let mut block_tape = N::BlockTape::default();
        let mut block_losses = Vec::new();
        block
            .accumulate_block(&net, &mut block_tape, &xs, &ts, &mut r2, |l, _, _| block_losses.push(l.to_f64()))
            .unwrap();
        assert!(bits(one.gradients()).iter().any(|&b| b != 0), "the gradients are not all zero");
        if n < 16 {
            // No whole block: recorded sample by sample, so the same bits.
            assert_eq!(losses, block_losses, "losses, {n} samples");
            assert_eq!(bits(one.gradients()), bits(block.gradients()), "gradients, {n} samples");
        } else {
            assert_close(&block_losses, &losses, 1e-5, &format!("losses, {n} samples"));
            assert_close(
                &values(block.gradients()),
                &values(one.gradients()),
                1e-5,
                &format!("gradients, {n} samples"),
            );
        }
    }
    for n in [1, 3, 4, 15, 16, 17, 37] {
        check::<Digits, 64, 10>(n);
        check::<Ragged, 19, 3>(n);
    }
}

/// A whole block's training pass records, bit for bit, what `forward_batch` computes for it;
/// the samples of a partial block what `forward` computes.
#[test]
fn block_training_forward_is_forward_batch() {
    let mut r = rng(4);
    let net = Digits::random(&mut r);
    let (xs, _) = data::<64, _>(21, 10, &mut r);
    let mut batch = vec![[0.0f32; 10]; xs.len()];
    net.forward_batch(&xs, &mut batch);
    let mut tape = <Digits as Network<f32, 64, 10>>::BlockTape::default();
    for (k, block) in xs.chunks(16).enumerate() {
        net.forward_train_block(block, &mut tape, &mut rng(1));
        for (s, x) in block.iter().enumerate() {
            let recorded = Digits::block_output(&tape, s).unwrap();
            let expected = if block.len() == 16 { batch[16 * k + s] } else { net.forward(x) };
            assert_eq!(recorded.map(f32::to_bits), expected.map(f32::to_bits), "sample {}", 16 * k + s);
        }
    }
}

#[test]
fn mini_batch_fit_equals_block_accumulation_and_f64_works() {
    // `fit` with mini-batches against the documented loop of `accumulate_block` and `apply`.
    let mut r = rng(5);
    let start = Digits::random(&mut r);
    let (mut xs, mut ts) = data::<64, _>(100, 10, &mut r);
    let config = FitConfig::new(2).batch(Batch::Mini(32)).shuffle(false).metric(Metric::Argmax);
    let mut net = start.clone();
    let mut trainer = Trainer::new(Adam::default(), SparseCategoricalCrossEntropy, Schedule::Constant(0.01)).unwrap();
    trainer.fit(&mut net, FitData::new(&mut xs, &mut ts), &config, &mut rng(1), |_| Control::Continue).unwrap();

    let mut manual = start.clone();
    let mut by_hand = Trainer::new(Adam::default(), SparseCategoricalCrossEntropy, Schedule::Constant(0.01)).unwrap();
    let mut tape = <Digits as Network<f32, 64, 10>>::BlockTape::default();
    let mut r1 = rng(1);
    for _ in 0..2 {
        for (x, t) in xs.chunks(32).zip(ts.chunks(32)) {
            by_hand.accumulate_block(&manual, &mut tape, x, t, &mut r1, |_, _, _| {}).unwrap();
            by_hand.apply(&mut manual, x.len()).unwrap();
        }
    }
    assert_ne!(bits(&net), bits(&start));
    assert_eq!(bits(&net), bits(&manual));
    // And close to sample-by-sample accumulation (the forward kernel sums in another order).
    let mut per_sample = start.clone();
    let mut one = Trainer::new(Adam::default(), SparseCategoricalCrossEntropy, Schedule::Constant(0.01)).unwrap();
    let mut tape = <Digits as Network<f32, 64, 10>>::Tape::default();
    for _ in 0..2 {
        for (x, t) in xs.chunks(32).zip(ts.chunks(32)) {
            for (x, t) in x.iter().zip(t) {
                one.accumulate(&per_sample, &mut tape, x, t, &mut rng(1));
            }
            one.apply(&mut per_sample, x.len()).unwrap();
        }
    }
    assert_close(&values(&net), &values(&per_sample), 1e-4, "weights after two epochs");

    // f64, no SIMD path: the portable block kernels, binary cross-entropy.
    let mut r = rng(6);
    let mut wide = Wide::random(&mut r);
    let mut xs: Vec<[f64; 40]> = (0..50).map(|_| core::array::from_fn(|_| r.random_range(-1.0..1.0))).collect();
    let mut ts: Vec<[f64; 1]> = xs.iter().map(|x| [f64::from(u8::from(x[0] + x[1] > 0.0))]).collect();
    let mut reference = wide.clone();
    let mut trainer = Trainer::new(Sgd, BinaryCrossEntropy, Schedule::Constant(0.5)).unwrap();
    let mut by_hand = trainer.clone();
    let config = FitConfig::new(1).batch(Batch::Mini(20)).shuffle(false);
    trainer.fit(&mut wide, FitData::new(&mut xs, &mut ts), &config, &mut rng(2), |_| Control::Continue).unwrap();
    let mut tape = <Wide as Network<f64, 40, 1>>::BlockTape::default();
    for (x, t) in xs.chunks(20).zip(ts.chunks(20)) {
        by_hand.accumulate_block(&reference, &mut tape, x, t, &mut rng(2), |_, _, _| {}).unwrap();
        by_hand.apply(&mut reference, x.len()).unwrap();
    }
    assert_ne!(bits(&wide), bits(&Wide::random(&mut rng(6))));
    assert_eq!(bits(&wide), bits(&reference));
}

#[test]
fn a_non_finite_loss_in_a_block_discards_the_batch() {
    let mut r = rng(8);
    let net = Digits::random(&mut r);
    let (mut xs, ts) = data::<64, _>(20, 10, &mut r);
    xs[17][3] = f32::NAN; // in the second block: the first block's gradients are already in
    let mut trainer = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(0.1)).unwrap();
    let mut tape = <Digits as Network<f32, 64, 10>>::BlockTape::default();
    let mut seen = 0;
    let result = trainer.accumulate_block(&net, &mut tape, &xs, &ts, &mut r, |_, _, _| seen += 1);
    assert!(matches!(result, Err(constnet::train::TrainError::NonFiniteLoss { .. })), "{result:?}");
    assert_eq!(seen, 17, "the samples before the bad one were recorded");
    assert!(bits(trainer.gradients()).iter().all(|&b| b == 0), "gradients discarded");
}

#[cfg(feature = "parallel")]
network! {
    /// Big enough for the `parallel` feature to split a batch between threads.
    struct Big<f32> { a: HeapDense<256, 128, Relu>, b: Dense<128, 10, Softmax> }
}

/// With `parallel`, big batches are split between threads; every result is bit-identical to one
/// thread, and mini-batch gradients still match the per-sample ones.
#[cfg(feature = "parallel")]
#[test]
fn parallel_results_are_bit_identical() {
    let mut r = rng(12);
    let net = Big::random(&mut r);
    let (xs, ts) = data::<256, _>(200, 10, &mut r);
    let mut ys = vec![[0.0f32; 10]; xs.len()];
    net.forward_batch(&xs, &mut ys);
    let mut serial = vec![[0.0f32; 10]; xs.len()];
    for (x, y) in xs.chunks(16).zip(serial.chunks_mut(16)) {
        net.forward_batch(x, y); // 16 samples: below the threshold, one thread
    }
    assert_eq!(ys, serial);

    let mut one = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(0.1)).unwrap();
    let mut block = one.clone();
    let mut tape = <Big as Network<f32, 256, 10>>::Tape::default();
    for (x, t) in xs.iter().zip(&ts).take(48) {
        one.accumulate(&net, &mut tape, x, t, &mut rng(1));
    }
    let mut block_tape = <Big as Network<f32, 256, 10>>::BlockTape::default();
    block.accumulate_block(&net, &mut block_tape, &xs[..48], &ts[..48], &mut rng(1), |_, _, _| {}).unwrap();
    assert_close(&values(block.gradients()), &values(one.gradients()), 1e-5, "gradients");
}

/// With `parallel`, a mini-batch of several blocks is split into groups of whole blocks on
/// rayon tasks: the trained weights are the same bits on 1 and 3 threads (the groups depend on
/// the batch, not the threads), equal to the one-thread path's to rounding, and the losses
/// reach `fit`'s report in sample order.
#[cfg(feature = "parallel")]
#[test]
fn parallel_mini_batches_do_not_depend_on_the_threads() {
    let mut r = rng(21);
    let start = Big::random(&mut r);
    // Batches of 1024 samples × 34 186 parameters: above the size split between threads.
    let (xs, ts) = data::<256, _>(1100, 10, &mut r);
    let mut config = FitConfig::new(2).batch(Batch::Mini(1024));
    config.shuffle = false;
    let train = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| {
            let mut net = start.clone();
            let mut trainer = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(0.05)).unwrap();
            let (mut x, mut t) = (xs.clone(), ts.clone());
            let report = trainer
                .fit(&mut net, FitData::new(&mut x, &mut t), &config, &mut rng(3), |_| Control::Continue)
                .unwrap();
            (net, report.last.train_loss)
        })
    };
    let (one, loss_one) = train(1);
    let (three, loss_three) = train(3);
    assert_eq!(bits(&one), bits(&three), "weights on 1 and 3 threads");
    assert_eq!(loss_one.to_bits(), loss_three.to_bits(), "reported loss");

    // The one-thread path: `accumulate_block` + `apply` per batch of 1024.
    let mut net = start.clone();
    let mut trainer = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(0.05)).unwrap();
    let mut tape = <Big as Network<f32, 256, 10>>::BlockTape::default();
    let mut losses = 0.0;
    for _ in 0..2 {
        losses = 0.0;
        for (x, t) in xs.chunks(1024).zip(ts.chunks(1024)) {
            trainer.accumulate_block(&net, &mut tape, x, t, &mut rng(3), |l, _, _| losses += f64::from(l)).unwrap();
            trainer.apply(&mut net, x.len()).unwrap();
        }
    }
    assert_close(&values(&one), &values(&net), 1e-5, "weights against one thread");
    assert!((loss_one - losses / 1100.0).abs() <= 1e-5 * loss_one.abs(), "{loss_one} against {}", losses / 1100.0);
    assert_ne!(bits(&one), bits(&start), "training changed the weights");
}

/// A non-finite loss in a later group of a split batch: `fit` fails, the network keeps its
/// weights and no gradient is left behind.
#[cfg(feature = "parallel")]
#[test]
fn a_non_finite_loss_in_a_split_batch_changes_nothing() {
    let mut r = rng(22);
    let start = Big::random(&mut r);
    let (mut xs, mut ts) = data::<256, _>(1024, 10, &mut r);
    xs[1000] = [f32::MAX; 256]; // finite data, an infinite pre-activation: in the last group
    let mut net = start.clone();
    let mut trainer = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(0.05)).unwrap();
    let config = FitConfig::new(1).batch(Batch::Mini(1024));
    let result = trainer.fit(&mut net, FitData::new(&mut xs, &mut ts), &config, &mut rng(3), |_| Control::Continue);
    assert!(matches!(result, Err(constnet::train::TrainError::NonFiniteLoss { .. })), "{result:?}");
    assert_eq!(bits(&net), bits(&start), "weights unchanged");
    assert!(bits(trainer.gradients()).iter().all(|&b| b == 0), "gradients discarded");
}
