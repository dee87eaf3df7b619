//! Types only the desktop's IPC carries: its settings and its view of the connection.

use onetrip_domain::Lang;

use crate::command::{Command, CommandStatus};
use crate::error::ApiError;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where the desktop's central API is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ServerMode {
    /// The central API runs inside the desktop app on 127.0.0.1, with its own SQLite file.
    #[default]
    Standalone,
    /// A central API elsewhere, at `server_url`.
    Remote,
}

/// The desktop's settings, kept in its data folder.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
pub struct Settings {
    pub mode: ServerMode,
    /// Required in remote mode, e.g. `https://onetrip.example.gov.cn`.
    pub server_url: Option<String>,
    pub language: Lang,
}

/// What the connection indicator shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ConnectionStatus {
    pub online: bool,
    pub mode: ServerMode,
    /// The address in use; in standalone mode the in-process server's loopback address.
    pub server_url: String,
    /// `sqlite` or `postgres` when online.
    pub database: Option<String>,
    /// Commands waiting in the outbox to be sent.
    pub pending: u32,
    /// Commands the server refused, waiting for the user to retry or discard them.
    pub failed: u32,
    /// When the local cache last caught up with the server.
    #[ts(type = "number | null")]
    pub last_sync_at_ms: Option<i64>,
}

/// A command the server refused after it waited in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FailedCommand {
    pub command: Command,
    /// `rejected` or `conflict`.
    pub status: CommandStatus,
    pub error: ApiError,
    #[ts(type = "number")]
    pub created_at_ms: i64,
}
