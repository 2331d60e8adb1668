//! The `tempest` command line. Exit codes everywhere: 0 every invariant
//! held, 1 a violation, 2 bad input.

mod cli;

/// mimalloc: a simulated run allocates and frees a few hundred small
/// objects per execution, and mimalloc does that in a fraction of the
/// system allocator's instructions (docs/performance.md).
#[global_allocator]
static ALLOCATOR: tempest::allocator::Allocator = tempest::allocator::Allocator;

fn main() {
    tempest::allocator::keep_freed_memory();
    restore_default_sigpipe();
    std::process::exit(cli::main());
}

/// Rust ignores SIGPIPE, so printing to a closed pipe (`tempest invariants |
/// head -1`) would panic; like every Unix filter, end quietly instead.
#[cfg(unix)]
fn restore_default_sigpipe() {
    // SAFETY: called first thing in `main`, before any thread exists; it only
    // resets one signal's disposition to the system default.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[cfg(not(unix))]
fn restore_default_sigpipe() {}
