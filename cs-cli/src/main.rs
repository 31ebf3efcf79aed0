//! `cs`: Customer Success numbers from CSV files, on the command line.
//!
//! Every command reads a CSV (or the bundled sample when no file is given), calls cs-core, and
//! prints a readable table or, with `--json`, JSON. Errors name the file, line and column. The
//! commands live in the library (`src/lib.rs`); this is its entry point.

fn main() -> std::process::ExitCode {
    cs_cli::main_with_process_args()
}
