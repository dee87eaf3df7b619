//! The applicant portal's accounts: self-registration, approval by staff, accounts staff create
//! directly, and the applicant as an extractor for the portal's routes.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use onetrip_api::auth::Account;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::portal::{ApplicantProfile, ApplicantSignUp, Registration, RegistrationState};
use onetrip_domain::auth::Role;
use onetrip_domain::identity::{IdKind, check_credit_code};
use onetrip_domain::phone::check_mobile_number;
use uuid::Uuid;

pub mod routes;
pub mod sql;

use crate::actor::{Actor, refuse};
use crate::auth::Signed;
use crate::auth::sql::NewAccount;
use crate::http_error::{HttpError, internal};
use crate::state::AppState;

/// A signed-in applicant and the organisation they act for.
pub struct Applicant {
    pub actor: Actor,
    pub profile: ApplicantProfile,
}

impl FromRequestParts<AppState> for Applicant {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Signed(actor) = Signed::from_request_parts(parts, state).await?;
        let not_applicant = || {
            HttpError(refuse(
                &actor,
                ErrorCode::Forbidden,
                "applicants_only",
                "网上申报平台仅供建设单位、设计单位的申请人账号使用".into(),
                "The portal is for applicants' accounts".into(),
            ))
        };
        if actor.role() != Role::Applicant {
            return Err(not_applicant());
        }
        let mut pooled = state
            .store
            .acquire()
            .await
            .map_err(|e| internal(actor.lang, e))?;
        let profile = sql::profile(&mut pooled.conn(), actor.account.id)
            .await
            .map_err(|e| internal(actor.lang, e))?
            .ok_or_else(not_applicant)?;
        Ok(Applicant { actor, profile })
    }
}

/// Staff who may manage applicants' accounts.
fn may_manage(actor: &Actor) -> Result<(), ApiError> {
    if matches!(actor.role(), Role::Admin | Role::Supervisor) {
        Ok(())
    } else {
        Err(refuse(
            actor,
            ErrorCode::Forbidden,
            "applicants_forbidden",
            "只有管理员或科室负责人可以审核申请人账号".into(),
            "Only an administrator or supervisor manages applicants' accounts".into(),
        ))
    }
}

/// A sign-up checked: the fields trimmed and the codes in their canonical form.
fn checked(actor: &Actor, sign_up: &ApplicantSignUp) -> Result<ApplicantSignUp, ApiError> {
    let field = |reason: &str, zh: &str, en: &str| {
        refuse(actor, ErrorCode::Invalid, reason, zh.into(), en.into())
    };
    let username = sign_up.username.trim();
    let username_ok = (3..=40).contains(&username.chars().count())
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '@'));
    if !username_ok {
        return Err(field(
            "username",
            "用户名为 3–40 位字母、数字或 _ . - @",
            "The user name is 3–40 letters, digits or _ . - @",
        ));
    }
    let password_chars = sign_up.password.chars().count();
    if !(8..=200).contains(&password_chars) {
        return Err(field(
            "password",
            "密码至少 8 位",
            "The password needs at least 8 characters",
        ));
    }
    let text = |value: &str| value.trim().to_owned();
    let display_name = text(&sign_up.display_name);
    if display_name.is_empty() || display_name.chars().count() > 100 {
        return Err(field(
            "display_name",
            "请填写经办人姓名（100 字以内）",
            "Enter the name of the person using the account (up to 100 characters)",
        ));
    }
    let organisation_name = text(&sign_up.organisation_name);
    if organisation_name.is_empty() || organisation_name.chars().count() > 100 {
        return Err(field(
            "organisation_name",
            "请填写单位名称（100 字以内）",
            "Enter the organisation's name (up to 100 characters)",
        ));
    }
    let credit_code = check_credit_code(&sign_up.credit_code).map_err(|error| {
        ApiError::new(
            ErrorCode::Invalid,
            error.message(IdKind::Organisation, actor.lang),
        )
        .with_reason(error.code())
    })?;
    let phone = check_mobile_number(&sign_up.phone).map_err(|error| {
        ApiError::new(ErrorCode::Invalid, error.message(actor.lang)).with_reason(error.code())
    })?;
    Ok(ApplicantSignUp {
        username: username.to_owned(),
        password: sign_up.password.clone(),
        display_name,
        organisation_name,
        credit_code,
        phone,
    })
}

fn taken(actor: &Actor) -> ApiError {
    refuse(
        actor,
        ErrorCode::Conflict,
        "username_taken",
        "该用户名已被使用，请换一个".into(),
        "That user name is taken; choose another".into(),
    )
}

async fn hash(actor: &Actor, password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || crate::password::hash_password(&password))
        .await
        .map_err(|e| internal(actor.lang, e))?
        .map_err(|e| internal(actor.lang, e))
}

/// Someone from an organisation asks for an account; it waits for staff to approve it.
/// `actor` is the anonymous visitor (for the language).
pub async fn sign_up(
    state: &AppState,
    actor: &Actor,
    request: &ApplicantSignUp,
) -> Result<Registration, ApiError> {
    let request = checked(actor, request)?;
    let password_hash = hash(actor, request.password.clone()).await?;
    let registration = Registration {
        id: Uuid::new_v4(),
        username: request.username,
        display_name: request.display_name,
        organisation_name: request.organisation_name,
        credit_code: request.credit_code,
        phone: request.phone,
        state: RegistrationState::Pending,
        submitted_at_ms: state.clock.now_ms(),
        account_id: None,
    };
    let lang = actor.lang;
    let mut tx = state
        .store
        .begin_write()
        .await
        .map_err(|e| internal(lang, e))?;
    if sql::username_taken(&mut tx.conn(), &registration.username)
        .await
        .map_err(|e| internal(lang, e))?
    {
        return Err(taken(actor));
    }
    sql::insert_registration(&mut tx.conn(), &registration, &password_hash)
        .await
        .map_err(|e| internal(lang, e))?;
    tx.commit().await.map_err(|e| internal(lang, e))?;
    Ok(registration)
}

