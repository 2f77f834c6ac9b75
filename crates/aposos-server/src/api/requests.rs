//! Tracking requests: member states ask the network to observe objects within a window;
//! who reads a request follows its sharing level, as for every contributed item. The
//! checks and storage here ([`file`], [`cancel`], [`readable`]) also serve `aposos request`.

use crate::context::Ctx;
use crate::policy::{can_read, may_cancel_request, may_file_request, read_is_audited};
use crate::problem::Problem;
use crate::{ApiResult, AppState};
use aposos_store::catalog::NewAudit;
use aposos_store::ids::iso_from_us;
use aposos_store::requests::{NewRequest, TrackingRequest};
use aposos_store::{Principal, Store};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

/// A tracking request as served (and as `aposos request` prints it).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RequestView {
    /// Request id.
    pub id: i64,
    /// Organisation that filed it (owns it and its results).
    pub organisation: String,
    /// User who filed it.
    pub user: String,
    /// When it was filed (ISO 8601 UTC).
    pub created_utc: String,
    /// Catalog numbers of the objects to observe.
    pub norad_ids: Vec<u32>,
    /// Start of the window (ISO 8601 UTC).
    pub from_utc: String,
    /// End of the window (ISO 8601 UTC).
    pub to_utc: String,
    /// Priority 1..=10, 10 most urgent.
    pub priority: u8,
    /// Tracklets wanted per night.
    pub tracklets_per_night: u32,
    /// Nights with data wanted within the window.
    pub nights: u32,
    /// `private`, `consortium` or `public`: who reads the request and its results.
    pub sharing: String,
    /// `active` or `cancelled`.
    pub status: String,
    /// Free text.
    pub note: Option<String>,
    /// When it was cancelled (ISO 8601 UTC).
    pub cancelled_utc: Option<String>,
}

impl From<TrackingRequest> for RequestView {
    fn from(r: TrackingRequest) -> Self {
        Self {
            id: r.id,
            organisation: r.org_name,
            user: r.user_name,
            created_utc: iso_from_us(r.created_us),
            norad_ids: r.norad_ids,
            from_utc: iso_from_us(r.from_us),
            to_utc: iso_from_us(r.to_us),
            priority: r.priority,
            tracklets_per_night: r.tracklets_per_night,
            nights: r.nights,
            sharing: r.sharing.as_str().to_string(),
            status: r.status,
            note: r.note,
            cancelled_utc: r.cancelled_us.map(iso_from_us),
        }
    }
}

/// Body of `POST /api/v1/requests` (the store's `NewRequest`; unknown fields are refused).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct RequestBody {
    /// Catalog numbers (1..=999,999,999), at least one, each once.
    norad_ids: Vec<u32>,
    /// Start of the window (ISO 8601 UTC).
    from_utc: String,
    /// End of the window (ISO 8601 UTC), after the start, at most 366 days later.
    to_utc: String,
    /// Priority 1..=10, 10 most urgent.
    #[schema(default = 5, minimum = 1, maximum = 10)]
    priority: Option<u8>,
    /// Tracklets wanted per night, 1..=20.
    #[schema(default = 1, minimum = 1, maximum = 20)]
    tracklets_per_night: Option<u32>,
    /// Nights with data wanted within the window, 1..=60 (at most the window's days).
    #[schema(default = 1, minimum = 1, maximum = 60)]
    nights: Option<u32>,
    /// `private`, `consortium` or `public`.
    #[schema(default = "consortium")]
    sharing: Option<String>,
    /// Free text (at most 2000 characters).
    note: Option<String>,
}

/// Reads a request body: 400 for text that is not JSON, 422 naming the field for JSON
/// that is not a request (not an object, wrong type, unknown or missing field).
pub fn parse_body(text: &str) -> Result<NewRequest, Problem> {
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| Problem::bad_request(format!("body: not JSON: {e}")))?;
    if !value.is_object() {
        return Err(Problem::unprocessable(
            "body: expected a JSON object (one tracking request)",
        ));
    }
    serde_path_to_error::deserialize::<_, NewRequest>(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        Problem::unprocessable(if path == "." {
            format!("body: {inner}")
        } else {
            format!("body: {path}: {inner}")
        })
    })
}

