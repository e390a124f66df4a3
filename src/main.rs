//! The `aiact` binary: everything lives in the library; this only sets the exit code.

// A scan allocates many small, short-lived values (paths, facts, evaluation sets) on
// several threads; mimalloc serves that pattern with far less time in malloc and free than
// the system allocator (docs/performance.md). Without transparent huge pages (`no_thp`),
// its peak memory stays that of the data.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in the option list of the mimalloc this crate builds (libmimalloc-sys
/// is pinned to that version in Cargo.toml; its C header lists the options in this order).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() {
    // Memory freed by one stage is given back after 1 ms instead of 10: stages follow each
    // other quickly, and the peak of a large scan stays that of its largest stage.
    // SAFETY: sets a process-wide allocator option before any other thread runs.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 1) };
    std::process::exit(aiact::cli::main());
}
