//! What the desktop does, free of Tauri: talk to the central API over HTTP, keep the session
//! token in the OS keychain, keep settings in the data folder. The shell only adapts these.

pub mod api_client;
pub mod cache;
pub mod desktop;
pub mod print_system;
pub mod secrets;
pub mod settings;
pub mod sync_engine;

// The use-cases, one module per area.
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

pub use desktop::Desktop;
