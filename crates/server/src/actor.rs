//! Who is acting: the signed-in account with its role, scope and language.

use onetrip_api::auth::Account;
use onetrip_domain::Lang;
use onetrip_domain::auth::{Role, Scope};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Actor {
    pub account: Account,
    pub lang: Lang,
}

impl Actor {
    /// The built-in actor that seeds a new database.
    pub fn system() -> Actor {
        Actor {
            account: Account {
                id: Uuid::nil(),
                username: "system".into(),
                display_name: "系统".into(),
                role: Role::Admin,
                site_id: None,
                specialty: None,
            },
            lang: Lang::ZhCn,
        }
    }

    pub fn role(&self) -> Role {
        self.account.role
    }

    pub fn scope(&self) -> Scope {
        Scope {
            site: self.account.site_id,
            specialty: self.account.specialty.clone(),
        }
    }
}

/// A refusal in the actor's language with the rule's own code as the reason.
pub fn refuse(
    actor: &Actor,
    code: onetrip_api::error::ErrorCode,
    reason: &str,
    zh: String,
    en: String,
) -> onetrip_api::error::ApiError {
    onetrip_api::error::ApiError::new(code, actor.lang.pick(zh, en)).with_reason(reason)
}
