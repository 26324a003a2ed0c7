//! `recurrent`: one time step of a GRU and of an LSTM (streaming, `Layer::forward_step` with the
//! state carried from call to call), hidden sizes 8, 16 and 32 with 8 inputs, against the same
//! cells written with `nalgebra`'s fixed-size matrices in the same run.
//!
//! `cargo bench -p constnet-benches --bench recurrent` runs the cases and then prints each
//! ratio constnet ÷ nalgebra from this run's medians (below 1: constnet is faster).
//!
//! Each iteration is one step whose input is the next of 256 cycled inputs (through
//! `black_box`) and whose state is the previous step's: steps cannot overlap, so this is the
//! latency of a step, as in a real-time loop. `constnet` and `nalgebra` use the exact `f32`
//! `exp` and `tanh` of `std`; `constnet-fast` is the same layer with `Fast` gates (constnet's
//! vectorising approximations), the configuration the other benches compare. All get the same
//! weights (PyTorch's default initialisation from a fixed seed) and first have to agree on 300
//! steps of the same inputs.

use constnet::layer::{Fast, Gru, GruState, LastStep, Lstm, LstmState};
use constnet::rand::SeedableRng;
use constnet::rand::rngs::Xoshiro128PlusPlus;
use constnet::{Init, Layer, Parameters};
use constnet_benches::harness::{self, CYCLED_INPUTS, Group, assert_close};
use constnet_benches::workloads::{WEIGHT_SEED, inputs};
use criterion::Criterion;
use nalgebra::{SMatrix, SVector};
use std::hint::black_box;
use std::path::{Path, PathBuf};

/// Inputs per step in every case.
const IN: usize = 8;
/// Hidden sizes, in case order.
const HIDDEN: [usize; 3] = [8, 16, 32];

/// The exact logistic sigmoid.
#[inline]
fn sigmoid(v: f32) -> f32 {
    1.0 / (1.0 + (-v).exp())
}

/// A GRU cell with `nalgebra`: `G = 3·H` rows of gates, PyTorch's layout. The step multiplies
/// borrowed matrices (`&self.w_ih * x`), so no weight is copied per call. On a 64-byte
/// boundary, as constnet's `Gru` is (the nalgebra layers of the other benches are too).
#[repr(C, align(64))]
struct NaGru<const H: usize, const G: usize> {
    w_ih: SMatrix<f32, G, IN>,
    w_hh: SMatrix<f32, G, H>,
    b_ih: SVector<f32, G>,
    b_hh: SVector<f32, G>,
}

impl<const H: usize, const G: usize> NaGru<H, G> {
    fn new(gru: &Gru<f32, IN, H>) -> Self {
        assert_eq!(G, 3 * H);
        Self {
            w_ih: SMatrix::from_row_slice(gru.tensor(0)),
            w_hh: SMatrix::from_row_slice(gru.tensor(1)),
            b_ih: SVector::from_column_slice(gru.tensor(2)),
            b_hh: SVector::from_column_slice(gru.tensor(3)),
        }
    }

    // References on purpose (clippy would take the matrices by value, which copies them into
    // the multiplication; `&m * v` reads them where they are).
    #[allow(clippy::op_ref)]
    #[inline(never)]
    fn step(&self, h: &mut SVector<f32, H>, x: &SVector<f32, IN>) {
        let gi = &self.w_ih * x + &self.b_ih;
        let gh = &self.w_hh * &*h + &self.b_hh;
        let r = (gi.fixed_rows::<H>(0) + gh.fixed_rows::<H>(0)).map(sigmoid);
        let z = (gi.fixed_rows::<H>(H) + gh.fixed_rows::<H>(H)).map(sigmoid);
        let n = (gi.fixed_rows::<H>(2 * H) + r.component_mul(&gh.fixed_rows::<H>(2 * H))).map(f32::tanh);
        *h = &n + z.component_mul(&(&*h - &n));
    }
}