/// Files request `body` for `p`: the filing rule, the body's checks, storage. `audit`
/// gives the caller and address; the action is `request.file`, its outcome set here.
pub async fn file(
    store: &Store,
    p: &Principal,
    body: &NewRequest,
    audit: &NewAudit,
) -> ApiResult<TrackingRequest> {
    let mut audit = NewAudit {
        action: "request.file".into(),
        ..audit.clone()
    };
    if !may_file_request(p) {
        audit.outcome = "denied".into();
        audit.target = "/api/v1/requests".into();
        store.audit(&audit).await?;
        return Err(Problem::forbidden(format!(
            "{} is a {} of {} ({}): only admins, operators and analysts of member states file tracking requests",
            p.user_name, p.role, p.org_name, p.org_kind
        )));
    }
    let valid = body
        .validate()
        .map_err(|e| Problem::unprocessable(e.to_string()))?;
    audit.outcome = "ok".into();
    audit.target = String::new();
    audit.detail = Some(format!(
        "norad {}; priority {}; {} night(s) x {} tracklet(s); {}",
        valid
            .norad_ids
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(","),
        valid.priority,
        valid.nights,
        valid.tracklets_per_night,
        valid.sharing
    ));
    audit.detail = audit.detail.map(|d| crate::context::truncate(&d, 1000));
    Ok(store.insert_request(p, &valid, &audit).await?)
}

fn not_found(id: i64) -> Problem {
    Problem::not_found(format!("tracking request {id} not found"))
}

/// Cancels request `id` for `p`: unknown or unreadable requests are 404, others' 403.
/// `audit` gives the caller and address; the action is `request.cancel`.
pub async fn cancel(
    store: &Store,
    p: &Principal,
    id: i64,
    audit: &NewAudit,
) -> ApiResult<TrackingRequest> {
    let audit = NewAudit {
        action: "request.cancel".into(),
        target: id.to_string(),
        ..audit.clone()
    };
    let req = store.get_request(id).await?.ok_or_else(|| not_found(id))?;
    if !can_read(Some(p), &req.access()) {
        return Err(not_found(id));
    }
    if !may_cancel_request(p, &req) {
        store
            .audit(&NewAudit {
                outcome: "denied".into(),
                ..audit
            })
            .await?;
        return Err(Problem::forbidden(format!(
            "only analysts and operators of {} and the centre's admins may cancel request {id}",
            req.org_name
        )));
    }
    let ok = NewAudit {
        outcome: "ok".into(),
        detail: Some(format!("was {}", req.status)),
        ..audit
    };
    store
        .cancel_request(id, &ok)
        .await?
        .ok_or_else(|| not_found(id))
}

/// The requests `viewer` (`None`: anonymous) may read, newest first; a read that includes
/// non-public ones is audited with `audit`'s caller as `requests.read`.
pub async fn readable(
    store: &Store,
    viewer: Option<&Principal>,
    audit: &NewAudit,
) -> ApiResult<Vec<TrackingRequest>> {
    let all = store.list_requests().await?;
    let visible: Vec<TrackingRequest> = all
        .into_iter()
        .filter(|r| can_read(viewer, &r.access()))
        .collect();
    let non_public = visible
        .iter()
        .filter(|r| read_is_audited(&r.access()))
        .count();
    if non_public > 0 {
        store
            .audit(&NewAudit {
                action: "requests.read".into(),
                outcome: "ok".into(),
                detail: Some(format!("{non_public} non-public request(s)")),
                ..audit.clone()
            })
            .await?;
    }
    Ok(visible)
}

/// The request id of a path, 400 when it is not one.
fn path_id(text: &str) -> Result<i64, Problem> {
    text.parse::<i64>().ok().filter(|i| *i > 0).ok_or_else(|| {
        Problem::bad_request(format!(
            "id: expected a request id (a positive integer), found {:?}",
            crate::context::truncate(text, 40)
        ))
    })
}

/// Files a tracking request (admins, operators and analysts of member states).
#[utoipa::path(post, path = "/api/v1/requests", tag = "requests",
    request_body(content = RequestBody, description = "The request; unknown fields are refused", content_type = "application/json"),
    responses(
        (status = 201, description = "The stored request", body = RequestView),
        (status = 400, description = "Body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Observers and viewers may not file requests", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing, unknown or out of range (named in the detail)", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn post_request(
    State(state): State<AppState>,
    ctx: Ctx,
    body: Result<String, axum::extract::rejection::StringRejection>,
) -> ApiResult<Response> {
    let p = ctx.require()?;
    let text = body.map_err(|e| {
        Problem::new(
            e.status(),
            "bad-request",
            format!("body: {}", e.body_text()),
        )
    })?;
    let body = parse_body(&text)?;
    let audit = ctx.audit("request.file", "", "ok", None);
    let stored = file(&state.store, p, &body, &audit).await?;
    Ok((StatusCode::CREATED, Json(RequestView::from(stored))).into_response())
}

/// The tracking requests the caller may read (by their sharing level), newest first.
#[utoipa::path(get, path = "/api/v1/requests", tag = "requests",
    responses((status = 200, description = "Readable requests, cancelled ones included, newest first", body = [RequestView])),
    security((), ("bearer" = [])))]
