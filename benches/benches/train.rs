//! `train_step` (forward + backward + update on one sample, SGD and Adam) and `fit_epoch`
//! (one epoch of per-sample SGD).

use constnet::loss::{BinaryCrossEntropy, SparseCategoricalCrossEntropy};
use constnet::optim::{Adam, Schedule, Sgd};
use constnet::rand::SeedableRng;
use constnet::rand::rngs::Xoshiro128PlusPlus;
use constnet::train::{Control, FitConfig, FitData, Trainer};
use constnet_benches::harness::{self, assert_close};
use constnet_benches::nalgebra_nets as na;
use constnet_benches::vecvec::{Act, VecMlp};
use constnet_benches::workloads::*;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

const LR: f64 = 0.01;
const ADAM_LR: f64 = 0.001;
const CIRCLES_ACTS: [Act; 5] = [Act::Relu, Act::Relu, Act::Relu, Act::Relu, Act::Sigmoid];

fn one_hot(t: usize) -> [f32; 10] {
    core::array::from_fn(|k| f32::from(u8::from(k == t)))
}

fn na_circles(net: &Circles) -> na::Circles {
    na::Circles(
        na::Layer::from_net(net, 0),
        na::Layer::from_net(net, 1),
        na::Layer::from_net(net, 2),
        na::Layer::from_net(net, 3),
        na::Layer::from_net(net, 4),
    )
}

/// One training step per call, cycling through `len` samples, on a state (network, optimizer
/// state) that restarts from `start` on the first call and every `period` calls after it. Each
/// implementation thus measures the same steps of the same training run. Without the restarts
/// each implementation trained for the whole measurement (hundreds of thousands of epochs) and
/// ended in its own regime: an over-trained circles network saturates its sigmoid output,
/// subnormal numbers reach the back-propagation, and every step becomes up to 4× slower (one
/// epoch took 90 ns per sample at first and 380 ns after 2 500 epochs), so the ratios compared
/// different states of training rather than implementations.
#[allow(clippy::too_many_arguments)]
fn steps<S: Clone, Y>(
    g: &mut harness::Group<'_>,
    implementation: &str,
    workload: &str,
    len: usize,
    period: usize,
    start: &S,
    mut step: impl FnMut(&mut S, usize) -> Y,
) {
    let mut state = start.clone();
    let mut calls = 0;
    harness::per_call(g, implementation, workload, 1, || {
        if calls == 0 {
            state.clone_from(start);
        }
        let i = calls % len;
        calls = (calls + 1) % period;
        step(&mut state, i)
    });
}

/// One epoch of `samples` per call, always the first one from `start` (see [`steps`]): copying
/// the weights costs well under 1% of an epoch, for every implementation alike.
fn epochs<S: Clone, Y>(
    g: &mut harness::Group<'_>,
    implementation: &str,
    workload: &str,
    samples: usize,
    start: &S,
    mut epoch: impl FnMut(&mut S) -> Y,
) {
    let mut state = start.clone();
    harness::per_call(g, implementation, workload, samples as u64, || {
        state.clone_from(start);
        epoch(&mut state)
    });
}

/// Restarts for xor every 250 epochs of its 4 samples; the others every epoch.
const XOR_PERIOD: usize = 1000;

