//! PostgreSQL storage: for production, shared by several API instances. Command transactions
//! take a transaction-scoped advisory lock so that a check-then-write never interleaves.

use sqlx::postgres::PgPoolOptions;

use super::StorageResult;
use super::sql::sql_storage;

pub struct PostgresStorage {
    pool: sqlx::PgPool,
}

impl PostgresStorage {
    /// Connects and brings the schema up to date.
    pub async fn connect(url: &str) -> StorageResult<PostgresStorage> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .connect(url)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(PostgresStorage { pool })
    }
}

sql_storage!(
    PostgresStorage,
    sqlx::Postgres,
    backend = "postgres",
    begin = "BEGIN",
    serialize = "SELECT pg_advisory_xact_lock(7431001)"
);
