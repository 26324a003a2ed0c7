//! Training: the tree-age worked step, optimizers and schedules against hand-computed values,
//! stopping rules, typed errors, determinism, and convergence on the seed problems.

use crate::common::{Circles, rng};
use constnet::data::{circles, noisy_sine, shuffle_pairs, split, xor};
use constnet::loss::{BinaryCrossEntropy, CategoricalCrossEntropy, HalfMse, Mse, SparseCategoricalCrossEntropy};
use constnet::optim::{Adam, AdamW, Adamax, Momentum, OptimError, Optimizer, RmsProp, Schedule, Sgd};
use constnet::prelude::*;
use constnet::rand::Rng;
use constnet::train::{
    Batch, Control, EarlyStopping, FitConfig, FitData, Metric, Plateau, Regularization, StopReason, StopRules,
    TrainError, Trainer,
};
use std::time::Instant;

// ---------------------------------------------------------------------------------------------
// The tree-age step (worked examples §1)

network! {
    struct TreeAge<f64> {
        hidden: Dense<2, 2, Identity>,
        output: Dense<2, 1, Identity>,
    }
}

fn tree_age() -> TreeAge {
    TreeAge::from_layers(
        Dense::from_parts([[0.2, 0.6], [0.9, 0.4]], [0.9, 0.7]),
        Dense::from_parts([[0.5, 0.3]], [0.8]),
    )
}

/// The nine parameters in the order of the article's table: w1…w6, b1…b3.
fn table(n: &TreeAge) -> [f64; 9] {
    let (h, o) = (&n.hidden, &n.output);
    [
        h.weights[0][0],
        h.weights[0][1],
        h.weights[1][0],
        h.weights[1][1],
        o.weights[0][0],
        o.weights[0][1],
        h.bias[0],
        h.bias[1],
        o.bias[0],
    ]
}

#[test]
fn tree_age_sgd_step_matches_the_article_table() {
    let mut net = tree_age();
    let mut trainer = Trainer::new(Sgd, Mse, Schedule::Constant(0.05)).unwrap();
    // The gradients, before the update: accumulate without applying.
    let mut tape = Default::default();
    let loss = trainer.accumulate(&net, &mut tape, &[5.0, 7.0], &[5.0], &mut rng(0));
    assert_eq!(loss, 1.5625);
    let grads = table(trainer.gradients());
    let expected_grads = [6.25, 8.75, 3.75, 5.25, 15.25, 20.0, 1.25, 0.75, 2.5];
    for (i, (got, want)) in grads.iter().zip(expected_grads).enumerate() {
        assert!((got - want).abs() < 1e-12, "gradient {i}: {got} vs {want}");
    }
    trainer.apply(&mut net, 1).unwrap();
    let after = table(&net);
    let expected = [-0.1125, 0.1625, 0.7125, 0.1375, -0.2625, -0.7, 0.8375, 0.6625, 0.675];
    for (i, (got, want)) in after.iter().zip(expected).enumerate() {
        assert!((got - want).abs() < 1e-12, "parameter {i}: {got} vs {want}");
    }
    let y = net.forward(&[5.0, 7.0])[0];
    assert!((y - -3.32703125).abs() < 1e-12, "{y}");
    assert!((y + 3.33).abs() < 0.005);
}

// ---------------------------------------------------------------------------------------------
// Optimizers and schedules (worked examples §4 and hand-computed values)

type Scalar1 = Dense<f64, 1, 1, Identity>;

/// Runs an optimizer on one weight `w = 1` with the given gradient sequence.
fn run<O: Optimizer<f64>>(opt: O, grads: &[f64], lr: f64) -> Vec<f64> {
    let mut w = Scalar1::from_parts([[1.0]], [0.0]);
    let mut state = opt.new_state::<Scalar1>();
    grads
        .iter()
        .map(|&g| {
            opt.step(&mut w, &Scalar1::from_parts([[g]], [0.0]), &mut state, lr);
            w.weights[0][0]
        })
        .collect()
}

fn assert_all_close(got: &[f64], want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!((g - w).abs() < tol, "{what}: {got:?} vs {want:?}");
    }
}

#[test]
fn momentum_on_a_quadratic_gives_0_9_0_72_0_486() {
    // f(w) = w²/2, so the gradient is w itself.
    for (nesterov, want) in [(false, [0.9, 0.72, 0.486]), (true, [0.81, 0.5751, 0.327321])] {
        let opt = Momentum { momentum: 0.9, nesterov };
        let mut w = Scalar1::from_parts([[1.0]], [0.0]);
        let mut state = <Momentum as Optimizer<f64>>::new_state::<Scalar1>(&opt);
        let mut got = Vec::new();
        for _ in 0..3 {
            let grads = w.clone();
            opt.step(&mut w, &grads, &mut state, 0.1);
            got.push(w.weights[0][0]);
        }
        assert_all_close(&got, &want, 1e-12, if nesterov { "nesterov" } else { "momentum" });
    }
}

