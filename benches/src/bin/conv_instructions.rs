//! Instructions per `Conv1d` forward call, against the two `nalgebra` formulations of the
//! `conv` bench, counted by callgrind (independent of the machine's load, unlike times), and a
//! check that the baselines do not copy their weights: each wrapper below is one call, not
//! inlined, so callgrind attributes its instructions and its `memcpy` calls to it.
//!
//! ```sh
//! cargo build --release -p constnet-benches --bin conv_instructions
//! valgrind --tool=callgrind --callgrind-out-file=cg.out target/release/conv_instructions
//! callgrind_annotate --inclusive=yes cg.out | grep conv_instructions::   # ÷ 100 calls
//! callgrind_annotate --tree=calling --inclusive=yes cg.out | grep -A3 'conv_instructions::n'
//! ```

use constnet::prelude::*;
use constnet::rand::SeedableRng;
use constnet::rand::rngs::Xoshiro128PlusPlus;
use constnet_benches::nalgebra_conv::Conv;
use nalgebra::SMatrix;
use std::hint::black_box;

type L1 = Conv1d<f32, 64, 1, 8, 5, Relu>;
type L2 = Conv1d<f32, 30, 8, 12, 5, Relu>;
type L3 = Conv1d<f32, 32, 16, 16, 3, Relu>;
type L4 = Conv1d<f32, 32, 32, 32, 3, Relu>;

#[inline(never)]
fn c1(l: &L1, x: &[f32; 64]) -> [f32; 480] {
    l.forward(x)
}
#[inline(never)]
fn n1_taps(b: &Conv<1, 8, 5, 5>, x: &SMatrix<f32, 1, 64>) -> SMatrix<f32, 8, 60> {
    b.forward_taps(x)
}
#[inline(never)]
fn n1_im2col(b: &Conv<1, 8, 5, 5>, x: &SMatrix<f32, 1, 64>) -> SMatrix<f32, 8, 60> {
    b.forward_im2col(x)
}
#[inline(never)]
fn c2(l: &L2, x: &[f32; 240]) -> [f32; 312] {
    l.forward(x)
}
#[inline(never)]
fn n2_taps(b: &Conv<8, 12, 5, 40>, x: &SMatrix<f32, 8, 30>) -> SMatrix<f32, 12, 26> {
    b.forward_taps(x)
}
#[inline(never)]
fn n2_im2col(b: &Conv<8, 12, 5, 40>, x: &SMatrix<f32, 8, 30>) -> SMatrix<f32, 12, 26> {
    b.forward_im2col(x)
}
#[inline(never)]
fn c3(l: &L3, x: &[f32; 512]) -> [f32; 480] {
    l.forward(x)
}
#[inline(never)]
fn n3_taps(b: &Conv<16, 16, 3, 48>, x: &SMatrix<f32, 16, 32>) -> SMatrix<f32, 16, 30> {
    b.forward_taps(x)
}
#[inline(never)]
fn n3_im2col(b: &Conv<16, 16, 3, 48>, x: &SMatrix<f32, 16, 32>) -> SMatrix<f32, 16, 30> {
    b.forward_im2col(x)
}

#[inline(never)]
fn c4(l: &L4, x: &[f32; 1024]) -> [f32; 960] {
    l.forward(x)
}
#[inline(never)]
fn n4_taps(b: &Conv<32, 32, 3, 96>, x: &SMatrix<f32, 32, 32>) -> SMatrix<f32, 32, 30> {
    b.forward_taps(x)
}
#[inline(never)]
fn n4_im2col(b: &Conv<32, 32, 3, 96>, x: &SMatrix<f32, 32, 32>) -> SMatrix<f32, 32, 30> {
    b.forward_im2col(x)
}

fn main() {
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(5);
    let (mut l1, mut l2, mut l3, mut l4) = (L1::zeroed(), L2::zeroed(), L3::zeroed(), L4::zeroed());
    l1.init(&mut rng, Init::HeUniform);
    l2.init(&mut rng, Init::HeUniform);
    l3.init(&mut rng, Init::HeUniform);
    l4.init(&mut rng, Init::HeUniform);
    let b1 = Conv::<1, 8, 5, 5>::from_tensors(l1.tensor(0), l1.tensor(1));
    let b2 = Conv::<8, 12, 5, 40>::from_tensors(l2.tensor(0), l2.tensor(1));
    let b3 = Conv::<16, 16, 3, 48>::from_tensors(l3.tensor(0), l3.tensor(1));
    let b4 = Conv::<32, 32, 3, 96>::from_tensors(l4.tensor(0), l4.tensor(1));
    let x4 = [0.3f32; 1024];
    let m4 = SMatrix::<f32, 32, 32>::from_column_slice(&x4);
    let (x1, x2, x3) = ([0.3f32; 64], [0.3f32; 240], [0.3f32; 512]);
    let (m1, m2, m3) =
        (SMatrix::from_column_slice(&x1), SMatrix::from_column_slice(&x2), SMatrix::from_column_slice(&x3));
    for _ in 0..100 {
        black_box(c1(black_box(&l1), black_box(&x1)));
        black_box(n1_taps(black_box(&b1), black_box(&m1)));
        black_box(n1_im2col(black_box(&b1), black_box(&m1)));
        black_box(c2(black_box(&l2), black_box(&x2)));
        black_box(n2_taps(black_box(&b2), black_box(&m2)));
        black_box(n2_im2col(black_box(&b2), black_box(&m2)));
        black_box(c3(black_box(&l3), black_box(&x3)));
        black_box(n3_taps(black_box(&b3), black_box(&m3)));
        black_box(n3_im2col(black_box(&b3), black_box(&m3)));
        black_box(c4(black_box(&l4), black_box(&x4)));
        black_box(n4_taps(black_box(&b4), black_box(&m4)));
        black_box(n4_im2col(black_box(&b4), black_box(&m4)));
    }
}
