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

/// Print how long the run has taken so far, and that `stage` ended.
pub fn mark(stage: &str) {
    if let Some(t) = start() {
        eprintln!(
            "aiact: timing {:>8.1} ms  {stage}",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
}
