//! Who is calling: bearer-token authentication, rate limiting, and the per-request context.

use crate::problem::Problem;
use crate::AppState;
use aposos_store::catalog::NewAudit;
use aposos_store::Principal;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

/// The caller of one request: a principal or anonymous, and the client address.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The token's principal; `None` for anonymous requests.
    pub caller: Option<Principal>,
    /// Client address.
    pub remote: Option<String>,
}

/// The user name a response was made for (for the request log).
#[derive(Debug, Clone)]
pub struct LoggedUser(pub String);

impl Ctx {
    /// The principal, or 401 when anonymous.
    pub fn require(&self) -> Result<&Principal, Problem> {
        self.caller
            .as_ref()
            .ok_or_else(|| Problem::unauthorized("this operation needs a bearer token"))
    }

    /// An audit entry for this caller.
    pub fn audit(
        &self,
        action: &str,
        target: &str,
        outcome: &str,
        detail: Option<String>,
    ) -> NewAudit {
        NewAudit {
            user_id: self.caller.as_ref().map(|p| p.user_id),
            user_name: self.caller.as_ref().map(|p| p.user_name.clone()),
            org_id: self.caller.as_ref().map(|p| p.org_id),
            action: action.to_string(),
            target: target.to_string(),
            outcome: outcome.to_string(),
            remote_addr: self.remote.clone(),
            detail: detail.map(|d| truncate(&d, 1000)),
        }
    }
}

/// `text` cut to at most `max` bytes on a character boundary, marked when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| Problem::internal("identifying the caller"))
    }
}

/// 429 with `Retry-After`.
fn too_many(wait_s: u64, what: &str) -> Problem {
    let mut p = Problem::new(
        axum::http::StatusCode::TOO_MANY_REQUESTS,
        "rate-limited",
        format!("{what}; retry in {wait_s} s"),
    );
    p.retry_after_s = Some(wait_s);
    p
}

/// Paths that need neither a token nor a rate-limit slot.
fn is_operational(path: &str) -> bool {
    matches!(
        path,
        "/healthz" | "/readyz" | "/metrics" | "/api/openapi.json"
    )
}

/// Authenticates the bearer token (if any), applies the rate limit and stores the [`Ctx`].
pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let remote = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let path = req.uri().path().to_string();
    let auth = req
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| v.to_str().map(str::to_string));
    let caller = match auth {
        None => None,
        Some(Err(_)) => {
            return Problem::unauthorized("the Authorization header is not text").into_response()
        }
        Some(Ok(text)) => {
            let Some(token) = text.strip_prefix("Bearer ").map(str::trim) else {
                return Problem::unauthorized("expected 'Authorization: Bearer <token>'")
                    .into_response();
            };
            // Failed logins are limited per address before the database is asked.
            let fail_key = format!("f{}", remote.as_deref().unwrap_or("?"));
            if let Err(wait_s) = state.limiter.peek(&fail_key) {
                return too_many(wait_s, "too many failed authentications from this address")
                    .into_response();
            }
            match state.store.authenticate(token).await {
                Ok(Some(p)) => Some(p),
                Ok(None) => {
                    let _ = state.limiter.check(&fail_key);
                    return Problem::unauthorized("unknown, expired or revoked token")
                        .into_response();
                }
                Err(e) => return Problem::from(e).into_response(),
            }
        }
    };
    if !is_operational(&path) {
        if caller.is_none() && !state.config.allow_anonymous {
            return Problem::unauthorized(
                "this server does not allow anonymous access; send a bearer token",
            )
            .into_response();
        }
        let key = match &caller {
            Some(p) => format!("t{}", p.token_id),
            None => format!("a{}", remote.as_deref().unwrap_or("?")),
        };
        if let Err(wait_s) = state.limiter.check(&key) {
            return too_many(
                wait_s,
                &format!(
                    "rate limit of {} requests/s exceeded",
                    state.config.rate_limit_per_s
                ),
            )
            .into_response();
        }
    }
    let user = caller.as_ref().map(|p| p.user_name.clone());
    req.extensions_mut().insert(Ctx { caller, remote });
    let mut resp = next.run(req).await;
    if let Some(u) = user {
        resp.extensions_mut().insert(LoggedUser(u));
    }
    resp
}
