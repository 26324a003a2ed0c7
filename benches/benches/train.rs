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

/// Cycles through a data set, one sample per call, and says when to restart training from the
/// starting weights: on the first call and every `period` calls after it. Every implementation
/// gets its own cycle, so each measures the same steps of the same training run. Without the
/// restarts each implementation trained for the whole measurement (hundreds of thousands of
/// epochs) and ended in its own regime: an over-trained circles network saturates its sigmoid
/// output, subnormal numbers reach the back-propagation, and every step becomes up to 4× slower
/// (one epoch took 90 ns per sample at first and 380 ns after 2 500 epochs), so the ratios
/// compared different states of training rather than implementations.
struct Cycle {
    calls: usize,
    len: usize,
    period: usize,
}

impl Cycle {
    fn new(len: usize, period: usize) -> Self {
        Self { calls: 0, len, period }
    }

    /// The next sample's index, and whether to restart from the starting weights first.
    fn next(&mut self) -> (usize, bool) {
        let calls = self.calls;
        self.calls = if calls + 1 == self.period { 0 } else { calls + 1 };
        (calls % self.len, calls == 0)
    }
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
    let mut net = start.clone();
    let na_start = na::Xor(na::Layer::from_net(&net, 0), na::Layer::from_net(&net, 1));
    let mut nx = na_start.clone();
    let vv_start = VecMlp::from_net(&net, &[2, 4, 1], &[Act::Sigmoid, Act::Sigmoid]);
    let mut vv = vv_start.clone();
    let mut trainer = Trainer::new(Sgd, BinaryCrossEntropy, Schedule::Constant(LR)).expect("valid");
    // Same step, same result: loss before, outputs after.
    let l0 = trainer.step(&mut net, &xs[1], &ts[1], &mut rng).expect("finite");
    let l1 = nx.train_step(&nxs[1], ts[1][0], lr);
    let l2 = vv.train_step(&xs[1], &ts[1], lr);
    assert_close("xor loss", &[l0, l2], &[l1, l1], 1e-5);
    assert_close("xor after step", &net.forward(&xs[2]), nx.forward(&nxs[2]).as_slice(), 1e-5);
    let mut k = Cycle::new(xs.len(), XOR_PERIOD);
    harness::per_call(&mut g, "constnet", "xor", 1, || {
        let (i, restart) = k.next();
        if restart {
            net.clone_from(&start);
        }
        trainer.step(&mut net, black_box(&xs[i]), &ts[i], &mut rng)
    });
    let mut k = Cycle::new(xs.len(), XOR_PERIOD);
    harness::per_call(&mut g, "nalgebra", "xor", 1, || {
        let (i, restart) = k.next();
        if restart {
            nx.clone_from(&na_start);
        }
        nx.train_step(black_box(&nxs[i]), ts[i][0], lr)
    });
    let mut k = Cycle::new(xs.len(), XOR_PERIOD);
    harness::per_call(&mut g, "vecvec", "xor", 1, || {
        let (i, restart) = k.next();
        if restart {
            vv.clone_from(&vv_start);
        }
        vv.train_step(black_box(&xs[i]), &ts[i], lr)
    });

    // circles: 2-4-6-6-4-1, binary cross-entropy.
    let (xs, ts) = circles_data(900, 5);
    let nxs = na::vectors(&xs);
    let start: Circles = weights();
    let mut net = start.clone();
    let na_start = na_circles(&net);
    let mut nc = na_start.clone();
    let vv_start = VecMlp::from_net(&net, &[2, 4, 6, 6, 4, 1], &CIRCLES_ACTS);
    let mut vv = vv_start.clone();
    let mut trainer = Trainer::new(Sgd, BinaryCrossEntropy, Schedule::Constant(LR)).expect("valid");
    let l0 = trainer.step(&mut net, &xs[0], &ts[0], &mut rng).expect("finite");
    let l1 = nc.train_step(&nxs[0], ts[0][0], lr);
    let l2 = vv.train_step(&xs[0], &ts[0], lr);
    assert_close("circles loss", &[l0, l2], &[l1, l1], 1e-5);
    assert_close("circles after step", &net.forward(&xs[1]), nc.forward(&nxs[1]).as_slice(), 1e-5);
    let mut k = Cycle::new(xs.len(), xs.len());
    harness::per_call(&mut g, "constnet", "circles", 1, || {
        let (i, restart) = k.next();
        if restart {
            net.clone_from(&start);
        }
        trainer.step(&mut net, black_box(&xs[i]), &ts[i], &mut rng)
    });
    let mut k = Cycle::new(xs.len(), xs.len());
    harness::per_call(&mut g, "nalgebra", "circles", 1, || {
        let (i, restart) = k.next();
        if restart {
            nc.clone_from(&na_start);
        }
        nc.train_step(black_box(&nxs[i]), ts[i][0], lr)
    });
    let mut k = Cycle::new(xs.len(), xs.len());
    harness::per_call(&mut g, "vecvec", "circles", 1, || {
        let (i, restart) = k.next();
        if restart {
            vv.clone_from(&vv_start);
        }
        vv.train_step(black_box(&xs[i]), &ts[i], lr)
    });

