//! The signed-in actor as an extractor: requests without a valid session stop with 401.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use onetrip_api::error::ErrorCode;

use crate::actor::{Actor, refuse};
use crate::http_error::HttpError;
use crate::lang::{bearer, lang_of};
use crate::state::AppState;

/// A signed-in member of staff. The token comes from the `Authorization: Bearer` header, or
/// for event streams (which browsers open without headers) from the `access_token` query
/// parameter. Applicants' accounts are refused here: they reach only the portal's routes.
pub struct Authed(pub Actor);

/// Anyone signed in, staff or applicant.
pub struct Signed(pub Actor);

impl FromRequestParts<AppState> for Authed {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Signed(actor) = Signed::from_request_parts(parts, state).await?;
        if !actor.role().is_staff() {
            return Err(HttpError(refuse(
                &actor,
                ErrorCode::Forbidden,
                "staff_only",
                "申请人账号请在网上申报平台（/portal）办理".into(),
                "Applicant accounts work in the applicant portal (/portal)".into(),
            )));
        }
        Ok(Authed(actor))
    }
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = HttpError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        let from_query = parts.uri.query().and_then(|query| {
            query
                .split('&')
                .find_map(|pair| pair.strip_prefix("access_token="))
                .map(str::to_owned)
        });
        let token = bearer(&parts.headers).map(str::to_owned).or(from_query);
        Ok(Signed(
            super::authenticate(state, token.as_deref(), lang).await?,
        ))
    }
}