#[test]
fn adam_family_and_rmsprop_match_hand_computed_steps() {
    // Reference values from the update formulas evaluated in Python (double precision).
    let grads = [0.5, -0.25];
    assert_all_close(&run(Adam::default(), &grads, 0.01), &[0.9900000002, 0.9873366298707846], 1e-12, "adam");
    assert_all_close(&run(AdamW::default(), &grads, 0.01), &[0.9899000002, 0.9871376398707646], 1e-12, "adamw");
    assert_all_close(&run(Adamax::default(), &grads, 0.01), &[0.9900000019999996, 0.9878926318934723], 1e-12, "adamax");
    assert_all_close(
        &run(RmsProp::default(), &grads, 0.01),
        &[0.9683772866436797, 0.983121456617157],
        1e-12,
        "rmsprop",
    );
    assert_all_close(&run(Sgd, &grads, 0.1), &[0.95, 0.975], 1e-15, "sgd");
}

#[test]
fn zero_learning_rate_leaves_weights_unchanged() {
    let net = TreeAge::random(&mut rng(1));
    let grads = TreeAge::random(&mut rng(2));
    let mut moved = net.clone();
    let adam = Adam::default();
    let mut state = <Adam as Optimizer<f64>>::new_state::<TreeAge>(&adam);
    adam.step(&mut moved, &grads, &mut state, 0.0);
    Sgd.step(&mut moved, &grads, &mut (), 0.0);
    assert_eq!(moved, net);
}

#[test]
fn schedules_follow_their_definitions() {
    let cosine = Schedule::Cosine { initial: 0.1, decay_steps: 100, alpha: 0.0 };
    let got: Vec<f64> = [0, 25, 50, 75, 100, 150].iter().map(|&s| cosine.rate(s)).collect();
    assert_all_close(&got, &[0.1, 0.085355, 0.05, 0.014645, 0.0, 0.0], 1e-6, "cosine");
    let floor = Schedule::Cosine { initial: 0.1, decay_steps: 100, alpha: 0.1 };
    assert!((floor.rate(1000) - 0.01).abs() < 1e-15);
    let step = Schedule::StepDecay { initial: 1.0, factor: 0.5, every: 10 };
    assert_eq!([0, 9, 10, 25].map(|s| step.rate(s)), [1.0, 1.0, 0.5, 0.25]);
    let exp = Schedule::Exponential { initial: 0.1, rate: 0.5, decay_steps: 10, staircase: false };
    assert!((exp.rate(5) - 0.07071067811865477).abs() < 1e-15);
    let stair = Schedule::Exponential { initial: 0.1, rate: 0.5, decay_steps: 10, staircase: true };
    assert_eq!((stair.rate(9), stair.rate(15)), (0.1, 0.05));
    assert_eq!(Schedule::Constant(0.3).rate(12345), 0.3);
}

#[test]
fn the_trainer_steps_the_schedule() {
    let mut net = tree_age();
    let schedule = Schedule::StepDecay { initial: 0.01, factor: 0.5, every: 1 };
    let mut trainer = Trainer::new(Sgd, Mse, schedule).unwrap();
    assert_eq!(trainer.learning_rate(), 0.01);
    trainer.step(&mut net, &[1.0, 1.0], &[1.0], &mut rng(0)).unwrap();
    assert_eq!((trainer.steps(), trainer.learning_rate()), (1, 0.005));
}

// ---------------------------------------------------------------------------------------------
// Mini-batches, regularisation, determinism

#[test]
fn a_mini_batch_step_averages_the_sample_gradients() {
    let samples = [([1.0, 2.0], [3.0]), ([-1.0, 0.5], [0.0]), ([0.2, 0.2], [1.0])];
    // By hand: the mean of the per-sample gradients, one SGD step.
    let base = tree_age();
    let mut mean = TreeAge::zeroed();
    for (x, y) in &samples {
        let mut t = Trainer::new(Sgd, Mse, Schedule::Constant(1.0)).unwrap();
        let mut tape = Default::default();
        t.accumulate(&base, &mut tape, x, y, &mut rng(0));
        for k in 0..4 {
            for (m, g) in mean.tensor_mut(k).iter_mut().zip(t.gradients().tensor(k)) {
                *m += g / 3.0;
            }
        }
    }
    let mut expected = base.clone();
    Sgd.step(&mut expected, &mean, &mut (), 0.1);

    let mut net = base.clone();
    let (mut xs, mut ys): (Vec<[f64; 2]>, Vec<[f64; 1]>) = samples.iter().copied().unzip();
    let mut trainer = Trainer::new(Sgd, Mse, Schedule::Constant(0.1)).unwrap();
    let config = FitConfig::new(1).batch(Batch::Full);
    let report = trainer.fit(&mut net, FitData::new(&mut xs, &mut ys), &config, &mut rng(0), |_| Control::Continue);
    assert_eq!(report.unwrap().steps, 1);
    for k in 0..4 {
        for (a, b) in net.tensor(k).iter().zip(expected.tensor(k)) {
            assert!((a - b).abs() < 1e-12);
        }
    }
}

