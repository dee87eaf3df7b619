//! Login and the signed-in account.

use onetrip_domain::auth::Role;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// The signed-in account as the UI sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Account {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The site the account works at; none means every site.
    pub site_id: Option<Uuid>,
    /// Reviewers only: their drawing-review specialty.
    pub specialty: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
pub struct LoginResponse {
    /// Opaque bearer token; the desktop keeps it only in the OS keychain.
    pub token: String,
    pub account: Account,
    #[ts(type = "number")]
    pub expires_at_ms: i64,
}
