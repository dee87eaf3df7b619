//! Real databases for tests: a temporary SQLite file, or a fresh database on the machine's
//! PostgreSQL (named by `ONETRIP_TEST_DATABASE_URL`, which `npm test` sets).

use std::ops::Deref;
use std::sync::Arc;

use onetrip_api::command::{Command, CommandOutcome};
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::queue::{Appointment, Ticket, WindowState};
use onetrip_api::sync::SyncPage;
use onetrip_domain::auth::LoginAttempts;
use onetrip_server::actor::Actor;
use onetrip_server::auth::sql::{NewAccount, StoredAccount};
use onetrip_server::command_log::AuditEntry;
use onetrip_server::commands::Commands;
use onetrip_server::serve::{Database, open_storage};
use onetrip_server::session_cache::StoredSession;
use onetrip_server::storage::StorageResult;
use sqlx::Connection;
use uuid::Uuid;

/// The central database under test: its command pipeline, and the areas' reads the tests
/// check it with.
pub struct Central(pub Arc<Commands>);

impl Deref for Central {
    type Target = Commands;

    fn deref(&self) -> &Commands {
        &self.0
    }
}

impl Central {
    pub fn backend(&self) -> &'static str {
        self.store().backend()
    }

    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<i64> {
        self.store().subscribe()
    }

    pub async fn apply_command(
        &self,
        actor: &Actor,
        command: &Command,
        now_ms: i64,
    ) -> StorageResult<CommandOutcome> {
        self.apply(actor, command, now_ms).await
    }

    pub async fn config_snapshot(&self) -> StorageResult<ConfigSnapshot> {
        let mut pooled = self.store().acquire().await?;
        onetrip_server::config::sql::snapshot(&mut pooled.conn()).await
    }

    pub async fn audit_log(&self, limit: i64) -> StorageResult<Vec<AuditEntry>> {
        let mut pooled = self.store().acquire().await?;
        onetrip_server::command_log::audit_log(&mut pooled.conn(), limit).await
    }

    pub async fn head(&self) -> StorageResult<i64> {
        let mut pooled = self.store().acquire().await?;
        onetrip_server::changes::head(&mut pooled.conn()).await
    }

    pub async fn changes_since(
        &self,
        since: i64,
        limit: i64,
        site: Option<Uuid>,
    ) -> StorageResult<SyncPage> {
        let mut pooled = self.store().acquire().await?;
        onetrip_server::sync::changes_since(
            &mut pooled.conn(),
            since,
            limit,
            &onetrip_server::sync::Reader::of_site(site),
        )
        .await
    }

    pub async fn sync_page_json(
        &self,
        since: i64,
        limit: i64,
        site: Option<Uuid>,
    ) -> StorageResult<String> {
        let mut pooled = self.store().acquire().await?;
        onetrip_server::sync::sync_page_json(
            &mut pooled.conn(),
            since,
            limit,
            &onetrip_server::sync::Reader::of_site(site),
        )
        .await
    }

    pub async fn count_accounts(&self) -> StorageResult<i64> {
        let mut pooled = self.store().acquire().await?;
        onetrip_server::auth::sql::count_accounts(&mut pooled.conn()).await
    }

    pub async fn insert_account(&self, account: &NewAccount, now_ms: i64) -> StorageResult<()> {
        let mut pooled = self.store().acquire().await?;
        onetrip_server::auth::sql::insert_account(&mut pooled.conn(), account, now_ms).await
    }

    pub async fn account_by_username(
        &self,
        username: &str,
    ) -> StorageResult<Option<StoredAccount>> {
        let mut pooled = self.store().acquire().await?;
        onetrip_server::auth::sql::account_by_username(&mut pooled.conn(), username).await
    }

    pub async fn save_login_attempts(
        &self,
        account: Uuid,
        attempts: LoginAttempts,
    ) -> StorageResult<()> {
        let mut pooled = self.store().acquire().await?;
        onetrip_server::auth::sql::save_login_attempts(&mut pooled.conn(), account, attempts).await
    }

    pub async fn insert_session(
        &self,
        token_hash: &str,
        account: Uuid,
        now_ms: i64,
        expires_at_ms: i64,
    ) -> StorageResult<()> {
        let mut pooled = self.store().acquire().await?;
        onetrip_server::auth::sql::insert_session(
            &mut pooled.conn(),
            token_hash,
            account,
            now_ms,
            expires_at_ms,
        )
        .await
    }

    pub async fn session(&self, token_hash: &str) -> StorageResult<Option<StoredSession>> {
        let mut pooled = self.store().acquire().await?;
        onetrip_server::auth::sql::session(&mut pooled.conn(), token_hash).await
    }

    pub async fn window_states(&self, site: Uuid) -> StorageResult<Vec<WindowState>> {
        let mut pooled = self.store().acquire().await?;
        onetrip_server::queue::sql::window_states(&mut pooled.conn(), site).await
    }

    pub async fn find_appointments(
        &self,
        site: Uuid,
        day: &str,
        query: &str,
    ) -> StorageResult<Vec<(Appointment, bool)>> {
        let mut pooled = self.store().acquire().await?;
        onetrip_server::queue::sql::find_appointments(&mut pooled.conn(), site, day, query).await
    }

    pub async fn last_finished_at_window(
        &self,
        window: Uuid,
        day: &str,
    ) -> StorageResult<Option<(Ticket, bool)>> {
        let mut pooled = self.store().acquire().await?;
        onetrip_server::ratings::sql::last_finished(&mut pooled.conn(), window, day).await
    }

    pub async fn delete_session(&self, token_hash: &str) -> StorageResult<()> {
        let mut pooled = self.store().acquire().await?;
        onetrip_server::auth::sql::delete_session(&mut pooled.conn(), token_hash).await
    }
}