#[test]
fn l2_decay_and_clipping_change_the_step_as_documented() {
    let x = [1.0, 2.0];
    let y = [3.0];
    // L2: the weight gradient gains λ·W, the bias gradient does not.
    let mut plain = tree_age();
    let mut decayed = tree_age();
    let mut t1 = Trainer::new(Sgd, Mse, Schedule::Constant(0.01)).unwrap();
    let mut t2 = Trainer::new(Sgd, Mse, Schedule::Constant(0.01))
        .unwrap()
        .with_regularization(Regularization { l2: 0.5, clip_norm: None })
        .unwrap();
    t1.step(&mut plain, &x, &y, &mut rng(0)).unwrap();
    t2.step(&mut decayed, &x, &y, &mut rng(0)).unwrap();
    let w0 = tree_age().hidden.weights[0][0];
    assert!((decayed.hidden.weights[0][0] - (plain.hidden.weights[0][0] - 0.01 * 0.5 * w0)).abs() < 1e-12);
    assert_eq!(decayed.hidden.bias, plain.hidden.bias);

    // Clipping: the applied update has global norm lr·c.
    let mut clipped = tree_age();
    let mut t3 = Trainer::new(Sgd, Mse, Schedule::Constant(1.0))
        .unwrap()
        .with_regularization(Regularization { l2: 0.0, clip_norm: Some(0.1) })
        .unwrap();
    t3.step(&mut clipped, &x, &y, &mut rng(0)).unwrap();
    let mut moved = 0.0;
    for k in 0..4 {
        for (a, b) in clipped.tensor(k).iter().zip(tree_age().tensor(k)) {
            moved += (a - b) * (a - b);
        }
    }
    assert!((moved.sqrt() - 0.1).abs() < 1e-12, "{}", moved.sqrt());
}

network! {
    struct Xor<f32> {
        hidden: Dense<2, 4, Sigmoid>,
        output: Dense<4, 1, Sigmoid>,
    }
}

fn train_xor(seed: u64) -> (Xor, constnet::train::FitReport) {
    let (mut x, mut y) = xor::<f32>();
    let mut net = Xor::random(&mut rng(seed));
    let mut trainer = Trainer::new(Adam::default(), BinaryCrossEntropy, Schedule::Constant(0.05)).unwrap();
    let config =
        FitConfig::new(2000).metric(Metric::Binary).stop(StopRules { target_loss: Some(0.02), ..Default::default() });
    let report = trainer.fit(&mut net, FitData::new(&mut x, &mut y), &config, &mut rng(seed), |_| Control::Continue);
    (net, report.unwrap())
}

#[test]
fn same_seed_gives_bit_identical_weights() {
    let (a, mut ra) = train_xor(7);
    let (b, mut rb) = train_xor(7);
    // Everything but the wall-clock time (measured with the `std` feature).
    (ra.last.elapsed, rb.last.elapsed) = (None, None);
    assert_eq!(ra, rb);
    for k in 0..4 {
        let bits = |n: &Xor| n.tensor(k).iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a), bits(&b));
    }
    let (c, _) = train_xor(8);
    assert_ne!(a, c);
}

// ---------------------------------------------------------------------------------------------
// Convergence with fixed seeds

#[test]
fn xor_2_4_1_sigmoid_learns_all_four_cases() {
    let started = Instant::now();
    let (net, report) = train_xor(42);
    let (inputs, targets) = xor::<f32>();
    for (x, t) in inputs.iter().zip(&targets) {
        let y = net.forward(x)[0];
        assert_eq!(y >= 0.5, t[0] >= 0.5, "xor{x:?} = {y}");
    }
    assert_eq!(report.stop, StopReason::TargetLoss);
    assert_eq!(report.last.train_accuracy, Some(1.0));
    println!("xor: {report}; {:.2?}", started.elapsed());
}

#[test]
fn circles_reaches_99_percent_test_accuracy() {
    let started = Instant::now();
    let mut data_rng = rng(3);
    let mut x = vec![[0.0f32; 2]; 1000];
    let mut y = vec![[0.0f32; 1]; 1000];
    circles(&mut x, &mut y, 0.3, 0.1, &mut data_rng).unwrap();
    let (mut train_x, test_x) = (x[..900].to_vec(), &x[900..]);
    let (mut train_y, test_y) = (y[..900].to_vec(), &y[900..]);
    let mut net = Circles::random(&mut rng(11));
    let mut trainer = Trainer::new(Adamax::default(), BinaryCrossEntropy, Schedule::Constant(0.01)).unwrap();
    let config = FitConfig::new(60).batch(Batch::Mini(32)).metric(Metric::Binary);
    let report = trainer
        .fit(
            &mut net,
            FitData::new(&mut train_x, &mut train_y).with_validation(test_x, test_y),
            &config,
            &mut rng(5),
            |_| Control::Continue,
        )
        .unwrap();
    let accuracy = constnet::metrics::binary_accuracy(&net, test_x, test_y).unwrap();
    println!("circles: test accuracy {accuracy}; {report}; {:.2?}", started.elapsed());
    assert!(accuracy >= 0.99, "test accuracy {accuracy}");
    assert_eq!(report.last.validation_accuracy, Some(accuracy));
}

network! {
    struct Sine<f32> {
        hidden1: Dense<1, 16, Tanh>,
        hidden2: Dense<16, 16, Tanh>,
        output: Dense<16, 1, Identity>,
    }
}

