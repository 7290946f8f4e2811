//! The `kubeguard` binary: a thin layer of argument parsing, I/O and exit codes over the
//! engine. Exit codes: 0 clean, 1 findings at or above `--fail-on`, 2 usage or input errors.

mod cli;
mod cluster;
mod commands;
mod inputs;
mod json;
mod lint;
mod netpol;
mod netpol_generate;
mod pss;
mod rbac;
mod render;
mod serve;
mod svg;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};

use crate::cli::{ChecksCommand, Cli, Command, TemplatesCommand};

/// The process outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing at or above the threshold.
    Clean,
    /// Findings at or above the threshold.
    Findings,
    /// Usage, configuration or input errors.
    Error,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Lint(args) => lint::run(args),
        Command::Pss(args) => pss::run(args),
        Command::Rbac(cmd) => rbac::run(cmd),
        Command::Netpol(cmd) => netpol::run(cmd),
        Command::Cluster(args) => cluster::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Install(cmd) => serve::install(cmd),
        Command::Checks(ChecksCommand::List { format, config }) => {
            commands::checks_list(*format, config.as_deref())
        }
        Command::Checks(ChecksCommand::Explain { name, config }) => {
            commands::checks_explain(name, config.as_deref())
        }
        Command::Templates(TemplatesCommand::List { format }) => commands::templates_list(*format),
        Command::Completions { shell } => {
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "kubeguard",
                &mut std::io::stdout(),
            );
            Ok(ExitStatus::Clean)
        }
        Command::Man => clap_mangen::Man::new(Cli::command())
            .render(&mut std::io::stdout())
            .map(|()| ExitStatus::Clean)
            .map_err(anyhow::Error::from),
        Command::Version => {
            println!("kubeguard {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitStatus::Clean)
        }
    };
    match result {
        Ok(ExitStatus::Clean) => ExitCode::SUCCESS,
        Ok(ExitStatus::Findings) => ExitCode::from(1),
        Ok(ExitStatus::Error) => ExitCode::from(2),
        Err(e) => {
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            {
                return ExitCode::SUCCESS;
            }
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
