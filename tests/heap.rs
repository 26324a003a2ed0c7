//! Networks bigger than a thread's stack. `HeapDense` layers keep their weights, and so the
//! gradients and the optimizer state of a trainer, on the heap, built in place: an MNIST-sized
//! network (400 KB of weights, 2 MB with gradients, Adam moments and the early-stopping
//! snapshot) is created, trained and run on a thread with a 2 MiB stack, and so is a network
//! whose single weight matrix (4 MiB) is twice that stack. The tests run in debug builds, where
//! every by-value temporary really is on the stack: any full-size copy would overflow.
#![cfg(feature = "std")]

use constnet::io::Model;
use constnet::loss::SparseCategoricalCrossEntropy;
use constnet::loss::{Loss, Mse};
use constnet::optim::{Adam, Schedule, Sgd};
use constnet::prelude::*;
use constnet::rand::{RngExt, SeedableRng, rngs::Xoshiro128PlusPlus};
use constnet::train::{Batch, Control, FitConfig, FitData, Trainer};

network! {
    /// The MNIST classifier of the issue, its big layer on the heap.
    struct Mnist<f32> { hidden: HeapDense<784, 128, Relu>, output: Dense<128, 10, Softmax> }
}

network! {
    /// The same network with both layers inline (for comparisons on a big stack only, so the
    /// compile-time warning about big inline networks is allowed).
    #[allow(deprecated)]
    struct MnistInline<f32> { hidden: Dense<784, 128, Relu>, output: Dense<128, 10, Softmax> }
}

network! {
    /// 1024 → 1024 → 1024: each weight matrix is 4 MiB, twice the stack of the test thread.
    struct Wide<f32> { first: HeapDense<1024, 1024, FastTanh>, second: HeapDense<1024, 1024, Identity> }
}

const STACK: usize = 2 << 20;

/// Runs `f` on a fresh thread with a 2 MiB stack, the default of Rust's test threads.
fn on_a_2_mib_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(STACK).spawn(f).expect("spawn").join().expect("no stack overflow");
}

fn images(n: usize, seed: u64) -> (Vec<[f32; 784]>, Vec<usize>) {
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(seed);
    let labels: Vec<usize> = (0..n).map(|_| rng.random_range(0..10)).collect();
    // Each class lights its own band of pixels, so the classes are learnable.
    let xs = labels
        .iter()
        .map(|&c| {
            core::array::from_fn(|i| {
                if i / 78 == c { 0.8 + rng.random_range(0.0..0.2) } else { rng.random_range(0.0..0.1) }
            })
        })
        .collect();
    (xs, labels)
}

#[test]
fn mnist_is_created_trained_and_run_on_a_2_mib_stack() {
    on_a_2_mib_stack(|| {
        // Two pointers and the small output layer (5 KB): the other 100 480 parameters are on
        // the heap.
        assert!(size_of::<Mnist>() < 6 * 1024, "{}", size_of::<Mnist>());
        let mut rng = Xoshiro128PlusPlus::seed_from_u64(7);
        let mut net = Mnist::random(&mut rng);
        assert_eq!(Mnist::PARAMS, 101_770);

        let mut trainer =
            Trainer::new(Adam::default(), SparseCategoricalCrossEntropy, Schedule::Constant(1e-3)).expect("valid");
        assert!(size_of_val(&trainer) < 4 * 6 * 1024, "gradients and moments are boxed too");
        let (mut xs, mut ys) = images(64, 8);
        let (vx, vy) = images(32, 9);
        let config = FitConfig::new(3).batch(Batch::Mini(8));
        let report = trainer
            .fit(&mut net, FitData::new(&mut xs, &mut ys).with_validation(&vx, &vy), &config, &mut rng, |_| {
                Control::Continue
            })
            .expect("trains");
        let (loss, _) = trainer.evaluate(&net, &vx, &vy, constnet::train::Metric::None).unwrap();
        assert!(report.last.train_loss.is_finite() && loss < 2.0, "validation loss {loss}");

        // Inference one by one and batched agree.
        let mut out = vec![[0.0f32; 10]; vx.len()];
        net.forward_batch(&vx, &mut out);
        for (x, y) in vx.iter().zip(&out) {
            let one = net.forward(x);
            for (a, b) in one.iter().zip(y) {
                assert!((a - b).abs() < 1e-5, "{a} vs {b}");
            }
        }
    });
}