#[test]
fn noisy_sine_regression_reaches_mse_below_0_02() {
    let started = Instant::now();
    let mut x = vec![[0.0f32; 1]; 400];
    let mut y = vec![[0.0f32; 1]; 400];
    noisy_sine(&mut x, &mut y, 0.1, &mut rng(4)).unwrap();
    let parts = split(&x, &y, 0.2).unwrap();
    let (mut tx, mut ty) = (parts.train_inputs.to_vec(), parts.train_targets.to_vec());
    let mut net = Sine::random(&mut rng(6));
    let mut trainer = Trainer::new(Adam::default(), Mse, Schedule::Constant(0.01)).unwrap();
    let config = FitConfig::new(300).batch(Batch::Mini(16));
    let report =
        trainer.fit(&mut net, FitData::new(&mut tx, &mut ty), &config, &mut rng(8), |_| Control::Continue).unwrap();
    // Against the noise-free curve: the network must have learnt sin, not the noise.
    let clean_mse: f32 = parts.validation_inputs.iter().map(|x| (net.forward(x)[0] - x[0].sin()).powi(2)).sum::<f32>()
        / parts.validation_inputs.len() as f32;
    let (val_mse, _) = trainer.evaluate(&net, parts.validation_inputs, parts.validation_targets, Metric::None).unwrap();
    println!(
        "sine: validation MSE {val_mse:.5} (noise variance 0.01), MSE vs sin(x) {clean_mse:.5}; {report}; {:.2?}",
        started.elapsed()
    );
    assert!(val_mse < 0.02, "validation MSE {val_mse}");
    assert!(clean_mse < 0.01, "MSE against sin(x) {clean_mse}");
}

network! {
    struct Digits<f32> {
        hidden: Dense<64, 32, Relu>,
        classes: Dense<32, 10, Softmax>,
    }
}

/// Ten Gaussian clusters in 64 dimensions (separable, like the scikit-learn digits size).
fn clusters(n: usize, seed: u64) -> (Vec<[f32; 64]>, Vec<usize>) {
    let mut r = rng(seed);
    let centres: Vec<[f32; 64]> =
        (0..10).map(|_| core::array::from_fn(|_| if r.next_u32().is_multiple_of(4) { 1.0 } else { 0.0 })).collect();
    let mut xs = Vec::with_capacity(n);
    let mut ys = Vec::with_capacity(n);
    for i in 0..n {
        let class = i % 10;
        xs.push(core::array::from_fn(|d| {
            let noise = ((r.next_u32() >> 8) as f32 / (1u32 << 24) as f32 - 0.5) * 0.6;
            centres[class][d] + noise
        }));
        ys.push(class);
    }
    (xs, ys)
}

#[test]
fn softmax_64_32_10_learns_a_separable_10_class_problem() {
    let started = Instant::now();
    // 1437 training samples (the scikit-learn digits training size) and 300 held out.
    let (mut x, mut y) = clusters(1737, 21);
    shuffle_pairs(&mut x, &mut y, &mut rng(1)).unwrap();
    let (test_x, test_y) = (x.split_off(1437), y.split_off(1437));
    let mut net = Digits::random(&mut rng(9));
    let mut trainer = Trainer::new(Adam::default(), SparseCategoricalCrossEntropy, Schedule::Constant(0.005)).unwrap();
    let config = FitConfig::new(10).batch(Batch::Mini(32)).metric(Metric::Argmax);
    let report = trainer
        .fit(&mut net, FitData::new(&mut x, &mut y).with_validation(&test_x, &test_y), &config, &mut rng(2), |_| {
            Control::Continue
        })
        .unwrap();
    let accuracy = constnet::metrics::class_accuracy(&net, &test_x, &test_y).unwrap();
    println!("digits-like 64-32-10: test accuracy {accuracy}; {report}; {:.2?}", started.elapsed());
    assert!(accuracy >= 0.98, "test accuracy {accuracy}");
}

#[test]
fn one_hot_cross_entropy_trains_the_same_problem() {
    let (x, y) = clusters(500, 31);
    let mut x = x;
    let mut onehot: Vec<[f32; 10]> =
        y.iter().map(|&c| core::array::from_fn(|i| if i == c { 1.0 } else { 0.0 })).collect();
    let mut net = Digits::random(&mut rng(9));
    let mut trainer = Trainer::new(Momentum::default(), CategoricalCrossEntropy, Schedule::Constant(0.02)).unwrap();
    let config = FitConfig::new(15).batch(Batch::Mini(16)).metric(Metric::Argmax);
    let report =
        trainer.fit(&mut net, FitData::new(&mut x, &mut onehot), &config, &mut rng(2), |_| Control::Continue).unwrap();
    assert!(report.last.train_accuracy.unwrap() >= 0.98, "{report}");
}

// ---------------------------------------------------------------------------------------------
// Stopping rules and the report

