//! Integration tests of the central API: one storage conformance suite run on SQLite and on
//! PostgreSQL, and HTTP tests through the real router.

mod conformance;
mod http;
mod support;