fn train_step(c: &mut Criterion) {
    let mut g = c.benchmark_group("train_step");
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(9);
    let lr = LR as f32;

    // xor: 2-4-1 sigmoid, binary cross-entropy.
    let (xs, ts) = xor_data();
    let nxs = na::vectors(&xs);
    let start: Xor = weights();
    let na_start = na::Xor(na::Layer::from_net(&start, 0), na::Layer::from_net(&start, 1));
    let vv_start = VecMlp::from_net(&start, &[2, 4, 1], &[Act::Sigmoid, Act::Sigmoid]);
    let mut trainer = Trainer::new(Sgd, BinaryCrossEntropy, Schedule::Constant(LR)).expect("valid");
    // Same step, same result: loss before, outputs after.
    let (mut net, mut nx, mut vv) = (start.clone(), na_start.clone(), vv_start.clone());
    let l0 = trainer.step(&mut net, &xs[1], &ts[1], &mut rng).expect("finite");
    let l1 = nx.train_step(&nxs[1], ts[1][0], lr);
    let l2 = vv.train_step(&xs[1], &ts[1], lr);
    assert_close("xor loss", &[l0, l2], &[l1, l1], 1e-5);
    assert_close("xor after step", &net.forward(&xs[2]), nx.forward(&nxs[2]).as_slice(), 1e-5);
    let n = xs.len();
    steps(&mut g, "constnet", "xor", n, XOR_PERIOD, &start, |net, i| {
        trainer.step(net, black_box(&xs[i]), &ts[i], &mut rng)
    });
    steps(&mut g, "nalgebra", "xor", n, XOR_PERIOD, &na_start, |nx, i| nx.train_step(black_box(&nxs[i]), ts[i][0], lr));
    steps(&mut g, "vecvec", "xor", n, XOR_PERIOD, &vv_start, |vv, i| vv.train_step(black_box(&xs[i]), &ts[i], lr));

    // circles: 2-4-6-6-4-1, binary cross-entropy.
    let (xs, ts) = circles_data(900, 5);
    let nxs = na::vectors(&xs);
    let start: Circles = weights();
    let na_start = na_circles(&start);
    let vv_start = VecMlp::from_net(&start, &[2, 4, 6, 6, 4, 1], &CIRCLES_ACTS);
    let mut trainer = Trainer::new(Sgd, BinaryCrossEntropy, Schedule::Constant(LR)).expect("valid");
    let (mut net, mut nc, mut vv) = (start.clone(), na_start.clone(), vv_start.clone());
    let l0 = trainer.step(&mut net, &xs[0], &ts[0], &mut rng).expect("finite");
    let l1 = nc.train_step(&nxs[0], ts[0][0], lr);
    let l2 = vv.train_step(&xs[0], &ts[0], lr);
    assert_close("circles loss", &[l0, l2], &[l1, l1], 1e-5);
    assert_close("circles after step", &net.forward(&xs[1]), nc.forward(&nxs[1]).as_slice(), 1e-5);
    let n = xs.len();
    steps(&mut g, "constnet", "circles", n, n, &start, |net, i| trainer.step(net, black_box(&xs[i]), &ts[i], &mut rng));
    steps(&mut g, "nalgebra", "circles", n, n, &na_start, |nc, i| nc.train_step(black_box(&nxs[i]), ts[i][0], lr));
    steps(&mut g, "vecvec", "circles", n, n, &vv_start, |vv, i| vv.train_step(black_box(&xs[i]), &ts[i], lr));

    // circles with Adam: the optimizer state restarts with the weights.
    let trainer_start = Trainer::new(Adam::default(), BinaryCrossEntropy, Schedule::Constant(ADAM_LR)).expect("valid");
    let (mut net, mut trainer) = (start.clone(), trainer_start.clone());
    let (mut nc, mut state) = (na_start.clone(), na::CirclesAdam::new(ADAM_LR as f32));
    let l0 = trainer.step(&mut net, &xs[0], &ts[0], &mut rng).expect("finite");
    let l1 = nc.adam_step(&mut state, &nxs[0], ts[0][0]);
    assert_close("circles adam loss", &[l0], &[l1], 1e-5);
    assert_close("circles adam after step", &net.forward(&xs[1]), nc.forward(&nxs[1]).as_slice(), 1e-5);
    let constnet_start = (start.clone(), trainer_start);
    steps(&mut g, "constnet", "circles-adam", n, n, &constnet_start, |(net, trainer), i| {
        trainer.step(net, black_box(&xs[i]), &ts[i], &mut rng)
    });
    let na_adam_start = (na_start, na::CirclesAdam::new(ADAM_LR as f32));
    steps(&mut g, "nalgebra", "circles-adam", n, n, &na_adam_start, |(nc, state), i| {
        nc.adam_step(state, black_box(&nxs[i]), ts[i][0])
    });

    // digits: 64-32-10, softmax + cross-entropy on class indices.
    let (xs, ts) = digits_data(1437, 6);
    let nxs = na::vectors(&xs);
    let hot: Vec<[f32; 10]> = ts.iter().map(|&t| one_hot(t)).collect();
    let start: Digits = weights();
    let na_start = na::Digits(na::Layer::from_net(&start, 0), na::Layer::from_net(&start, 1));
    let vv_start = VecMlp::from_net(&start, &[64, 32, 10], &[Act::Relu, Act::Softmax]);
    let mut trainer = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(LR)).expect("valid");
    let (mut net, mut nd, mut vv) = (start.clone(), na_start.clone(), vv_start.clone());
    let l0 = trainer.step(&mut net, &xs[0], &ts[0], &mut rng).expect("finite");
    let l1 = nd.train_step(&nxs[0], ts[0], lr);
    let l2 = vv.train_step(&xs[0], &hot[0], lr);
    assert_close("digits loss", &[l0, l2], &[l1, l1], 1e-5);
    assert_close("digits after step", &net.forward(&xs[1]), nd.forward(&nxs[1]).as_slice(), 1e-5);
    let n = xs.len();
    steps(&mut g, "constnet", "digits", n, n, &start, |net, i| trainer.step(net, black_box(&xs[i]), &ts[i], &mut rng));
    steps(&mut g, "nalgebra", "digits", n, n, &na_start, |nd, i| nd.train_step(black_box(&nxs[i]), ts[i], lr));
    steps(&mut g, "vecvec", "digits", n, n, &vv_start, |vv, i| vv.train_step(black_box(&xs[i]), &hot[i], lr));

    // digits with Adam.
    let trainer_start =
        Trainer::new(Adam::default(), SparseCategoricalCrossEntropy, Schedule::Constant(ADAM_LR)).expect("valid");
    let (mut net, mut trainer) = (start.clone(), trainer_start.clone());
    let (mut nd, mut state) = (na_start.clone(), na::DigitsAdam::new(ADAM_LR as f32));
    let l0 = trainer.step(&mut net, &xs[0], &ts[0], &mut rng).expect("finite");
    let l1 = nd.adam_step(&mut state, &nxs[0], ts[0]);
    assert_close("digits adam loss", &[l0], &[l1], 1e-5);
    assert_close("digits adam after step", &net.forward(&xs[1]), nd.forward(&nxs[1]).as_slice(), 1e-5);
    let constnet_start = (start, trainer_start);
    steps(&mut g, "constnet", "digits-adam", n, n, &constnet_start, |(net, trainer), i| {
        trainer.step(net, black_box(&xs[i]), &ts[i], &mut rng)
    });
    let na_adam_start = (na_start, na::DigitsAdam::new(ADAM_LR as f32));
    steps(&mut g, "nalgebra", "digits-adam", n, n, &na_adam_start, |(nd, state), i| {
        nd.adam_step(state, black_box(&nxs[i]), ts[i])
    });
    g.finish();
}

