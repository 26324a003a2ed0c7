//! A counting global allocator proves that inference, a training step, an optimizer update and
//! a whole epoch of `fit` allocate nothing.
//!
//! A `GlobalAlloc` impl is `unsafe` by definition; this test file is the only place outside the
//! library (which forbids it) that opts out of the workspace's `unsafe_code = "deny"`.
#![allow(unsafe_code)]

use constnet::data::circles;
use constnet::loss::{BinaryCrossEntropy, SparseCategoricalCrossEntropy};
use constnet::optim::{Adam, Adamax, Schedule, Sgd};
use constnet::prelude::*;
use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
use constnet::train::{Batch, Control, EarlyStopping, FitConfig, FitData, Metric, Plateau, StopRules, Trainer};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    // Const-initialised, so reading it never allocates. Only the measuring thread counts, so the
    // test harness's own allocations on other threads do not interfere.
    static ARMED: Cell<bool> = const { Cell::new(false) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if ARMED.with(Cell::get) {
            ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if ARMED.with(Cell::get) {
            ALLOCATIONS.fetch_add(1, Ordering::SeqCst);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f` on this thread.
fn allocations_in(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.load(Ordering::SeqCst);
    ARMED.with(|a| a.set(true));
    f();
    ARMED.with(|a| a.set(false));
    ALLOCATIONS.load(Ordering::SeqCst) - before
}

network! {
    struct Circles<f32> {
        hidden1: Dense<2, 4, Relu>,
        hidden2: Dense<4, 6, Relu>,
        hidden3: Dense<6, 6, Relu>,
        hidden4: Dense<6, 4, Relu>,
        output: Dense<4, 1, Sigmoid>,
    }
}

network! {
    struct Digits<f32> {
        hidden: Dense<64, 32, Relu>,
        drop: Dropout<32, 0.2>,
        classes: Dense<32, 10, Softmax>,
    }
}

#[test]
fn nothing_allocates() {
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(1);
    // The data is the caller's (a Vec here); training only borrows it.
    let mut x = vec![[0.0f32; 2]; 900];
    let mut y = vec![[0.0f32; 1]; 900];
    circles(&mut x, &mut y, 0.3, 0.1, &mut rng).unwrap();
    let (vx, vy) = (x[..100].to_vec(), y[..100].to_vec());
    let mut net = Circles::random(&mut rng);
    let mut trainer = Trainer::new(Adamax::default(), BinaryCrossEntropy, Schedule::Constant(0.01)).unwrap();

    assert_eq!(allocations_in(|| assert!(net.forward(&[0.1, 0.2])[0] > 0.0)), 0, "inference");
    assert_eq!(
        allocations_in(|| {
            trainer.step(&mut net, &[0.1, 0.2], &[1.0], &mut rng).unwrap();
        }),
        0,
        "a training step"
    );

    let stop = StopRules {
        plateau: Some(Plateau { window: 3, min_decrease: 0.0 }),
        early_stopping: Some(EarlyStopping { patience: 3, min_delta: 0.0, restore_best: true }),
        ..Default::default()
    };
    let config = FitConfig::new(1).batch(Batch::Mini(32)).metric(Metric::Binary).stop(stop);
    let mut epochs = 0;
    let n = allocations_in(|| {
        let report = trainer
            .fit(&mut net, FitData::new(&mut x, &mut y).with_validation(&vx, &vy), &config, &mut rng, |e| {
                epochs += e.epoch;
                Control::Continue
            })
            .unwrap();
        assert_eq!(report.epochs, 1);
    });
    assert_eq!(n, 0, "an epoch of fit");
    assert_eq!(epochs, 1);

    // Softmax, sparse labels, dropout, per-sample SGD and Adam.
    let mut digits = Digits::random(&mut rng);
    let mut dx = vec![[0.25f32; 64]; 64];
    let mut dy: Vec<usize> = (0..64).map(|i| i % 10).collect();
    let mut sgd = Trainer::new(Sgd, SparseCategoricalCrossEntropy, Schedule::Constant(0.01)).unwrap();
    let mut adam = Trainer::new(Adam::default(), SparseCategoricalCrossEntropy, Schedule::Constant(0.01)).unwrap();
    let n = allocations_in(|| {
        sgd.fit(
            &mut digits,
            FitData::new(&mut dx, &mut dy),
            &FitConfig::new(1).metric(Metric::Argmax),
            &mut rng,
            |_| Control::Continue,
        )
        .unwrap();
        adam.step(&mut digits, &[0.5; 64], &3, &mut rng).unwrap();
    });
    assert_eq!(n, 0, "softmax/dropout training");

    // Mini-batch training through the block kernels (block tapes on the stack), and a
    // forward_batch of blocks.
    let mut block_tape = <Digits as Network<f32, 64, 10>>::BlockTape::default();
    let n = allocations_in(|| {
        adam.fit(
            &mut digits,
            FitData::new(&mut dx, &mut dy),
            &FitConfig::new(2).batch(Batch::Mini(32)).metric(Metric::Argmax),
            &mut rng,
            |_| Control::Continue,
        )
        .unwrap();
        sgd.accumulate_block(&digits, &mut block_tape, &dx[..20], &dy[..20], &mut rng, |_, _, _| {}).unwrap();
        sgd.apply(&mut digits, 20).unwrap();
        let mut out = [[0.0f32; 10]; 40];
        digits.forward_batch(&dx[..40], &mut out);
    });
    assert_eq!(n, 0, "mini-batch training and batched inference");
    // The counter works: a Vec does allocate.
    assert_eq!(allocations_in(|| drop(std::hint::black_box(vec![1u8; 16]))), 1);
}
