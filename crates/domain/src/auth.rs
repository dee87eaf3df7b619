//! Roles, scopes and the login rules (lockout, session lifetime).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What an account may do. One role per account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Supervisor,
    Clerk,
    Reviewer,
    PermitOfficer,
    PrintDelivery,
    /// A builder's or designer's account (建设单位 / 设计单位) in the applicant portal, scoped
    /// to its organisation and its projects; never a staff screen.
    Applicant,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Admin,
        Role::Supervisor,
        Role::Clerk,
        Role::Reviewer,
        Role::PermitOfficer,
        Role::PrintDelivery,
        Role::Applicant,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Clerk => "clerk",
            Role::Reviewer => "reviewer",
            Role::PermitOfficer => "permit_officer",
            Role::PrintDelivery => "print_delivery",
            Role::Applicant => "applicant",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// Center staff, who work in the desktop; applicants work only in the portal.
    pub fn is_staff(self) -> bool {
        self != Role::Applicant
    }

    /// Only administrators change the site configuration.
    pub fn may_edit_configuration(self) -> bool {
        self == Role::Admin
    }
}

/// Which part of the county an account works in. `site: None` means every site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    pub site: Option<Uuid>,
    /// Reviewers only: the drawing-review specialty (建筑, 结构 …).
    pub specialty: Option<String>,
}

impl Scope {
    pub fn covers_site(&self, site: Uuid) -> bool {
        self.site.is_none_or(|own| own == site)
    }
}

/// Failed password attempts allowed before the account is locked.
pub const MAX_FAILED_LOGINS: i64 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT_MS: i64 = 15 * 60 * 1000;
/// How long a session lasts from login: one working day plus margin.
pub const SESSION_LIFETIME_MS: i64 = 12 * 60 * 60 * 1000;

/// The state of an account's login attempts, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoginAttempts {
    pub failed: i64,
    pub locked_until_ms: Option<i64>,
}

impl LoginAttempts {
    pub fn is_locked(&self, now_ms: i64) -> bool {
        self.locked_until_ms.is_some_and(|until| now_ms < until)
    }

    /// The state after one more wrong password at `now_ms`.
    pub fn after_failure(self, now_ms: i64) -> LoginAttempts {
        let failed = if self.locked_until_ms.is_some_and(|until| now_ms >= until) {
            1
        } else {
            self.failed + 1
        };
        LoginAttempts {
            failed,
            locked_until_ms: (failed >= MAX_FAILED_LOGINS).then_some(now_ms + LOCKOUT_MS),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_five_failures_and_unlocks_later() {
        let mut attempts = LoginAttempts::default();
        for _ in 0..4 {
            attempts = attempts.after_failure(1_000);
            assert!(!attempts.is_locked(1_000));
        }
        attempts = attempts.after_failure(1_000);
        assert!(attempts.is_locked(1_000));
        assert!(attempts.is_locked(1_000 + LOCKOUT_MS - 1));
        assert!(!attempts.is_locked(1_000 + LOCKOUT_MS));
        // A failure after the lock expired starts counting afresh.
        let again = attempts.after_failure(1_000 + LOCKOUT_MS);
        assert_eq!(again.failed, 1);
        assert!(!again.is_locked(1_000 + LOCKOUT_MS));
    }

    #[test]
    fn roles_round_trip_and_only_admin_edits() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            assert_eq!(role.may_edit_configuration(), role == Role::Admin);
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn scope_without_site_covers_all() {
        let site = Uuid::new_v4();
        assert!(
            Scope {
                site: None,
                specialty: None
            }
            .covers_site(site)
        );
        assert!(
            Scope {
                site: Some(site),
                specialty: None
            }
            .covers_site(site)
        );
        assert!(
            !Scope {
                site: Some(Uuid::new_v4()),
                specialty: None
            }
            .covers_site(site)
        );
    }
}
