//! Standalone mode: the central API in this process, on 127.0.0.1, with its SQLite file in the
//! user's data folder, seeded with the demo center on first run.

use std::path::PathBuf;
use std::sync::Arc;

use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_client::desktop::StandaloneLauncher;
use onetrip_server::serve::{self, Database, RunningServer, ServeOptions};
use tokio::sync::OnceCell;

/// A launcher that starts the embedded server on first use and then always gives its URL.
pub fn launcher(central_dir: PathBuf) -> StandaloneLauncher {
    let server = Arc::new(OnceCell::<RunningServer>::new());
    Arc::new(move || {
        let server = server.clone();
        let dir = central_dir.clone();
        Box::pin(async move {
            let running = server
                .get_or_try_init(|| start(dir))
                .await
                .map_err(|error| {
                    tracing::error!(error = format!("{error:#}"), "embedded server failed");
                    ApiError::new(
                        ErrorCode::Internal,
                        format!(
                            "本机内置服务无法启动 / The built-in server could not start: {error:#}"
                        ),
                    )
                })?;
            Ok(running.url())
        })
    })
}

async fn start(dir: PathBuf) -> anyhow::Result<RunningServer> {
    let running = serve::start(ServeOptions {
        database: Database::SqliteDir(dir.clone()),
        listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        web_dir: None,
        seed_demo: true,
        files_dir: None,
        blobs: None,
    })
    .await?;
    tracing::info!(url = %running.url(), database = %dir.join(serve::SQLITE_FILE).display(), "embedded server running");
    // The demo accounts are for the person at the terminal who just started the app.
    #[allow(clippy::print_stderr)]
    {
        eprintln!(
            "\nOneTrip standalone mode (单机模式): {}\n{}",
            running.url(),
            onetrip_server::seed::demo_accounts_text()
        );
    }
    Ok(running)
}
