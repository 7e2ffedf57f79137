//! What both benchmarks share: criterion set up the same way, and this run's medians read back
//! from criterion's own output, so a summary compares figures of one run only.

use std::path::PathBuf;
use std::time::Duration;

use criterion::Criterion;

/// Where criterion writes its results: `$CARGO_TARGET_DIR/criterion`, else `target/criterion`.
pub fn output_directory() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("target"))
        .join("criterion")
}

fn estimates(group: &str, bench: &str) -> PathBuf {
    output_directory()
        .join(group)
        .join(bench)
        .join("new/estimates.json")
}

/// Forgets the figures earlier runs left for `benches` of `group`: only this run's may be
/// summarised.
pub fn forget_earlier_runs(group: &str, benches: &[&str]) {
    for bench in benches {
        let _ = std::fs::remove_file(estimates(group, bench));
    }
}

/// The median, in nanoseconds, criterion measured for `bench` of `group` in this run.
pub fn median_ns(group: &str, bench: &str) -> Option<f64> {
    let estimates: serde_json::Value =
        serde_json::from_slice(&std::fs::read(estimates(group, bench)).ok()?).ok()?;
    estimates["median"]["point_estimate"].as_f64()
}

/// Criterion as both benchmarks run it: 60 samples of 4 s after a 1 s warm-up.
pub fn criterion() -> Criterion {
    Criterion::default()
        .output_directory(&output_directory())
        .sample_size(60)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .configure_from_args()
}
