//! `wasmtune`: the native command line. `wasmtune stream` drives a study over JSON lines so any
//! program, in any language, can be the objective.

mod heartbeat;
mod importances;
mod journal_cli;
mod overhead;
mod storage_cli;
mod stream;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "wasmtune",
    version,
    about = "Optuna-class hyperparameter optimization",
    after_help = "--storage takes Optuna's URLs: sqlite:///path.db, postgresql://user:pass@host:port/db \
                  (postgresql+psycopg2://... too), or a path, which is an Optuna journal file. Without \
                  --storage, create-study, ask, tell and importances use sqlite:///wasmtune.db (a SQLite \
                  file in the working directory); stream keeps its study in memory."
)]
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
    /// Create a study (as `optuna create-study`) in a database or journal file.
    CreateStudy(journal_cli::CreateStudyArgs),
    /// Ask a trial from a study (as `optuna ask`).
    Ask(journal_cli::AskArgs),
    /// Tell a trial's result to a study (as `optuna tell`).
    Tell(journal_cli::TellArgs),
    /// Parameter importances of a stored study (as `optuna.importance.get_param_importances`).
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