#[test]
fn stopping_rules_fire_and_say_why() {
    let (mut x, mut y) = xor::<f32>();
    let fit = |config: FitConfig, x: &mut [[f32; 2]], y: &mut [[f32; 1]], stop_at: Option<usize>| {
        let mut net = Xor::random(&mut rng(1));
        let mut trainer = Trainer::new(Sgd, HalfMse, Schedule::Constant(0.5)).unwrap();
        let mut epochs_seen = 0;
        let report = trainer
            .fit(
                &mut net,
                FitData::new(x, y).with_validation(&xor::<f32>().0, &xor::<f32>().1),
                &config,
                &mut rng(0),
                |e| {
                    epochs_seen += 1;
                    assert_eq!(e.epoch, epochs_seen);
                    if Some(e.epoch) == stop_at { Control::Stop } else { Control::Continue }
                },
            )
            .unwrap();
        assert_eq!(report.epochs, epochs_seen);
        report
    };
    let r = fit(FitConfig::new(7), &mut x, &mut y, None);
    assert_eq!((r.stop, r.epochs, r.steps), (StopReason::MaxEpochs, 7, 28));
    let r = fit(FitConfig::new(100), &mut x, &mut y, Some(3));
    assert_eq!((r.stop, r.epochs), (StopReason::Callback, 3));
    let steps = StopRules { max_steps: Some(10), ..Default::default() };
    let r = fit(FitConfig::new(100).stop(steps), &mut x, &mut y, None);
    assert_eq!((r.stop, r.epochs, r.steps), (StopReason::MaxSteps, 3, 10));
    let target = StopRules { target_loss: Some(1.0), ..Default::default() };
    let r = fit(FitConfig::new(100).stop(target), &mut x, &mut y, None);
    assert_eq!((r.stop, r.epochs), (StopReason::TargetLoss, 1));
    // A threshold no run can meet: the plateau rule fires as soon as the window is full.
    let plateau = StopRules { plateau: Some(Plateau { window: 5, min_decrease: 10.0 }), ..Default::default() };
    let r = fit(FitConfig::new(100).stop(plateau), &mut x, &mut y, None);
    assert_eq!((r.stop, r.epochs), (StopReason::Plateau, 6));
    // The line says why; it does not repeat the last epoch (`r.last`), which was printed already.
    assert_eq!(r.to_string(), "stopped after 6 epochs (24 steps): the training loss stopped decreasing");
}

#[test]
fn early_stopping_restores_the_best_weights() {
    // Train on noise-free XOR but validate against flipped labels: validation loss rises as
    // training succeeds, so the best epoch is early.
    let (mut x, mut y) = xor::<f32>();
    let flipped: Vec<[f32; 1]> = xor::<f32>().1.iter().map(|t| [1.0 - t[0]]).collect();
    let mut net = Xor::random(&mut rng(5));
    let mut trainer = Trainer::new(Adam::default(), BinaryCrossEntropy, Schedule::Constant(0.05)).unwrap();
    let es = EarlyStopping { patience: 5, min_delta: 0.0, restore_best: true };
    let config = FitConfig::new(500).stop(StopRules { early_stopping: Some(es), ..Default::default() });
    let mut history = Vec::new();
    let report = trainer
        .fit(
            &mut net,
            FitData::new(&mut x, &mut y).with_validation(&xor::<f32>().0, &flipped),
            &config,
            &mut rng(1),
            |e| {
                history.push(e.validation_loss.unwrap());
                Control::Continue
            },
        )
        .unwrap();
    assert_eq!(report.stop, StopReason::EarlyStopping);
    let (best_epoch, best_loss) = report.best.unwrap();
    assert_eq!(report.epochs, best_epoch + 5);
    assert_eq!(history[best_epoch - 1], best_loss);
    assert!(history.iter().all(|&l| l >= best_loss));
    // The network holds the best epoch's weights: its validation loss is the best one.
    let (loss, _) = trainer.evaluate(&net, &xor::<f32>().0, &flipped, Metric::None).unwrap();
    assert!((loss - best_loss).abs() < 1e-12, "{loss} vs {best_loss}");
}

#[test]
fn the_epoch_report_prints_a_progress_line() {
    let report = constnet::train::EpochReport {
        epoch: 3,
        max_epochs: 50,
        train_loss: 0.123456,
        train_accuracy: Some(0.9812),
        validation_loss: Some(0.2),
        validation_accuracy: Some(0.97),
        steps: 87,
        learning_rate: 0.001,
        samples: 900,
        elapsed: Some(std::time::Duration::from_millis(10)),
    };
    assert_eq!(
        report.to_string(),
        "epoch  3/50  loss 0.12346  acc  98.12%  val_loss 0.20000  val_acc  97.00%  lr 1.000e-3  90.0 k samples/s"
    );
}

// ---------------------------------------------------------------------------------------------
// Bad input: typed errors before training, nothing trained lost during it

fn xor_trainer() -> Trainer<f32, Xor, Sgd, Mse> {
    Trainer::new(Sgd, Mse, Schedule::Constant(0.1)).unwrap()
}

