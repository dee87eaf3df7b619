//! The HTTP face of the central API. Each handler takes the request apart, calls one function
//! and converts its error.

use std::path::Path;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures::Stream;
use onetrip_api::auth::{Account, LoginRequest, LoginResponse};
use onetrip_api::command::{Command, CommandBody, CommandOutcome, CommandStatus};
use onetrip_api::config::ConfigSnapshot;
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::health::Health;
use onetrip_api::rating::RatingsReport;
use onetrip_api::stats::{ExportFormat, QueueStats, StatsQuery};
use onetrip_api::sync::{MAX_PAGE, SyncPage};
use onetrip_api::verify::{VerifyKey, VerifyRequest, VerifyResponse};
use onetrip_domain::Lang;
use tower_http::services::{ServeDir, ServeFile};
use utoipa::OpenApi;

use crate::actor::Actor;
use crate::http_error::{HttpError, internal};
use crate::state::AppState;
use crate::{auth, commands};

/// Largest request body accepted.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The language the client asked for with `Accept-Language`.
pub struct ClientLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for ClientLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientLang(lang_of(&parts.headers)))
    }
}

fn lang_of(headers: &HeaderMap) -> Lang {
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
        .map(Lang::from_tag)
        .unwrap_or_default()
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
}

/// The signed-in actor; requests without a valid session stop here with 401. The token comes
/// from the `Authorization: Bearer` header, or for event streams (which browsers open without
/// headers) from the `access_token` query parameter.
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
            auth::authenticate(state, token.as_deref(), lang).await?,
        ))
    }
}

/// JSON body whose rejections (malformed, wrong types, too large) are `{code, message}`.
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

/// Query parameters whose rejections are `{code, message}`.
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

#[utoipa::path(get, path = "/api/health", responses((status = 200, body = Health)))]
async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        database: state.storage.backend().into(),
    })
}

#[utoipa::path(post, path = "/api/auth/login", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ApiError), (status = 423, body = ApiError)))]
async fn login(
    State(state): State<AppState>,
    ClientLang(lang): ClientLang,
    Body(request): Body<LoginRequest>,
) -> Result<Json<LoginResponse>, HttpError> {
    Ok(Json(auth::login(&state, &request, lang).await?))
}

#[utoipa::path(post, path = "/api/auth/logout", responses((status = 204), (status = 401, body = ApiError)))]
async fn logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<StatusCode, HttpError> {
    if let Some(token) = bearer(&headers) {
        auth::logout(&state, token, lang_of(&headers)).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/auth/me", responses((status = 200, body = Account), (status = 401, body = ApiError)))]
async fn me(Authed(actor): Authed) -> Json<Account> {
    Json(auth::me(&actor))
}

#[utoipa::path(get, path = "/api/config", responses((status = 200, body = ConfigSnapshot), (status = 401, body = ApiError)))]
async fn config(
    State(state): State<AppState>,
    Authed(actor): Authed,
) -> Result<Json<ConfigSnapshot>, HttpError> {
    let snapshot = state
        .storage
        .config_snapshot()
        .await
        .map_err(|e| internal(actor.lang, e))?;
    Ok(Json(commands::visible_to(&actor, snapshot)))
}

#[utoipa::path(post, path = "/api/commands", request_body = Command,
    responses((status = 200, body = CommandOutcome), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn command(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Body(mut command): Body<Command>,
) -> Result<Json<CommandOutcome>, HttpError> {
    let now = state.clock.now_ms();
    // A document to issue is signed here, with the authority's key that only the server holds;
    // Ed25519 signatures are deterministic, so a replayed command carries the same payload.
    if let CommandBody::SignDocument(document) = &mut command.body {
        let claim = document.claim.clone().into();
        let payload = state.issuer_key.sign(&claim).map_err(|error| {
            HttpError(ApiError::new(
                ErrorCode::Invalid,
                actor.lang.pick(
                    format!("证件信息不能签发：{error}"),
                    format!("The document cannot be signed: {error}"),
                ),
            ))
        })?;
        document.payload = Some(payload);
    }
    let outcome = state
        .storage
        .apply_command(&actor, &command, now)
        .await
        .map_err(|e| internal(actor.lang, e))?;
    match (outcome.status, outcome.error) {
        (CommandStatus::Rejected | CommandStatus::Conflict, Some(error)) => Err(HttpError(error)),
        (status, error) => Ok(Json(CommandOutcome {
            command_id: outcome.command_id,
            status,
            error,
            record: outcome.record,
        })),
    }
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct SyncQuery {
    /// The cursor from the previous page; 0 for everything.
    #[serde(default)]
    since: i64,
    /// Most changes to return (at most 5,000).
    limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/sync", params(SyncQuery),
    responses((status = 200, body = SyncPage), (status = 401, body = ApiError)))]
async fn sync(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(query): Params<SyncQuery>,
) -> Result<impl IntoResponse, HttpError> {
    let limit = query.limit.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE);
    let page = state
        .storage
        .sync_page_json(query.since.max(0), limit, actor.scope().site)
        .await
        .map_err(|e| internal(actor.lang, e))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], page))
}

