//! Stage timings on stderr when `AIACT_TIMINGS` is set: where a slow scan spends its time
//! (walk, read, decide, check, write), without a profiler. Off, it costs one check.

use std::sync::OnceLock;
use std::time::Instant;

fn start() -> Option<Instant> {
    static START: OnceLock<Option<Instant>> = OnceLock::new();
    *START.get_or_init(|| std::env::var_os("AIACT_TIMINGS").map(|_| Instant::now()))
}

/// Start the clock (the first call does; later calls only read it).
pub fn begin() {
    let _ = start();
}

/// Print how long the run has taken so far, the peak memory so far (where the system tells
/// it), and that `stage` ended.
pub fn mark(stage: &str) {
    if let Some(t) = start() {
        let peak = peak_memory_kib().map_or(String::new(), |k| {
            format!("  peak {:5.1} MiB", k as f64 / 1024.0)
        });
        eprintln!(
            "aiact: timing {:>8.1} ms{peak}  {stage}",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// The process's peak resident memory in KiB (Linux: `VmHWM` of /proc/self/status).
fn peak_memory_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
