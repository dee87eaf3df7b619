//! The desktop's use-cases: sign in and out, restore a session from the keychain, read the
//! configuration from the local cache, send commands through the outbox, report the
//! connection, change settings.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use onetrip_api::auth::{Account, LoginRequest};
use onetrip_api::command::{Command, CommandOutcome};
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::desktop::{ConnectionStatus, FailedCommand, ServerMode, Settings};
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::stats::{ExportFormat, QueueStats, SavedExport, StatsQuery};
use tokio::sync::Mutex;
use uuid::Uuid;

use crate::api_client::ApiClient;
use crate::cache::Cache;
use crate::secrets::{self, Sensitive};
use crate::settings;
use crate::sync::{SyncContext, SyncEngine, SyncObserver, now_ms};

/// Starts the in-process central API (once) and gives its base URL. The shell provides it, so
/// that this crate speaks HTTP in both modes and never links the server.
pub type StandaloneLauncher =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<String, ApiError>> + Send>> + Send + Sync>;

/// The cache file inside the data folder.
pub const CACHE_FILE: &str = "cache.db";

struct Session {
    token: Sensitive<String>,
    account: Account,
}

struct State {
    settings: Settings,
    session: Option<Session>,
}

pub struct Desktop {
    pub(crate) data_dir: PathBuf,
    launcher: StandaloneLauncher,
    state: Mutex<State>,
    pub(crate) sync: Arc<SyncEngine>,
    pub(crate) printing: crate::documents::Printing,
    /// Where exports go when it exists; `exports/` in the data folder otherwise.
    export_dir: Option<PathBuf>,
}

fn ends_session(error: &ApiError) -> bool {
    matches!(
        error.code,
        ErrorCode::Unauthorized | ErrorCode::SessionExpired
    )
}

impl Desktop {
    /// Opens the settings and the local cache and starts the background sync, which waits for
    /// someone to sign in. `observer` hears about status and data changes.
    pub async fn new(
        data_dir: PathBuf,
        launcher: StandaloneLauncher,
        observer: SyncObserver,
    ) -> Result<Desktop, ApiError> {
        let settings = settings::load(&data_dir)?;
        let cache = Arc::new(Cache::open(&data_dir.join(CACHE_FILE)).await?);
        let sync = SyncEngine::start(cache, observer);
        Ok(Desktop {
            data_dir,
            launcher,
            state: Mutex::new(State {
                settings,
                session: None,
            }),
            sync,
            printing: crate::documents::Printing::default(),
            export_dir: None,
        })
    }

    /// Prints through `system` with the fonts in `font_dir` (the app's bundled resources)
    /// instead of the machine's print system and the fonts found beside the executable.
    pub fn with_printing(
        mut self,
        system: crate::printing::PrintSystem,
        font_dir: Option<PathBuf>,
    ) -> Self {
        self.printing = crate::documents::Printing::new(system, font_dir);
        self
    }

