//! `wasmtune`: the native command line. `wasmtune stream` drives a study over JSON lines so any
//! program, in any language, can be the objective.

mod overhead;
mod stream;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "wasmtune", version, about = "Optuna-class hyperparameter optimization")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Drive a study over JSON lines on stdin/stdout (see `wasmtune stream --help`).
    Stream(stream::StreamArgs),
    /// Measure the engine's time per trial on a sphere (for benchmarks).
    Overhead(overhead::OverheadArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Stream(args) => stream::run(args),
        Command::Overhead(args) => overhead::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wasmtune: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
