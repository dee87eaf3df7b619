//! Drainage permits over HTTP: the officer's applications and cohorts with their dry run, the
//! permits, the condition templates, and the portal's own applications. Writes go through
//! `/api/commands` (staff) and `/api/portal/commands` (applicants).

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use onetrip_api::error::{ApiError, ErrorCode};
use onetrip_api::permits::{
    Cohort, DryRun, FormLedgerView, Permit, PermitApplication, PermitCheck, PermitStats,
    PermitStatsQuery, RenewalRow, SpotCheck,
};
use onetrip_domain::auth::Role;
use onetrip_domain::permits::ConditionTemplate;

use crate::actor::{Actor, refuse};
use crate::auth::Authed;
use crate::extract::Params;
use crate::http_error::{HttpError, internal};
use crate::portal::Applicant;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/permits/applications", get(applications))
        .route("/api/permits/dry-run", get(dry_run))
        .route("/api/permits/dry-run/exceptions", get(exceptions_export))
        .route("/api/permits", get(permits))
        .route("/api/permits/templates", get(templates))
        .route("/api/permits/forms", get(forms))
        .route("/api/permits/checks", get(checks))
        .route("/api/permits/spot-checks", get(spot_checks))
        .route("/api/permits/renewals", get(renewals))
        .route("/api/permits/stats", get(stats))
        .route("/api/portal/permit-applications", get(portal_applications))
        .route("/api/portal/permit-templates", get(portal_templates))
        .route(
            "/api/portal/materials",
            post(super::materials::portal_material),
        )
        .route(
            "/api/permits/materials",
            post(super::materials::staff_material),
        )
}

/// Staff of a site who work on permits.
pub(super) fn staff(actor: &Actor) -> Result<(), HttpError> {
    match actor.role() {
        Role::PermitOfficer
        | Role::Supervisor
        | Role::Admin
        | Role::Clerk
        | Role::PrintDelivery => Ok(()),
        _ => Err(HttpError(refuse(
            actor,
            ErrorCode::Forbidden,
            "permit_staff_only",
            "只有排水许可经办人员可以查看".into(),
            "Only the permit staff may see this".into(),
        ))),
    }
}

/// A staff read: the role checked, a pooled connection, and a storage failure answered in the
/// actor's language.
async fn staff_read<T>(
    state: &AppState,
    actor: &Actor,
    read: impl AsyncFnOnce(&mut crate::storage::Conn<'_>) -> crate::storage::StorageResult<T>,
) -> Result<Json<T>, HttpError> {
    staff(actor)?;
    let lang = actor.lang;
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    let mut conn = pooled.conn();
    read(&mut conn)
        .await
        .map(Json)
        .map_err(|e| internal(lang, e).into())
}

fn too_long(actor: &Actor, cohort: &Cohort) -> Result<(), HttpError> {
    if cohort
        .town
        .as_deref()
        .is_some_and(|t| t.chars().count() > 50)
    {
        return Err(HttpError(ApiError::new(
            ErrorCode::BadRequest,
            actor.lang.pick(
                "乡镇名称不超过 50 个字".into(),
                "A town's name has at most 50 characters".into(),
            ),
        )));
    }
    Ok(())
}

/// `GET /api/permits/applications`: the site's applications in a cohort (submitted ones when
/// no state is given), oldest first.
#[utoipa::path(get, path = "/api/permits/applications", params(Cohort),
    responses((status = 200, body = Vec<PermitApplication>), (status = 403, body = ApiError)))]
pub async fn applications(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(cohort): Params<Cohort>,
) -> Result<Json<Vec<PermitApplication>>, HttpError> {
    staff(&actor)?;
    too_long(&actor, &cohort)?;
    let site = actor.account.site_id;
    staff_read(&state, &actor, async |conn| {
        super::sql::cohort(conn, site, &cohort).await
    })
    .await
}

/// `GET /api/permits/dry-run`: what approving the cohort would do, with the numbers the
/// eligible would get; nothing is written.
#[utoipa::path(get, path = "/api/permits/dry-run", params(Cohort),
    responses((status = 200, body = DryRun), (status = 403, body = ApiError)))]
