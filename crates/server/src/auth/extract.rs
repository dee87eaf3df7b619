//! The signed-in actor as an extractor: requests without a valid session stop with 401.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::actor::Actor;
use crate::http_error::HttpError;
use crate::lang::{bearer, lang_of};
use crate::state::AppState;

/// The signed-in actor. The token comes from the `Authorization: Bearer` header, or for event
/// streams (which browsers open without headers) from the `access_token` query parameter.
pub struct Authed(pub Actor);

impl FromRequestParts<AppState> for Authed {
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
        Ok(Authed(
            super::authenticate(state, token.as_deref(), lang).await?,
        ))
    }
}