/// An LSTM cell with `nalgebra`: `G = 4·H` rows of gates (i, f, g, o), PyTorch's layout, on a
/// 64-byte boundary as constnet's `Lstm` is.
#[repr(C, align(64))]
struct NaLstm<const H: usize, const G: usize> {
    w_ih: SMatrix<f32, G, IN>,
    w_hh: SMatrix<f32, G, H>,
    b: SVector<f32, G>,
}

impl<const H: usize, const G: usize> NaLstm<H, G> {
    fn new(lstm: &Lstm<f32, IN, H>) -> Self {
        assert_eq!(G, 4 * H);
        let b_ih = SVector::<f32, G>::from_column_slice(lstm.tensor(2));
        let b_hh = SVector::<f32, G>::from_column_slice(lstm.tensor(3));
        Self {
            w_ih: SMatrix::from_row_slice(lstm.tensor(0)),
            w_hh: SMatrix::from_row_slice(lstm.tensor(1)),
            // The two biases always add: one vector (a saving constnet does not make).
            b: b_ih + b_hh,
        }
    }

    #[allow(clippy::op_ref)]
    #[inline(never)]
    fn step(&self, h: &mut SVector<f32, H>, c: &mut SVector<f32, H>, x: &SVector<f32, IN>) {
        let a = &self.w_ih * x + &self.w_hh * &*h + &self.b;
        let i = a.fixed_rows::<H>(0).map(sigmoid);
        let f = a.fixed_rows::<H>(H).map(sigmoid);
        let g = a.fixed_rows::<H>(2 * H).map(f32::tanh);
        let o = a.fixed_rows::<H>(3 * H).map(sigmoid);
        *c = f.component_mul(c) + i.component_mul(&g);
        *h = o.component_mul(&c.map(f32::tanh));
    }
}

/// Runs `steps` of both implementations on the same inputs and checks the hidden states agree.
fn agree<const H: usize>(
    what: &str,
    xs: &[[f32; IN]],
    mut ours: impl FnMut(&[f32; IN]) -> [f32; H],
    mut theirs: impl FnMut(&SVector<f32, IN>) -> SVector<f32, H>,
) {
    let (mut a, mut b) = ([0.0; H], SVector::zeros());
    for x in xs.iter().cycle().take(300) {
        a = ours(x);
        b = theirs(&SVector::from_column_slice(x));
    }
    assert!(a.iter().any(|v| v.abs() > 1e-2), "{what}: the state is not trivially small");
    assert_close(what, &a, b.as_slice(), 2e-5);
}

fn gru_case<const H: usize, const G: usize>(g: &mut Group<'_>, xs: &[[f32; IN]], nxs: &[SVector<f32, IN>]) {
    let mut gru = Gru::<f32, IN, H>::zeroed();
    Layer::<f32, IN, H>::init(&mut gru, &mut Xoshiro128PlusPlus::seed_from_u64(WEIGHT_SEED), Init::Default);
    let na = NaGru::<H, G>::new(&gru);
    let id = format!("gru-{H}");
    let (mut s, mut h) = (GruState::default(), SVector::zeros());
    agree(
        &id,
        xs,
        |x| Layer::<f32, IN, H>::forward_step(&gru, &mut s, x),
        |x| {
            na.step(&mut h, x);
            h
        },
    );
    let mut state = GruState::default();
    harness::forward(g, "constnet", &id, xs, |x| Layer::<f32, IN, H>::forward_step(&gru, &mut state, x));
    let fast: Gru<f32, IN, H, 1, LastStep, Fast> = gru.with_steps();
    let (mut s, mut h) = (GruState::default(), SVector::zeros());
    agree(
        &format!("{id} fast"),
        xs,
        |x| Layer::<f32, IN, H>::forward_step(&fast, &mut s, x),
        |x| {
            na.step(&mut h, x);
            h
        },
    );
    let mut state = GruState::default();
    harness::forward(g, "constnet-fast", &id, xs, |x| Layer::<f32, IN, H>::forward_step(&fast, &mut state, x));
    let mut h = SVector::<f32, H>::zeros();
    harness::forward(g, "nalgebra", &id, nxs, |x| {
        na.step(&mut h, x);
        black_box(&h);
    });
}

