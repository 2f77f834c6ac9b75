//! The audit log and the caller's identity.

use super::paging::{decode_cursor, next_page, page_size, tagged_response};
use crate::context::Ctx;
use crate::policy::may_read_audit;
use crate::problem::Problem;
use crate::{ApiResult, AppState};
use aposos_store::audit::AuditFilter;
use aposos_store::ids::{iso_from_us, us_from_iso};
use axum::extract::{OriginalUri, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Query of `GET /api/v1/audit`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// From (ISO 8601 UTC, inclusive).
    pub from: Option<String>,
    /// To (ISO 8601 UTC, inclusive).
    pub to: Option<String>,
    /// Only this user.
    pub user: Option<String>,
    /// Only actions starting with this (`elements.`, `gp.read`, `site.`).
    pub action: Option<String>,
    /// Entries per page (default 1000).
    pub limit: Option<usize>,
    /// Cursor from the previous page.
    pub cursor: Option<String>,
}

/// One audit entry as served.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditView {
    /// When (ISO 8601 UTC).
    pub at_utc: String,
    /// User name, if authenticated.
    pub user: Option<String>,
    /// Organisation id, if authenticated.
    pub org_id: Option<i64>,
    /// What was done.
    pub action: String,
    /// On what.
    pub target: String,
    /// `ok` or `denied`.
    pub outcome: String,
    /// Client address.
    pub remote_addr: Option<String>,
    /// Detail.
    pub detail: Option<String>,
}

/// The audit log, oldest first (admins only).
#[utoipa::path(get, path = "/api/v1/audit", tag = "admin", params(AuditParams),
    responses(
        (status = 200, description = "Audit entries", body = [AuditView]),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn audit(
    State(state): State<AppState>,
    ctx: Ctx,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    Query(q): Query<AuditParams>,
) -> ApiResult<Response> {
    let p = ctx.require()?;
    if !may_read_audit(p) {
        return Err(Problem::forbidden(
            "the audit log is for the centre's admins",
        ));
    }
    let time = |name: &str, v: &Option<String>| -> ApiResult<Option<i64>> {
        v.as_ref()
            .map(|t| {
                us_from_iso(t).ok_or_else(|| {
                    Problem::bad_request(format!(
                        "{name}: expected an ISO 8601 UTC time, found {t:?}"
                    ))
                })
            })
            .transpose()
    };
    let filter = AuditFilter {
        from_us: time("from", &q.from)?,
        to_us: time("to", &q.to)?,
        user: super::catalog::text_param("user", &q.user)?,
        action_prefix: super::catalog::text_param("action", &q.action)?,
    };
    let limit = page_size(q.limit, 1000, state.config.max_page_size)?;
    let after = match &q.cursor {
        Some(c) => {
            let p = decode_cursor(c, 'a', 2)?;
            Some((p[0], p[1]))
        }
        None => None,
    };
    let mut entries = state.store.query_audit(&filter, after, limit + 1).await?;
    let more = entries.len() > limit;
    entries.truncate(limit);
    let next = next_page(more, &entries, &uri, 'a', |e| vec![e.at_us, e.id]);
    let views: Vec<AuditView> = entries
        .into_iter()
        .map(|e| AuditView {
            at_utc: iso_from_us(e.at_us),
            user: e.user_name,
            org_id: e.org_id,
            action: e.action,
            target: e.target,
            outcome: e.outcome,
            remote_addr: e.remote_addr,
            detail: e.detail,
        })
        .collect();
    let body = serde_json::to_vec(&views).map_err(|_| Problem::internal("writing JSON"))?;
    // Reading the audit log is itself a read of non-public data.
    state
        .store
        .audit(&ctx.audit(
            "audit.read",
            &uri.to_string(),
            "ok",
            Some(format!("{} entries", views.len())),
        ))
        .await?;
    Ok(tagged_response(&headers, "application/json", body, next))
}

/// The caller as the server sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// User name.
    pub user: String,
    /// Organisation name.
    pub organisation: String,
    /// `member` or `observer`.
    pub organisation_kind: String,
    /// `admin`, `operator`, `analyst` or `viewer`.
    pub role: String,
}

/// Who the token belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "admin",
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn me(ctx: Ctx) -> ApiResult<Json<Me>> {
    let p = ctx.require()?;
    Ok(Json(Me {
        user: p.user_name.clone(),
        organisation: p.org_name.clone(),
        organisation_kind: p.org_kind.to_string(),
        role: p.role.to_string(),
    }))
}
