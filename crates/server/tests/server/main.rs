//! Integration tests of the central API: one storage conformance suite run on SQLite and on
//! PostgreSQL, and HTTP tests through the real router.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod conformance;
mod http;
mod stats;
mod support;
mod verify;
