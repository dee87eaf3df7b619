//! A fresh PostgreSQL database for one benchmark run, made beside the server's others and
//! dropped after it.

use sqlx::Connection;

/// Makes database `name` on the server `url` names; its URL.
pub async fn create_database(url: &str, name: &str) -> String {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .unwrap();
    let (server, _) = url.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

/// Drops database `name`, closing its connections.
pub async fn drop_database(url: &str, name: &str) {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut conn)
    .await
    .unwrap();
}
