//! The report: criterion's medians for every case, as one table of ratios to the baselines
//! measured in the same run.

use crate::workloads::SPECS;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// Samples per iteration of the `throughput` measure.
pub const BATCH: usize = 1024;
/// Samples per epoch of the `fit_epoch` workloads.
pub const FIT_SAMPLES: &[(&str, usize)] = &[("circles", 900), ("digits", 1437)];

/// Samples per epoch of the `batch_train` workloads.
pub const BATCH_TRAIN_SAMPLES: &[(&str, usize)] = &[("digits", 1437), ("mnist", 1024)];

/// The implementations, in column order; `constnet` is the numerator of every ratio.
pub const IMPLEMENTATIONS: &[(&str, &str)] = &[
    ("nalgebra", "nalgebra"),
    ("nalgebra-batched", "nalgebra GEMM"),
    ("vecvec", "Vec<Vec>"),
    ("constnet-exact", "constnet exact"),
    ("constnet-sample", "constnet per-sample"),
];

/// The measures, in row order.
pub const MEASURES: &[&str] = &["forward", "latency", "throughput", "train_step", "fit_epoch", "batch_train"];

/// A speed target: `constnet ÷ baseline ≤ max` for a measure and workload.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// Measure (criterion group).
    pub measure: &'static str,
    /// Workload.
    pub workload: &'static str,
    /// The baseline in the denominator.
    pub baseline: &'static str,
    /// Largest acceptable ratio.
    pub max: f64,
}

/// The ratio targets the table is checked against.
pub const TARGETS: &[Target] = &[
    Target { measure: "forward", workload: "audio", baseline: "nalgebra", max: 0.12 },
    Target { measure: "forward", workload: "digits", baseline: "nalgebra", max: 0.55 },
    Target { measure: "forward", workload: "mnist", baseline: "nalgebra", max: 0.75 },
    Target { measure: "throughput", workload: "circles", baseline: "nalgebra", max: 0.25 },
    Target { measure: "throughput", workload: "digits", baseline: "nalgebra", max: 0.4 },
    Target { measure: "throughput", workload: "mnist", baseline: "nalgebra-batched", max: 1.0 },
    Target { measure: "train_step", workload: "xor", baseline: "nalgebra", max: 0.9 },
    Target { measure: "train_step", workload: "circles", baseline: "nalgebra", max: 0.9 },
    Target { measure: "train_step", workload: "digits", baseline: "nalgebra", max: 0.7 },
    Target { measure: "batch_train", workload: "digits", baseline: "constnet-sample", max: 1.0 / 3.0 },
];

/// Minimum fractions of the FMA peak: `(measure, workload, fraction)`.
pub const PEAK_TARGETS: &[(&str, &str, f64)] =
    &[("forward", "mnist", 0.55), ("throughput", "digits", 0.5), ("throughput", "mnist", 0.7)];

/// Criterion's median time per iteration, in ns, of `group/function/parameter`.
pub fn median_ns(home: &Path, group: &str, function: &str, parameter: Option<&str>) -> Option<f64> {
    let mut path = home.join(group).join(function);
    if let Some(p) = parameter {
        path = path.join(p);
    }
    let text = fs::read_to_string(path.join("new").join("estimates.json")).ok()?;
    let median = &text[text.find("\"median\"")?..];
    let value = &median[median.find("\"point_estimate\":")? + "\"point_estimate\":".len()..];
    let end = value.find([',', '}'])?;
    value[..end].trim().parse().ok()
}

/// The element count criterion recorded for a case (`Throughput::Elements`), so the report
/// never depends on constants compiled with other target features than the benches.
pub fn elements(home: &Path, group: &str, function: &str, parameter: &str) -> Option<f64> {
    let text =
        fs::read_to_string(home.join(group).join(function).join(parameter).join("new").join("benchmark.json")).ok()?;
    let value = &text[text.find("\"Elements\":")? + "\"Elements\":".len()..];
    let end = value.find([',', '}'])?;
    value[..end].trim().parse().ok()
}

