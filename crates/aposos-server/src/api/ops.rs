//! Operations: liveness, readiness (the database answers), Prometheus metrics.

use crate::problem::Problem;
use crate::{ApiResult, AppState};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Alive", body = String)))]
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// Readiness: the database answers and is migrated and seeded.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready", body = String),
        (status = 503, description = "Database unavailable", body = Problem, content_type = "application/problem+json")))]
pub async fn readyz(State(state): State<AppState>) -> ApiResult<&'static str> {
    match state.store.is_seeded().await {
        Ok(true) => Ok("ready\n"),
        Ok(false) => Err(Problem::unavailable("the database is not seeded yet")),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            Err(Problem::unavailable("the database does not answer"))
        }
    }
}

/// Prometheus text exposition: requests, latencies, database pool.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Metrics in the Prometheus text format", body = String, content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    let pool = state.store.pool();
    let text = state
        .metrics
        .render(pool.size(), pool.num_idle(), state.config.max_connections);
    let mut r = text.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    r
}