pub async fn list_requests(
    State(state): State<AppState>,
    ctx: Ctx,
) -> ApiResult<Json<Vec<RequestView>>> {
    let audit = ctx.audit("requests.read", "/api/v1/requests", "ok", None);
    let v = readable(&state.store, ctx.caller.as_ref(), &audit).await?;
    Ok(Json(v.into_iter().map(RequestView::from).collect()))
}

/// One tracking request (404 when absent or not readable by the caller).
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "requests",
    params(("id" = i64, Path, description = "Request id")),
    responses(
        (status = 200, description = "The request", body = RequestView),
        (status = 400, description = "Not a request id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or not readable by the caller", body = Problem, content_type = "application/problem+json")),
    security((), ("bearer" = [])))]
pub async fn get_request(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<Json<RequestView>> {
    let id = path_id(&id)?;
    let req = state
        .store
        .get_request(id)
        .await?
        .ok_or_else(|| not_found(id))?;
    if !can_read(ctx.caller.as_ref(), &req.access()) {
        return Err(not_found(id));
    }
    if read_is_audited(&req.access()) {
        state
            .store
            .audit(&ctx.audit("request.read", &id.to_string(), "ok", None))
            .await?;
    }
    Ok(Json(req.into()))
}

/// Cancels a tracking request (its organisation's analysts and operators, or admins); it is kept, as `cancelled`.
#[utoipa::path(delete, path = "/api/v1/requests/{id}", tag = "requests",
    params(("id" = i64, Path, description = "Request id")),
    responses(
        (status = 200, description = "The request, cancelled", body = RequestView),
        (status = 400, description = "Not a request id", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Another organisation's request, or a viewer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown, or not readable by the caller", body = Problem, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn delete_request(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> ApiResult<Json<RequestView>> {
    let p = ctx.require()?;
    let id = path_id(&id)?;
    let audit = ctx.audit("request.cancel", &id.to_string(), "ok", None);
    Ok(Json(cancel(&state.store, p, id, &audit).await?.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_name_the_field_at_fault() {
        let p = parse_body("{not json").unwrap_err();
        assert_eq!(p.status, 400, "{}", p.detail);
        for (text, want) in [
            (
                r#"{"norad_ids": [1], "from_utc": "2026-12-01", "to_utc": "2026-12-02", "priority": 300}"#,
                "body: priority: invalid value",
            ),
            (
                r#"{"norad_ids": [-1], "from_utc": "2026-12-01", "to_utc": "2026-12-02"}"#,
                "body: norad_ids[0]: invalid value",
            ),
            (
                r#"{"norad_ids": [1], "from_utc": "2026-12-01", "to_utc": "2026-12-02", "urgency": 1}"#,
                "unknown field `urgency`",
            ),
            (
                r#"{"from_utc": "2026-12-01", "to_utc": "2026-12-02"}"#,
                "missing field `norad_ids`",
            ),
            (r#"[1, 2]"#, "body: expected a JSON object"),
        ] {
            let p = parse_body(text).unwrap_err();
            assert_eq!(p.status, 422, "{}", p.detail);
            assert!(p.detail.contains(want), "{} should hold {want}", p.detail);
        }
        let ok = parse_body(
            r#"{"norad_ids": [25544], "from_utc": "2026-12-01", "to_utc": "2026-12-02", "note": "x"}"#,
        )
        .unwrap();
        assert_eq!(ok.priority, 5);
    }

    #[test]
    fn the_documented_body_is_the_stored_one() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(RequestBody::schema()).unwrap();
        let mut documented: Vec<String> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        documented.sort();
        let body = NewRequest {
            norad_ids: vec![1],
            from_utc: String::new(),
            to_utc: String::new(),
            priority: 5,
            tracklets_per_night: 1,
            nights: 1,
            sharing: String::new(),
            note: Some(String::new()),
        };
        let mut real: Vec<String> = serde_json::to_value(&body)
            .unwrap()
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        real.sort();
        assert_eq!(documented, real);
    }
}
