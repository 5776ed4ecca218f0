//! `wasmtune`: the native command line. `wasmtune stream` drives a study over JSON lines so any
//! program, in any language, can be the objective.

mod importances;
mod journal_cli;
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
    /// Create a study in a journal file (as `optuna create-study`).
    CreateStudy(journal_cli::CreateStudyArgs),
    /// Ask a trial from a study in a journal file (as `optuna ask`).
    Ask(journal_cli::AskArgs),
    /// Tell a trial's result to a study in a journal file (as `optuna tell`).
    Tell(journal_cli::TellArgs),
    /// Parameter importances of a study in a journal file (as `optuna.importance.get_param_importances`).
    Importances(importances::ImportancesArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Stream(args) => stream::run(args),
        Command::Overhead(args) => overhead::run(args),
        Command::CreateStudy(args) => journal_cli::create_study(args),
        Command::Ask(args) => journal_cli::ask(args),
        Command::Tell(args) => journal_cli::tell(args),
        Command::Importances(args) => importances::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wasmtune: error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}