fn fit_epoch(c: &mut Criterion) {
    let mut g = c.benchmark_group("fit_epoch");
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(10);
    let lr = LR as f32;
    let config = FitConfig { shuffle: false, ..FitConfig::new(1) };

    let (mut xs, mut ts) = circles_data(900, 5);
    let nxs = na::vectors(&xs);
    let start: Circles = weights();
    let mut trainer = Trainer::new(Sgd, BinaryCrossEntropy, Schedule::Constant(LR)).expect("valid");
    let n = xs.len();
    epochs(&mut g, "constnet", "circles", n, &start, |net| {
        trainer.fit(net, FitData::new(&mut xs, &mut ts), &config, &mut rng, |_| Control::Continue).expect("fit")
    });
    epochs(&mut g, "nalgebra", "circles", n, &na_circles(&start), |nc| {
        nxs.iter().zip(&ts).map(|(x, t)| nc.train_step(x, t[0], lr)).sum::<f32>()
    });
    epochs(&mut g, "vecvec", "circles", n, &VecMlp::from_net(&start, &[2, 4, 6, 6, 4, 1], &CIRCLES_ACTS), |vv| {
        xs.iter().zip(&ts).map(|(x, t)| vv.train_step(x, t, lr)).sum::<f32>()
    });

    let (mut xs, mut ts) = digits_data(1437, 6);
    let nxs = na::vectors(&xs);
    let hot: Vec<[f32; 10]> = ts.iter().map(|&t| one_hot(t)).collect();
    let start: Digits = weights();
    let mut trainer = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(LR)).expect("valid");
    let n = xs.len();
    epochs(&mut g, "constnet", "digits", n, &start, |net| {
        trainer.fit(net, FitData::new(&mut xs, &mut ts), &config, &mut rng, |_| Control::Continue).expect("fit")
    });
    let na_start = na::Digits(na::Layer::from_net(&start, 0), na::Layer::from_net(&start, 1));
    epochs(&mut g, "nalgebra", "digits", n, &na_start, |nd| {
        nxs.iter().zip(&ts).map(|(x, &t)| nd.train_step(x, t, lr)).sum::<f32>()
    });
    epochs(&mut g, "vecvec", "digits", n, &VecMlp::from_net(&start, &[64, 32, 10], &[Act::Relu, Act::Softmax]), |vv| {
        xs.iter().zip(&hot).map(|(x, t)| vv.train_step(x, t, lr)).sum::<f32>()
    });
    g.finish();
}