#[test]
fn bad_data_is_rejected_before_training() {
    let original = Xor::random(&mut rng(1));
    let mut net = original.clone();
    let config = FitConfig::new(10);
    let mut go = |x: &mut [[f32; 2]], y: &mut [[f32; 1]], config: &FitConfig| {
        xor_trainer().fit(&mut net, FitData::new(x, y), config, &mut rng(0), |_| Control::Continue).unwrap_err()
    };
    let (mut x, mut y) = xor::<f32>();
    assert_eq!(go(&mut [], &mut [], &config), TrainError::EmptyDataSet { set: "training" });
    assert_eq!(go(&mut x, &mut y[..3], &config), TrainError::LengthMismatch { set: "training", inputs: 4, targets: 3 });
    assert_eq!(
        go(&mut x, &mut y, &config.batch(Batch::Mini(0))),
        TrainError::InvalidBatchSize { batch_size: 0, samples: 4 }
    );
    let err = go(&mut x, &mut y, &config.batch(Batch::Mini(5)));
    assert_eq!(err, TrainError::InvalidBatchSize { batch_size: 5, samples: 4 });
    assert_eq!(err.to_string(), "invalid batch size 5: expected 1 to 4 (the number of training samples)");
    let es = StopRules {
        early_stopping: Some(EarlyStopping { patience: 2, min_delta: 0.0, restore_best: true }),
        ..Default::default()
    };
    assert_eq!(go(&mut x, &mut y, &config.stop(es)), TrainError::EarlyStoppingWithoutValidation);
    let plateau = StopRules { plateau: Some(Plateau { window: 65, min_decrease: 0.1 }), ..Default::default() };
    assert!(matches!(
        go(&mut x, &mut y, &config.stop(plateau)),
        TrainError::InvalidHyperParameter { name: "plateau window", .. }
    ));
    assert!(matches!(
        go(&mut x, &mut y, &FitConfig::new(0)),
        TrainError::InvalidHyperParameter { name: "max epochs", .. }
    ));
    // Nothing ran, so nothing changed.
    assert_eq!(net, original);

    let mut trainer = xor_trainer();
    let (mut vx, vy) = (x, y);
    let err = trainer
        .fit(&mut net, FitData::new(&mut x, &mut y).with_validation(&vx[..2], &vy), &config, &mut rng(0), |_| {
            Control::Continue
        })
        .unwrap_err();
    assert_eq!(err, TrainError::LengthMismatch { set: "validation", inputs: 2, targets: 4 });
    let err = trainer
        .fit(&mut net, FitData::new(&mut vx, &mut y).with_validation(&[], &[]), &config, &mut rng(0), |_| {
            Control::Continue
        })
        .unwrap_err();
    assert_eq!(err, TrainError::EmptyDataSet { set: "validation" });
}

#[test]
fn bad_hyper_parameters_are_rejected() {
    for lr in [0.0, -0.1, f64::NAN, f64::INFINITY] {
        let err = Trainer::<f32, Xor, _, _>::new(Sgd, Mse, Schedule::Constant(lr)).unwrap_err();
        assert!(matches!(err, TrainError::InvalidLearningRate { .. }), "{lr}: {err:?}");
    }
    assert_eq!(
        TrainError::InvalidLearningRate { value: -0.1 }.to_string(),
        "invalid learning rate -0.1: expected a finite number greater than 0"
    );
    let bad_adam = Adam { beta1: 1.0, ..Adam::default() };
    let err = Trainer::<f32, Xor, _, _>::new(bad_adam, Mse, Schedule::Constant(0.1)).unwrap_err();
    assert_eq!(err.to_string(), "invalid beta1 1: expected 0 ≤ beta1 < 1");
    assert!(
        Trainer::<f32, Xor, _, _>::new(Momentum { momentum: -0.5, nesterov: false }, Mse, Schedule::Constant(0.1))
            .is_err()
    );
    assert!(Trainer::<f32, Xor, _, _>::new(RmsProp { rho: 0.9, epsilon: 0.0 }, Mse, Schedule::Constant(0.1)).is_err());
    assert!(
        Trainer::<f32, Xor, _, _>::new(AdamW { weight_decay: -1.0, ..AdamW::default() }, Mse, Schedule::Constant(0.1))
            .is_err()
    );
    let cosine = Schedule::Cosine { initial: 0.1, decay_steps: 0, alpha: 0.0 };
    assert!(matches!(cosine.validate::<f32>(), Err(OptimError::InvalidHyperParameter { name: "decay steps", .. })));
    let regularization = Regularization { l2: -1.0, clip_norm: None };
    assert!(xor_trainer().with_regularization(regularization).is_err());
    assert!(xor_trainer().with_regularization(Regularization { l2: 0.0, clip_norm: Some(0.0) }).is_err());
}

network! {
    struct Classes<f32> { out: Dense<2, 3, Softmax> }
}

#[test]
fn out_of_range_class_indices_are_rejected() {
    let mut net = Classes::zeroed();
    let mut trainer = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(0.1)).unwrap();
    let mut x = [[0.0f32, 1.0]; 3];
    let mut y = [0usize, 2, 3];
    let err =
        trainer.fit(&mut net, FitData::new(&mut x, &mut y), &FitConfig::new(1), &mut rng(0), |_| Control::Continue);
    let err = err.unwrap_err();
    assert_eq!(err, TrainError::ClassOutOfRange { set: "training", sample: 2, class: 3, classes: 3 });
    assert_eq!(err.to_string(), "training sample 2 has class 3: expected a class index below 3");
    assert_eq!(net, Classes::zeroed());
}

network! {
    struct Perceptron<f32> { unit: Dense<2, 1, Step> }
}

#[test]
fn step_networks_refuse_to_train() {
    let mut net = Perceptron::zeroed();
    let mut trainer = Trainer::new(Sgd, Mse, Schedule::Constant(0.1)).unwrap();
    assert_eq!(trainer.step(&mut net, &[1.0, 0.0], &[1.0], &mut rng(0)), Err(TrainError::Untrainable));
}

network! {
    struct Linear<f32> { out: Dense<1, 1, Identity> }
}