pub async fn dry_run(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(cohort): Params<Cohort>,
) -> Result<Json<DryRun>, HttpError> {
    staff(&actor)?;
    too_long(&actor, &cohort)?;
    let mut pooled = state
        .store
        .acquire()
        .await
        .map_err(|e| internal(actor.lang, e))?;
    let run = super::dry_run(&mut pooled.conn(), &actor, &cohort, state.clock.now_ms())
        .await
        .map_err(|e| internal(actor.lang, e))?;
    Ok(Json(run))
}

/// The cohort and the file format of an exceptions export.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExceptionsParams {
    #[param(inline)]
    industry: Option<onetrip_domain::permits::Industry>,
    town: Option<String>,
    complete: Option<bool>,
    /// `csv` or `xlsx`.
    #[param(value_type = Option<String>)]
    format: Option<onetrip_api::stats::ExportFormat>,
}

/// `GET /api/permits/dry-run/exceptions?format=csv|xlsx`: the dry run's exceptions with their
/// reasons, as a file to send the dischargers what is missing.
#[utoipa::path(get, path = "/api/permits/dry-run/exceptions", params(ExceptionsParams),
    responses((status = 200, description = "text/csv or an XLSX workbook, as an attachment"),
        (status = 403, body = ApiError), (status = 422, body = ApiError)))]
pub async fn exceptions_export(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(params): Params<ExceptionsParams>,
) -> Result<axum::response::Response, HttpError> {
    use axum::response::IntoResponse;
    staff(&actor)?;
    let cohort = Cohort {
        industry: params.industry,
        town: params.town,
        complete: params.complete,
        state: None,
    };
    too_long(&actor, &cohort)?;
    let format = crate::stats::export_format(&actor, params.format).map_err(HttpError)?;
    let lang = actor.lang;
    let now_ms = state.clock.now_ms();
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    let run = super::dry_run(&mut pooled.conn(), &actor, &cohort, now_ms)
        .await
        .map_err(|e| internal(lang, e))?;
    let today = crate::clock::center_date(now_ms);
    let file = super::export::exceptions_file(&run, format, cohort.town.as_deref(), &today, lang)
        .map_err(|e| internal(lang, e))?;
    Ok(file.into_response())
}

/// `GET /api/permits`: the site's permits, by number.
#[utoipa::path(get, path = "/api/permits",
    responses((status = 200, body = Vec<Permit>), (status = 403, body = ApiError)))]
pub async fn permits(
    State(state): State<AppState>,
    Authed(actor): Authed,
) -> Result<Json<Vec<Permit>>, HttpError> {
    let site = actor.account.site_id;
    staff_read(&state, &actor, async |conn| {
        super::sql::permits(conn, site).await
    })
    .await
}

/// `GET /api/permits/forms`: the site's blank-form ledger — the forms received, each used,
/// what is left and what is wrong (skipped or doubly used serials).
#[utoipa::path(get, path = "/api/permits/forms",
    responses((status = 200, body = FormLedgerView), (status = 403, body = ApiError)))]
pub async fn forms(
    State(state): State<AppState>,
    Authed(actor): Authed,
) -> Result<Json<FormLedgerView>, HttpError> {
    let lang = actor.lang;
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    let mut conn = pooled.conn();
    let config = crate::config::sql::cached_snapshot(&mut conn, &state.config)
        .await
        .map_err(|e| internal(lang, e))?;
    let site = super::forms::site_of(&actor, super::center(&config));
    super::forms::view(&mut conn, &actor, site)
        .await
        .map_err(|e| internal(lang, e))?
        .map(Json)
        .map_err(HttpError)
}

/// `GET /api/permits/checks`: the site's batches and voids waiting for a second officer,
/// oldest first.
#[utoipa::path(get, path = "/api/permits/checks",
    responses((status = 200, body = Vec<PermitCheck>), (status = 403, body = ApiError)))]
pub async fn checks(
    State(state): State<AppState>,
    Authed(actor): Authed,
) -> Result<Json<Vec<PermitCheck>>, HttpError> {
    let site = actor.account.site_id;
    staff_read(&state, &actor, async |conn| {
        super::sql::pending_checks(conn, site).await
    })
    .await
}

/// `GET /api/permits/spot-checks`: the site's open spot checks of pledges, soonest due first.
#[utoipa::path(get, path = "/api/permits/spot-checks",
    responses((status = 200, body = Vec<SpotCheck>), (status = 403, body = ApiError)))]
