//! Opening a database and serving the API: used by the `onetrip-server` binary and by the
//! desktop's standalone mode alike.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::clock::{Clock, SystemClock};
use crate::commands::Commands;
use crate::state::AppState;
use crate::storage::Store;
pub use crate::uploads::BlobLocation;
use crate::uploads::Files;

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

/// Opens the database, brings its schema up to date, and readies its command pipeline.
pub async fn open_storage(database: &Database) -> anyhow::Result<Arc<Commands>> {
    let store = open_store(database).await?;
    Ok(Arc::new(Commands::new(Arc::new(store), Arc::default())))
}

/// Opens the database and brings its schema up to date.
pub async fn open_store(database: &Database) -> anyhow::Result<Store> {
    Ok(match database {
        Database::SqliteDir(dir) => {
            std::fs::create_dir_all(dir)
                .map_err(|e| anyhow::anyhow!("cannot create data folder {}: {e}", dir.display()))?;
            Store::open_sqlite(&dir.join(SQLITE_FILE)).await?
        }
        Database::Url(url)
            if url.starts_with("postgres://") || url.starts_with("postgresql://") =>
        {
            Store::connect_postgres(url).await?
        }
        Database::Url(url) if url.starts_with("sqlite:") => Store::open_sqlite_url(url).await?,
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
    /// Where uploads are received and blobs kept by default; the SQLite data folder when
    /// left out, or a temporary folder for a database given by URL.
    pub files_dir: Option<PathBuf>,
    /// Where blobs are kept instead of `<files_dir>/blobs` (`s3://bucket` for several instances).
    pub blobs: Option<BlobLocation>,
}

/// Opens the database, seeds it if asked and empty, and serves in the background.
pub async fn start(options: ServeOptions<'_>) -> anyhow::Result<RunningServer> {
    let commands = open_storage(&options.database).await?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let seeded = if options.seed_demo {
        crate::seed::seed_demo(&commands, clock.now_ms()).await?
    } else {
        false
    };
    let mut state = crate::app::state(commands.clone(), clock)?;
    let data_dir = match &options.database {
        Database::SqliteDir(dir) => Some(dir.as_path()),
        Database::Url(_) => None,
    };
    match crate::documents::keys::key_path(data_dir) {
        Some(path) => {
            state.issuer_key = Arc::new(crate::documents::keys::load_or_create_key(&path)?);
            commands.set_key(state.issuer_key.clone());
        }
        None => tracing::warn!(
            "no {} set: documents are signed with a key that changes at every start",
            crate::documents::keys::KEY_ENV
        ),
    }
    let files_dir = options
        .files_dir
        .clone()
        .or_else(|| data_dir.map(Path::to_path_buf));
    if let Some(dir) = files_dir {
        let blobs = options
            .blobs
            .clone()
            .unwrap_or_else(|| BlobLocation::Folder(dir.join("blobs")));
        state.files = Arc::new(Files::open(&dir, &blobs)?);
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