/// How often an idle event stream sends a keep-alive comment.
pub const KEEP_ALIVE: std::time::Duration = std::time::Duration::from_secs(15);

/// `GET /api/events`: Server-Sent Events whose ids are change-log positions. A client that
/// reconnects with `Last-Event-ID` behind the head gets the head at once.
#[utoipa::path(get, path = "/api/events", responses((status = 200, description = "text/event-stream of change positions")))]
async fn events(
    State(state): State<AppState>,
    Authed(actor): Authed,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>>, HttpError> {
    // Subscribe before reading the head so that nothing committed in between is missed.
    let receiver = state.storage.subscribe();
    let head = state
        .storage
        .head()
        .await
        .map_err(|e| internal(actor.lang, e))?;
    let last_seen = headers
        .get("last-event-id")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<i64>().ok());
    let first = (last_seen.is_none_or(|seen| seen < head)).then_some(head);
    let stream = futures::stream::unfold(
        (first, receiver, head),
        |(first, mut receiver, mut sent)| async move {
            if let Some(seq) = first {
                return Some((change_event(seq), (None, receiver, sent)));
            }
            loop {
                match receiver.recv().await {
                    Ok(seq) if seq > sent => {
                        sent = seq;
                        return Some((change_event(seq), (None, receiver, sent)));
                    }
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
                }
            }
        },
    );
    let mut shutting_down = state.shutting_down.subscribe();
    let stream = futures::StreamExt::take_until(stream, async move {
        let _ = shutting_down.wait_for(|closing| *closing).await;
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(KEEP_ALIVE)))
}

fn change_event(seq: i64) -> Result<Event, std::convert::Infallible> {
    Ok(Event::default()
        .event("change")
        .id(seq.to_string())
        .data(format!("{{\"seq\":{seq}}}")))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct ReportQuery {
    /// First day of the range, `YYYY-MM-DD`.
    from: String,
    /// Last day of the range, `YYYY-MM-DD`, included.
    to: String,
}

/// `GET /api/ratings/report`: the ratings of a date range at the reader's sites, by window and
/// by clerk, and the follow-ups of bad ratings with their clocks (supervisors and
/// administrators). The desktop builds the same report from its local cache.
#[utoipa::path(get, path = "/api/ratings/report", params(ReportQuery),
    responses((status = 200, body = RatingsReport), (status = 400, body = ApiError), (status = 403, body = ApiError)))]
async fn ratings_report(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(query): Params<ReportQuery>,
) -> Result<Json<RatingsReport>, HttpError> {
    let now = state.clock.now_ms();
    Ok(Json(
        crate::ratings::report(state.storage.as_ref(), &actor, &query.from, &query.to, now).await?,
    ))
}