fn lstm_case<const H: usize, const G: usize>(g: &mut Group<'_>, xs: &[[f32; IN]], nxs: &[SVector<f32, IN>]) {
    let mut lstm = Lstm::<f32, IN, H>::zeroed();
    Layer::<f32, IN, H>::init(&mut lstm, &mut Xoshiro128PlusPlus::seed_from_u64(WEIGHT_SEED), Init::Default);
    let na = NaLstm::<H, G>::new(&lstm);
    let id = format!("lstm-{H}");
    let (mut s, mut h, mut c) = (LstmState::default(), SVector::zeros(), SVector::zeros());
    agree(
        &id,
        xs,
        |x| Layer::<f32, IN, H>::forward_step(&lstm, &mut s, x),
        |x| {
            na.step(&mut h, &mut c, x);
            h
        },
    );
    let mut state = LstmState::default();
    harness::forward(g, "constnet", &id, xs, |x| Layer::<f32, IN, H>::forward_step(&lstm, &mut state, x));
    let fast: Lstm<f32, IN, H, 1, LastStep, Fast> = lstm.with_steps();
    let (mut s, mut h, mut c) = (LstmState::default(), SVector::zeros(), SVector::zeros());
    agree(
        &format!("{id} fast"),
        xs,
        |x| Layer::<f32, IN, H>::forward_step(&fast, &mut s, x),
        |x| {
            na.step(&mut h, &mut c, x);
            h
        },
    );
    let mut state = LstmState::default();
    harness::forward(g, "constnet-fast", &id, xs, |x| Layer::<f32, IN, H>::forward_step(&fast, &mut state, x));
    let (mut h, mut c) = (SVector::<f32, H>::zeros(), SVector::<f32, H>::zeros());
    harness::forward(g, "nalgebra", &id, nxs, |x| {
        na.step(&mut h, &mut c, x);
        black_box(&h);
    });
}

fn recurrent(c: &mut Criterion) {
    let xs = inputs::<IN>(CYCLED_INPUTS, -1.0, 1.0, 9);
    let nxs: Vec<SVector<f32, IN>> = xs.iter().map(|x| SVector::from_column_slice(x)).collect();
    let mut g = c.benchmark_group("recurrent");
    gru_case::<8, 24>(&mut g, &xs, &nxs);
    gru_case::<16, 48>(&mut g, &xs, &nxs);
    gru_case::<32, 96>(&mut g, &xs, &nxs);
    lstm_case::<8, 32>(&mut g, &xs, &nxs);
    lstm_case::<16, 64>(&mut g, &xs, &nxs);
    lstm_case::<32, 128>(&mut g, &xs, &nxs);
    g.finish();
}

/// Where criterion wrote its results: `CRITERION_HOME`, or `criterion/` in the target directory.
fn criterion_home() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return home.into();
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("target"), PathBuf::from);
    target.join("criterion")
}

fn main() {
    let mut c = constnet_benches::criterion().configure_from_args();
    recurrent(&mut c);
    c.final_summary();
    // `--test` (CI) runs each case once and measures nothing.
    if std::env::args().any(|a| a == "--test" || a == "--list") {
        return;
    }
    let home = criterion_home();
    println!("\nmedian time per step, this run ({}):", home.display());
    println!("| cell | constnet | constnet fast | nalgebra | constnet ÷ nalgebra | fast ÷ nalgebra |");
    println!("|---|--:|--:|--:|--:|--:|");
    for kind in ["gru", "lstm"] {
        for h in HIDDEN {
            let id = format!("{kind}-{h}");
            let median = |f: &str| constnet_benches::report::median_ns(&home, "recurrent", f, Some(&id));
            match (median("constnet"), median("constnet-fast"), median("nalgebra")) {
                (Some(a), Some(f), Some(b)) => {
                    println!("| {id} | {a:.1} ns | {f:.1} ns | {b:.1} ns | {:.2} | {:.2} |", a / b, f / b)
                }
                _ => println!("| {id} | not measured in this run | | | | |"),
            }
        }
    }
}