#[test]
fn a_weight_matrix_twice_the_stack_is_built_trained_and_cloned_in_place() {
    on_a_2_mib_stack(|| {
        let mut rng = Xoshiro128PlusPlus::seed_from_u64(3);
        let mut net = Wide::random(&mut rng);
        let mut trainer = Trainer::new(Sgd, Mse, Schedule::Constant(1e-3)).expect("valid");
        let x: [f32; 1024] = core::array::from_fn(|i| (i as f32 * 0.01).sin());
        let target: [f32; 1024] = core::array::from_fn(|i| (i as f32 * 0.02).cos() * 0.1);
        let before = trainer.step(&mut net, &x, &target, &mut rng).expect("finite");
        for _ in 0..3 {
            trainer.step(&mut net, &x, &target, &mut rng).expect("finite");
        }
        let after = Mse.value(&net.forward(&x), &target);
        assert!(after < before, "{after} !< {before}");
        let mut copy = net.clone();
        assert_eq!(copy, net);
        copy.first.weights[0][0] += 1.0;
        copy.clone_from(&net);
        assert_eq!(copy, net);
    });
}

#[test]
fn heap_and_inline_layers_compute_the_same_and_share_the_byte_format() {
    // The inline twin needs 400 KB of stack per copy: it runs on the (8 MiB) main-sized thread.
    std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(|| {
            let heap = Mnist::random(&mut Xoshiro128PlusPlus::seed_from_u64(5));
            let mut inline = Box::new(MnistInline::zeroed());
            for t in 0..<Mnist as Parameters<f32>>::TENSORS {
                inline.tensor_mut(t).copy_from_slice(heap.tensor(t));
            }
            let x: [f32; 784] = core::array::from_fn(|i| (i % 17) as f32 / 17.0);
            assert_eq!(heap.forward(&x), inline.forward(&x));
            let mut a = vec![0u8; Mnist::BYTES];
            let mut b = vec![0u8; MnistInline::BYTES];
            heap.to_bytes(&mut a).expect("fits");
            inline.to_bytes(&mut b).expect("fits");
            assert_eq!(a, b, "same architecture fingerprint and parameters");
            let back = Mnist::from_bytes(&b).expect("reads an inline network's bytes");
            assert_eq!(back, heap);
        })
        .expect("spawn")
        .join()
        .expect("ran");
}

/// The address of a heap layer's first weight, modulo a cache line.
fn misalignment(layer: &HeapDense<f32, 784, 128, Relu>) -> usize {
    layer.weights.as_ptr() as usize % 64
}

#[test]
fn heap_matrices_start_on_a_cache_line_and_clone_from_keeps_the_allocation() {
    // A plain `Box` of 401 KB comes from `mmap`, 16 bytes past a page boundary: this checks
    // every way a heap matrix is made, at that size.
    let net = Mnist::random(&mut Xoshiro128PlusPlus::seed_from_u64(8));
    let mut copy = Mnist::zeroed();
    let at = copy.hidden.weights.as_ptr();
    copy.clone_from(&net);
    assert_eq!(copy.hidden.weights.as_ptr(), at, "clone_from copies into the existing allocation");
    assert_eq!(copy, net);
    let boxed: Box<[[f32; 784]; 128]> = vec![[0.5; 784]; 128].into_boxed_slice().try_into().expect("128 rows");
    let from_box = HeapDense::<f32, 784, 128, Relu>::from_boxed(boxed, Box::new([0.0; 128]));
    assert_eq!(from_box.weights[127][783], 0.5);
    for layer in [&net.hidden, &copy.hidden, &net.clone().hidden, &from_box] {
        assert_eq!(misalignment(layer), 0);
    }
}
