//! A GRU learns to tell tap gestures apart by their rhythm, where a dense network of the same
//! size, looking at the same windows, does much worse.
//!
//! `cargo run --release -p constnet-examples --example sequence [OUTPUT.png]`
//!
//! Synthetic accelerometer windows of 40 samples hold one gesture at a random moment: two taps
//! close together, two taps far apart, three even taps, or a short tap then a long pause then a
//! tap; with random strength, jitter, drift and noise. What decides the class is the time
//! *between* taps, wherever they happen — a recurrent layer measures it with the same weights at
//! every step, while a dense layer must learn every placement separately.
//!
//! Both models are trained the same way (Adam, cross-entropy, mini-batches of 16, 25 epochs)
//! on the same 1200 windows and tested on 600 others; the dense net is then trained once more
//! for eight times as long, to show that more training does not close the gap. The program
//! prints both learning curves and the test accuracies, runs the trained GRU again one sample per call from a `static`-style
//! streaming copy (the way a microcontroller would), saves that model to `target/sequence.cnet`,
//! and draws test windows with the truth and both predictions, and the accuracy curves, into a
//! PNG.

use constnet::loss::SparseCategoricalCrossEntropy;
use constnet::metrics::class_accuracy;
use constnet::optim::{Adam, Schedule};
use constnet::prelude::*;
use constnet::rand::{Rng, SeedableRng, rngs::Xoshiro128PlusPlus};
use constnet::train::{Batch, Control, FitConfig, FitData, Metric, Trainer};
use plotters::prelude::*;
use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

/// Samples per window.
const WINDOW: usize = 40;
/// Gesture classes.
const CLASSES: usize = 4;
const NAMES: [&str; CLASSES] = ["double tap", "slow double tap", "triple tap", "tap, pause, tap"];

network! {
    /// A GRU over the window (one channel: the window is its own flat input), then a softmax
    /// over the classes: 3·12·(1 + 12 + 2) + 12·4 + 4 = 592 parameters.
    pub struct Rhythm<f32> {
        gru: Gru<1, 12, WINDOW>,
        out: Dense<12, CLASSES, Softmax>,
    }
}

network! {
    /// The dense baseline of about the same size: 40 → 13 → 4, 589 parameters.
    pub struct DenseBaseline<f32> {
        hidden: Dense<WINDOW, 13, Tanh>,
        out: Dense<13, CLASSES, Softmax>,
    }
}

network! {
    /// The same GRU model, one sample per call: what a microcontroller runs, with the weights
    /// in a `static` (flash) and the hidden state in RAM.
    pub struct RhythmStream<f32> {
        gru: Gru<1, 12>,
        out: Dense<12, CLASSES, Softmax>,
    }
}

/// Classifies a window sample by sample with the streaming model, from a fresh state: a
/// `no_std` function (only `core`, no allocation) that firmware can call as it is, with
/// `static NET: RhythmStream = include_model!(RhythmStream, include_bytes!("sequence.cnet"))`.
/// Its RAM: the state (`size_of::<GruState<f32, 12>>()` = 48 bytes) and the stack of one step.
pub fn classify_stream(net: &RhythmStream, samples: &[f32; WINDOW]) -> usize {
    let mut state = <RhythmStream as Network<f32, 1, CLASSES>>::State::default();
    let mut p = [0.0; CLASSES];
    for &x in samples {
        p = net.forward_step(&mut state, &[x]);
    }
    argmax(&p)
}

fn argmax(p: &[f32]) -> usize {
    p.iter().enumerate().fold(0, |best, (i, &v)| if v > p[best] { i } else { best })
}

/// One window of `class`, with the gesture at a random moment.
fn gesture(class: usize, rng: &mut Xoshiro128PlusPlus) -> [f32; WINDOW] {
    let mut uniform = |low: f32, high: f32| low + (high - low) * (rng.next_u32() >> 8) as f32 / (1u32 << 24) as f32;
    let gaps: Vec<f32> = match class {
        0 => vec![uniform(3.0, 5.0)],
        1 => vec![uniform(9.0, 13.0)],
        2 => vec![uniform(4.0, 6.0), uniform(4.0, 6.0)],
        _ => vec![uniform(3.0, 4.5), uniform(9.0, 12.0)],
    };
    let length: f32 = gaps.iter().sum();
    let start = uniform(1.0, WINDOW as f32 - 3.0 - length);
    let mut taps = vec![start];
    for g in &gaps {
        taps.push(taps[taps.len() - 1] + g);
    }
    let (drift, slope) = (uniform(-0.3, 0.3), uniform(-0.01, 0.01));
    let strengths: Vec<f32> = taps.iter().map(|_| uniform(0.6, 1.3)).collect();
    core::array::from_fn(|t| {
        let t = t as f32;
        // Each tap: a sharp bump about 1.5 samples wide.
        let taps: f32 = taps.iter().zip(&strengths).map(|(&c, &a)| a * (-(t - c) * (t - c) / 1.2).exp()).sum();
        let noise = (uniform(-1.0, 1.0) + uniform(-1.0, 1.0) + uniform(-1.0, 1.0)) * 0.1;
        taps + drift + slope * t + noise
    })
}