    // circles with Adam.
    let mut net = start.clone();
    let mut nc = na_start.clone();
    let state_start = na::CirclesAdam::new(ADAM_LR as f32);
    let mut state = state_start.clone();
    let trainer_start = Trainer::new(Adam::default(), BinaryCrossEntropy, Schedule::Constant(ADAM_LR)).expect("valid");
    let mut trainer = trainer_start.clone();
    let l0 = trainer.step(&mut net, &xs[0], &ts[0], &mut rng).expect("finite");
    let l1 = nc.adam_step(&mut state, &nxs[0], ts[0][0]);
    assert_close("circles adam loss", &[l0], &[l1], 1e-5);
    assert_close("circles adam after step", &net.forward(&xs[1]), nc.forward(&nxs[1]).as_slice(), 1e-5);
    let mut k = Cycle::new(xs.len(), xs.len());
    harness::per_call(&mut g, "constnet", "circles-adam", 1, || {
        let (i, restart) = k.next();
        if restart {
            net.clone_from(&start);
            trainer.clone_from(&trainer_start);
        }
        trainer.step(&mut net, black_box(&xs[i]), &ts[i], &mut rng)
    });
    let mut k = Cycle::new(xs.len(), xs.len());
    harness::per_call(&mut g, "nalgebra", "circles-adam", 1, || {
        let (i, restart) = k.next();
        if restart {
            nc.clone_from(&na_start);
            state.clone_from(&state_start);
        }
        nc.adam_step(&mut state, black_box(&nxs[i]), ts[i][0])
    });

    // digits: 64-32-10, softmax + cross-entropy on class indices.
    let (xs, ts) = digits_data(1437, 6);
    let nxs = na::vectors(&xs);
    let hot: Vec<[f32; 10]> = ts.iter().map(|&t| one_hot(t)).collect();
    let start: Digits = weights();
    let mut net = start.clone();
    let na_start = na::Digits(na::Layer::from_net(&net, 0), na::Layer::from_net(&net, 1));
    let mut nd = na_start.clone();
    let vv_start = VecMlp::from_net(&net, &[64, 32, 10], &[Act::Relu, Act::Softmax]);
    let mut vv = vv_start.clone();
    let mut trainer = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(LR)).expect("valid");
    let l0 = trainer.step(&mut net, &xs[0], &ts[0], &mut rng).expect("finite");
    let l1 = nd.train_step(&nxs[0], ts[0], lr);
    let l2 = vv.train_step(&xs[0], &hot[0], lr);
    assert_close("digits loss", &[l0, l2], &[l1, l1], 1e-5);
    assert_close("digits after step", &net.forward(&xs[1]), nd.forward(&nxs[1]).as_slice(), 1e-5);
    let mut k = Cycle::new(xs.len(), xs.len());
    harness::per_call(&mut g, "constnet", "digits", 1, || {
        let (i, restart) = k.next();
        if restart {
            net.clone_from(&start);
        }
        trainer.step(&mut net, black_box(&xs[i]), &ts[i], &mut rng)
    });
    let mut k = Cycle::new(xs.len(), xs.len());
    harness::per_call(&mut g, "nalgebra", "digits", 1, || {
        let (i, restart) = k.next();
        if restart {
            nd.clone_from(&na_start);
        }
        nd.train_step(black_box(&nxs[i]), ts[i], lr)
    });
    let mut k = Cycle::new(xs.len(), xs.len());
    harness::per_call(&mut g, "vecvec", "digits", 1, || {
        let (i, restart) = k.next();
        if restart {
            vv.clone_from(&vv_start);
        }
        vv.train_step(black_box(&xs[i]), &hot[i], lr)
    });

    // digits with Adam.
    let mut net = start.clone();
    let mut nd = na_start.clone();
    let state_start = na::DigitsAdam::new(ADAM_LR as f32);
    let mut state = state_start.clone();
    let trainer_start =
        Trainer::new(Adam::default(), SparseCategoricalCrossEntropy, Schedule::Constant(ADAM_LR)).expect("valid");
    let mut trainer = trainer_start.clone();
    let l0 = trainer.step(&mut net, &xs[0], &ts[0], &mut rng).expect("finite");
    let l1 = nd.adam_step(&mut state, &nxs[0], ts[0]);
    assert_close("digits adam loss", &[l0], &[l1], 1e-5);
    assert_close("digits adam after step", &net.forward(&xs[1]), nd.forward(&nxs[1]).as_slice(), 1e-5);
    let mut k = Cycle::new(xs.len(), xs.len());
    harness::per_call(&mut g, "constnet", "digits-adam", 1, || {
        let (i, restart) = k.next();
        if restart {
            net.clone_from(&start);
            trainer.clone_from(&trainer_start);
        }
        trainer.step(&mut net, black_box(&xs[i]), &ts[i], &mut rng)
    });
    let mut k = Cycle::new(xs.len(), xs.len());
    harness::per_call(&mut g, "nalgebra", "digits-adam", 1, || {
        let (i, restart) = k.next();
        if restart {
            nd.clone_from(&na_start);
            state.clone_from(&state_start);
        }
        nd.adam_step(&mut state, black_box(&nxs[i]), ts[i])
    });
    g.finish();
}

