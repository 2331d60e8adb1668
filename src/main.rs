//! The `tempest` command line. Exit codes everywhere: 0 every invariant
//! held, 1 a violation, 2 bad input.

mod cli;

fn main() {
    std::process::exit(cli::main());
}
