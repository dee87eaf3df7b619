//! Request bodies and query strings whose rejections (malformed, wrong types, too large) are
//! `{code, message}` in the client's language, like every other error.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_domain::Lang;
use onetrip_domain::input::echo;

use crate::http_error::HttpError;
use crate::lang::lang_of;

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// A JSON body.
pub struct Body<T>(pub T);

impl<T, S> FromRequest<S> for Body<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(request.headers());
        if !is_json(request.headers()) {
            return Err(HttpError(malformed(
                lang,
                "Expected request with `Content-Type: application/json`",
            )));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                HttpError(body_error(lang, rejection.status(), &rejection.body_text()))
            })?;
        // The common case in one pass; only a body that does not read as it is gets its whole
        // numbers written as integers and is read again.
        match Json::<T>::from_bytes(&bytes) {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => serde_json::from_slice::<serde_json::Value>(&bytes)
                .ok()
                .and_then(|mut value| {
                    integral_numbers(&mut value);
                    serde_json::from_value(value).ok()
                })
                .map(Body)
                .ok_or_else(|| {
                    HttpError(body_error(lang, rejection.status(), &rejection.body_text()))
                }),
        }
    }
}

/// Whether the request says its body is JSON (`application/json`, or `…+json`).
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .map(|value| {
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|kind| kind == "application/json" || kind.ends_with("+json"))
}

/// Writes numbers like `3.0` as the integers they are: JSON does not tell them apart, and a
/// field that takes a whole number should take both.
fn integral_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) => {
            if let Some(float) = number
                .as_f64()
                .filter(|_| !number.is_i64() && !number.is_u64())
                && float.fract() == 0.0
                && float.abs() < 9.0e15
            {
                *number = serde_json::Number::from(float as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        serde_json::Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
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
                let detail = echo(&rejection.body_text());
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

fn body_error(lang: Lang, status: StatusCode, detail: &str) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        let limit = MAX_BODY_BYTES / 1024;
        return ApiError::new(
            ErrorCode::PayloadTooLarge,
            lang.pick(
                format!("请求内容过大（上限{limit} KB）"),
                format!("The request is too large (limit {limit} KB)"),
            ),
        );
    }
    malformed(lang, detail)
}

fn malformed(lang: Lang, detail: &str) -> ApiError {
    let detail = echo(detail);
    ApiError::new(
        ErrorCode::BadRequest,
        lang.pick(
            format!("请求格式不正确：{detail}"),
            format!("The request is malformed: {detail}"),
        ),
    )
}

/// Path parameters (a site's or a window's id).
pub struct PathParam<T>(pub T);

impl<T, S> FromRequestParts<S> for PathParam<T>
where
    T: serde::de::DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let lang = lang_of(&parts.headers);
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(PathParam(value)),
            Err(_) => Err(HttpError(ApiError::new(
                ErrorCode::BadRequest,
                lang.pick(
                    "地址中的编号不正确".into(),
                    "The id in the address is not valid".into(),
                ),
            ))),
        }
    }
}
