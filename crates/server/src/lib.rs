//! The central API of OneTrip: accounts and sessions, site configuration, commands applied at
//! most once with an append-only audit log, over SQLite (embedded) or PostgreSQL.

pub mod actor;
pub mod app;
pub mod auth;
pub mod cases;
pub mod clock;
pub mod commands;
pub mod hall;
pub mod http_error;
pub mod queue;
pub mod queue_state;
pub mod rating_pad;
pub mod ratings;
pub mod seed;
pub mod serve;
pub mod state;
pub mod stats;
pub mod storage;
pub mod verify;
pub mod verify_page;
