//! Login, sessions and logout: argon2id password hashes, opaque tokens stored only as hashes,
//! lockout after repeated failures, and session expiry.

use onetrip_api::auth::{Account, LoginRequest, LoginResponse};
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_domain::Lang;
use onetrip_domain::auth::{LOCKOUT_MS, MAX_FAILED_LOGINS, SESSION_LIFETIME_MS};
use sha2::{Digest, Sha256};

use crate::actor::Actor;
use crate::http_error::internal;
use crate::password::verify_password;
use crate::state::AppState;

mod extract;
pub mod routes;
pub mod sql;

pub use extract::{Authed, Signed};

/// The stored form of a session token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn new_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| internal(Lang::ZhCn, e))?;
    Ok(hex::encode(bytes))
}

fn wrong_credentials(lang: Lang, attempts_left: Option<i64>) -> ApiError {
    let message = match attempts_left {
        Some(left) if left < MAX_FAILED_LOGINS => lang.pick(
            format!("用户名或密码错误，还可尝试{left}次"),
            format!("Wrong user name or password; {left} attempts left"),
        ),
        _ => lang.pick(
            "用户名或密码错误".into(),
            "Wrong user name or password".into(),
        ),
    };
    ApiError::new(ErrorCode::InvalidCredentials, message)
}

fn locked(lang: Lang) -> ApiError {
    let minutes = LOCKOUT_MS / 60_000;
    ApiError::new(
        ErrorCode::AccountLocked,
        lang.pick(
            format!("密码错误次数过多，账户已锁定，请{minutes}分钟后再试或联系管理员"),
            format!("Too many wrong passwords: the account is locked for {minutes} minutes"),
        ),
    )
}

/// Checks the password and opens a session.
pub async fn login(
    state: &AppState,
    request: &LoginRequest,
    lang: Lang,
) -> Result<LoginResponse, ApiError> {
    let now = state.clock.now_ms();
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    let conn = &mut pooled.conn();
    let stored = sql::account_by_username(conn, request.username.trim())
        .await
        .map_err(|e| internal(lang, e))?;
    let Some(stored) = stored else {
        // Spend the same effort as a real check so that timing does not reveal user names.
        let password = request.password.clone();
        let dummy = state.dummy_hash.clone();
        let _ = tokio::task::spawn_blocking(move || verify_password(&password, &dummy)).await;
        return Err(wrong_credentials(lang, None));
    };
    if stored.attempts.is_locked(now) {
        return Err(locked(lang));
    }
    let password = request.password.clone();
    let hash = stored.password_hash.clone();
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| internal(lang, e))?;
    if !matches {
        let attempts = stored.attempts.after_failure(now);
        sql::save_login_attempts(conn, stored.account.id, attempts)
            .await
            .map_err(|e| internal(lang, e))?;
        return Err(if attempts.is_locked(now) {
            locked(lang)
        } else {
            wrong_credentials(lang, Some(MAX_FAILED_LOGINS - attempts.failed))
        });
    }
    if stored.attempts != Default::default() {
        sql::save_login_attempts(conn, stored.account.id, Default::default())
            .await
            .map_err(|e| internal(lang, e))?;
    }
    let token = new_token()?;
    let expires_at_ms = now + SESSION_LIFETIME_MS;
    sql::insert_session(
        conn,
        &token_hash(&token),
        stored.account.id,
        now,
        expires_at_ms,
    )
    .await
    .map_err(|e| internal(lang, e))?;
    Ok(LoginResponse {
        token,
        account: stored.account,
        expires_at_ms,
    })
}

/// Finds the actor behind a bearer token.
pub async fn authenticate(
    state: &AppState,
    token: Option<&str>,
    lang: Lang,
) -> Result<Actor, ApiError> {
    let unauthorized = || {
        ApiError::new(
            ErrorCode::Unauthorized,
            lang.pick("请先登录".into(), "Please log in".into()),
        )
    };
    let token = token.ok_or_else(unauthorized)?;
    let hash = token_hash(token);
    let now = state.clock.now_ms();
    let session = match state.sessions.get(&hash, now) {
        Some(kept) => kept,
        None => {
            let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
            let read = sql::session(&mut pooled.conn(), &hash)
                .await
                .map_err(|e| internal(lang, e))?
                .ok_or_else(unauthorized)?;
            state.sessions.put(&hash, read.clone(), now);
            read
        }
    };
    if now >= session.expires_at_ms {
        state.sessions.forget(&hash);
        let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
        sql::delete_session(&mut pooled.conn(), &hash)
            .await
            .map_err(|e| internal(lang, e))?;
        return Err(ApiError::new(
            ErrorCode::SessionExpired,
            lang.pick(
                "登录已过期，请重新登录".into(),
                "Your session has expired; please log in again".into(),
            ),
        ));
    }
    Ok(Actor {
        account: session.account,
        lang,
    })
}

/// Ends the session of `token`.
pub async fn logout(state: &AppState, token: &str, lang: Lang) -> Result<(), ApiError> {
    let hash = token_hash(token);
    state.sessions.forget(&hash);
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    sql::delete_session(&mut pooled.conn(), &hash)
        .await
        .map_err(|e| internal(lang, e))
}

/// The account a session belongs to.
pub fn me(actor: &Actor) -> Account {
    actor.account.clone()
}
