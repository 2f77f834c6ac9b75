//! The HTTP API of the APOSOS data-sharing platform (`aposos serve`): bearer-token
//! authentication, the access rules ([`policy`]), the catalog in the style of
//! CelesTrak and Space-Track, the network's sites, the audit log, problem-JSON
//! errors, rate limits, Prometheus metrics and an OpenAPI description.
//!
//! The server keeps no state of its own between requests except the rate-limit
//! buckets and the metrics, so several processes can serve one PostgreSQL database.

// Handlers fail with a `Problem` carried by value (type, title, detail, structured
// errors) so it can be answered as is; failures are the cold path of a request, so
// the size of `Result` does not matter here.
#![allow(clippy::result_large_err)]

pub mod api;
pub mod cache;
pub mod config;
pub mod context;
pub mod jobs;
pub mod metrics;
pub mod policy;
pub mod problem;
pub mod ratelimit;

pub use config::ServerConfig;

use aposos_store::Store;
use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The configuration in force.
    pub config: Arc<ServerConfig>,
    /// Rate-limit buckets.
    pub limiter: Arc<ratelimit::RateLimiter>,
    /// HTTP metrics.
    pub metrics: Arc<metrics::Metrics>,
    /// Rendered catalog answers, valid for one catalog version.
    pub cache: Arc<cache::RenderCache>,
}

impl AppState {
    /// State for `store` under `config`.
    pub fn new(store: Store, config: ServerConfig) -> Self {
        let cache = cache::RenderCache::new(config.cache_bytes);
        Self {
            limiter: Arc::new(ratelimit::RateLimiter::new(
                config.rate_limit_per_s,
                config.rate_limit_burst,
            )),
            store,
            config: Arc::new(config),
            metrics: Arc::new(metrics::Metrics::default()),
            cache: Arc::new(cache),
        }
    }
}

/// The whole application: every route, its OpenAPI description, and the middleware.
pub fn app(state: AppState) -> Router {
    let (router, openapi) = api::router().split_for_parts();
    let openapi = Arc::new(openapi);
    let max_body = state.config.max_body_bytes;
    router
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let doc = openapi.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .fallback(|| async { problem::Problem::not_found("no such resource") })
        .layer(middleware::from_fn_with_state(
            state.clone(),
            context::authenticate,
        ))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn(problem::problem_fallback))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// Records metrics and a structured log line for every request.
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| {
            if req.uri().path() == "/api/openapi.json" {
                "/api/openapi.json".into()
            } else {
                "unmatched".into()
            }
        });
    let path = req.uri().path().to_string();
    let remote = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let mut resp = next.run(req).await;
    let seconds = start.elapsed().as_secs_f64();
    let status = resp.status().as_u16();
    state.metrics.record(&method, &route, status, seconds);
    let user = resp
        .extensions()
        .get::<context::LoggedUser>()
        .map(|u| u.0.clone());
    tracing::info!(
        method = %method, path = %path, route = %route, status, latency_ms = seconds * 1e3,
        user = user.as_deref().unwrap_or("-"), remote = remote.as_deref().unwrap_or("-"), "request"
    );
    resp.headers_mut()
        .insert(header::SERVER, HeaderValue::from_static("aposos"));
    resp
}

/// Serves `app` on `listener` until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let store = state.store.clone();
    let app = app(state);
    let out = axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await;
    store.close().await;
    out
}

/// A `Response` for anything that is a problem (handlers return `Result<_, Problem>`).
pub type ApiResult<T> = Result<T, problem::Problem>;

/// Re-exported so tests and the binary need no direct dependency.
pub fn into_response<T: IntoResponse>(t: T) -> Response {
    t.into_response()
}
