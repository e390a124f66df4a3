//! The `aiact` binary: everything lives in the library; this only sets the exit code.

// A scan allocates many small, short-lived values (paths, facts, evaluation sets) on
// several threads; mimalloc serves that pattern with far less time in malloc and free than
// the system allocator (docs/performance.md). Without transparent huge pages (`no_thp`),
// its peak memory stays that of the data.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(aiact::cli::main());
}
