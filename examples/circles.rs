//! The circles classifier of Piotr Skalski's "Deep Dive into Math Behind Deep Networks", trained
//! end to end.
//!
//! `cargo run --release -p constnet-examples --example circles [OUTPUT.png]`
//!
//! Two noisy concentric rings (scikit-learn's `make_circles(1000, factor = 0.3, noise = 0.1)`),
//! split per class into 800 training, 100 validation and 100 test points; a 2-4-6-6-4-1 network
//! (ReLU, sigmoid output), binary cross-entropy, Adamax, mini-batches of 32. Prints one progress
//! line per epoch (`val_` = the validation points), the training throughput, and the accuracy on
//! the test points, which are used once, after training. Then draws the decision boundary over
//! the data and the loss/accuracy curves (as in the article's figures) into a PNG.

use constnet::data::{circles, stratified_split};
use constnet::loss::BinaryCrossEntropy;
use constnet::metrics::{binary_accuracy, predicted_class};
use constnet::optim::{Adamax, Optimizer, Schedule};
use constnet::prelude::*;
use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
use constnet::train::{Batch, Control, EpochReport, FitConfig, FitData, Metric, Trainer};
use plotters::prelude::*;
use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

network! {
    /// The circles classifier of "Deep Dive into Math Behind Deep Networks".
    pub struct Circles<f32> {
        hidden1: Dense<2, 4, Relu>,
        hidden2: Dense<4, 6, Relu>,
        hidden3: Dense<6, 6, Relu>,
        hidden4: Dense<6, 4, Relu>,
        output: Dense<4, 1, Sigmoid>,
    }
}

const SAMPLES: usize = 1000;
const EPOCHS: usize = 60;
const BATCH: usize = 32;
const LEARNING_RATE: f64 = 0.01;

/// Per-epoch numbers for the curves.
#[derive(Default)]
struct History {
    loss: Vec<f64>,
    val_loss: Vec<f64>,
    accuracy: Vec<f64>,
    val_accuracy: Vec<f64>,
}

/// The three parts of the data set, each a list of (input, label) pairs.
struct Parts<'a> {
    train: (&'a [[f32; 2]], &'a [[f32; 1]]),
    validation: (&'a [[f32; 2]], &'a [[f32; 1]]),
    test: (&'a [[f32; 2]], &'a [[f32; 1]]),
}

