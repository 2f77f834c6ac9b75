//! The network's sites: list them, and let operators set their own nodes' status.

use crate::context::Ctx;
use crate::policy::may_set_site_status;
use crate::problem::Problem;
use crate::{ApiResult, AppState};
use aposos_store::{SiteRecord, SITE_STATUSES};
use axum::extract::{Path, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A site as served.
#[derive(Debug, Serialize, ToSchema)]
pub struct SiteView {
    /// Site id.
    pub id: String,
    /// Name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country.
    pub country: String,
    /// `node` or `data-centre`.
    pub role: String,
    /// `online`, `offline`, `maintenance`, `weather` (or `planned` before commissioning).
    pub status: String,
    /// WGS84 latitude, degrees north.
    pub lat_deg: f64,
    /// WGS84 longitude, degrees east.
    pub lon_deg: f64,
    /// Height above the WGS84 ellipsoid, m.
    pub height_m: f64,
    /// Telescope: aperture_m, fov_deg, limiting_mag, max_slew_deg_s, mount.
    #[schema(value_type = Object)]
    pub telescope: serde_json::Value,
    /// Horizon mask `[[az_deg, min_el_deg], …]`.
    #[schema(value_type = Vec<Vec<f64>>)]
    pub horizon_mask: serde_json::Value,
    /// 4-digit station number of its IOD, UK and RDE records, if any.
    pub station_number: Option<String>,
    /// Last status change (ISO 8601 UTC).
    pub status_updated_utc: String,
}

impl From<SiteRecord> for SiteView {
    fn from(s: SiteRecord) -> Self {
        Self {
            status_updated_utc: aposos_store::ids::iso_from_us(s.updated_us),
            id: s.id,
            name: s.name,
            country: s.country,
            role: s.role,
            status: s.status,
            lat_deg: s.lat_deg,
            lon_deg: s.lon_deg,
            height_m: s.height_m,
            telescope: s.telescope,
            horizon_mask: s.horizon_mask,
            station_number: s.station_number,
        }
    }
}

/// Body of `PUT /api/v1/sites/{id}/status`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StatusChange {
    /// `online`, `offline`, `maintenance` or `weather`.
    pub status: String,
}

/// The network's nodes with their telescopes and status.
#[utoipa::path(get, path = "/api/v1/sites", tag = "sites",
    responses((status = 200, description = "Every site", body = [SiteView])),
    security((), ("bearer" = [])))]
pub async fn list_sites(State(state): State<AppState>) -> ApiResult<Json<Vec<SiteView>>> {
    Ok(Json(
        state
            .store
            .list_sites()
            .await?
            .into_iter()
            .map(SiteView::from)
            .collect(),
    ))
}

/// One site.
#[utoipa::path(get, path = "/api/v1/sites/{id}", tag = "sites",
    params(("id" = String, Path, description = "Site id")),
    responses(
        (status = 200, description = "The site", body = SiteView),
        (status = 404, description = "Unknown site", body = Problem, content_type = "application/problem+json")),
    security((), ("bearer" = [])))]
pub async fn get_site(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<SiteView>> {
    let id = super::catalog::text_param("id", &Some(id))?.unwrap_or_default();
    let s = state
        .store
        .get_site(&id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("site {id:?} not found")))?;
    Ok(Json(s.into()))
}

/// Sets a node's status (its member state's operators, or admins).
#[utoipa::path(put, path = "/api/v1/sites/{id}/status", tag = "sites",
    params(("id" = String, Path, description = "Site id")),
    request_body = StatusChange,
    responses(
        (status = 200, description = "The site after the change", body = SiteView),
        (status = 400, description = "Bad body", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an operator of this node's state", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown site", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown status", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn set_site_status(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    body: Result<Json<StatusChange>, axum::extract::rejection::JsonRejection>,
) -> ApiResult<Json<SiteView>> {
    let id = super::catalog::text_param("id", &Some(id))?.unwrap_or_default();
    let p = ctx.require()?;
    let Json(change) =
        body.map_err(|e| Problem::bad_request(format!("body: {}", e.body_text())))?;
    let site = state
        .store
        .get_site(&id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("site {id:?} not found")))?;
    if !may_set_site_status(p, &site) {
        state
            .store
            .audit(&ctx.audit("site.status", &id, "denied", Some(change.status.clone())))
            .await?;
        return Err(Problem::forbidden(format!(
            "only operators of {} and the centre's admins may change this node's status",
            site.country
        )));
    }
    if !SITE_STATUSES.contains(&change.status.as_str()) {
        return Err(Problem::unprocessable(format!(
            "status: expected one of {}, found {:?}",
            SITE_STATUSES.join(", "),
            change.status
        )));
    }
    let audit = ctx.audit(
        "site.status",
        &id,
        "ok",
        Some(format!("{} -> {}", site.status, change.status)),
    );
    let s = state
        .store
        .set_site_status(&id, &change.status, Some(p.user_id), &audit)
        .await?
        .ok_or_else(|| Problem::not_found(format!("site {id:?} not found")))?;
    Ok(Json(s.into()))
}
