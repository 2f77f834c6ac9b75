//! Rendered catalog answers kept between requests, keyed by who may see what and by the
//! request, and valid only for the catalog version they were made at.
//!
//! The version lives in the database and every catalog write raises it in its own
//! transaction, so an answer kept here is never served after any process has changed
//! the catalog: several server processes on one PostgreSQL database stay consistent.

use crate::api::paging::Rendered;
use crate::context::Ctx;
use aposos_store::Role;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Largest body kept, bytes.
const MAX_BODY_BYTES: usize = 64 << 20;

/// Answers by key, each with the catalog version it was rendered at.
pub struct RenderCache {
    entries: Mutex<HashMap<String, (i64, Arc<Rendered>)>>,
    max_total_bytes: usize,
    renders: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl RenderCache {
    /// A cache holding at most `max_total_bytes` of bodies.
    pub fn new(max_total_bytes: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            max_total_bytes,
            renders: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (i64, Arc<Rendered>)>> {
        match self.entries.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    /// The answer kept for `key` if it was rendered at `version`.
    pub fn get(&self, key: &str, version: i64) -> Option<Arc<Rendered>> {
        let map = self.lock();
        map.get(key)
            .filter(|(v, _)| *v == version)
            .map(|(_, r)| r.clone())
    }

    /// Waits until no other request renders `key`, so that a burst of identical requests
    /// renders once and the others take the kept answer.
    pub async fn render_lock(&self, key: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut map = match self.renders.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            if map.len() > 10_000 {
                map.retain(|_, l| Arc::strong_count(l) > 1);
            }
            map.entry(key.to_string()).or_default().clone()
        };
        lock.lock_owned().await
    }

    /// Keeps `rendered` for `key` at `version` (older entries are dropped when full).
    pub fn put(&self, key: String, version: i64, rendered: Arc<Rendered>) {
        if rendered.body.len() > MAX_BODY_BYTES || self.max_total_bytes == 0 {
            return;
        }
        let mut map = self.lock();
        map.retain(|_, (v, _)| *v >= version);
        let total: usize = map.values().map(|(_, r)| r.body.len()).sum();
        if total + rendered.body.len() > self.max_total_bytes {
            map.clear();
        }
        map.insert(key, (version, rendered));
    }
}

/// The cache key of a request: the caller's visibility class (anonymous, admin, or
/// organisation: the access rule depends on nothing else) and the path with its query.
pub fn key(ctx: &Ctx, uri: &axum::http::Uri) -> String {
    let class = match &ctx.caller {
        None => "anon".to_string(),
        Some(p) if p.role == Role::Admin => "admin".to_string(),
        Some(p) => format!("org{}:{}", p.org_id, p.org_kind),
    };
    format!("{class} {uri}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_with_the_version() {
        let c = RenderCache::new(1 << 20);
        let r = Arc::new(Rendered::new("text/plain", b"abc".to_vec(), None));
        c.put("k".into(), 3, r);
        assert!(c.get("k", 3).is_some());
        assert!(c.get("k", 4).is_none());
        assert!(c.get("j", 3).is_none());
        c.put(
            "j".into(),
            4,
            Arc::new(Rendered::new("text/plain", b"x".to_vec(), None)),
        );
        assert!(c.get("k", 3).is_none(), "older versions are dropped");
    }

    #[test]
    fn size_is_bounded() {
        let c = RenderCache::new(10);
        c.put(
            "a".into(),
            1,
            Arc::new(Rendered::new("text/plain", vec![0; 8], None)),
        );
        c.put(
            "b".into(),
            1,
            Arc::new(Rendered::new("text/plain", vec![0; 8], None)),
        );
        assert!(c.get("a", 1).is_none());
        assert!(c.get("b", 1).is_some());
    }
}
