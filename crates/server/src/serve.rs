//! Opening a database and serving the API: used by the `onetrip-server` binary and by the
//! desktop's standalone mode alike.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::{Clock, SystemClock};
use crate::state::AppState;
use crate::storage::{PostgresStorage, SqliteStorage, Storage};

/// Where the central database is.
#[derive(Debug, Clone)]
pub enum Database {
    /// `onetrip.db` inside this folder.
    SqliteDir(PathBuf),
    /// A `postgres://` or `sqlite://` URL.
    Url(String),
}

/// The database file name inside a data folder.
pub const SQLITE_FILE: &str = "onetrip.db";

/// Opens the database and brings its schema up to date.
pub async fn open_storage(database: &Database) -> anyhow::Result<Arc<dyn Storage>> {
    Ok(match database {
        Database::SqliteDir(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("cannot create data folder {}: {e}", dir.display()))?;
            Arc::new(SqliteStorage::open(&dir.join(SQLITE_FILE)).await?)
        }
        Database::Url(url)
            if url.starts_with("postgres://") || url.starts_with("postgresql://") =>
        {
            Arc::new(PostgresStorage::connect(url).await?)
        }
        Database::Url(url) if url.starts_with("sqlite:") => {
            Arc::new(SqliteStorage::open_url(url).await?)
        }
        Database::Url(url) => {
            anyhow::bail!("unsupported database URL {url:?}: use postgres://… or sqlite://…")
        }
    })
}

/// A server running in the background of this process.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub state: AppState,
    /// Whether this start filled a new database with the demo center.
    pub seeded: bool,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting requests, ends event streams and waits for requests under way (at most
    /// a few seconds, then drops them).
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        match tokio::time::timeout(std::time::Duration::from_secs(5), &mut self.task).await {
            Ok(joined) => joined??,
            Err(_) => {
                tracing::warn!("requests still running after 5 s; dropping them");
                self.task.abort();
            }
        }
        Ok(())
    }
}

/// Options for [`start`].
pub struct ServeOptions<'a> {
    pub database: Database,
    pub listen: SocketAddr,
    pub web_dir: Option<&'a Path>,
    /// Fill an empty database with the demo center.
    pub seed_demo: bool,
}

/// Opens the database, seeds it if asked and empty, and serves in the background.
pub async fn start(options: ServeOptions<'_>) -> anyhow::Result<RunningServer> {
    let storage = open_storage(&options.database).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let seeded = if options.seed_demo {
        crate::seed::seed_demo(storage.as_ref(), clock.now_ms()).await?
    } else {
        false
    };
    let mut state = AppState::new(storage, clock)?;
    match crate::verify::key_path(&options.database) {
        Some(path) => state.issuer_key = Arc::new(crate::verify::load_or_create_key(&path)?),
        None => tracing::warn!(
            "no {} set: documents are signed with a key that changes at every start",
            crate::verify::KEY_ENV
        ),
    }
    start_with_state(state, options.listen, options.web_dir, seeded).await
}

/// Serves an already built state in the background.
pub async fn start_with_state(
    state: AppState,
    listen: SocketAddr,
    web_dir: Option<&Path>,
    seeded: bool,
) -> anyhow::Result<RunningServer> {
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen}: {e}"))?;
    let addr = listener.local_addr()?;
    let app = crate::app::router(state.clone(), web_dir);
    let (shutdown, stopped) = oneshot::channel::<()>();
    let closing = state.shutting_down.clone();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
                closing.send_replace(true);
            })
            .await
    });
    Ok(RunningServer {
        addr,
        state,
        seeded,
        shutdown: Some(shutdown),
        task,
    })
}
