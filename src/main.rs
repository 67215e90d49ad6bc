//! The `ogp-publish` binary: parse, run, exit.

mod cli;

use clap::Parser;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(cli::run(cli::Cli::parse()))
}
