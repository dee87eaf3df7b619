//! How errors leave the server: `{code, message}` with a fitting HTTP status; internals are
//! logged, never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_domain::Lang;

/// An [`ApiError`] as an HTTP response.
pub struct HttpError(pub ApiError);

impl From<ApiError> for HttpError {
    fn from(error: ApiError) -> HttpError {
        HttpError(error)
    }
}

pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::Unauthorized | ErrorCode::SessionExpired | ErrorCode::InvalidCredentials => {
            StatusCode::UNAUTHORIZED
        }
        ErrorCode::AccountLocked => StatusCode::LOCKED,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::BadRequest => StatusCode::BAD_REQUEST,
        ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::Offline => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Keychain | ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        (status_of(self.0.code), Json(self.0)).into_response()
    }
}

/// Logs an internal failure and returns the generic error the user sees.
pub fn internal(lang: Lang, error: impl std::fmt::Display) -> ApiError {
    tracing::error!(%error, "internal error");
    ApiError::new(
        ErrorCode::Internal,
        lang.pick(
            "服务器内部错误，请稍后重试".into(),
            "Internal server error; please try again later".into(),
        ),
    )
}