fn main() -> Result<(), Box<dyn Error>> {
    let output = match std::env::args_os().nth(1) {
        Some(path) => PathBuf::from(path),
        // The workspace's `target/`, spelled without `..`.
        None => Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".")).join("target/circles.png"),
    };

    let mut rng = Xoshiro128PlusPlus::seed_from_u64(3);
    let mut inputs = vec![[0.0f32; 2]; SAMPLES];
    let mut labels = vec![[0.0f32; 1]; SAMPLES];
    circles(&mut inputs, &mut labels, 0.3, 0.1, &mut rng)?;
    // 10% of each ring for the test, then 100 of the remaining 900 for validation: the
    // validation points steer nothing here, but they are what the epoch lines report on, so
    // the test points stay unseen until the end.
    let rest = stratified_split(&mut inputs, &mut labels, 0.1, predicted_class, &mut rng)?;
    let (test_x, test_y) = (&*rest.validation_inputs, &*rest.validation_targets);
    let fit = stratified_split(rest.train_inputs, rest.train_targets, 1.0 / 9.0, predicted_class, &mut rng)?;
    let (val_x, val_y) = (&*fit.validation_inputs, &*fit.validation_targets);
    let (train_x, train_y) = (fit.train_inputs, fit.train_targets);

    let mut net = Circles::random(&mut Xoshiro128PlusPlus::seed_from_u64(11));
    let optimizer = Adamax::default();
    println!(
        "Circles {}: {} parameters ({} bytes); {} training, {} validation and {} test points",
        architecture(&net),
        Circles::PARAMS,
        size_of::<Circles>(),
        train_x.len(),
        val_x.len(),
        test_x.len()
    );
    let mut trainer = Trainer::new(optimizer, BinaryCrossEntropy, Schedule::Constant(LEARNING_RATE))?;
    let config = FitConfig::new(EPOCHS).batch(Batch::Mini(BATCH)).metric(Metric::Binary);
    let mut history = History::default();
    let mut epoch_times = Vec::new();
    let data = FitData::new(train_x, train_y).with_validation(val_x, val_y);
    let started = Instant::now();
    let report = trainer.fit(&mut net, data, &config, &mut rng, |epoch| {
        // One ~80 µs epoch is too short to time on its own (timer and scheduler noise): the
        // lines leave the rate out, and the summary below gives the median and the total.
        println!("{}", EpochReport { elapsed: None, ..*epoch });
        epoch_times.extend(epoch.elapsed);
        history.loss.push(epoch.train_loss);
        history.val_loss.push(epoch.validation_loss.unwrap_or(f64::NAN));
        history.accuracy.push(epoch.train_accuracy.unwrap_or(f64::NAN));
        history.val_accuracy.push(epoch.validation_accuracy.unwrap_or(f64::NAN));
        Control::Continue
    })?;
    let trained = started.elapsed();
    println!("{report}");
    let samples_per_epoch = report.last.samples as f64;
    if let Some(median) = median(&mut epoch_times) {
        println!(
            "speed: {} samples/s (median epoch: {samples_per_epoch} samples in {median:.1?}); the whole fit took \
             {trained:.2?}, printing included ({} samples/s)",
            si(samples_per_epoch / median.as_secs_f64()),
            si(samples_per_epoch * report.epochs as f64 / trained.as_secs_f64()),
        );
    }
    let accuracy = binary_accuracy(&net, test_x, test_y)?;
    println!("test accuracy {:.2}% on the {} test points", accuracy * 100.0, test_x.len());

    let name = <Adamax as Optimizer<f32>>::NAME;
    let title = [
        format!("Network: Circles {}, {} parameters; loss: binary cross-entropy", architecture(&net), Circles::PARAMS),
        format!(
            "Optimizer: {}{} (η = {LEARNING_RATE}, β₁ = {}, β₂ = {}, ε = {:e}), batches of {BATCH}, {} epochs; {} \
             training, {} validation, {} test points",
            name[..1].to_uppercase(),
            &name[1..],
            optimizer.beta1,
            optimizer.beta2,
            optimizer.epsilon,
            report.epochs,
            train_x.len(),
            val_x.len(),
            test_x.len()
        ),
    ];
    let parts = Parts { train: (train_x, train_y), validation: (val_x, val_y), test: (test_x, test_y) };
    draw(&net, &parts, &history, &title, &output)?;
    let shown = std::fs::canonicalize(&output).unwrap_or(output);
    println!("wrote {} (decision boundary and training curves)", shown.display());
    Ok(())
}

/// `2-4-6-6-4-1 (ReLU, sigmoid)`: the widths read from the network's weight tensors.
fn architecture(net: &Circles) -> String {
    let mut widths = vec![Circles::INPUTS.to_string()];
    for layer in 0..Circles::TENSORS / 2 {
        widths.push(net.tensor(2 * layer + 1).len().to_string()); // the bias: one per output
    }
    format!("{} ({} hidden, {} output)", widths.join("-"), Relu::NAME, Sigmoid::NAME)
}

/// The median of some durations (sorts them).
fn median(times: &mut [Duration]) -> Option<Duration> {
    times.sort_unstable();
    let n = times.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(times[n / 2]),
        _ => Some((times[n / 2 - 1] + times[n / 2]) / 2),
    }
}

/// A rate with three significant digits and an SI prefix: `1.02 M`.
fn si(value: f64) -> String {
    let (mut v, mut prefix) = (value, "");
    for next in [" k", " M", " G"] {
        if v < 999.5 {
            break;
        }
        v /= 1000.0;
        prefix = next;
    }
    let decimals = if prefix.is_empty() || v >= 99.95 {
        0
    } else if v >= 9.995 {
        1
    } else {
        2
    };
    format!("{v:.decimals$}{prefix}")
}