fn data(n: usize, seed: u64) -> (Vec<[f32; WINDOW]>, Vec<usize>) {
    let mut rng = Xoshiro128PlusPlus::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let class = i % CLASSES;
            (gesture(class, &mut rng), class)
        })
        .unzip()
}

/// Trains `net` for `epochs`, printing one line per epoch; returns the test accuracy per epoch.
fn train<N: Network<f32, WINDOW, CLASSES>>(
    name: &str,
    net: &mut N,
    train: (&[[f32; WINDOW]], &[usize]),
    test: (&[[f32; WINDOW]], &[usize]),
    epochs: usize,
    rate: f64,
) -> Result<Vec<f64>, Box<dyn Error>> {
    let (mut xs, mut ys) = (train.0.to_vec(), train.1.to_vec());
    let mut trainer = Trainer::new(Adam::default(), SparseCategoricalCrossEntropy, Schedule::Constant(rate))?;
    let config = FitConfig::new(epochs).batch(Batch::Mini(16)).metric(Metric::Argmax);
    let data = FitData::new(&mut xs, &mut ys).with_validation(test.0, test.1);
    let mut curve = Vec::new();
    trainer.fit(net, data, &config, &mut Xoshiro128PlusPlus::seed_from_u64(5), |e| {
        let accuracy = e.validation_accuracy.unwrap_or(f64::NAN);
        println!(
            "{name:>5} epoch {:>2}: train loss {:.3}, accuracy {:5.1}% | test loss {:.3}, accuracy {:5.1}%",
            e.epoch,
            e.train_loss,
            e.train_accuracy.unwrap_or(f64::NAN) * 100.0,
            e.validation_loss.unwrap_or(f64::NAN),
            accuracy * 100.0
        );
        curve.push(accuracy);
        Control::Continue
    })?;
    Ok(curve)
}

fn main() -> Result<(), Box<dyn Error>> {
    let output = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("target").join("sequence.png"));
    let (train_x, train_y) = data(1200, 1);
    let (test_x, test_y) = data(600, 2);
    let epochs = 25;
    println!(
        "{} training and {} test windows of {WINDOW} samples, {CLASSES} rhythms; GRU {} parameters, dense {} parameters",
        train_x.len(),
        test_x.len(),
        Rhythm::PARAMS,
        DenseBaseline::PARAMS
    );

    let started = Instant::now();
    let mut gru = Rhythm::random(&mut Xoshiro128PlusPlus::seed_from_u64(7));
    let gru_curve = train("GRU", &mut gru, (&train_x, &train_y), (&test_x, &test_y), epochs, 0.01)?;
    let gru_time = started.elapsed();
    let started = Instant::now();
    let mut dense = DenseBaseline::random(&mut Xoshiro128PlusPlus::seed_from_u64(7));
    let dense_curve = train("dense", &mut dense, (&train_x, &train_y), (&test_x, &test_y), epochs, 0.01)?;
    let dense_time = started.elapsed();
    // Is the dense net just slower to learn? Give it eight times the epochs (quietly).
    let mut patient = DenseBaseline::random(&mut Xoshiro128PlusPlus::seed_from_u64(7));
    let mut quiet_trainer = Trainer::new(Adam::default(), SparseCategoricalCrossEntropy, Schedule::Constant(0.003))?;
    let (mut xs, mut ys) = (train_x.clone(), train_y.clone());
    let config = FitConfig::new(8 * epochs).batch(Batch::Mini(16)).metric(Metric::Argmax);
    let long = quiet_trainer.fit(
        &mut patient,
        FitData::new(&mut xs, &mut ys),
        &config,
        &mut Xoshiro128PlusPlus::seed_from_u64(5),
        |_| Control::Continue,
    )?;

    let gru_accuracy = class_accuracy(&gru, &test_x, &test_y)?;
    let dense_accuracy = class_accuracy(&dense, &test_x, &test_y)?;
    println!("test accuracy on {} held-out windows:", test_x.len());
    println!("  GRU   {:5.1}%  (trained in {gru_time:.2?})", gru_accuracy * 100.0);
    println!("  dense {:5.1}%  (trained in {dense_time:.2?})", dense_accuracy * 100.0);
    println!(
        "  dense {:5.1}%  after {} epochs at rate 0.003 (training accuracy {:.1}%: it memorises placements)",
        class_accuracy(&patient, &test_x, &test_y)? * 100.0,
        long.epochs,
        long.last.train_accuracy.unwrap_or(f64::NAN) * 100.0
    );

    // The trained GRU, one sample per call, as firmware would run it.
    let stream = RhythmStream::from_layers(gru.gru.with_steps(), gru.out.clone());
    let agree = test_x.iter().filter(|x| classify_stream(&stream, x) == argmax(&gru.forward(x))).count();
    println!("streaming, one sample per call: the same class for {agree} of {} windows", test_x.len());
    let model = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("target").join("sequence.cnet");
    std::fs::create_dir_all(model.parent().ok_or("no parent")?)?;
    stream.save(&model)?;
    println!("wrote {} ({} bytes, the streaming model)", model.display(), RhythmStream::BYTES);

    draw(&gru, &dense, &test_x, &test_y, (&gru_curve, &dense_curve), &output)?;
    println!("wrote {} (test windows with truth and predictions, accuracy curves)", output.display());
    Ok(())
}

