//! The change log as readers see it: pages of changes after a cursor (`GET /api/sync`) and
//! live positions (`GET /api/events`).

pub mod routes;
pub mod sql;

pub use sql::{Reader, changes_since, sync_page_json};