/// Samples per iteration of a measure.
fn samples(measure: &str, workload: &str) -> usize {
    match measure {
        "throughput" => BATCH,
        "fit_epoch" => FIT_SAMPLES.iter().find(|(w, _)| *w == workload).map_or(1, |&(_, n)| n),
        "batch_train" => BATCH_TRAIN_SAMPLES.iter().find(|(w, _)| *w == workload).map_or(1, |&(_, n)| n),
        _ => 1,
    }
}

/// The workloads of a measure, in order.
fn workloads(measure: &str) -> Vec<&'static str> {
    match measure {
        "train_step" => vec!["xor", "circles", "digits", "circles-adam", "digits-adam"],
        "fit_epoch" => FIT_SAMPLES.iter().map(|(w, _)| *w).collect(),
        "batch_train" => BATCH_TRAIN_SAMPLES.iter().map(|(w, _)| *w).collect(),
        _ => SPECS.iter().map(|s| s.id).collect(),
    }
}

/// Multiply-accumulates per sample of a measure's workload, for the `% of FMA peak` column:
/// inference for `forward` and `throughput`, a training pass for `batch_train`.
fn macs(measure: &str, workload: &str) -> Option<usize> {
    let spec = SPECS.iter().find(|s| s.id == workload)?;
    match measure {
        "forward" | "throughput" => Some(spec.macs()),
        "batch_train" => Some(spec.train_macs()),
        _ => None,
    }
}

