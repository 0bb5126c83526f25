//! i-CLEFS server binary: configuration, telemetry, then `startup::run` (or an operator task).

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    use server::config::{Cli, Command, MunicipalityCommand};
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn")
            }),
        )
        .init();
    match cli.command {
        None | Some(Command::Serve) => server::startup::run(cli.config).await,
        Some(Command::Municipality(MunicipalityCommand::Add(args))) => {
            server::startup::add_municipality(cli.config, args).await
        }
    }
}
