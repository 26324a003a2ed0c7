//! `int8`: the int8 twin's forward pass against the f32 network it was quantized from, one
//! sample per call, in the same run: circles (2-4-6-6-4-1) and digits (64-32-10).
//!
//! Three cases per workload: `f32` (the network, exact activations), `int8` (integers in,
//! integers out: what a microcontroller runs) and `int8+convert` (quantize the `f32` input,
//! run, dequantize the output). `cargo bench -p constnet-benches --bench int8`.

use constnet::int8::Quantized;
use constnet_benches::harness::{self, CYCLED_INPUTS};
use constnet_benches::workloads::{CirclesExact, DigitsExact, inputs, weights};
use criterion::{Criterion, criterion_group, criterion_main};

fn workload<N, const IN: usize, const OUT: usize>(c: &mut Criterion, id: &str, net: &N, xs: &[[f32; IN]])
where
    N: constnet::Network<f32, IN, OUT>
        + constnet::network::Signature<Io = constnet::network::Io<f32, IN, OUT>>
        + constnet::network::Sequential<f32, IN, OUT>,
    N::Layers: constnet::int8::QuantizeChain<N, f32, IN, OUT>,
{
    let q = Quantized::<N>::quantize(net, xs).expect("the workload quantizes");
    // The two compute the same function before their speeds are compared.
    for x in xs.iter().take(16) {
        harness::assert_close(&format!("{id} int8"), &q.forward(x), &net.forward(x), 0.05);
    }
    let qs: Vec<[i8; IN]> = xs.iter().map(|x| q.quantize_input(x)).collect();
    let mut g = c.benchmark_group("int8");
    harness::forward(&mut g, "f32", id, xs, |x| net.forward(x));
    harness::forward(&mut g, "int8", id, &qs, |x| q.forward_int8(x));
    harness::forward(&mut g, "int8+convert", id, xs, |x| q.forward(x));
    g.finish();
}

fn bench(c: &mut Criterion) {
    let circles: CirclesExact = weights();
    workload(c, "circles", &circles, &inputs::<2>(CYCLED_INPUTS, -1.0, 1.0, 7));
    let digits: DigitsExact = weights();
    workload(c, "digits", &digits, &inputs::<64>(CYCLED_INPUTS, 0.0, 1.0, 8));
}

criterion_group!(benches, bench);
criterion_main!(benches);
