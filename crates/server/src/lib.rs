//! The central API of OneTrip, one folder per area (`auth`, `config`, `queue`, `cases`,
//! `ratings`, `stats`, `documents`, `printing`, `sync`, `portal`, `review`), each with its routes, its command
//! planning and its SQL. Shared infrastructure sits in named modules that areas use and that
//! never use an area; `commands`, `app`, `serve` and `seed` compose the areas.

// Shared infrastructure.
pub mod actor;
pub mod blobs;
pub mod changes;
pub mod clock;
pub mod command_log;
pub mod events;
pub mod extract;
pub mod http_error;
pub mod lang;
pub mod password;
pub mod public_page;
pub mod session_cache;
pub mod spreadsheet;
pub mod state;
pub mod storage;
pub mod uploads;

// Areas.
pub mod auth;
pub mod cases;
pub mod config;
pub mod delivery;
pub mod documents;
pub mod permits;
pub mod portal;
pub mod printing;
pub mod queue;
pub mod ratings;
pub mod review;
pub mod stats;
pub mod sync;

// Composition.
pub mod app;
pub mod commands;
pub mod openapi;
pub mod seed;
pub mod serve;
