//! A progress line on stderr for long scans: shown only when the scan has run over a
//! second and stderr is a terminal, so CI logs and pipes stay clean.

use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub struct Progress {
    done: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl Progress {
    /// Start watching a counter of files seen.
    pub fn start(seen: Arc<AtomicUsize>) -> Progress {
        let done = Arc::new(AtomicBool::new(false));
        let handle = if std::io::stderr().is_terminal() {
            let done = Arc::clone(&done);
            Some(std::thread::spawn(move || {
                let start = Instant::now();
                let mut shown = false;
                while !done.load(Ordering::Relaxed) {
                    // Parked, not slept: `finish` wakes the thread at once, so a short scan
                    // does not wait for a tick.
                    std::thread::park_timeout(Duration::from_millis(100));
                    if start.elapsed() >= Duration::from_secs(1) && !done.load(Ordering::Relaxed) {
                        let mut e = std::io::stderr().lock();
                        let _ = write!(
                            e,
                            "\raiact: scanning, {} files seen",
                            seen.load(Ordering::Relaxed)
                        );
                        let _ = e.flush();
                        shown = true;
                    }
                }
                if shown {
                    let mut e = std::io::stderr().lock();
                    let _ = write!(e, "\r\x1b[2K");
                    let _ = e.flush();
                }
            }))
        } else {
            None
        };
        Progress { done, handle }
    }

    pub fn finish(mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            h.thread().unpark();
            let _ = h.join();
        }
    }
}
