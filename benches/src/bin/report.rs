//! Runs constnet's benchmarks and prints one table of ratios to the baselines measured in the
//! same run.
//!
//! ```text
//! cargo run --release -p constnet-benches --bin report                # build with -C target-cpu=native, run, print
//! cargo run --release -p constnet-benches --bin report -- --portable  # the default x86-64 target instead
//! cargo run --release -p constnet-benches --bin report -- --no-run    # print the last run's table
//! cargo run --release -p constnet-benches --bin report -- --warm-up-time 1 --measurement-time 4   # longer runs
//! ```
//!
//! Other arguments go to criterion. The benches are built in their own target directory
//! (`target/bench-native` or `target/bench-portable`, under `CARGO_TARGET_DIR` if set), so the
//! `-C target-cpu=native` flags never invalidate the normal build; criterion's results go to
//! `criterion/` inside it.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let mut native = true;
    let mut run = true;
    let mut criterion_args = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--portable" => native = false,
            "--no-run" => run = false,
            _ => criterion_args.push(arg),
        }
    }
    // The workspace root, spelled without `..` (it appears in the messages).
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest.parent().unwrap_or(manifest).to_path_buf();
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let bench_target = target.join(if native { "bench-native" } else { "bench-portable" });
    let home = bench_target.join("criterion");
    let flags = if native { "-C target-cpu=native" } else { "" };

    if run {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        cmd.current_dir(&root)
            .args(["bench", "-p", "constnet-benches", "--benches", "--"])
            .args(&criterion_args)
            .env("CARGO_TARGET_DIR", &bench_target)
            .env("CRITERION_HOME", &home)
            .env("RUSTFLAGS", flags);
        eprintln!(
            "running: RUSTFLAGS=\"{flags}\" CARGO_TARGET_DIR={} cargo bench -p constnet-benches --benches -- {}",
            bench_target.display(),
            criterion_args.join(" ")
        );
        match cmd.status() {
            Ok(s) if s.success() => {}
            Ok(s) => {
                eprintln!("cargo bench failed: {s}");
                return ExitCode::FAILURE;
            }
            Err(e) => {
                eprintln!("could not run cargo: {e}");
                return ExitCode::FAILURE;
            }
        }
    }

    if !constnet_benches::report::has_results(&home) {
        println!("{}", constnet_benches::report::no_results(&home));
        return ExitCode::SUCCESS;
    }
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!(
        "constnet benchmarks: {cpu}, {cores} cores, {rustc}, RUSTFLAGS=\"{flags}\"; results in {}\n",
        home.display()
    );
    println!("{}", constnet_benches::report::render(&home));
    ExitCode::SUCCESS
}