pub async fn spot_checks(
    State(state): State<AppState>,
    Authed(actor): Authed,
) -> Result<Json<Vec<SpotCheck>>, HttpError> {
    let site = actor.account.site_id;
    staff_read(&state, &actor, async |conn| {
        super::sql::open_spot_checks(conn, site).await
    })
    .await
}

/// `GET /api/permits/renewals`: the site's active permits within a month of expiry or past it,
/// with the reminder due today, any renewal pending and its alarm; soonest first.
#[utoipa::path(get, path = "/api/permits/renewals",
    responses((status = 200, body = Vec<RenewalRow>), (status = 403, body = ApiError)))]
pub async fn renewals(
    State(state): State<AppState>,
    Authed(actor): Authed,
) -> Result<Json<Vec<RenewalRow>>, HttpError> {
    let (site, now_ms) = (actor.account.site_id, state.clock.now_ms());
    staff_read(&state, &actor, async |conn| {
        super::renewals::list(conn, site, now_ms).await
    })
    .await
}

/// `GET /api/permits/stats`: the site's permits approved over a range of days, by town and
/// industry, their times against the statutory clocks, and the trips dischargers made.
#[utoipa::path(get, path = "/api/permits/stats", params(PermitStatsQuery),
    responses((status = 200, body = PermitStats), (status = 403, body = ApiError),
        (status = 422, body = ApiError)))]
pub async fn stats(
    State(state): State<AppState>,
    Authed(actor): Authed,
    Params(query): Params<PermitStatsQuery>,
) -> Result<Json<PermitStats>, HttpError> {
    let lang = actor.lang;
    if !super::stats::may_see(&actor) {
        return Err(HttpError(refuse(
            &actor,
            ErrorCode::Forbidden,
            "permit_stats_forbidden",
            "只有排水许可审批人员和主管可以查看许可统计".into(),
            "Only permit officers and supervisors may see the permit statistics".into(),
        )));
    }
    let range = super::stats::range(&actor, &query, state.clock.now_ms()).map_err(HttpError)?;
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    let mut conn = pooled.conn();
    let config = crate::config::sql::cached_snapshot(&mut conn, &state.config)
        .await
        .map_err(|e| internal(lang, e))?;
    let calendar = crate::config::working_calendar(&config);
    let figures = super::stats::stats(&mut conn, actor.account.site_id, range, &calendar)
        .await
        .map_err(|e| internal(lang, e))?;
    Ok(Json(figures))
}

/// `GET /api/permits/templates`: each industry's condition template in force.
#[utoipa::path(get, path = "/api/permits/templates",
    responses((status = 200, body = Vec<ConditionTemplate>)))]
pub async fn templates(
    State(state): State<AppState>,
    Authed(actor): Authed,
) -> Result<Json<Vec<ConditionTemplate>>, HttpError> {
    templates_for(&state, &actor).await
}

/// `GET /api/portal/permit-templates`: the same, for an applicant filling in an application.
#[utoipa::path(get, path = "/api/portal/permit-templates",
    responses((status = 200, body = Vec<ConditionTemplate>), (status = 403, body = ApiError)))]
pub async fn portal_templates(
    State(state): State<AppState>,
    applicant: Applicant,
) -> Result<Json<Vec<ConditionTemplate>>, HttpError> {
    templates_for(&state, &applicant.actor).await
}

async fn templates_for(
    state: &AppState,
    actor: &Actor,
) -> Result<Json<Vec<ConditionTemplate>>, HttpError> {
    let lang = actor.lang;
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    let list = super::templates(&mut pooled.conn())
        .await
        .map_err(|e| internal(lang, e))?;
    Ok(Json(list))
}

/// `GET /api/portal/permit-applications`: the organisation's applications, newest first.
#[utoipa::path(get, path = "/api/portal/permit-applications",
    responses((status = 200, body = Vec<PermitApplication>), (status = 403, body = ApiError)))]
pub async fn portal_applications(
    State(state): State<AppState>,
    applicant: Applicant,
) -> Result<Json<Vec<PermitApplication>>, HttpError> {
    let lang = applicant.actor.lang;
    let mut pooled = state.store.acquire().await.map_err(|e| internal(lang, e))?;
    let list = super::sql::of_organisation(&mut pooled.conn(), &applicant.profile.credit_code)
        .await
        .map_err(|e| internal(lang, e))?;
    Ok(Json(list))
}
