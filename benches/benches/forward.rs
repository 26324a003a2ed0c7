//! `forward` and `latency`: one sample at a time.

use constnet_benches::harness::{self, CYCLED_INPUTS, Group, assert_close};
use constnet_benches::nalgebra_nets as na;
use constnet_benches::peak;
use constnet_benches::vecvec::{Act, VecMlp};
use constnet_benches::workloads::*;
use criterion::{Criterion, criterion_group, criterion_main};
use nalgebra::SVector;
use std::hint::black_box;

/// Adds a small multiple of the previous output to the first input.
fn next_array<const IN: usize, const OUT: usize>(base: &[f32; IN], y: &[f32; OUT]) -> [f32; IN] {
    let mut x = *base;
    x[0] += 1e-3 * y[0];
    x
}
fn next_vector<const IN: usize, const OUT: usize>(base: &SVector<f32, IN>, y: &SVector<f32, OUT>) -> SVector<f32, IN> {
    let mut x = *base;
    x[0] += 1e-3 * y[0];
    x
}

/// All implementations of one workload in both groups, after checking they agree.
#[allow(clippy::too_many_arguments)]
fn cases<const IN: usize, const OUT: usize>(
    fwd: &mut Group<'_>,
    lat: &mut Group<'_>,
    id: &str,
    xs: &[[f32; IN]],
    fast: impl Fn(&[f32; IN]) -> [f32; OUT] + Copy,
    exact: Option<impl Fn(&[f32; IN]) -> [f32; OUT] + Copy>,
    nalgebra: impl Fn(&SVector<f32, IN>) -> SVector<f32, OUT> + Copy,
    mut vv: VecMlp,
) {
    let nxs = na::vectors(xs);
    let reference = nalgebra(&nxs[0]);
    assert_close(&format!("{id} constnet"), &fast(&xs[0]), reference.as_slice(), 2e-5);
    assert_close(&format!("{id} vecvec"), vv.forward(&xs[0]), reference.as_slice(), 2e-5);
    let mut vv2 = vv.clone();
    let mut vec_forward = move |x: &[f32; IN]| -> [f32; OUT] { vv.forward(x).try_into().expect("width") };
    let mut vec_forward2 = move |x: &[f32; IN]| -> [f32; OUT] { vv2.forward(x).try_into().expect("width") };

    harness::forward(fwd, "constnet", id, xs, fast);
    harness::forward(fwd, "nalgebra", id, &nxs, nalgebra);
    harness::forward(fwd, "vecvec", id, xs, &mut vec_forward);
    if let Some(exact) = exact {
        assert_close(&format!("{id} constnet exact"), &exact(&xs[0]), reference.as_slice(), 2e-5);
        harness::forward(fwd, "constnet-exact", id, xs, exact);
    }
    harness::latency(lat, "constnet", id, xs, fast, next_array);
    harness::latency(lat, "nalgebra", id, &nxs, nalgebra, next_vector);
    harness::latency(lat, "vecvec", id, xs, &mut vec_forward2, next_array);
}

fn dense_n<F, E, const N: usize>(fwd: &mut Group<'_>, lat: &mut Group<'_>, id: &str)
where
    F: constnet::Network<f32, N, N>,
    E: constnet::Network<f32, N, N>,
{
    let net: F = weights();
    let exact: E = twin(&net);
    let nl = na::Layer::<N, N>::from_net(&net, 0);
    let vv = VecMlp::from_net(&net, &[N, N], &[Act::Tanh]);
    let xs = inputs::<N>(CYCLED_INPUTS, -1.0, 1.0, 7);
    cases(fwd, lat, id, &xs, |x| net.forward(x), Some(|x: &[f32; N]| exact.forward(x)), |x| na::dense_tanh(&nl, x), vv);
}

/// The read bandwidth for a workload's parameters, `peak/read/<workload>`: the time to stream a
/// buffer of their size from the cache that holds it (criterion repeats the read, so the buffer
/// stays where a per-sample pass finds its weights), taken just before the workload's cases.
fn read_peak(c: &mut Criterion, spec: &Spec) {
    let bytes = spec.parameter_bytes();
    let buf = peak::read_buffer(bytes);
    let mut p = c.benchmark_group("peak");
    p.throughput(criterion::Throughput::Elements(peak::read_bytes(bytes) as u64));
    p.bench_function(criterion::BenchmarkId::new("read", spec.id), |b| b.iter(|| peak::read_all(black_box(&buf))));
    p.finish();
}