fn fit_epoch(c: &mut Criterion) {
    let mut g = c.benchmark_group("fit_epoch");
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(10);
    let lr = LR as f32;
    let config = FitConfig { shuffle: false, ..FitConfig::new(1) };
    // Every measured epoch is the first one from the same weights (see `Cycle`): copying the
    // weights costs well under 1% of an epoch, for every implementation alike.

    let (mut xs, mut ts) = circles_data(900, 5);
    let nxs = na::vectors(&xs);
    let start: Circles = weights();
    let mut net = start.clone();
    let na_start = na_circles(&net);
    let mut nc = na_start.clone();
    let vv_start = VecMlp::from_net(&net, &[2, 4, 6, 6, 4, 1], &CIRCLES_ACTS);
    let mut vv = vv_start.clone();
    let mut trainer = Trainer::new(Sgd, BinaryCrossEntropy, Schedule::Constant(LR)).expect("valid");
    let n = xs.len() as u64;
    harness::per_call(&mut g, "constnet", "circles", n, || {
        net.clone_from(&start);
        trainer.fit(&mut net, FitData::new(&mut xs, &mut ts), &config, &mut rng, |_| Control::Continue).expect("fit")
    });
    harness::per_call(&mut g, "nalgebra", "circles", n, || {
        nc.clone_from(&na_start);
        let mut loss = 0.0;
        for (x, t) in nxs.iter().zip(&ts) {
            loss += nc.train_step(x, t[0], lr);
        }
        loss
    });
    harness::per_call(&mut g, "vecvec", "circles", n, || {
        vv.clone_from(&vv_start);
        let mut loss = 0.0;
        for (x, t) in xs.iter().zip(&ts) {
            loss += vv.train_step(x, t, lr);
        }
        loss
    });

    let (mut xs, mut ts) = digits_data(1437, 6);
    let nxs = na::vectors(&xs);
    let hot: Vec<[f32; 10]> = ts.iter().map(|&t| one_hot(t)).collect();
    let start: Digits = weights();
    let mut net = start.clone();
    let na_start = na::Digits(na::Layer::from_net(&net, 0), na::Layer::from_net(&net, 1));
    let mut nd = na_start.clone();
    let vv_start = VecMlp::from_net(&net, &[64, 32, 10], &[Act::Relu, Act::Softmax]);
    let mut vv = vv_start.clone();
    let mut trainer = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(LR)).expect("valid");
    let n = xs.len() as u64;
    harness::per_call(&mut g, "constnet", "digits", n, || {
        net.clone_from(&start);
        trainer.fit(&mut net, FitData::new(&mut xs, &mut ts), &config, &mut rng, |_| Control::Continue).expect("fit")
    });
    harness::per_call(&mut g, "nalgebra", "digits", n, || {
        nd.clone_from(&na_start);
        let mut loss = 0.0;
        for (x, &t) in nxs.iter().zip(&ts) {
            loss += nd.train_step(x, t, lr);
        }
        loss
    });
    harness::per_call(&mut g, "vecvec", "digits", n, || {
        vv.clone_from(&vv_start);
        let mut loss = 0.0;
        for (x, t) in xs.iter().zip(&hot) {
            loss += vv.train_step(x, t, lr);
        }
        loss
    });
    g.finish();
}

/// `batch_train`: one epoch of `fit` with mini-batches of 32 (block kernels), against the same
/// network's per-sample SGD epoch (`constnet-sample`), for digits (1437 samples) and the
/// mnist-shaped 784-128-10 network with its first layer on the heap (1024 samples). Every
/// measured epoch starts from the same weights (see `Cycle`).
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
    let n = xs.len() as u64;
    let start: N = weights();
    for (implementation, batch) in [("constnet", Batch::Mini(32)), ("constnet-sample", Batch::Sample)] {
        let config = FitConfig { shuffle: false, ..FitConfig::new(1) }.batch(batch);
        let mut net = start.clone();
        let mut trainer = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(LR)).expect("valid");
        harness::per_call(g, implementation, id, n, || {
            net.clone_from(&start);
            trainer.fit(&mut net, FitData::new(xs, ts), &config, rng, |_| Control::Continue).expect("fit")
        });
    }
}

criterion_group! {
    name = benches;
    config = constnet_benches::criterion();
    targets = train_step, fit_epoch, batch_train
}
criterion_main!(benches);
