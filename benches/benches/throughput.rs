//! `throughput`: a batch of 1024 samples per call, reported per sample; and `peak`, the
//! same-run FMA peak of the core.

use constnet::Network;
use constnet_benches::harness::{self, Group, assert_close};
use constnet_benches::nalgebra_nets::{self as na, Block};
use constnet_benches::peak;
use constnet_benches::report::BATCH;
use constnet_benches::vecvec::{Act, VecMlp};
use constnet_benches::workloads::*;
use criterion::{Criterion, criterion_group, criterion_main};
use nalgebra::SVector;
use std::hint::black_box;

const N: u64 = BATCH as u64;

/// The per-sample implementations of one workload (constnet batched, its exact twin,
/// nalgebra and Vec<Vec> one sample at a time), after checking that they agree; `gemm` adds
/// nalgebra's batched case right after constnet's.
#[allow(clippy::too_many_arguments)]
fn per_sample_cases<F, E, const IN: usize, const OUT: usize>(
    g: &mut Group<'_>,
    id: &str,
    xs: &[[f32; IN]],
    net: &F,
    exact: Option<&E>,
    nalgebra: impl Fn(&SVector<f32, IN>) -> SVector<f32, OUT>,
    mut vv: VecMlp,
    gemm: impl FnOnce(&mut Group<'_>),
) where
    F: Network<f32, IN, OUT>,
    E: Network<f32, IN, OUT>,
{
    let nxs = na::vectors(xs);
    let mut ys = vec![[0.0f32; OUT]; xs.len()];
    net.forward_batch(xs, &mut ys);
    for k in [0, 1, 17, xs.len() - 1] {
        assert_close(&format!("{id} batch {k}"), &ys[k], nalgebra(&nxs[k]).as_slice(), 2e-5);
    }
    harness::per_call(g, "constnet", id, N, || net.forward_batch(black_box(xs), black_box(&mut ys)));
    // nalgebra's GEMM right after: the closest comparison in time.
    gemm(g);
    if let Some(exact) = exact {
        harness::per_call(g, "constnet-exact", id, N, || exact.forward_batch(black_box(xs), black_box(&mut ys)));
    }
    let mut nys = vec![SVector::<f32, OUT>::zeros(); xs.len()];
    harness::per_call(g, "nalgebra", id, N, || {
        for (x, y) in black_box(&nxs).iter().zip(nys.iter_mut()) {
            *y = nalgebra(x);
        }
    });
    harness::per_call(g, "vecvec", id, N, || {
        for (x, y) in black_box(xs).iter().zip(ys.iter_mut()) {
            y.copy_from_slice(vv.forward(x));
        }
    });
}

/// nalgebra's GEMM over the whole batch: `run` computes the outputs (last block) from the
/// input block; checked against the per-sample reference.
fn gemm_case<const IN: usize, const OUT: usize>(
    g: &mut Group<'_>,
    id: &str,
    xs: &[[f32; IN]],
    reference: impl Fn(&SVector<f32, IN>) -> SVector<f32, OUT>,
    mut run: impl FnMut(&Block<IN>) -> Block<OUT>,
    mut run_into: impl FnMut(&Block<IN>),
) {
    let x = na::block(xs);
    let out = run(&x);
    for k in [0, 5, xs.len() - 1] {
        assert_close(
            &format!("{id} gemm {k}"),
            out.column(k).as_slice(),
            reference(&SVector::from_column_slice(&xs[k])).as_slice(),
            2e-5,
        );
    }
    harness::per_call(g, "nalgebra-batched", id, N, || run_into(black_box(&x)));
}

fn dense_n<F, E, const D: usize>(pc: &mut Criterion, g: &mut Group<'_>, id: &str)
where
    F: Network<f32, D, D>,
    E: Network<f32, D, D>,
{
    let net: F = weights();
    let exact: E = twin(&net);
    let l = na::Layer::<D, D>::from_net(&net, 0);
    let xs = inputs::<D>(BATCH, -1.0, 1.0, 7);
    let run = |x: &Block<D>, out: &mut Block<D>| {
        l.z_batch(x, out);
        out.apply(|v| *v = v.tanh());
    };
    let mut out = Block::<D>::zeros(BATCH);
    peak(pc, id);
    let vv = VecMlp::from_net(&net, &[D, D], &[Act::Tanh]);
    per_sample_cases(
        g,
        id,
        &xs,
        &net,
        Some(&exact),
        |x| na::dense_tanh(&l, x),
        vv,
        |g| {
            gemm_case(
                g,
                id,
                &xs,
                |x| na::dense_tanh(&l, x),
                |x| {
                    let mut o = Block::<D>::zeros(BATCH);
                    run(x, &mut o);
                    o
                },
                |x| run(x, &mut out),
            );
        },
    );
}

/// One measurement of the FMA peak, `peak/fma/<workload>`, taken just before each workload's
/// cases (the machine's speed drifts); the report uses the best.
fn peak(c: &mut Criterion, id: &str) {
    let mut p = c.benchmark_group("peak");
    p.throughput(criterion::Throughput::Elements(peak::macs() as u64));
    p.bench_function(criterion::BenchmarkId::new("fma", id), |b| {
        b.iter(|| peak::fma_peak(black_box(0.999_9), black_box(1e-4), black_box(1.0)))
    });
    p.finish();
}

fn throughput(c: &mut Criterion) {
    // The peak goes through its own handle: a group borrows `c` until it finishes.
    let mut pc = constnet_benches::criterion().configure_from_args();
    let pc = &mut pc;
    let mut g = c.benchmark_group("throughput");
    let xs2 = inputs::<2>(BATCH, -1.0, 1.0, 1);

    let tree: Tree = weights();
    let nt = na::Tree(na::Layer::from_net(&tree, 0), na::Layer::from_net(&tree, 1));
    let run = |x: &Block<2>, h: &mut Block<2>, o: &mut Block<1>| {
        nt.0.z_batch(x, h);
        nt.1.z_batch(h, o);
    };
    let (mut h, mut o) = (Block::<2>::zeros(BATCH), Block::<1>::zeros(BATCH));
    peak(pc, "tree");
    let vv = VecMlp::from_net(&tree, &[2, 2, 1], &[Act::Identity, Act::Identity]);
    per_sample_cases(
        &mut g,
        "tree",
        &xs2,
        &tree,
        None::<&Tree>,
        |x| nt.forward(x),
        vv,
        |g| {
            gemm_case(
                g,
                "tree",
                &xs2,
                |x| nt.forward(x),
                |x| {
                    let (mut h, mut o) = (Block::<2>::zeros(BATCH), Block::<1>::zeros(BATCH));
                    run(x, &mut h, &mut o);
                    o
                },
                |x| run(x, &mut h, &mut o),
            );
        },
    );

    let xor: Xor = weights();
    let xor_exact: XorExact = twin(&xor);
    let nx = na::Xor(na::Layer::from_net(&xor, 0), na::Layer::from_net(&xor, 1));
    let run = |x: &Block<2>, h: &mut Block<4>, o: &mut Block<1>| {
        nx.0.z_batch(x, h);
        h.apply(|v| *v = na::sigmoid(*v));
        nx.1.z_batch(h, o);
        o.apply(|v| *v = na::sigmoid(*v));
    };
    let (mut h, mut o) = (Block::<4>::zeros(BATCH), Block::<1>::zeros(BATCH));
    peak(pc, "xor");
    let vv = VecMlp::from_net(&xor, &[2, 4, 1], &[Act::Sigmoid, Act::Sigmoid]);
    per_sample_cases(
        &mut g,
        "xor",
        &xs2,
        &xor,
        Some(&xor_exact),
        |x| nx.forward(x),
        vv,
        |g| {
            gemm_case(
                g,
                "xor",
                &xs2,
                |x| nx.forward(x),
                |x| {
                    let (mut h, mut o) = (Block::<4>::zeros(BATCH), Block::<1>::zeros(BATCH));
                    run(x, &mut h, &mut o);
                    o
                },
                |x| run(x, &mut h, &mut o),
            );
        },
    );

    let circles: Circles = weights();
    let circles_exact: CirclesExact = twin(&circles);
    let nc = na::Circles(
        na::Layer::from_net(&circles, 0),
        na::Layer::from_net(&circles, 1),
        na::Layer::from_net(&circles, 2),
        na::Layer::from_net(&circles, 3),
        na::Layer::from_net(&circles, 4),
    );
    let mut buf = na::CirclesBatch::new(BATCH);
    peak(pc, "circles");
    let vv =
        VecMlp::from_net(&circles, &[2, 4, 6, 6, 4, 1], &[Act::Relu, Act::Relu, Act::Relu, Act::Relu, Act::Sigmoid]);
    per_sample_cases(
        &mut g,
        "circles",
        &xs2,
        &circles,
        Some(&circles_exact),
        |x| nc.forward(x),
        vv,
        |g| {
            gemm_case(
                g,
                "circles",
                &xs2,
                |x| nc.forward(x),
                |x| {
                    let mut b = na::CirclesBatch::new(BATCH);
                    nc.forward_batch(x, &mut b);
                    b.4
                },
                |x| nc.forward_batch(x, &mut buf),
            );
        },
    );

    let audio: Audio = weights();
    let audio_exact: AudioExact = twin(&audio);
    let nau = na::Audio(na::Layer::from_net(&audio, 0), na::Layer::from_net(&audio, 1), na::Layer::from_net(&audio, 2));
    let xs8 = inputs::<8>(BATCH, -1.0, 1.0, 2);
    let run = |x: &Block<8>, h1: &mut Block<16>, h2: &mut Block<16>, o: &mut Block<1>| {
        nau.0.z_batch(x, h1);
        h1.apply(|v| *v = v.tanh());
        nau.1.z_batch(h1, h2);
        h2.apply(|v| *v = v.tanh());
        nau.2.z_batch(h2, o);
    };
    let (mut h1, mut h2, mut o) = (Block::<16>::zeros(BATCH), Block::<16>::zeros(BATCH), Block::<1>::zeros(BATCH));
    peak(pc, "audio");
    let vv = VecMlp::from_net(&audio, &[8, 16, 16, 1], &[Act::Tanh, Act::Tanh, Act::Identity]);
    per_sample_cases(
        &mut g,
        "audio",
        &xs8,
        &audio,
        Some(&audio_exact),
        |x| nau.forward(x),
        vv,
        |g| {
            gemm_case(
                g,
                "audio",
                &xs8,
                |x| nau.forward(x),
                |x| {
                    let (mut h1, mut h2, mut o) =
                        (Block::<16>::zeros(BATCH), Block::<16>::zeros(BATCH), Block::<1>::zeros(BATCH));
                    run(x, &mut h1, &mut h2, &mut o);
                    o
                },
                |x| run(x, &mut h1, &mut h2, &mut o),
            );
        },
    );

    let digits: Digits = weights();
    let digits_exact: DigitsExact = twin(&digits);
    let nd = na::Digits(na::Layer::from_net(&digits, 0), na::Layer::from_net(&digits, 1));
    let xs64 = inputs::<64>(BATCH, 0.0, 1.0, 3);
    let (mut h, mut o) = (Block::<32>::zeros(BATCH), Block::<10>::zeros(BATCH));
    peak(pc, "digits");
    let vv = VecMlp::from_net(&digits, &[64, 32, 10], &[Act::Relu, Act::Softmax]);
    per_sample_cases(
        &mut g,
        "digits",
        &xs64,
        &digits,
        Some(&digits_exact),
        |x| nd.forward(x),
        vv,
        |g| {
            gemm_case(
                g,
                "digits",
                &xs64,
                |x| nd.forward(x),
                |x| {
                    let (mut h, mut o) = (Block::<32>::zeros(BATCH), Block::<10>::zeros(BATCH));
                    na::relu_softmax_batch(&nd.0, &nd.1, x, &mut h, &mut o);
                    o
                },
                |x| na::relu_softmax_batch(&nd.0, &nd.1, x, &mut h, &mut o),
            );
        },
    );

    let mnist: Box<Mnist> = Box::new(weights());
    let mnist_exact: Box<MnistExact> = Box::new(twin(&*mnist));
    let nm = na::Mnist(Box::new(na::Layer::from_net(&*mnist, 0)), na::Layer::from_net(&*mnist, 1));
    let xs784 = inputs::<784>(BATCH, 0.0, 1.0, 4);
    let (mut h, mut o) = (Block::<128>::zeros(BATCH), Block::<10>::zeros(BATCH));
    peak(pc, "mnist");
    let vv = VecMlp::from_net(&*mnist, &[784, 128, 10], &[Act::Relu, Act::Softmax]);
    per_sample_cases(
        &mut g,
        "mnist",
        &xs784,
        &*mnist,
        Some(&*mnist_exact),
        |x| nm.forward(x),
        vv,
        |g| {
            gemm_case(
                g,
                "mnist",
                &xs784,
                |x| nm.forward(x),
                |x| {
                    let (mut h, mut o) = (Block::<128>::zeros(BATCH), Block::<10>::zeros(BATCH));
                    na::relu_softmax_batch(&nm.0, &nm.1, x, &mut h, &mut o);
                    o
                },
                |x| na::relu_softmax_batch(&nm.0, &nm.1, x, &mut h, &mut o),
            );
        },
    );

    dense_n::<Dense4, Dense4Exact, 4>(pc, &mut g, "dense-4");
    dense_n::<Dense8, Dense8Exact, 8>(pc, &mut g, "dense-8");
    dense_n::<Dense16, Dense16Exact, 16>(pc, &mut g, "dense-16");
    dense_n::<Dense32, Dense32Exact, 32>(pc, &mut g, "dense-32");
    dense_n::<Dense64, Dense64Exact, 64>(pc, &mut g, "dense-64");
    g.finish();
}

criterion_group! {
    name = benches;
    config = constnet_benches::criterion();
    targets = throughput
}
criterion_main!(benches);
