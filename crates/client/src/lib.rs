//! What the desktop does, free of Tauri: talk to the central API over HTTP, keep the session
//! token in the OS keychain, keep settings in the data folder. The shell only adapts these.

pub mod api_client;
pub mod cache;
pub mod desktop;
pub mod documents;
pub mod printing;
pub mod secrets;
pub mod settings;
pub mod sync;

pub use desktop::Desktop;