#[utoipa::path(get, path = "/api/verify/key", responses((status = 200, body = VerifyKey)))]
async fn verify_key(State(state): State<AppState>) -> Json<VerifyKey> {
    Json(VerifyKey {
        key: state.issuer_key.public_key().to_text(),
    })
}

#[utoipa::path(post, path = "/api/verify", request_body = VerifyRequest,
    responses((status = 200, body = VerifyResponse), (status = 400, body = ApiError)))]
async fn verify_payload(
    State(state): State<AppState>,
    Body(request): Body<VerifyRequest>,
) -> Json<VerifyResponse> {
    Json(crate::verify::verify(
        &state.issuer_key,
        &request.payload,
        state.clock.now_ms(),
    ))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
struct StatsParams {
    /// The site; the account's own when left out.
    site: Option<uuid::Uuid>,
    /// First day, `YYYY-MM-DD`; today when left out.
    from: Option<String>,
    /// Last day, `YYYY-MM-DD`, included; today when left out.
    to: Option<String>,
    /// `csv` or `xlsx`; exports only.
    #[param(value_type = Option<String>)]
    format: Option<ExportFormat>,
}

impl StatsParams {
    fn query(&self) -> StatsQuery {
        StatsQuery {
            site: self.site,
            from: self.from.clone(),
            to: self.to.clone(),
        }
    }
}

/// `GET /api/stats`: a site's queue and case figures over a range of days (supervisors and
/// administrators).
#[utoipa::path(get, path = "/api/stats", params(StatsParams),
    responses((status = 200, body = QueueStats), (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn stats(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(params): Params<StatsParams>,
) -> Result<Json<QueueStats>, HttpError> {
    Ok(Json(
        crate::stats::queue_stats(&state, &actor, &params.query()).await?,
    ))
}

/// `GET /api/stats/export?format=csv|xlsx`: the same figures as a file to download.
#[utoipa::path(get, path = "/api/stats/export", params(StatsParams),
    responses((status = 200, description = "text/csv or an XLSX workbook, as an attachment"),
        (status = 403, body = ApiError), (status = 422, body = ApiError)))]
async fn stats_export(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(params): Params<StatsParams>,
) -> Result<Response, HttpError> {
    let file = crate::stats::export_file(&state, &actor, &params.query(), params.format).await?;
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type.to_owned()),
            (header::CONTENT_DISPOSITION, file.disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        file.bytes,
    )
        .into_response())
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "OneTrip central API",
        description = "Accounts, site configuration and commands of the service center"
    ),
    paths(
        health,
        login,
        logout,
        me,
        config,
        command,
        sync,
        events,
        ratings_report,
        verify_key,
        verify_payload,
        stats,
        stats_export
    )
)]
pub struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

async fn api_not_found(ClientLang(lang): ClientLang) -> Response {
    HttpError(ApiError::new(
        ErrorCode::NotFound,
        lang.pick("接口不存在".into(), "No such endpoint".into()),
    ))
    .into_response()
}

/// The API routes, plus the web build of the UI when `web_dir` is given.
pub fn router(state: AppState, web_dir: Option<&Path>) -> Router {
    let api = Router::new()
        .route("/health", get(health))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/me", get(me))
        .route("/config", get(config))
        .route("/commands", post(command))
        .route("/sync", get(sync))
        .route("/events", get(events))
        .route("/ratings/report", get(ratings_report))
        .route("/openapi.json", get(openapi))
        .route("/verify/key", get(verify_key))
        .route("/verify", post(verify_payload))
        .route("/stats", get(stats))
        .route("/stats/export", get(stats_export))
        .fallback(api_not_found);
    let router = Router::new()
        .nest("/api", api)
        .route(crate::verify_page::PATH, get(crate::verify_page::page))
        .merge(crate::hall::routes())
        .merge(crate::rating_pad::routes());
    let router = match web_dir {
        Some(dir) => router
            .fallback_service(ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")))),
        None => router,
    };
    router
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}