fn forward_and_latency(c: &mut Criterion) {
    // Two groups open at once are not possible with one `Criterion`, so each workload's cases
    // are registered through a second handle configured the same way.
    let mut lat_c = constnet_benches::criterion().configure_from_args();
    let mut fwd = c.benchmark_group("forward");
    let mut lat = lat_c.benchmark_group("latency");
    // And a third for the read bandwidth, measured between the workloads.
    let mut peak_c = constnet_benches::criterion().configure_from_args();

    let tree: Tree = weights();
    let nt = na::Tree(na::Layer::from_net(&tree, 0), na::Layer::from_net(&tree, 1));
    let xs = inputs::<2>(CYCLED_INPUTS, -1.0, 1.0, 1);
    let vv = VecMlp::from_net(&tree, &[2, 2, 1], &[Act::Identity, Act::Identity]);
    cases(
        &mut fwd,
        &mut lat,
        "tree",
        &xs,
        |x| tree.forward(x),
        None::<fn(&[f32; 2]) -> [f32; 1]>,
        |x| nt.forward(x),
        vv,
    );

    let xor: Xor = weights();
    let xor_exact: XorExact = twin(&xor);
    let nx = na::Xor(na::Layer::from_net(&xor, 0), na::Layer::from_net(&xor, 1));
    let vv = VecMlp::from_net(&xor, &[2, 4, 1], &[Act::Sigmoid, Act::Sigmoid]);
    cases(
        &mut fwd,
        &mut lat,
        "xor",
        &xs,
        |x| xor.forward(x),
        Some(|x: &[f32; 2]| xor_exact.forward(x)),
        |x| nx.forward(x),
        vv,
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
    let vv =
        VecMlp::from_net(&circles, &[2, 4, 6, 6, 4, 1], &[Act::Relu, Act::Relu, Act::Relu, Act::Relu, Act::Sigmoid]);
    cases(
        &mut fwd,
        &mut lat,
        "circles",
        &xs,
        |x| circles.forward(x),
        Some(|x: &[f32; 2]| circles_exact.forward(x)),
        |x| nc.forward(x),
        vv,
    );

    let audio: Audio = weights();
    let audio_exact: AudioExact = twin(&audio);
    let nau = na::Audio(na::Layer::from_net(&audio, 0), na::Layer::from_net(&audio, 1), na::Layer::from_net(&audio, 2));
    let vv = VecMlp::from_net(&audio, &[8, 16, 16, 1], &[Act::Tanh, Act::Tanh, Act::Identity]);
    let xs8 = inputs::<8>(CYCLED_INPUTS, -1.0, 1.0, 2);
    cases(
        &mut fwd,
        &mut lat,
        "audio",
        &xs8,
        |x| audio.forward(x),
        Some(|x: &[f32; 8]| audio_exact.forward(x)),
        |x| nau.forward(x),
        vv,
    );

    let digits: Digits = weights();
    let digits_exact: DigitsExact = twin(&digits);
    let nd = na::Digits(na::Layer::from_net(&digits, 0), na::Layer::from_net(&digits, 1));
    let vv = VecMlp::from_net(&digits, &[64, 32, 10], &[Act::Relu, Act::Softmax]);
    let xs64 = inputs::<64>(CYCLED_INPUTS, 0.0, 1.0, 3);
    cases(
        &mut fwd,
        &mut lat,
        "digits",
        &xs64,
        |x| digits.forward(x),
        Some(|x: &[f32; 64]| digits_exact.forward(x)),
        |x| nd.forward(x),
        vv,
    );

    if let Some(spec) = SPECS.iter().find(|s| s.id == "mnist") {
        read_peak(&mut peak_c, spec);
    }
    let mnist: Box<Mnist> = Box::new(weights());
    let mnist_exact: Box<MnistExact> = Box::new(twin(&*mnist));
    let nm = na::Mnist(Box::new(na::Layer::from_net(&*mnist, 0)), na::Layer::from_net(&*mnist, 1));
    let vv = VecMlp::from_net(&*mnist, &[784, 128, 10], &[Act::Relu, Act::Softmax]);
    let xs784 = inputs::<784>(CYCLED_INPUTS, 0.0, 1.0, 4);
    cases(
        &mut fwd,
        &mut lat,
        "mnist",
        &xs784,
        |x| mnist.forward(x),
        Some(|x: &[f32; 784]| mnist_exact.forward(x)),
        |x| nm.forward(x),
        vv,
    );

    dense_n::<Dense4, Dense4Exact, 4>(&mut fwd, &mut lat, "dense-4");
    dense_n::<Dense8, Dense8Exact, 8>(&mut fwd, &mut lat, "dense-8");
    dense_n::<Dense16, Dense16Exact, 16>(&mut fwd, &mut lat, "dense-16");
    dense_n::<Dense32, Dense32Exact, 32>(&mut fwd, &mut lat, "dense-32");
    dense_n::<Dense64, Dense64Exact, 64>(&mut fwd, &mut lat, "dense-64");

    fwd.finish();
    lat.finish();
}

criterion_group! {
    name = benches;
    config = constnet_benches::criterion();
    targets = forward_and_latency
}
criterion_main!(benches);
