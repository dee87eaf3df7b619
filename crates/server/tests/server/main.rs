//! Integration tests of the central API: one storage conformance suite run on SQLite and on
//! PostgreSQL, HTTP tests through the real router, and real server processes sharing one
//! PostgreSQL database.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod blobs;
mod conformance;
mod delivery;
mod http;
mod layout;
mod permits;
mod processes;
mod ratings;
mod review;
mod review_stats;
mod sqlite;
mod stats;
mod support;
mod verify;
