//! Commands: every write is one, carrying a client-made id so that sending it again is harmless.

use onetrip_domain::config::{Matter, Service, Site, Window};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::error::ApiError;

/// A write, identified by a UUID the client made; the server applies an id at most once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Command {
    pub id: Uuid,
    #[serde(flatten)]
    pub body: CommandBody,
}

/// What a command does. Saving creates the record or replaces the one with the same id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum CommandBody {
    SaveSite(Site),
    SaveService(Service),
    SaveMatter(Matter),
    SaveWindow(Window),
    DeleteWindow { id: Uuid },
}

impl CommandBody {
    pub fn kind(&self) -> &'static str {
        match self {
            CommandBody::SaveSite(_) => "save_site",
            CommandBody::SaveService(_) => "save_service",
            CommandBody::SaveMatter(_) => "save_matter",
            CommandBody::SaveWindow(_) => "save_window",
            CommandBody::DeleteWindow { .. } => "delete_window",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CommandStatus {
    Applied,
    Rejected,
}

/// The result of a command; the same id always gets the same outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct CommandOutcome {
    pub command_id: Uuid,
    pub status: CommandStatus,
    pub error: Option<ApiError>,
}