/// A target ratio as written in the targets list: at most two decimals, no trailing zeros
/// (`0.55`, `1`, `0.33` for a third).
fn format_target(max: f64) -> String {
    let text = format!("{max:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn format_ns(ns: f64) -> String {
    if ns >= 100_000.0 {
        format!("{:.0} µs", ns / 1000.0)
    } else if ns >= 10_000.0 {
        format!("{:.1} µs", ns / 1000.0)
    } else if ns >= 1000.0 {
        format!("{:.2} µs", ns / 1000.0)
    } else if ns >= 10.0 {
        format!("{ns:.1} ns")
    } else {
        format!("{ns:.2} ns")
    }
}

/// Whether `home` holds any constnet result (criterion writes one directory per case).
pub fn has_results(home: &Path) -> bool {
    MEASURES.iter().any(|&measure| {
        workloads(measure).iter().any(|&workload| median_ns(home, measure, "constnet", Some(workload)).is_some())
    })
}

/// The message printed instead of a table when `home` holds no results.
pub fn no_results(home: &Path) -> String {
    format!(
        "no results yet in {}: run `cargo run --release -p constnet-benches --bin report` (about 8 minutes) to \
         measure them",
        home.display()
    )
}

/// The whole table in Markdown, plus a list of the targets with their verdicts; or, if there is
/// nothing to show, [`no_results`].
pub fn render(home: &Path) -> String {
    if !has_results(home) {
        return no_results(home);
    }
    let mut out = String::new();
    let peaks: Vec<f64> = SPECS
        .iter()
        .filter_map(|spec| {
            Some(elements(home, "peak", "fma", spec.id)? / median_ns(home, "peak", "fma", Some(spec.id))?)
        })
        .collect();
    let peak = peaks.iter().copied().reduce(f64::max);
    match peak {
        Some(p) => {
            let all: Vec<String> = peaks.iter().map(|p| format!("{p:.1}")).collect();
            let _ = writeln!(
                out,
                "FMA peak of this core, same run: {p:.1} f32 multiply-accumulates per ns (the best of {} \
                 measurements taken before each throughput workload: {}).\n",
                peaks.len(),
                all.join(", ")
            );
        }
        None => out.push_str("FMA peak: not measured.\n\n"),
    }
    out.push_str("Times are medians per sample; ÷ is constnet's time divided by the baseline's (below 1: constnet is faster).\n\n");
    out.push_str("| measure | workload | constnet |");
    for (_, title) in IMPLEMENTATIONS {
        let _ = write!(out, " {title} | ÷ |");
    }
    out.push_str(" % of FMA peak |\n|---|---|--:|");
    for _ in IMPLEMENTATIONS {
        out.push_str("--:|--:|");
    }
    out.push_str("--:|\n");
    for &measure in MEASURES {
        for workload in workloads(measure) {
            let n = samples(measure, workload) as f64;
            let time = |imp: &str| median_ns(home, measure, imp, Some(workload)).map(|t| t / n);
            let Some(ours) = time("constnet") else { continue };
            let _ = write!(out, "| {measure} | {workload} | {} |", format_ns(ours));
            for (imp, _) in IMPLEMENTATIONS {
                match time(imp) {
                    Some(t) => {
                        let _ = write!(out, " {} | {:.2} |", format_ns(t), ours / t);
                    }
                    None => out.push_str(" | |"),
                }
            }
            match (macs(measure, workload), peak) {
                (Some(macs), Some(p)) => {
                    let _ = writeln!(out, " {:.0}% |", 100.0 * macs as f64 / ours / p);
                }
                _ => out.push_str(" |\n"),
            }
        }
    }
    out.push_str("\nTargets:\n\n");
    for t in TARGETS {
        let n = samples(t.measure, t.workload) as f64;
        let ours = median_ns(home, t.measure, "constnet", Some(t.workload));
        let base = median_ns(home, t.measure, t.baseline, Some(t.workload));
        match (ours, base) {
            (Some(a), Some(b)) => {
                let r = (a / n) / (b / n);
                let verdict = if r <= t.max { "met" } else { "MISSED" };
                let _ = writeln!(
                    out,
                    "- {} {} ÷ {}: {r:.2} (target ≤ {}) {verdict}",
                    t.measure,
                    t.workload,
                    t.baseline,
                    format_target(t.max)
                );
            }
            _ => {
                let _ = writeln!(out, "- {} {} ÷ {}: not measured", t.measure, t.workload, t.baseline);
            }
        }
    }
    for &(measure, workload, min) in PEAK_TARGETS {
        let n = samples(measure, workload) as f64;
        let ours = median_ns(home, measure, "constnet", Some(workload)).map(|t| t / n);
        match (ours, macs(measure, workload), peak) {
            (Some(t), Some(macs), Some(p)) => {
                let f = macs as f64 / t / p;
                let verdict = if f >= min { "met" } else { "MISSED" };
                let _ = writeln!(
                    out,
                    "- {measure} {workload}: {:.0}% of the FMA peak (target ≥ {:.0}%) {verdict}",
                    100.0 * f,
                    100.0 * min
                );
            }
            _ => {
                let _ = writeln!(out, "- {measure} {workload} % of peak: not measured");
            }
        }
    }
    for spec in SPECS {
        if let Some(line) = read_bound(home, spec, peak) {
            out.push_str(&line);
        }
    }
    out
}

/// The bound the same run's read bandwidth puts on a per-sample `forward` of `spec`, as a
/// line of the targets list, if `peak/read/<workload>` was measured: one sample reads every
/// parameter once, so it cannot take less than their bytes over the bandwidth, nor reach more of
/// the FMA peak than that time allows.
fn read_bound(home: &Path, spec: &crate::workloads::Spec, peak: Option<f64>) -> Option<String> {
    let read = elements(home, "peak", "read", spec.id)?;
    let bandwidth = read / median_ns(home, "peak", "read", Some(spec.id))?;
    let bytes = spec.parameter_bytes() as f64;
    let floor = bytes / bandwidth;
    let mut line = format!(
        "- forward {}: one sample reads {:.0} KB of parameters; this run streamed a buffer of that size \
         at {bandwidth:.0} B/ns, so a pass takes at least {}",
        spec.id,
        bytes / 1000.0,
        format_ns(floor)
    );
    if let Some(p) = peak {
        let _ = write!(line, ": at most {:.0}% of the FMA peak", 100.0 * spec.macs() as f64 / floor / p);
    }
    if let Some(ours) = median_ns(home, "forward", "constnet", Some(spec.id)) {
        let _ = write!(line, " (constnet: {}, {:.0}% of that bound)", format_ns(ours), 100.0 * floor / ours);
    }
    line.push('\n');
    Some(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake criterion home with the given `(group, function, parameter, median ns)` cases.
    fn home(cases: &[(&str, &str, &str, f64)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temporary directory");
        for &(group, function, parameter, median) in cases {
            let case = dir.path().join(group).join(function).join(parameter).join("new");
            fs::create_dir_all(&case).expect("case directory");
            let json = format!("{{\"mean\":{{\"point_estimate\":1.0}},\"median\":{{\"point_estimate\":{median}}}}}");
            fs::write(case.join("estimates.json"), json).expect("estimates");
        }
        dir
    }

    #[test]
    fn without_results_it_says_so_instead_of_an_empty_table() {
        let empty = home(&[]);
        let text = render(empty.path());
        assert!(text.starts_with("no results yet in "), "{text}");
        assert!(!text.contains('|'), "an empty table was printed: {text}");
        // A directory that does not exist at all (a fresh clone's `--no-run`).
        let text = render(&empty.path().join("criterion"));
        assert!(text.starts_with("no results yet in "), "{text}");
    }

    #[test]
    fn the_read_bandwidth_bounds_the_per_sample_pass() {
        let h = home(&[
            ("forward", "constnet", "mnist", 3000.0),
            ("peak", "read", "mnist", 2000.0),
            ("peak", "fma", "mnist", 1000.0),
        ]);
        let with_elements = |group: &str, function: &str, n: usize| {
            let json = format!("{{\"throughput\":{{\"Elements\":{n}}}}}");
            fs::write(h.path().join(group).join(function).join("mnist").join("new").join("benchmark.json"), json)
                .expect("benchmark.json");
        };
        // 400 000 bytes in 2 µs: 200 B/ns; mnist's 407 080 bytes then take 2.04 µs; a peak of
        // 100 per ns makes its 101 632 multiply-adds at most 50% of it.
        with_elements("peak", "read", 400_000);
        with_elements("peak", "fma", 100_000);
        let text = render(h.path());
        assert!(
            text.contains(
                "- forward mnist: one sample reads 407 KB of parameters; this run streamed a buffer of that size at \
                 200 B/ns, so a pass takes at least 2.04 µs: at most 50% of the FMA peak (constnet: 3.00 µs, 68% of \
                 that bound)"
            ),
            "{text}"
        );
        // Without the read measurement, no bound.
        let h = home(&[("forward", "constnet", "mnist", 3000.0)]);
        assert!(!render(h.path()).contains("streamed"));
    }

    #[test]
    fn with_results_it_prints_the_table_and_no_issue_numbers() {
        let h = home(&[("forward", "constnet", "audio", 2.0), ("forward", "nalgebra", "audio", 40.0)]);
        let text = render(h.path());
        assert!(text.contains("| forward | audio | 2.00 ns | 40.0 ns | 0.05 |"), "{text}");
        assert!(text.contains("\nTargets:\n"), "{text}");
        assert!(text.contains("- forward audio ÷ nalgebra: 0.05 (target ≤ 0.12) met"), "{text}");
        assert!(!text.to_lowercase().contains("issue"), "an issue number in user-facing output: {text}");
        assert_eq!(format_target(1.0 / 3.0), "0.33");
        assert_eq!(format_target(1.0), "1");
        assert_eq!(format_target(0.12), "0.12");
        assert_eq!(format_target(0.4), "0.4");
    }
}
