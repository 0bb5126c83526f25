//! i-CLEFS server binary: configuration, telemetry, then `startup::run`.

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = server::config::Config::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn")
            }),
        )
        .init();
    server::startup::run(config).await
}