    /// Saves exports into `dir` (the user's Downloads folder, which the shell knows) when it
    /// exists.
    pub fn with_export_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.export_dir = dir;
        self
    }

    /// The interface language chosen in the settings.
    pub(crate) async fn language(&self) -> onetrip_domain::Lang {
        self.state.lock().await.settings.language
    }

    /// The background sync engine.
    pub fn sync_engine(&self) -> &Arc<SyncEngine> {
        &self.sync
    }

    /// The keychain entry of the session for the server the settings point at. A standalone
    /// server is known by its data folder.
    fn keychain_key(&self, settings: &Settings) -> String {
        match settings.mode {
            ServerMode::Standalone => format!("session:standalone:{}", self.data_dir.display()),
            ServerMode::Remote => format!(
                "session:{}",
                settings.server_url.as_deref().unwrap_or_default()
            ),
        }
    }

    async fn client(&self, settings: &Settings) -> Result<ApiClient, ApiError> {
        let base = match settings.mode {
            ServerMode::Standalone => (self.launcher)().await?,
            ServerMode::Remote => settings.server_url.clone().ok_or_else(|| {
                ApiError::new(
                    ErrorCode::Invalid,
                    settings.language.pick(
                        "请先在设置中填写服务器地址".into(),
                        "Set the server address first".into(),
                    ),
                )
            })?,
        };
        ApiClient::new(&base, settings.language)
    }

    fn not_signed_in(settings: &Settings) -> ApiError {
        ApiError::new(
            ErrorCode::Unauthorized,
            settings
                .language
                .pick("请先登录".into(), "Please log in".into()),
        )
    }

    /// Starts syncing for the session just opened or restored.
    async fn start_sync(
        &self,
        settings: &Settings,
        client: ApiClient,
        session: &Session,
    ) -> Result<(), ApiError> {
        let owner = format!("{}#{}", self.keychain_key(settings), session.account.id);
        self.sync
            .set_context(Some(SyncContext {
                client,
                token: session.token.clone(),
                owner,
            }))
            .await
    }

    /// Signs in and keeps the token in the OS keychain.
    pub async fn login(&self, username: &str, password: &str) -> Result<Account, ApiError> {
        let mut state = self.state.lock().await;
        let client = self.client(&state.settings).await?;
        let response = client
            .login(&LoginRequest {
                username: username.to_owned(),
                password: password.to_owned(),
            })
            .await?;
        let token = Sensitive(response.token);
        if let Err(error) = secrets::persist(
            &self.keychain_key(&state.settings),
            &token,
            state.settings.language,
        ) {
            // A session that cannot be kept safely is not kept at all.
            let _ = client.logout(&token).await;
            return Err(error);
        }
        let session = Session {
            token,
            account: response.account.clone(),
        };
        self.start_sync(&state.settings, client, &session).await?;
        state.session = Some(session);
        Ok(response.account)
    }

    /// Signs out: ends the session on the server when reachable and deletes the token.
    pub async fn logout(&self) -> Result<(), ApiError> {
        let mut state = self.state.lock().await;
        self.end_session(&mut state).await
    }

    async fn end_session(&self, state: &mut State) -> Result<(), ApiError> {
        self.sync.set_context(None).await?;
        let key = self.keychain_key(&state.settings);
        let token = match state.session.take() {
            Some(session) => Some(session.token),
            None => secrets::retrieve(&key, state.settings.language)?,
        };
        if let Some(token) = token
            && let Ok(client) = self.client(&state.settings).await
            && let Err(error) = client.logout(&token).await
        {
            tracing::info!(%error, "server-side logout failed; the token is deleted locally anyway");
        }
        secrets::delete(&key, state.settings.language)
    }

    /// The signed-in account, restoring the session from the keychain after a restart.
    pub async fn current_account(&self) -> Result<Option<Account>, ApiError> {
        let mut state = self.state.lock().await;
        if let Some(session) = &state.session {
            return Ok(Some(session.account.clone()));
        }
        let key = self.keychain_key(&state.settings);
        let Some(token) = secrets::retrieve(&key, state.settings.language)? else {
            return Ok(None);
        };
        let client = self.client(&state.settings).await?;
        match client.me(&token).await {
            Ok(account) => {
                let session = Session {
                    token,
                    account: account.clone(),
                };
                self.start_sync(&state.settings, client, &session).await?;
                state.session = Some(session);
                Ok(Some(account))
            }
            Err(error) if ends_session(&error) => {
                secrets::delete(&key, state.settings.language)?;
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    /// Runs an authenticated call; a session the server no longer knows is forgotten here too.
    async fn with_session<T, F, Fut>(&self, call: F) -> Result<T, ApiError>
    where
        F: FnOnce(ApiClient, Sensitive<String>) -> Fut,
        Fut: Future<Output = Result<T, ApiError>>,
    {
        let mut state = self.state.lock().await;
        let Some(session) = &state.session else {
            return Err(Self::not_signed_in(&state.settings));
        };
        let token = session.token.clone();
        let client = self.client(&state.settings).await?;
        let result = call(client, token).await;
        if let Err(error) = &result
            && ends_session(error)
        {
            state.session = None;
            self.sync.set_context(None).await?;
            secrets::delete(&self.keychain_key(&state.settings), state.settings.language)?;
        }
        result
    }

    /// The owner of the local cache: this server and the signed-in account.
    pub(crate) async fn owner(&self) -> Result<String, ApiError> {
        match self.sync.context() {
            Some(context) => Ok(context.owner),
            None => Err(Self::not_signed_in(&self.state.lock().await.settings)),
        }
    }

    /// Checks a document's QR payload offline with the issuing authority's public key, fetched
    /// from the central API when it can be reached and kept for when it cannot.
    pub async fn verify_document(
        &self,
        payload: &str,
    ) -> Result<onetrip_api::verify::VerifyResponse, ApiError> {
        let settings = self.state.lock().await.settings.clone();
        let fetched = match self.client(&settings).await {
            Ok(client) => client.verify_key().await.ok().map(|key| key.key),
            Err(_) => None,
        };
        crate::printing::verify_with_kept_key(
            &self.data_dir,
            fetched.as_deref(),
            payload,
            now_ms(),
            settings.language,
        )
    }

    /// The configuration from the local cache, with commands still waiting applied on top.
    /// A cache that never synced pulls first.
    pub async fn load_config(&self) -> Result<ConfigSnapshot, ApiError> {
        let owner = self.owner().await?;
        if self.sync.cache.cursor().await? == 0 {
            self.sync.pull().await.map_err(|error| match error.code {
                ErrorCode::Offline => ApiError::new(
                    ErrorCode::Offline,
                    format!("本机尚未从服务器同步过数据。{} / Nothing has been synced to this computer yet.", error.message),
                ),
                _ => error,
            })?;
        }
        self.sync.cache.config_snapshot(&owner).await
    }

    /// Sends a command. Online-only commands go straight to the server and fail at once when it
    /// cannot be reached; the others are stored in the outbox first and sent as soon as they
    /// can be (`Queued` when the server is out of reach now).
    pub async fn send_command(&self, command: Command) -> Result<CommandOutcome, ApiError> {
        if command.body.online_only() {
            let outcome = self
                .with_session(
                    |client, token| async move { client.send_command(&token, &command).await },
                )
                .await?;
            // Bring the change into the cache now, so screens reading it see it at once.
            if let Err(error) = self.sync.pull().await {
                tracing::info!(%error, "pull after an online command failed");
                self.sync.wake();
            }
            return Ok(outcome);
        }
        self.owner().await?;
        self.sync.submit(command).await
    }

    /// Today's tickets (the service center's day) at the sites the account may see, from the
    /// local cache; a call or an issue made here is in it as soon as its command returns.
    pub async fn queue_tickets(&self) -> Result<Vec<onetrip_api::queue::Ticket>, ApiError> {
        self.owner().await?;
        let today = onetrip_print::signing::center_date(now_ms());
        self.sync.cache.tickets(&today).await
    }

    /// Windows on a break, and since when.
    pub async fn window_states(&self) -> Result<Vec<onetrip_api::queue::WindowState>, ApiError> {
        self.owner().await?;
        self.sync.cache.window_states().await
    }

    /// Today's ratings at the sites the account may see, from the local cache: the clerk's
    /// workstation tells from them whether the ticket just finished has been rated.
    pub async fn queue_ratings(&self) -> Result<Vec<onetrip_api::rating::Rating>, ApiError> {
        self.owner().await?;
        let today = onetrip_print::signing::center_date(now_ms());
        let mut ratings = self.sync.cache.ratings(&today, &today).await?;
        ratings.retain(|rating| rating.day == today);
        Ok(ratings)
    }

    /// The ratings report of the days `from` to `to` (`YYYY-MM-DD`), built from the local cache
    /// as the central API builds it, so that it reads the same offline.
    pub async fn ratings_report(
        &self,
        from: &str,
        to: &str,
    ) -> Result<onetrip_api::rating::RatingsReport, ApiError> {
        use onetrip_domain::calendar::Day;
        self.owner().await?;
        let lang = self.language().await;
        let range = match (Day::parse(from), Day::parse(to)) {
            (Some(first), Some(last)) if first <= last => Some((first, last)),
            _ => None,
        };
        let Some((first, last)) = range else {
            return Err(ApiError::new(
                ErrorCode::BadRequest,
                lang.pick(
                    "请选择正确的日期范围".into(),
                    "Choose a valid date range".into(),
                ),
            ));
        };
        let today = Day::parse(&onetrip_print::signing::center_date(now_ms()))
            .ok_or_else(|| ApiError::new(ErrorCode::Internal, "today is not a date"))?;
        let ratings = self
            .sync
            .cache
            .ratings(&first.to_string(), &last.to_string())
            .await?;
        Ok(onetrip_api::rating::RatingsReport::build(
            ratings, first, last, today,
        ))
    }

    /// A site's statistics, asked of the server (they are not kept in the local cache).
    pub async fn queue_stats(&self, query: StatsQuery) -> Result<QueueStats, ApiError> {
        self.with_session(|client, token| async move { client.stats(&token, &query).await })
            .await
    }

    /// Downloads the statistics as a file into the export folder (the user's Downloads folder
    /// when the shell found one, else `exports/` in the data folder) and says where it is.
    /// A file of the same name already there is kept: the new one gets a numbered name.
    pub async fn export_stats(
        &self,
        query: StatsQuery,
        format: ExportFormat,
    ) -> Result<SavedExport, ApiError> {
        let (name, bytes) = self
            .with_session(|client, token| async move {
                client.stats_export(&token, &query, format).await
            })
            .await?;
        let lang = self.language().await;
        let folder = match &self.export_dir {
            Some(dir) if dir.is_dir() => dir.clone(),
            _ => self.data_dir.join("exports"),
        };
        save_export(&folder, &name, format, &bytes, lang)
    }

    /// Commands the server refused after they waited in the outbox.
    pub async fn failed_commands(&self) -> Result<Vec<FailedCommand>, ApiError> {
        self.sync.cache.failed(&self.owner().await?).await
    }

    /// Queues a refused command again (under a fresh id).
    pub async fn retry_command(&self, id: Uuid) -> Result<(), ApiError> {
        self.sync.cache.retry(id, now_ms()).await?;
        self.sync.wake();
        Ok(())
    }

    /// Drops a refused command for good.
    pub async fn discard_command(&self, id: Uuid) -> Result<(), ApiError> {
        self.sync.cache.remove(id).await
    }

    pub async fn connection_status(&self) -> ConnectionStatus {
        let settings = self.state.lock().await.settings.clone();
        let client = self.client(&settings).await;
        let (server_url, health) = match &client {
            Ok(client) => (client.base().to_owned(), client.health().await.ok()),
            Err(_) => (settings.server_url.clone().unwrap_or_default(), None),
        };
        let (pending, failed) = match self.sync.context() {
            Some(context) => self
                .sync
                .cache
                .outbox_counts(&context.owner)
                .await
                .unwrap_or_default(),
            None => (0, 0),
        };
        ConnectionStatus {
            online: health.is_some(),
            mode: settings.mode,
            server_url,
            database: health.map(|h| h.database),
            pending,
            failed,
            last_sync_at_ms: self.sync.cache.last_sync_at().await.unwrap_or_default(),
        }
    }

    pub async fn settings(&self) -> Settings {
        self.state.lock().await.settings.clone()
    }

    /// Saves new settings. Moving to another server signs out of the old one first.
    pub async fn save_settings(&self, new: Settings) -> Result<Settings, ApiError> {
        let new = settings::check(new)?;
        let mut state = self.state.lock().await;
        if self.keychain_key(&new) != self.keychain_key(&state.settings)
            && let Err(error) = self.end_session(&mut state).await
        {
            tracing::warn!(%error, "could not end the previous session");
        }
        settings::save(&self.data_dir, &new)?;
        state.settings = new.clone();
        Ok(new)
    }
}

/// Writes an export into `folder` under `name` (only its last component, so that a name from
/// the server never leaves the folder), numbering it when the name is taken.
pub fn save_export(
    folder: &std::path::Path,
    name: &str,
    format: ExportFormat,
    bytes: &[u8],
    lang: onetrip_domain::Lang,
) -> Result<SavedExport, ApiError> {
    let failed = |error: std::io::Error| {
        ApiError::new(
            ErrorCode::Internal,
            lang.pick(
                format!("无法保存导出文件到 {}：{error}", folder.display()),
                format!("Cannot save the export in {}: {error}", folder.display()),
            ),
        )
    };
    let name = std::path::Path::new(name)
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| !n.starts_with('.'))
        .map(str::to_owned)
        .unwrap_or_else(|| format!("stats.{}", format.as_str()));
    std::fs::create_dir_all(folder).map_err(failed)?;
    let (stem, extension) = match name.rsplit_once('.') {
        Some((stem, extension)) => (stem.to_owned(), format!(".{extension}")),
        None => (name.clone(), String::new()),
    };
    let mut number = 1;
    loop {
        let file_name = match number {
            1 => name.clone(),
            n => format!("{stem} ({n}){extension}"),
        };
        let path = folder.join(&file_name);
        // `create_new` so that two exports at once never write into the same file.
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => {
                use std::io::Write;
                file.write_all(bytes).map_err(failed)?;
                return Ok(SavedExport {
                    file_name,
                    path: path.display().to_string(),
                });
            }
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists && number < 1000 => {
                number += 1;
            }
            Err(error) => return Err(failed(error)),
        }
    }
}
