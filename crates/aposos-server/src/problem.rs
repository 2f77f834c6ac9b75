//! RFC 9457 problem details: every failure the API answers is `application/problem+json`.

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Media type of problem details.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One problem: a type URI, a title, the status and a detail for this occurrence.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// URI of the problem type (`urn:aposos:problem:not-found`).
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short summary of the problem type.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What went wrong this time.
    pub detail: String,
    /// Seconds to wait (rate limits).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u64>,
    /// Further structured information (e.g. rejected records).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<serde_json::Value>,
}

impl Problem {
    /// A problem of `status` with a `slug` naming its type.
    pub fn new(status: StatusCode, slug: &str, detail: impl Into<String>) -> Self {
        Self {
            type_uri: format!("urn:aposos:problem:{slug}"),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            retry_after_s: None,
            errors: None,
        }
    }
    /// 400: the request cannot be understood.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }
    /// 401: no valid credentials.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }
    /// 403: authenticated but not allowed.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }
    /// 404: absent, or not visible to the caller (the two answer alike).
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", detail)
    }
    /// 422: understood but unacceptable content.
    pub fn unprocessable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "unprocessable", detail)
    }
    /// 422 for an upload of which nothing could be stored, with every record's outcome.
    pub fn nothing_accepted(
        what: &str,
        rejected: usize,
        records: Option<serde_json::Value>,
    ) -> Self {
        let mut p = Self::unprocessable(if rejected == 0 {
            format!("the body holds no {what}")
        } else {
            format!("none of the {rejected} record(s) could be accepted")
        });
        p.errors = records;
        p
    }
    /// 500: our fault (logged; the detail says nothing of internals).
    pub fn internal(what: &str) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("internal error while {what}; see the server log"),
        )
    }
    /// 503: the database is not available.
    pub fn unavailable(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", detail)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        let mut resp = (status, body).into_response();
        resp.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(s) = self.retry_after_s {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }
}

impl From<aposos_store::StoreError> for Problem {
    fn from(e: aposos_store::StoreError) -> Self {
        use aposos_store::StoreError as E;
        match e {
            E::NotFound(what) => Problem::not_found(format!("{what} not found")),
            E::Conflict(what) => Problem::new(
                StatusCode::CONFLICT,
                "conflict",
                format!("{what} already exists"),
            ),
            E::Invalid(what) => Problem::unprocessable(what),
            E::Connect(_) => Problem::unavailable("the database cannot be reached"),
            ref e if e.is_unstorable_text() => Problem::bad_request(
                "the request holds text the database cannot store (a NUL character)",
            ),
            ref e if e.is_retryable() => {
                tracing::warn!(error = %e, "database busy or transaction conflict");
                let mut p = Problem::unavailable("the database is busy; try again");
                p.retry_after_s = Some(1);
                p
            }
            other => {
                tracing::error!(error = %other, "store error");
                Problem::internal("reading or writing the database")
            }
        }
    }
}

/// Turns every error response that is not already problem JSON (framework rejections:
/// unknown route, wrong method, bad query string, body too large) into problem JSON.
pub async fn problem_fallback(req: Request<Body>, next: Next) -> Response {
    let resp = next.run(req).await;
    let status = resp.status();
    if status.as_u16() < 400 {
        return resp;
    }
    let is_problem = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(PROBLEM_JSON));
    if is_problem {
        return resp;
    }
    let retry = resp.headers().get(header::RETRY_AFTER).cloned();
    let allow = resp.headers().get(header::ALLOW).cloned();
    let bytes = axum::body::to_bytes(resp.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes).trim().to_string();
    let (slug, detail) = match status {
        StatusCode::NOT_FOUND => ("not-found", "no such resource".to_string()),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method-not-allowed",
            "method not allowed on this resource".to_string(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload-too-large",
            if text.is_empty() {
                "request body too large".into()
            } else {
                text
            },
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported-media-type", text),
        _ if status.is_client_error() => ("bad-request", text),
        _ => ("internal", "internal error; see the server log".to_string()),
    };
    let mut out = Problem::new(status, slug, detail).into_response();
    if let Some(r) = retry {
        out.headers_mut().insert(header::RETRY_AFTER, r);
    }
    if let Some(a) = allow {
        out.headers_mut().insert(header::ALLOW, a);
    }
    out
}