/// A storage under test plus raw SQL access to the same database.
pub struct TestDb {
    pub storage: Arc<Central>,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    /// Runs one statement outside the storage interface.
    pub async fn raw_execute(&self, sql: &'static str) -> Result<u64, sqlx::Error> {
        if self.url.starts_with("sqlite:") {
            let mut conn = sqlx::SqliteConnection::connect(&self.url).await?;
            Ok(sqlx::query(sql).execute(&mut conn).await?.rows_affected())
        } else {
            let mut conn = sqlx::PgConnection::connect(&self.url).await?;
            Ok(sqlx::query(sql).execute(&mut conn).await?.rows_affected())
        }
    }

    pub async fn reopen(&self) -> Arc<Central> {
        Arc::new(Central(
            open_storage(&Database::Url(self.url.clone()))
                .await
                .expect("reopen"),
        ))
    }
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("central.db").display());
    let storage = Arc::new(Central(
        open_storage(&Database::Url(url.clone()))
            .await
            .expect("open sqlite"),
    ));
    TestDb {
        storage,
        url,
        _dir: Some(dir),
    }
}

pub async fn postgres() -> TestDb {
    let admin_url = std::env::var("ONETRIP_TEST_DATABASE_URL").expect(
        "ONETRIP_TEST_DATABASE_URL must name a PostgreSQL server for the PostgreSQL half of the suite \
         (npm test starts the machine's PostgreSQL 15 and sets it)",
    );
    let name = format!("onetrip_test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .expect("connect to PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let (base, _) = admin_url.rsplit_once('/').expect("database URL has a path");
    let url = format!("{base}/{name}");
    let storage = Arc::new(Central(
        open_storage(&Database::Url(url.clone()))
            .await
            .expect("open postgres"),
    ));
    TestDb {
        storage,
        url,
        _dir: None,
    }
}

/// Runs each named `async fn(TestDb)` of the calling module as two tests: on SQLite and on
/// PostgreSQL.
macro_rules! conformance {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(crate::support::sqlite().await).await
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(crate::support::postgres().await).await
                }
            )*
        }
    };
}

pub(crate) use conformance;
