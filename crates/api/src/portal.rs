//! The applicant portal's accounts: a builder's or designer's organisation registers itself,
//! center staff approve it (or create the account themselves), and the applicant signs in
//! like staff do.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;
use uuid::Uuid;

/// A self-registration from the portal, or an account a member of staff creates.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
pub struct ApplicantSignUp {
    /// 3–40 letters, digits or `_ . - @`.
    #[schema(min_length = 3, max_length = 40)]
    pub username: String,
    #[schema(min_length = 8, max_length = 200)]
    pub password: String,
    /// The person who will use the account.
    #[schema(min_length = 1, max_length = 100)]
    pub display_name: String,
    /// 建设单位 or 设计单位, as on its licence.
    #[schema(min_length = 1, max_length = 100)]
    pub organisation_name: String,
    /// The organisation's 统一社会信用代码; full-width characters are accepted.
    #[schema(min_length = 18, max_length = 40)]
    pub credit_code: String,
    /// A mainland mobile number (11 digits).
    #[schema(min_length = 11, max_length = 20)]
    pub phone: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationState {
    /// 待审核.
    Pending,
    /// 已通过: the account exists.
    Approved,
    /// 未通过.
    Refused,
}

impl RegistrationState {
    pub fn as_str(self) -> &'static str {
        match self {
            RegistrationState::Pending => "pending",
            RegistrationState::Approved => "approved",
            RegistrationState::Refused => "refused",
        }
    }

    pub fn parse(text: &str) -> Option<RegistrationState> {
        [
            RegistrationState::Pending,
            RegistrationState::Approved,
            RegistrationState::Refused,
        ]
        .into_iter()
        .find(|state| state.as_str() == text)
    }
}

/// A registration as staff review it (the password is never shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct Registration {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub organisation_name: String,
    pub credit_code: String,
    pub phone: String,
    pub state: RegistrationState,
    #[ts(type = "number")]
    pub submitted_at_ms: i64,
    /// Set when approved: the account it became.
    pub account_id: Option<Uuid>,
}

/// The signed-in applicant and the organisation they act for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
pub struct ApplicantProfile {
    pub account_id: Uuid,
    pub username: String,
    pub display_name: String,
    pub organisation_name: String,
    pub credit_code: String,
    pub phone: String,
}
