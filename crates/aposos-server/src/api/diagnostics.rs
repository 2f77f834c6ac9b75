//! Station diagnostics served: `GET /api/v1/sites/{id}/diagnostics`, the residuals of the
//! observations the caller may see from one site against the newest element set of each
//! object the caller may see, and per night the pointing bias, noise and timing bias.

use crate::context::Ctx;
use crate::policy::{can_read, read_is_audited};
use crate::problem::Problem;
use crate::{ApiResult, AppState};
use aposos_formats::Epoch;
use aposos_obs::diagnostics::{station_diagnostics, DriftLimits, NightDiagnostics, Residual};
use aposos_store::catalog::GpFilter;
use aposos_store::observations::ObservationFilter;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::Json;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use utoipa::{IntoParams, ToSchema};

/// Most observations one diagnostics request reads.
pub const MAX_DIAGNOSTIC_OBSERVATIONS: usize = 500_000;
/// Longest time range of one request (days).
pub const MAX_DIAGNOSTIC_DAYS: f64 = 92.0;

/// Query of the diagnostics.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DiagnosticsParams {
    /// Start (UTC, ISO 8601); default 30 days before `to`.
    pub from: Option<String>,
    /// End (UTC, ISO 8601); default now.
    pub to: Option<String>,
    /// Include every residual (default false).
    pub residuals: Option<bool>,
}

/// The diagnostics of one site.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiagnosticsView {
    /// Site id.
    pub site: String,
    /// Start of the range (UTC).
    pub from: String,
    /// End of the range (UTC).
    pub to: String,
    /// Per night: exposures, objects, pointing bias, timing bias, noise, drift flags.
    #[schema(value_type = Vec<Object>)]
    pub nights: Vec<NightDiagnostics>,
    /// Exposures with a residual.
    pub residual_count: usize,
    /// Exposures without one, by reason.
    #[schema(value_type = Object)]
    pub skipped: BTreeMap<String, usize>,
    /// Every residual, when asked.
    #[schema(value_type = Option<Vec<Object>>)]
    pub residuals: Option<Vec<Residual>>,
}

/// The planning site of a stored site record.
pub(crate) fn site_of(r: &aposos_store::SiteRecord) -> aposos_plan::sites::Site {
    let mut s = aposos_plan::sites::Site::at(aposos_astro::Geodetic::from_degrees(
        r.lat_deg, r.lon_deg, r.height_m,
    ));
    s.id = r.id.clone();
    s.name = r.name.clone();
    s.country = r.country.clone();
    s.station_number = r.station_number.clone();
    s
}

/// Residuals and per-night pointing bias, noise and timing bias of one site's observations.
#[utoipa::path(get, path = "/api/v1/sites/{id}/diagnostics", tag = "sites",
    params(("id" = String, Path, description = "Site id"), DiagnosticsParams),
    responses(
        (status = 200, description = "The site's diagnostics over the range", body = DiagnosticsView),
        (status = 400, description = "Bad query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown site", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Too many observations in the range", body = Problem, content_type = "application/problem+json")),
    security((), ("bearer" = [])))]
pub async fn site_diagnostics(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    Path(id): Path<String>,
    Query(q): Query<DiagnosticsParams>,
) -> ApiResult<Json<DiagnosticsView>> {
    let id = super::catalog::text_param("id", &Some(id))?.unwrap_or_default();
    let to = super::observations::time_param("to", &q.to)?.unwrap_or_else(Epoch::now_utc_micros);
    let from = super::observations::time_param("from", &q.from)?
        .unwrap_or_else(|| Epoch::from_ns_since_1950(to.ns_since_1950() - 30 * 86_400_000_000_000));
    if to <= from {
        return Err(Problem::bad_request("to must be after from"));
    }
    if to.minutes_since(from) > MAX_DIAGNOSTIC_DAYS * 1440.0 {
        return Err(Problem::bad_request(format!(
            "the range is limited to {MAX_DIAGNOSTIC_DAYS} days"
        )));
    }
    let record = state
        .store
        .get_site(&id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("site {id:?} not found")))?;
    let viewer = ctx.caller.clone();
    let visible = move |a: &aposos_store::ItemAccess| can_read(viewer.as_ref(), a);
    let filter = ObservationFilter {
        upload_id: None,
        norad: None,
        station: Some(id.clone()),
        from: Some(from),
        to: Some(to),
    };
    let (obs, more) = state
        .store
        .observations(&filter, None, MAX_DIAGNOSTIC_OBSERVATIONS, &visible)
        .await?;
    if more {
        return Err(Problem::unprocessable(format!(
            "more than {MAX_DIAGNOSTIC_OBSERVATIONS} observations in the range; narrow it"
        )));
    }
    let non_public = obs.iter().filter(|o| read_is_audited(&o.access)).count();
    let mut norads: Vec<u32> = obs
        .iter()
        .filter_map(|o| o.observation.norad_cat_id)
        .collect();
    norads.sort_unstable();
    norads.dedup();
    let mut elements = HashMap::new();
    for chunk in norads.chunks(500) {
        let gp = GpFilter {
            norads: chunk.to_vec(),
            ..GpFilter::default()
        };
        let (sets, _) = state
            .store
            .latest_element_sets(&gp, None, chunk.len(), &visible, &|_| true)
            .await?;
        for s in sets {
            elements.insert(s.elements.norad_cat_id, s.elements);
        }
    }
    if non_public > 0 {
        state
            .store
            .audit(&ctx.audit(
                "observations.read",
                &uri.to_string(),
                "ok",
                Some(format!(
                    "{non_public} non-public observation(s) for diagnostics"
                )),
            ))
            .await?;
    }
    let site = site_of(&record);
    let observations: Vec<_> = obs.into_iter().map(|o| o.observation).collect();
    let want_residuals = q.residuals.unwrap_or(false);
    let diag = tokio::task::spawn_blocking(move || {
        station_diagnostics(
            &observations,
            &elements,
            std::slice::from_ref(&site),
            &[site.id.as_str()],
            aposos_astro::Eop::embedded(),
            &DriftLimits::default(),
        )
        .pop()
    })
    .await
    .map_err(|e| Problem::internal(&format!("diagnostics task failed: {e}")))?
    .ok_or_else(|| Problem::internal("no diagnostics computed"))?;
    Ok(Json(DiagnosticsView {
        site: id,
        from: format!("{}Z", from.to_iso()),
        to: format!("{}Z", to.to_iso()),
        nights: diag.nights,
        residual_count: diag.residuals.len(),
        skipped: diag.skipped,
        residuals: want_residuals.then_some(diag.residuals),
    }))
}