#[test]
fn a_diverging_run_stops_with_the_epoch_and_step_and_keeps_finite_weights() {
    // Linear regression with a huge learning rate explodes geometrically.
    let mut x: Vec<[f32; 1]> = (0..8).map(|i| [i as f32]).collect();
    let mut y: Vec<[f32; 1]> = (0..8).map(|i| [2.0 * i as f32]).collect();
    let mut net = Linear::from_layers(Dense::from_parts([[0.5]], [0.0]));
    let mut trainer = Trainer::new(Sgd, Mse, Schedule::Constant(10.0)).unwrap();
    let mut finite_epochs = 0;
    let err = trainer
        .fit(&mut net, FitData::new(&mut x, &mut y), &FitConfig::new(100).shuffle(false), &mut rng(0), |_| {
            finite_epochs += 1;
            Control::Continue
        })
        .unwrap_err();
    let (TrainError::NonFiniteLoss { epoch, step, .. } | TrainError::NonFiniteGradient { epoch, step }) = err else {
        panic!("unexpected {err:?}");
    };
    assert_eq!(epoch, finite_epochs + 1);
    assert!(step >= 1 && step as usize <= epoch * 8);
    assert!(net.all_finite(), "weights {net:?}");
    assert_eq!(trainer.steps() + 1, step, "the failing step was not applied");
    assert!(err.to_string().contains(&format!("in epoch {epoch} at step {step}")), "{err}");
    println!("diverged as expected: {err}");
}

// ---------------------------------------------------------------------------------------------
// Hostile input (issue 13, items 11–18)

network! {
    struct Logit<f32> { out: Dense<1, 1, Sigmoid> }
}

network! {
    struct NotProbability<f32> { out: Dense<1, 1, Identity> }
}

#[test]
fn cross_entropy_gives_no_gradient_to_outputs_that_are_not_probabilities() {
    use constnet::loss::Loss;
    // An `Identity` output of 1.3 is no probability: Keras' clipping gives it no gradient, for
    // either target, instead of one evaluated at the clamped value.
    for target in [0.0f32, 1.0] {
        let g = BinaryCrossEntropy.gradient(&[1.3f32], &[target]);
        assert_eq!(g, [0.0], "target {target}");
        assert_eq!(CategoricalCrossEntropy.gradient(&[1.3f32, -0.3], &[target, 1.0 - target]), [0.0, 0.0]);
    }
    assert_eq!(SparseCategoricalCrossEntropy.gradient(&[-0.2f32, 1.2], &1), [0.0, 0.0]);
    // Inside the range, the usual gradients.
    assert!((BinaryCrossEntropy.gradient(&[0.7f64], &[1.0])[0] + 1.0 / 0.7).abs() < 1e-12);
    // So a training step on such an output does not move the weights away.
    let mut net = NotProbability::from_layers(Dense::from_parts([[1.3]], [0.0]));
    let mut trainer = Trainer::new(Sgd, BinaryCrossEntropy, Schedule::Constant(0.5)).unwrap();
    trainer.step(&mut net, &[1.0], &[0.0], &mut rng(0)).unwrap();
    assert_eq!(net.out.weights, [[1.3]]);
}

#[test]
fn training_and_validation_losses_are_one_definition() {
    // A confident mistake: logit −40, target 1. From the logit the loss is 40; from the clamped
    // probability it would be −ln(1e−7) ≈ 16.1. Training and evaluation must agree.
    let net = Logit::from_layers(Dense::from_parts([[-40.0]], [0.0]));
    let trainer = Trainer::new(Sgd, BinaryCrossEntropy, Schedule::Constant(0.001)).unwrap();
    let (validation, _) = trainer.evaluate(&net, &[[1.0]], &[[1.0]], Metric::None).unwrap();
    let mut stepped = net.clone();
    let mut trainer = Trainer::new(Sgd, BinaryCrossEntropy, Schedule::Constant(0.001)).unwrap();
    let training = trainer.step(&mut stepped, &[1.0], &[1.0], &mut rng(0)).unwrap();
    assert!((f64::from(training) - 40.0).abs() < 1e-4, "training loss {training}");
    assert!((validation - 40.0).abs() < 1e-4, "validation loss {validation}");
    // And evaluating nothing is an error, not a loss of 0.
    assert_eq!(trainer.evaluate(&net, &[], &[], Metric::None), Err(TrainError::EmptyDataSet { set: "evaluation" }));
    assert!(matches!(trainer.evaluate(&net, &[[1.0]], &[], Metric::None), Err(TrainError::LengthMismatch { .. })));
}

network! {
    struct ReluNet<f32> { hidden: Dense<2, 3, Relu>, out: Dense<3, 1, Identity> }
}

#[test]
fn a_nan_input_gives_a_nan_prediction() {
    let net = ReluNet::random(&mut rng(3));
    assert!(net.forward(&[f32::NAN, 0.5])[0].is_nan());
    assert!(Relu::value(f32::NAN).is_nan() && LeakyRelu::value(f64::NAN).is_nan());
}