fn draw(
    net: &Circles,
    parts: &Parts<'_>,
    history: &History,
    title: &[String; 2],
    path: &Path,
) -> Result<(), Box<dyn Error>> {
    plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
        .map_err(|_| "the embedded DejaVu font could not be loaded")?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let root = BitMapBackend::new(path, (1400, 640)).into_drawing_area();
    root.fill(&WHITE)?;
    // Two title lines: the network, then the optimizer and the data.
    let (head, root) = root.split_vertically(64);
    for (line, text) in title.iter().enumerate() {
        head.draw(&Text::new(text.as_str(), (20, 10 + 26 * line as i32), ("sans-serif", 19)))?;
    }
    let (left, right) = root.split_horizontally(650);

    // Figure 3: the data over the network's probability field.
    let mut chart = ChartBuilder::on(&left)
        .caption("decision boundary: P(inner ring)", ("sans-serif", 22))
        .margin(15)
        .x_label_area_size(35)
        .y_label_area_size(45)
        .build_cartesian_2d(-1.5f32..1.5f32, -1.5f32..1.5f32)?;
    chart.configure_mesh().disable_mesh().x_desc("x₁").y_desc("x₂").draw()?;
    let cells = 150;
    let step = 3.0 / cells as f32;
    chart.draw_series((0..cells * cells).map(|i| {
        let (cx, cy) = (-1.5 + (i % cells) as f32 * step, -1.5 + (i / cells) as f32 * step);
        let p = net.forward(&[cx + step / 2.0, cy + step / 2.0])[0];
        // Blue for the outer ring (0), orange for the inner ring (1), pale near 0.5.
        let shade = |a: f32, b: f32| (255.0 - (255.0 - (a * (1.0 - p) + b * p)) * 0.35) as u8;
        let color = RGBColor(shade(60.0, 240.0), shade(110.0, 150.0), shade(220.0, 40.0));
        Rectangle::new([(cx, cy), (cx + step, cy + step)], color.filled())
    }))?;
    let ring = |y: &[f32; 1]| if y[0] >= 0.5 { RGBColor(220, 110, 0) } else { RGBColor(30, 70, 180) };
    let (xs, ys) = parts.train;
    chart
        .draw_series(xs.iter().zip(ys).map(|(x, y)| Circle::new((x[0], x[1]), 2, ring(y).filled())))?
        .label("training point")
        .legend(|(x, y)| Circle::new((x, y), 3, BLACK.filled()));
    let (xs, ys) = parts.validation;
    chart
        .draw_series(xs.iter().zip(ys).map(|(x, y)| Circle::new((x[0], x[1]), 4, ring(y).stroke_width(2))))?
        .label("validation point")
        .legend(|(x, y)| Circle::new((x, y), 4, BLACK.stroke_width(2)));
    let (xs, ys) = parts.test;
    chart
        .draw_series(xs.iter().zip(ys).map(|(x, y)| Cross::new((x[0], x[1]), 4, ring(y).stroke_width(2))))?
        .label("test point")
        .legend(|(x, y)| Cross::new((x, y), 4, BLACK.stroke_width(2)));
    // The 0.5 contour, traced on the grid.
    chart.draw_series((0..cells * cells).filter_map(|i| {
        let (cx, cy) = (-1.5 + (i % cells) as f32 * step, -1.5 + (i / cells) as f32 * step);
        let here = net.forward(&[cx, cy])[0] >= 0.5;
        let right = net.forward(&[cx + step, cy])[0] >= 0.5;
        let up = net.forward(&[cx, cy + step])[0] >= 0.5;
        (here != right || here != up).then(|| Circle::new((cx, cy), 1, BLACK.filled()))
    }))?;
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()?;

    // Figure 7: loss and accuracy per epoch, on an integer epoch axis.
    let (top, bottom) = right.split_vertically(300);
    let epochs = u32::try_from(history.loss.len()).unwrap_or(u32::MAX).max(2);
    let max_loss = history.loss.iter().chain(&history.val_loss).copied().fold(0.0f64, f64::max) * 1.05;
    let curve = |v: &[f64]| v.iter().zip(1u32..).map(|(&y, epoch)| (epoch, y)).collect::<Vec<_>>();
    let mut losses = ChartBuilder::on(&top)
        .caption("loss (binary cross-entropy)", ("sans-serif", 22))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(50)
        .build_cartesian_2d(1u32..epochs, 0f64..max_loss)?;
    losses.configure_mesh().x_desc("epoch").draw()?;
    losses
        .draw_series(LineSeries::new(curve(&history.loss), BLUE.stroke_width(2)))?
        .label("training")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    losses
        .draw_series(LineSeries::new(curve(&history.val_loss), RED.stroke_width(2)))?
        .label("validation")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED.stroke_width(2)));
    losses.configure_series_labels().background_style(WHITE).border_style(BLACK).draw()?;
    let mut accuracy = ChartBuilder::on(&bottom)
        .caption("accuracy", ("sans-serif", 22))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(50)
        .build_cartesian_2d(1u32..epochs, 0.4f64..1.01f64)?;
    accuracy.configure_mesh().x_desc("epoch").draw()?;
    accuracy
        .draw_series(LineSeries::new(curve(&history.accuracy), BLUE.stroke_width(2)))?
        .label("training")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    accuracy
        .draw_series(LineSeries::new(curve(&history.val_accuracy), RED.stroke_width(2)))?
        .label("validation")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED.stroke_width(2)));
    accuracy
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE)
        .border_style(BLACK)
        .draw()?;
    root.present()?;
    Ok(())
}