fn draw(
    gru: &Rhythm,
    dense: &DenseBaseline,
    xs: &[[f32; WINDOW]],
    ys: &[usize],
    curves: (&[f64], &[f64]),
    path: &PathBuf,
) -> Result<(), Box<dyn Error>> {
    plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
        .map_err(|_| "the embedded DejaVu font could not be loaded")?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let root = BitMapBackend::new(path, (1500, 900)).into_drawing_area();
    root.fill(&WHITE)?;
    let (windows, bottom) = root.split_vertically(600);
    let panels = windows.split_evenly((2, 4));
    // Two test windows per class: the first that the dense net gets wrong (if any), and one more.
    let mut picked = Vec::new();
    for class in 0..CLASSES {
        let of_class: Vec<usize> = (0..xs.len()).filter(|&i| ys[i] == class).collect();
        let wrong = of_class.iter().copied().find(|&i| argmax(&dense.forward(&xs[i])) != class);
        let first = wrong.unwrap_or(of_class[0]);
        let second = of_class.iter().copied().find(|&i| i != first).unwrap_or(first);
        picked.push(first);
        picked.push(second);
    }
    for (panel, &i) in panels.iter().zip(&picked) {
        let (g, d) = (argmax(&gru.forward(&xs[i])), argmax(&dense.forward(&xs[i])));
        let mark = |p: usize| if p == ys[i] { "✓" } else { "✗" };
        let mut chart = ChartBuilder::on(panel)
            .caption(format!("truth: {}", NAMES[ys[i]]), ("sans-serif", 18))
            .margin(8)
            .x_label_area_size(20)
            .y_label_area_size(30)
            .build_cartesian_2d(0f32..WINDOW as f32, -0.8f32..1.8f32)?;
        chart.configure_mesh().disable_mesh().draw()?;
        chart.draw_series(LineSeries::new(
            xs[i].iter().enumerate().map(|(t, &v)| (t as f32, v)),
            BLACK.stroke_width(2),
        ))?;
        let green_or_red = |p: usize| if p == ys[i] { RGBColor(0, 130, 0) } else { RED };
        chart.draw_series([
            Text::new(
                format!("GRU: {} {}", NAMES[g], mark(g)),
                (1.0, 1.65),
                ("sans-serif", 15).into_font().color(&green_or_red(g)),
            ),
            Text::new(
                format!("dense: {} {}", NAMES[d], mark(d)),
                (1.0, 1.45),
                ("sans-serif", 15).into_font().color(&green_or_red(d)),
            ),
        ])?;
    }

    let epochs = curves.0.len() as f64;
    let mut chart = ChartBuilder::on(&bottom)
        .caption("test accuracy per epoch", ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(35)
        .y_label_area_size(50)
        .build_cartesian_2d(1f64..epochs, 0.2f64..1.01f64)?;
    chart.configure_mesh().x_desc("epoch").y_desc("accuracy").draw()?;
    let curve = |v: &[f64]| v.iter().enumerate().map(|(i, &y)| ((i + 1) as f64, y)).collect::<Vec<_>>();
    chart
        .draw_series(LineSeries::new(curve(curves.0), BLUE.stroke_width(3)))?
        .label(format!("GRU ({} parameters)", Rhythm::PARAMS))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE.stroke_width(3)));
    chart
        .draw_series(LineSeries::new(curve(curves.1), RED.stroke_width(3)))?
        .label(format!("dense ({} parameters)", DenseBaseline::PARAMS))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED.stroke_width(3)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE)
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
