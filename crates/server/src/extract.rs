//! Request bodies and query strings whose rejections (malformed, wrong types, too large) are
//! `{code, message}` in the client's language, like every other error.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_domain::Lang;

use crate::http_error::HttpError;
use crate::lang::lang_of;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A JSON body.
pub struct Body<T>(pub T);

impl<T, S> FromRequest<S> for Body<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = request.into_parts();
        let lang = lang_of(&parts.headers);
        match Json::<T>::from_request(Request::from_parts(parts, body), state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(HttpError(body_error(lang, &rejection))),
        }
    }
}

/// Query parameters.
pub struct Params<T>(pub T);

impl<T, S> FromRequestParts<S> for Params<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(value)) => Ok(Params(value)),
            Err(rejection) => {
                let detail = rejection.body_text();
                Err(HttpError(ApiError::new(
                    ErrorCode::BadRequest,
                    lang.pick(
                        format!("请求参数不正确：{detail}"),
                        format!("The request parameters are wrong: {detail}"),
                    ),
                )))
            }
        }
    }
}

fn body_error(lang: Lang, rejection: &JsonRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        let limit = MAX_BODY_BYTES / 1024;
        return ApiError::new(
            ErrorCode::PayloadTooLarge,
            lang.pick(
                format!("请求内容过大（上限{limit} KB）"),
                format!("The request is too large (limit {limit} KB)"),
            ),
        );
    }
    let detail = rejection.body_text();
    ApiError::new(
        ErrorCode::BadRequest,
        lang.pick(
            format!("请求格式不正确：{detail}"),
            format!("The request is malformed: {detail}"),
        ),
    )
}
