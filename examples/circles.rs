//! The circles classifier of the seed articles, trained end to end.
//!
//! `cargo run --release -p constnet-examples --example circles [OUTPUT.png]`
//!
//! Two noisy concentric rings (scikit-learn's `make_circles(1000, factor = 0.3, noise = 0.1)`),
//! split 90/10, a 2-4-6-6-4-1 network (ReLU, sigmoid output), binary cross-entropy, Adamax,
//! mini-batches of 32. Prints one progress line per epoch and the final test accuracy, then draws
//! the decision boundary over the data and the loss/accuracy curves (the article's figures 3
//! and 7) into a PNG.

use constnet::data::{circles, shuffle_pairs, split};
use constnet::loss::BinaryCrossEntropy;
use constnet::metrics::binary_accuracy;
use constnet::optim::{Adamax, Schedule};
use constnet::prelude::*;
use constnet::rand::{SeedableRng, rngs::Xoshiro128PlusPlus};
use constnet::train::{Batch, Control, FitConfig, FitData, Metric, Trainer};
use plotters::prelude::*;
use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

network! {
    /// The circles classifier from the seed articles.
    pub struct Circles<f32> {
        hidden1: Dense<2, 4, Relu>,
        hidden2: Dense<4, 6, Relu>,
        hidden3: Dense<6, 6, Relu>,
        hidden4: Dense<6, 4, Relu>,
        output: Dense<4, 1, Sigmoid>,
    }
}

/// Per-epoch numbers for the curves.
#[derive(Default)]
struct History {
    loss: Vec<f64>,
    val_loss: Vec<f64>,
    accuracy: Vec<f64>,
    val_accuracy: Vec<f64>,
}

fn main() -> Result<(), Box<dyn Error>> {
    let output = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("target").join("circles.png"));
    let started = Instant::now();

    let mut rng = Xoshiro128PlusPlus::seed_from_u64(3);
    let mut inputs = vec![[0.0f32; 2]; 1000];
    let mut labels = vec![[0.0f32; 1]; 1000];
    circles(&mut inputs, &mut labels, 0.3, 0.1, &mut rng)?;
    shuffle_pairs(&mut inputs, &mut labels, &mut rng)?;
    let parts = split(&inputs, &labels, 0.1)?;
    let (mut train_x, mut train_y) = (parts.train_inputs.to_vec(), parts.train_targets.to_vec());
    let (test_x, test_y) = (parts.validation_inputs, parts.validation_targets);

    let mut net = Circles::random(&mut Xoshiro128PlusPlus::seed_from_u64(11));
    println!(
        "{} parameters ({} bytes); {} training and {} test samples",
        Circles::PARAMS,
        size_of::<Circles>(),
        train_x.len(),
        test_x.len()
    );
    let mut trainer = Trainer::new(Adamax::default(), BinaryCrossEntropy, Schedule::Constant(0.01))?;
    let config = FitConfig::new(60).batch(Batch::Mini(32)).metric(Metric::Binary);
    let mut history = History::default();
    let data = FitData::new(&mut train_x, &mut train_y).with_validation(test_x, test_y);
    let report = trainer.fit(&mut net, data, &config, &mut rng, |epoch| {
        println!("{epoch}");
        history.loss.push(epoch.train_loss);
        history.val_loss.push(epoch.validation_loss.unwrap_or(f64::NAN));
        history.accuracy.push(epoch.train_accuracy.unwrap_or(f64::NAN));
        history.val_accuracy.push(epoch.validation_accuracy.unwrap_or(f64::NAN));
        Control::Continue
    })?;
    let trained = started.elapsed();
    let accuracy = binary_accuracy(&net, test_x, test_y)?;
    println!("{report}");
    println!("test accuracy {:.2}% on {} held-out points; trained in {trained:.2?}", accuracy * 100.0, test_x.len());

    draw(&net, &inputs, &labels, &history, &output)?;
    println!("wrote {} (decision boundary and training curves)", output.display());
    Ok(())
}

fn draw(
    net: &Circles,
    inputs: &[[f32; 2]],
    labels: &[[f32; 1]],
    history: &History,
    path: &PathBuf,
) -> Result<(), Box<dyn Error>> {
    plotters::style::register_font("sans-serif", FontStyle::Normal, dejavu::sans::regular())
        .map_err(|_| "the embedded DejaVu font could not be loaded")?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let root = BitMapBackend::new(path, (1400, 600)).into_drawing_area();
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(650);

    // Figure 3: the data over the network's probability field.
    let mut chart = ChartBuilder::on(&left)
        .caption("decision boundary: P(inner ring)", ("sans-serif", 24))
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
    chart.draw_series(inputs.iter().zip(labels).map(|(x, y)| {
        let color = if y[0] >= 0.5 { RGBColor(220, 110, 0) } else { RGBColor(30, 70, 180) };
        Circle::new((x[0], x[1]), 2, color.filled())
    }))?;
    // The 0.5 contour, traced on the grid.
    chart.draw_series((0..cells * cells).filter_map(|i| {
        let (cx, cy) = (-1.5 + (i % cells) as f32 * step, -1.5 + (i / cells) as f32 * step);
        let here = net.forward(&[cx, cy])[0] >= 0.5;
        let right = net.forward(&[cx + step, cy])[0] >= 0.5;
        let up = net.forward(&[cx, cy + step])[0] >= 0.5;
        (here != right || here != up).then(|| Circle::new((cx, cy), 1, BLACK.filled()))
    }))?;

    // Figure 7: loss and accuracy per epoch.
    let (top, bottom) = right.split_vertically(300);
    let epochs = history.loss.len() as f64;
    let max_loss = history.loss.iter().chain(&history.val_loss).cloned().fold(0.0f64, f64::max) * 1.05;
    let mut losses = ChartBuilder::on(&top)
        .caption("loss (binary cross-entropy)", ("sans-serif", 22))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(50)
        .build_cartesian_2d(1f64..epochs, 0f64..max_loss)?;
    losses.configure_mesh().x_desc("epoch").draw()?;
    let curve = |v: &[f64]| v.iter().enumerate().map(|(i, &y)| ((i + 1) as f64, y)).collect::<Vec<_>>();
    losses
        .draw_series(LineSeries::new(curve(&history.loss), BLUE.stroke_width(2)))?
        .label("train")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    losses
        .draw_series(LineSeries::new(curve(&history.val_loss), RED.stroke_width(2)))?
        .label("test")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], RED.stroke_width(2)));
    losses.configure_series_labels().background_style(WHITE).border_style(BLACK).draw()?;
    let mut accuracy = ChartBuilder::on(&bottom)
        .caption("accuracy", ("sans-serif", 22))
        .margin(10)
        .x_label_area_size(30)
        .y_label_area_size(50)
        .build_cartesian_2d(1f64..epochs, 0.4f64..1.01f64)?;
    accuracy.configure_mesh().x_desc("epoch").draw()?;
    accuracy
        .draw_series(LineSeries::new(curve(&history.accuracy), BLUE.stroke_width(2)))?
        .label("train")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    accuracy
        .draw_series(LineSeries::new(curve(&history.val_accuracy), RED.stroke_width(2)))?
        .label("test")
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
