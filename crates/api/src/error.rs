//! The one error shape that crosses HTTP and IPC: a stable code and a message for the user.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// Stable error codes. The UI branches on these, never on message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No or unknown session token.
    Unauthorized,
    /// The session ran past its lifetime; log in again.
    SessionExpired,
    /// Wrong user name or password.
    InvalidCredentials,
    /// Too many wrong passwords; the account is locked for a while.
    AccountLocked,
    /// The role or scope does not allow this.
    Forbidden,
    NotFound,
    /// The request could not be read (malformed JSON, wrong field types).
    BadRequest,
    PayloadTooLarge,
    /// A domain rule refused the change; `reason` tells which.
    Invalid,
    /// The record changed since the client last saw it.
    Conflict,
    /// The server cannot be reached.
    Offline,
    /// The OS keychain could not store or read the session.
    Keychain,
    Internal,
}

/// `{code, message}`; `reason` carries the domain rule's own code where one refused the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            code,
            message: message.into(),
            reason: None,
        }
    }

    pub fn with_reason(mut self, reason: impl Into<String>) -> ApiError {
        self.reason = Some(reason.into());
        self
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}
