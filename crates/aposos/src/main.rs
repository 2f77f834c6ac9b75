//! The `aposos` command: element-set conversion, SGP4 propagation, benchmarks and the demo.

mod cli;
mod cmd_admin;
mod cmd_bench;
mod cmd_campaign;
mod cmd_catalog;
mod cmd_convert;
mod cmd_correlate;
mod cmd_demo;
mod cmd_eop;
mod cmd_obs;
mod cmd_od;
mod cmd_passes;
mod cmd_plan;
mod cmd_predict;
mod cmd_propagate;
mod cmd_request;
mod cmd_serve;
mod cmd_simulate;
mod cmd_sites;
mod demo_data;
mod elements_io;
mod progress;
mod times;

use clap::Parser;
use std::process::ExitCode;

/// A mistake in the command line found after parsing; exits with code 2 like clap's own.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // Usage errors exit with 2; --help and --version print to stdout and exit with 0.
            let _ = err.print();
            return if err.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.downcast_ref::<UsageError>().is_some() => {
            eprintln!("error: {err:#}\n\nFor more information, try '--help'.");
            ExitCode::from(2)
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: cli::Cli) -> anyhow::Result<()> {
    match cli.command {
        cli::Command::Convert(args) => cmd_convert::run(&args),
        cli::Command::Propagate(args) => cmd_propagate::run(&args),
        cli::Command::Bench(cli::BenchCommand::Sgp4(args)) => cmd_bench::run_sgp4(&args),
        cli::Command::Demo(args) => cmd_demo::run(&args),
        cli::Command::Catalog(cli::CatalogCommand::Generate(args)) => cmd_catalog::generate(&args),
        cli::Command::Catalog(cli::CatalogCommand::Degrade(args)) => cmd_catalog::degrade(&args),
        cli::Command::Sites(args) => cmd_sites::run(&args),
        cli::Command::Predict(args) => cmd_predict::run(&args),
        cli::Command::Passes(args) => cmd_passes::run(&args),
        cli::Command::Eop(cli::EopCommand::Update(args)) => cmd_eop::update(&args),
        cli::Command::Serve(args) => cmd_serve::run(&args),
        cli::Command::Admin(args) => cmd_admin::run(&args),
        cli::Command::Obs(cli::ObsCommand::Convert(args)) => cmd_obs::convert(&args),
        cli::Command::Obs(cli::ObsCommand::Import(args)) => cmd_obs::import(&args),
        cli::Command::Obs(cli::ObsCommand::Stats(args)) => cmd_obs::stats(&args),
        cli::Command::Request(command) => cmd_request::run(&command),
        cli::Command::Simulate(args) => cmd_simulate::run(&args),
        cli::Command::Correlate(args) => cmd_correlate::run(&args),
        cli::Command::Od(args) => cmd_od::run(&args),
        cli::Command::Iod(args) => cmd_od::iod(&args),
        cli::Command::Plan(args) => cmd_plan::run(&args),
        cli::Command::Campaign(args) => cmd_campaign::run(&args),
    }
}
