//! The desktop: one session, one local cache and one outbox, shared by the use-cases of each
//! area (`auth`, `config`, `queue`, `ratings`, `stats`, `printing`, `sync`), which
//! [`Desktop::auth`], [`Desktop::queue`] … hand out.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use onetrip_api::auth::Account;
use onetrip_api::desktop::{ServerMode, Settings};
use onetrip_api::error::{ApiError, ErrorCode};
use tokio::sync::Mutex;

use crate::api_client::ApiClient;
use crate::cache::Cache;
use crate::secrets::{self, Sensitive};
use crate::settings;
use crate::sync_engine::{SyncContext, SyncEngine, SyncObserver};

/// Starts the in-process central API (once) and gives its base URL. The shell provides it, so
/// that this crate speaks HTTP in both modes and never links the server.
pub type StandaloneLauncher =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<String, ApiError>> + Send>> + Send + Sync>;

/// The cache file inside the data folder.
pub const CACHE_FILE: &str = "cache.db";

pub(crate) struct Session {
    pub(crate) token: Sensitive<String>,
    pub(crate) account: Account,
}

pub(crate) struct State {
    pub(crate) settings: Settings,
    pub(crate) session: Option<Session>,
}

pub struct Desktop {
    pub(crate) data_dir: PathBuf,
    launcher: StandaloneLauncher,
    pub(crate) state: Mutex<State>,
    pub(crate) sync: Arc<SyncEngine>,
    pub(crate) printing: crate::print_system::PrintSetup,
    /// Where exports go when it exists; `exports/` in the data folder otherwise.
    pub(crate) export_dir: Option<PathBuf>,
    /// The drawing files the native viewer has open.
    pub(crate) open_files: crate::review::OpenFiles,
}

pub(crate) fn ends_session(error: &ApiError) -> bool {
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
            printing: crate::print_system::PrintSetup::default(),
            export_dir: None,
            open_files: crate::review::OpenFiles::default(),
        })
    }

    /// Prints through `system` with the fonts in `font_dir` (the app's bundled resources)
    /// instead of the machine's print system and the fonts found beside the executable.
    pub fn with_printing(
        mut self,
        system: crate::print_system::PrintSystem,
        font_dir: Option<PathBuf>,
    ) -> Self {
        self.printing = crate::print_system::PrintSetup::new(system, font_dir);
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
    pub(crate) fn keychain_key(&self, settings: &Settings) -> String {
        match settings.mode {
            ServerMode::Standalone => format!("session:standalone:{}", self.data_dir.display()),
            ServerMode::Remote => format!(
                "session:{}",
                settings.server_url.as_deref().unwrap_or_default()
            ),
        }
    }

    pub(crate) async fn client(&self, settings: &Settings) -> Result<ApiClient, ApiError> {
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

    pub(crate) fn not_signed_in(settings: &Settings) -> ApiError {
        ApiError::new(
            ErrorCode::Unauthorized,
            settings
                .language
                .pick("请先登录".into(), "Please log in".into()),
        )
    }

    /// Starts syncing for the session just opened or restored.
    pub(crate) async fn start_sync(
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

    pub(crate) async fn end_session(&self, state: &mut State) -> Result<(), ApiError> {
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

    /// Runs an authenticated call; a session the server no longer knows is forgotten here too.
    pub(crate) async fn with_session<T, F, Fut>(&self, call: F) -> Result<T, ApiError>
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
}
