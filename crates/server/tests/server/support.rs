//! Real databases for tests: a temporary SQLite file, or a fresh database on the machine's
//! PostgreSQL (named by `ONETRIP_TEST_DATABASE_URL`, which `npm test` sets).

use std::sync::Arc;

use onetrip_server::serve::{Database, open_storage};
use onetrip_server::storage::Storage;
use sqlx::Connection;

/// A storage under test plus raw SQL access to the same database.
pub struct TestDb {
    pub storage: Arc<dyn Storage>,
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

    pub async fn reopen(&self) -> Arc<dyn Storage> {
        open_storage(&Database::Url(self.url.clone()))
            .await
            .expect("reopen")
    }
}

pub async fn sqlite() -> TestDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("central.db").display());
    let storage = open_storage(&Database::Url(url.clone()))
        .await
        .expect("open sqlite");
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
    let storage = open_storage(&Database::Url(url.clone()))
        .await
        .expect("open postgres");
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
