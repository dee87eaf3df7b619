//! Tauri commands, one module per area; each takes state, calls one client function and
//! returns its result or its `{code, message}` error.

pub mod auth;
pub mod config;
pub mod delivery;
pub mod permits;
pub mod printing;
pub mod queue;
pub mod ratings;
pub mod review;
pub mod stats;
pub mod sync;
