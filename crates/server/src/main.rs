//! `onetrip-server`: the central API as a process.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use onetrip_server::serve::{self, Database, ServeOptions};

/// The OneTrip central API.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "ONETRIP_LISTEN")]
    listen: SocketAddr,
    /// Folder for the embedded SQLite database (used unless --database-url is given).
    #[arg(long, default_value = "onetrip-data", env = "ONETRIP_DATA_DIR")]
    data_dir: PathBuf,
    /// A PostgreSQL (postgres://…) or SQLite (sqlite://…) URL instead of the data folder.
    #[arg(long, env = "ONETRIP_DATABASE_URL")]
    database_url: Option<String>,
    /// Folder with the web build of the UI (ui/dist) to serve at `/`.
    #[arg(long, env = "ONETRIP_WEB_DIR")]
    web_dir: Option<PathBuf>,
    /// Do not fill an empty database with the demo service center.
    #[arg(long)]
    no_demo: bool,
    /// Where uploaded files are kept: a folder (default `<data-dir>/blobs`) or `s3://BUCKET`
    /// on an S3-compatible store shared by several instances (endpoint and keys from the
    /// `AWS_*` environment variables).
    #[arg(long, env = "ONETRIP_BLOBS")]
    blobs: Option<String>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Intake checks files in a child process of this same program.
    onetrip_intake::run_child_if_requested();
    onetrip_server::review::compare::run_child_if_requested();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .init();
    let args = Args::parse();
    let database = match args.database_url.clone() {
        Some(url) => Database::Url(url),
        None => Database::SqliteDir(args.data_dir.clone()),
    };
    if let Some(dir) = &args.web_dir {
        anyhow::ensure!(
            dir.join("index.html").exists(),
            "no index.html in {} (run `npm run build:web`)",
            dir.display()
        );
    }
    let server = serve::start(ServeOptions {
        database,
        listen: args.listen,
        web_dir: args.web_dir.as_deref(),
        seed_demo: !args.no_demo,
        files_dir: Some(args.data_dir.clone()),
        blobs: args.blobs.as_deref().map(serve::BlobLocation::parse),
    })
    .await?;
    if server.seeded {
        tracing::info!(
            "seeded the demo service center\n{}",
            onetrip_server::seed::demo_accounts_text()
        );
    }
    tracing::info!(url = %server.url(), database = server.state.store.backend(), "onetrip-server listening");
    tokio::signal::ctrl_c().await?;
    tracing::info!("shutting down");
    server.stop().await
}