/// `batch_train`: one epoch of `fit` with mini-batches of 32 (block kernels), against the same
/// network's per-sample SGD epoch (`constnet-sample`), for digits (1437 samples) and the
/// mnist-shaped 784-128-10 network with its first layer on the heap (1024 samples). Every
/// measured epoch starts from the same weights (see [`steps`]).
fn batch_train(c: &mut Criterion) {
    use constnet_benches::report::BATCH_TRAIN_SAMPLES;
    let mut g = c.benchmark_group("batch_train");
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(11);

    let (mut xs, mut ts) = digits_data(BATCH_TRAIN_SAMPLES[0].1, 6);
    mini_batch_and_per_sample::<Digits, 64>(&mut g, "digits", &mut xs, &mut ts, &mut rng);

    let mut xs784 = inputs::<784>(BATCH_TRAIN_SAMPLES[1].1, 0.0, 1.0, 12);
    let mut ts784: Vec<usize> = (0..BATCH_TRAIN_SAMPLES[1].1).map(|k| k % 10).collect();
    mini_batch_and_per_sample::<MnistTrain, 784>(&mut g, "mnist", &mut xs784, &mut ts784, &mut rng);
    g.finish();
}

/// One `Batch::Mini(32)` epoch (`constnet`) and one per-sample epoch (`constnet-sample`) of SGD
/// on a 10-class network, each from the same starting weights.
fn mini_batch_and_per_sample<N: constnet::Network<f32, IN, 10> + Clone, const IN: usize>(
    g: &mut harness::Group<'_>,
    id: &str,
    xs: &mut [[f32; IN]],
    ts: &mut [usize],
    rng: &mut Xoshiro128PlusPlus,
) {
    use constnet::train::Batch;
    let start: N = weights();
    for (implementation, batch) in [("constnet", Batch::Mini(32)), ("constnet-sample", Batch::Sample)] {
        let config = FitConfig { shuffle: false, ..FitConfig::new(1) }.batch(batch);
        let mut trainer = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(LR)).expect("valid");
        epochs(g, implementation, id, xs.len(), &start, |net| {
            trainer.fit(net, FitData::new(xs, ts), &config, rng, |_| Control::Continue).expect("fit")
        });
    }
}

criterion_group! {
    name = benches;
    config = constnet_benches::criterion();
    targets = train_step, fit_epoch, batch_train
}
criterion_main!(benches);