/// Creates the applicant's account and organisation in `tx`.
async fn insert_applicant(
    conn: &mut crate::storage::Conn<'_>,
    profile: &ApplicantProfile,
    password_hash: String,
    now_ms: i64,
) -> crate::storage::StorageResult<()> {
    let account = NewAccount {
        id: profile.account_id,
        username: profile.username.clone(),
        display_name: profile.display_name.clone(),
        role: Role::Applicant,
        site_id: None,
        specialty: None,
        password_hash,
    };
    crate::auth::sql::insert_account(conn, &account, now_ms).await?;
    sql::insert_profile(conn, profile).await
}

/// Staff create an applicant's account directly (the organisation came to the window, or
/// phoned).
pub async fn create_applicant(
    state: &AppState,
    actor: &Actor,
    request: &ApplicantSignUp,
) -> Result<ApplicantProfile, ApiError> {
    may_manage(actor)?;
    let request = checked(actor, request)?;
    let password_hash = hash(actor, request.password.clone()).await?;
    let profile = ApplicantProfile {
        account_id: Uuid::new_v4(),
        username: request.username,
        display_name: request.display_name,
        organisation_name: request.organisation_name,
        credit_code: request.credit_code,
        phone: request.phone,
    };
    let now = state.clock.now_ms();
    let lang = actor.lang;
    let mut tx = state
        .store
        .begin_write()
        .await
        .map_err(|e| internal(lang, e))?;
    if sql::username_taken(&mut tx.conn(), &profile.username)
        .await
        .map_err(|e| internal(lang, e))?
    {
        return Err(taken(actor));
    }
    insert_applicant(&mut tx.conn(), &profile, password_hash, now)
        .await
        .map_err(|e| internal(lang, e))?;
    crate::command_log::audit_action(&mut tx.conn(), actor, "create_applicant", &profile, now)
        .await
        .map_err(|e| internal(lang, e))?;
    tx.commit().await.map_err(|e| internal(lang, e))?;
    Ok(profile)
}

fn no_registration(actor: &Actor) -> ApiError {
    refuse(
        actor,
        ErrorCode::NotFound,
        "registration_not_found",
        "没有这条待审核的注册申请".into(),
        "No such pending registration".into(),
    )
}

/// Staff approve a registration (the account is created) or refuse it.
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    approve: bool,
) -> Result<Registration, ApiError> {
    may_manage(actor)?;
    let now = state.clock.now_ms();
    let lang = actor.lang;
    let mut tx = state
        .store
        .begin_write()
        .await
        .map_err(|e| internal(lang, e))?;
    let (mut registration, password_hash) = sql::registration_by_id(&mut tx.conn(), id)
        .await
        .map_err(|e| internal(lang, e))?
        .filter(|(registration, _)| registration.state == RegistrationState::Pending)
        .ok_or_else(|| no_registration(actor))?;
    let account = approve.then(Uuid::new_v4);
    if let Some(account_id) = account {
        let profile = ApplicantProfile {
            account_id,
            username: registration.username.clone(),
            display_name: registration.display_name.clone(),
            organisation_name: registration.organisation_name.clone(),
            credit_code: registration.credit_code.clone(),
            phone: registration.phone.clone(),
        };
        insert_applicant(&mut tx.conn(), &profile, password_hash, now)
            .await
            .map_err(|e| internal(lang, e))?;
    }
    registration.state = if approve {
        RegistrationState::Approved
    } else {
        RegistrationState::Refused
    };
    registration.account_id = account;
    let decided = sql::decide(
        &mut tx.conn(),
        id,
        registration.state,
        actor.account.id,
        now,
        account,
    )
    .await
    .map_err(|e| internal(lang, e))?;
    if !decided {
        return Err(no_registration(actor));
    }
    let kind = if approve {
        "approve_registration"
    } else {
        "refuse_registration"
    };
    crate::command_log::audit_action(&mut tx.conn(), actor, kind, &registration, now)
        .await
        .map_err(|e| internal(lang, e))?;
    tx.commit().await.map_err(|e| internal(lang, e))?;
    Ok(registration)
}

pub async fn registrations(
    state: &AppState,
    actor: &Actor,
    wanted: RegistrationState,
) -> Result<Vec<Registration>, ApiError> {
    may_manage(actor)?;
    let mut pooled = state
        .store
        .acquire()
        .await
        .map_err(|e| internal(actor.lang, e))?;
    sql::registrations(&mut pooled.conn(), wanted)
        .await
        .map_err(|e| internal(actor.lang, e))
}

/// The anonymous visitor of a public form, for its language.
pub fn visitor(lang: onetrip_domain::Lang) -> Actor {
    Actor {
        account: Account {
            id: Uuid::nil(),
            username: "visitor".into(),
            display_name: "访客".into(),
            role: Role::Applicant,
            site_id: None,
            specialty: None,
        },
        lang,
    }
}