#[test]
fn hyper_parameters_are_validated_in_the_networks_scalar() {
    // Valid in f64, not in f32: 1e39 overflows, 1e-50 underflows to 0.
    let err = Trainer::<f32, Xor, _, _>::new(Sgd, Mse, Schedule::Constant(1e39)).unwrap_err();
    assert!(matches!(err, TrainError::NotRepresentable { name: "learning rate", scalar: "f32", .. }), "{err:?}");
    assert!(err.to_string().contains("becomes inf in f32"), "{err}");
    let tiny = Adam { epsilon: 1e-50, ..Adam::default() };
    let err = Trainer::<f32, Xor, _, _>::new(tiny, Mse, Schedule::Constant(0.01)).unwrap_err();
    assert!(matches!(err, TrainError::NotRepresentable { name: "epsilon", becomes: 0.0, .. }), "{err:?}");
    assert!(
        Trainer::<f32, Xor, _, _>::new(Sgd, Mse, Schedule::Constant(0.5))
            .unwrap()
            .with_regularization(Regularization { l2: 0.0, clip_norm: Some(1e40) })
            .is_err()
    );
    // The same settings are fine for an f64 network.
    network! { struct Wide<f64> { out: Dense<2, 1, Sigmoid> } }
    assert!(Trainer::<f64, Wide, _, _>::new(Sgd, Mse, Schedule::Constant(1e39)).is_ok());
    assert!(Trainer::<f64, Wide, _, _>::new(tiny, Mse, Schedule::Constant(0.01)).is_ok());
}

#[test]
fn an_update_that_would_overflow_is_not_applied_and_one_that_did_is_reported() {
    // The fused SGD path: lr·‖g‖ overflows f32, so the step is refused and nothing changes.
    let mut net = Linear::from_layers(Dense::from_parts([[1.0]], [0.0]));
    let mut trainer = Trainer::new(Sgd, Mse, Schedule::Constant(1e30)).unwrap();
    let err = trainer.step(&mut net, &[1e10], &[0.0], &mut rng(0)).unwrap_err();
    assert_eq!(err, TrainError::NonFiniteGradient { epoch: 0, step: 1 });
    assert_eq!(net.out.weights, [[1.0]]);
    assert!(err.to_string().contains("at step 1;") && !err.to_string().contains("epoch"), "{err}");
    // The accumulating path: an optimizer whose step overflows where the gradient did not (a
    // user's optimizer, scaling every weight). The trainer reports it instead of success.
    #[derive(Clone, Copy, Debug)]
    struct Explode;
    impl Optimizer<f32> for Explode {
        type State<N: Parameters<f32>> = ();
        const NAME: &'static str = "explode";
        fn validate(&self) -> Result<(), OptimError> {
            Ok(())
        }
        fn new_state<N: Parameters<f32>>(&self) {}
        fn step<N: Parameters<f32>>(&self, params: &mut N, _: &N, _: &mut (), _: f32) -> bool {
            params.scale(1e30);
            params.all_finite()
        }
    }
    let mut net = Linear::from_layers(Dense::from_parts([[1e10]], [0.0]));
    let mut trainer = Trainer::new(Explode, Mse, Schedule::Constant(0.1)).unwrap();
    let err = trainer.step(&mut net, &[1.0], &[0.0], &mut rng(0)).unwrap_err();
    assert_eq!(err, TrainError::NonFiniteWeights { epoch: 0, step: 1 });
    assert!(err.to_string().contains("no longer usable"), "{err}");
}

#[test]
fn non_finite_data_is_refused_before_training() {
    let original = Xor::random(&mut rng(1));
    let mut net = original.clone();
    let (mut x, mut y) = xor::<f32>();
    let (mut vx, vy) = (x, y);
    vx[2][1] = f32::NAN;
    let config = FitConfig::new(5).stop(StopRules {
        early_stopping: Some(EarlyStopping { patience: 2, min_delta: 0.0, restore_best: true }),
        ..Default::default()
    });
    let err = xor_trainer()
        .fit(&mut net, FitData::new(&mut x, &mut y).with_validation(&vx, &vy), &config, &mut rng(0), |_| {
            Control::Continue
        })
        .unwrap_err();
    assert_eq!(err, TrainError::NonFiniteData { set: "validation", sample: 2 });
    assert_eq!(err.to_string(), "validation sample 2 holds NaN or infinity: expected finite inputs and targets");
    y[3][0] = f32::INFINITY;
    let err = xor_trainer()
        .fit(&mut net, FitData::new(&mut x, &mut y), &FitConfig::new(5), &mut rng(0), |_| Control::Continue)
        .unwrap_err();
    assert_eq!(err, TrainError::NonFiniteData { set: "training", sample: 3 });
    assert_eq!(net, original, "nothing ran");
}

#[test]
fn a_single_step_reports_class_errors_as_such_and_apply_refuses_an_empty_batch() {
    let mut net = Classes::zeroed();
    let mut trainer = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(0.1)).unwrap();
    let err = trainer.step(&mut net, &[0.0, 1.0], &3, &mut rng(0)).unwrap_err();
    assert_eq!(err, TrainError::ClassOutOfRange { set: "step", sample: 0, class: 3, classes: 3 });
    assert_eq!(net, Classes::zeroed());
    assert_eq!(trainer.apply(&mut net, 0), Err(TrainError::InvalidBatchSize { batch_size: 0, samples: 0 }));
    assert_eq!(trainer.steps(), 0);
}
