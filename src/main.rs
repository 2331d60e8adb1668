//! The `tempest` command line.

fn main() {
    println!("tempest: under construction");
}
