//! The nightly plans of the network's nodes: the centre publishes a node's plan for a
//! night (a new version each time); the node's member state reads it. Not public: every
//! read is audited.

use crate::context::Ctx;
use crate::policy::{may_publish_plan, may_read_plan};
use crate::problem::Problem;
use crate::{ApiResult, AppState};
use aposos_store::ids::iso_from_us;
use aposos_store::plans::check_night;
use aposos_store::SiteRecord;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Query of `GET` and `POST /api/v1/sites/{id}/plan`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    /// The night, as the date of its evening (`YYYY-MM-DD`); required.
    pub night: Option<String>,
    /// Version to read (from 1); the latest when absent. Not for `POST`.
    pub version: Option<String>,
}

/// A published plan as served.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanView {
    /// Site (node) id.
    pub site: String,
    /// The night (`YYYY-MM-DD`).
    pub night: String,
    /// This version.
    pub version: i64,
    /// When this version was published (ISO 8601 UTC).
    pub created_utc: String,
    /// Who published it.
    pub created_by: String,
    /// Every version published for this site and night, oldest first.
    pub versions: Vec<i64>,
    /// The planner's document.
    #[schema(value_type = Object)]
    pub plan: serde_json::Value,
}

/// The answer to a publication.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublishedPlan {
    /// Site (node) id.
    pub site: String,
    /// The night (`YYYY-MM-DD`).
    pub night: String,
    /// The version just stored.
    pub version: i64,
}

/// The night of the query, 400 when absent or not a date.
fn night_param(q: &PlanQuery) -> Result<String, Problem> {
    let night = q.night.as_deref().ok_or_else(|| {
        Problem::bad_request("night: required (the date of the night's evening, YYYY-MM-DD)")
    })?;
    check_night(night).map_err(|e| Problem::bad_request(format!("night: {e}")))?;
    Ok(night.to_string())
}

async fn site_of(state: &AppState, id: String) -> Result<SiteRecord, Problem> {
    let id = super::catalog::text_param("id", &Some(id))?.unwrap_or_default();
    state
        .store
        .get_site(&id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("site {id:?} not found")))
}

/// A node's plan for a night (admins, and operators and analysts of the node's member state).
#[utoipa::path(get, path = "/api/v1/sites/{id}/plan", tag = "plans",
    params(("id" = String, Path, description = "Site id"), PlanQuery),
    responses(
        (status = 200, description = "The plan (the latest version unless one is asked for)", body = PlanView),
        (status = 400, description = "Bad night or version", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not of the node's member state", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown site, or no such plan for that night", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn get_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PlanQuery>,
) -> ApiResult<Json<PlanView>> {
    let p = ctx.require()?;
    let night = night_param(&q)?;
    let version = match q.version.as_deref() {
        None => None,
        Some(v) => Some(v.parse::<i64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
            Problem::bad_request(format!(
                "version: expected a version number from 1, found {:?}",
                crate::context::truncate(v, 40)
            ))
        })?),
    };
    let site = site_of(&state, id).await?;
    let target = format!("{}/{night}", site.id);
    if !may_read_plan(p, &site) {
        state
            .store
            .audit(&ctx.audit("plan.read", &target, "denied", None))
            .await?;
        return Err(Problem::forbidden(format!(
            "the plans of {} are for the centre's admins and the operators and analysts of {}",
            site.id, site.country
        )));
    }
    let versions: Vec<i64> = state
        .store
        .plan_versions(&site.id, &night)
        .await?
        .into_iter()
        .map(|v| v.0)
        .collect();
    let plan = state
        .store
        .get_plan(&site.id, &night, version)
        .await?
        .ok_or_else(|| match version {
            Some(v) if !versions.is_empty() => Problem::not_found(format!(
                "site {:?} has no version {v} of its plan for the night of {night} (versions {})",
                site.id,
                versions
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            _ => Problem::not_found(format!(
                "no plan for site {:?} on the night of {night}",
                site.id
            )),
        })?;
    state
        .store
        .audit(&ctx.audit(
            "plan.read",
            &target,
            "ok",
            Some(format!("version {}", plan.version)),
        ))
        .await?;
    Ok(Json(PlanView {
        site: plan.site_id,
        night: plan.night,
        version: plan.version,
        created_utc: iso_from_us(plan.created_us),
        created_by: plan.created_by,
        versions,
        plan: plan.document,
    }))
}

/// Publishes a node's plan for a night as its next version (the centre's admins).
#[utoipa::path(post, path = "/api/v1/sites/{id}/plan", tag = "plans",
    params(("id" = String, Path, description = "Site id"), PlanQuery),
    request_body(content = Object, description = "The planner's document (a JSON object)", content_type = "application/json"),
    responses(
        (status = 201, description = "Stored as the next version", body = PublishedPlan),
        (status = 400, description = "Bad night, or the body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown site", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The body is not a JSON object", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn publish_plan(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<PlanQuery>,
    body: Result<String, axum::extract::rejection::StringRejection>,
) -> ApiResult<Response> {
    let p = ctx.require()?;
    let night = night_param(&q)?;
    if q.version.is_some() {
        return Err(Problem::bad_request(
            "version: the version of a publication is the next one; leave it out",
        ));
    }
    let site = site_of(&state, id).await?;
    let target = format!("{}/{night}", site.id);
    if !may_publish_plan(p) {
        state
            .store
            .audit(&ctx.audit("plan.publish", &target, "denied", None))
            .await?;
        return Err(Problem::forbidden(
            "only the centre's admins publish the network's plans",
        ));
    }
    let text = body.map_err(|e| {
        Problem::new(
            e.status(),
            "bad-request",
            format!("body: {}", e.body_text()),
        )
    })?;
    let document: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Problem::bad_request(format!("body: not JSON: {e}")))?;
    if !document.is_object() {
        return Err(Problem::unprocessable(
            "body: the plan must be a JSON object",
        ));
    }
    let version = state
        .store
        .insert_plan(&site.id, &night, &p.user_name, &document)
        .await?;
    state
        .store
        .audit(&ctx.audit(
            "plan.publish",
            &target,
            "ok",
            Some(format!("version {version}")),
        ))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(PublishedPlan {
            site: site.id,
            night,
            version,
        }),
    )
        .into_response())
}
