//! Cursors, page sizes and entity tags shared by the listing endpoints.

use crate::problem::Problem;
use axum::body::Bytes;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// Header carrying the cursor of the next page (absent on the last page).
pub const NEXT_CURSOR: &str = "x-next-cursor";

/// Encodes a cursor: a tag letter and integers, opaque to clients.
pub fn encode_cursor(tag: char, parts: &[i64]) -> String {
    let body: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
    format!("{tag}{}", body.join("."))
}

/// Decodes a cursor made by [`encode_cursor`] with `tag` and `n` parts; 400 when it is not one.
pub fn decode_cursor(text: &str, tag: char, n: usize) -> Result<Vec<i64>, Problem> {
    let bad = || Problem::bad_request(format!("cursor {text:?} is not a cursor of this listing"));
    let rest = text.strip_prefix(tag).ok_or_else(bad)?;
    let parts: Vec<i64> = rest
        .split('.')
        .map(|p| p.parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    if parts.len() != n {
        return Err(bad());
    }
    Ok(parts)
}

/// The page size asked for, defaulted and bounded; 400 when zero or above `max`.
pub fn page_size(asked: Option<usize>, default: usize, max: usize) -> Result<usize, Problem> {
    match asked {
        None => Ok(default),
        Some(0) => Err(Problem::bad_request("limit must be at least 1")),
        Some(n) if n > max => Err(Problem::bad_request(format!(
            "limit must be at most {max}, found {n}"
        ))),
        Some(n) => Ok(n),
    }
}

/// A rendered listing: body, strong ETag, next-page cursor and link, extra headers, and
/// the audit detail to record each time it is served (non-public items in it).
#[derive(Debug, Clone)]
pub struct Rendered {
    /// Media type.
    pub content_type: &'static str,
    /// The body.
    pub body: Bytes,
    /// Strong entity tag (quoted).
    pub etag: String,
    /// Cursor and `Link` target of the next page.
    pub next: Option<(String, String)>,
    /// Further headers.
    pub headers: Vec<(&'static str, String)>,
    /// When set, serving this answer is audited with this detail.
    pub audit_detail: Option<String>,
}

impl Rendered {
    /// A rendered answer of `body` with its ETag.
    pub fn new(content_type: &'static str, body: Vec<u8>, next: Option<(String, String)>) -> Self {
        let digest = Sha256::digest(&body);
        Self {
            content_type,
            etag: format!("\"{}\"", aposos_store::ids::hex(&digest[..16])),
            body: Bytes::from(body),
            next,
            headers: Vec::new(),
            audit_detail: None,
        }
    }

    /// 200 with the body, or 304 without when `If-None-Match` names the same tag.
    pub fn respond(&self, request_headers: &HeaderMap) -> Response {
        let matches = request_headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(',')
                    .any(|t| t.trim() == self.etag || t.trim() == "*")
            });
        let mut resp = if matches {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            let mut r = self.body.clone().into_response();
            r.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(self.content_type),
            );
            r
        };
        let h = resp.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&self.etag) {
            h.insert(header::ETAG, v);
        }
        h.insert(header::VARY, HeaderValue::from_static("authorization"));
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        );
        if let Some((cursor, link)) = &self.next {
            if let Ok(v) = HeaderValue::from_str(cursor) {
                h.insert(NEXT_CURSOR, v);
            }
            if let Ok(v) = HeaderValue::from_str(&format!("<{link}>; rel=\"next\"")) {
                h.insert(header::LINK, v);
            }
        }
        for (k, v) in &self.headers {
            if let Ok(v) = HeaderValue::from_str(v) {
                h.insert(*k, v);
            }
        }
        resp
    }
}

/// A 200 response with `body`, a strong ETag of it, the next-page cursor and `Link` header;
/// 304 without a body when `If-None-Match` already names the same tag.
pub fn tagged_response(
    request_headers: &HeaderMap,
    content_type: &'static str,
    body: Vec<u8>,
    next: Option<(String, String)>,
) -> Response {
    Rendered::new(content_type, body, next).respond(request_headers)
}

/// The next page's cursor and `Link` target when `more`, made from the key of the page's last item.
pub fn next_page<T>(
    more: bool,
    page: &[T],
    uri: &axum::http::Uri,
    tag: char,
    key: impl Fn(&T) -> Vec<i64>,
) -> Option<(String, String)> {
    if !more {
        return None;
    }
    page.last().map(|last| {
        let c = encode_cursor(tag, &key(last));
        let link = next_link(uri.path(), uri.query(), &c);
        (c, link)
    })
}

/// `path?query` with `cursor=` replaced by `cursor`.
pub fn next_link(path: &str, query: Option<&str>, cursor: &str) -> String {
    let mut parts: Vec<String> = query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("cursor="))
        .map(str::to_string)
        .collect();
    parts.push(format!("cursor={cursor}"));
    format!("{path}?{}", parts.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_others() {
        let c = encode_cursor('h', &[123, -4]);
        assert_eq!(decode_cursor(&c, 'h', 2).unwrap(), vec![123, -4]);
        assert!(decode_cursor(&c, 'g', 2).is_err());
        assert!(decode_cursor("hx.1", 'h', 2).is_err());
        assert!(decode_cursor("h1", 'h', 2).is_err());
    }

    #[test]
    fn next_link_replaces_the_cursor() {
        assert_eq!(
            next_link("/a", Some("x=1&cursor=g5"), "g9"),
            "/a?x=1&cursor=g9"
        );
        assert_eq!(next_link("/a", None, "g9"), "/a?cursor=g9");
    }

    #[test]
    fn etag_answers_304() {
        let r = tagged_response(&HeaderMap::new(), "text/plain", b"abc".to_vec(), None);
        let tag = r.headers().get(header::ETAG).unwrap().clone();
        let mut h = HeaderMap::new();
        h.insert(header::IF_NONE_MATCH, tag);
        let r2 = tagged_response(&h, "text/plain", b"abc".to_vec(), None);
        assert_eq!(r2.status(), StatusCode::NOT_MODIFIED);
        let r3 = tagged_response(&h, "text/plain", b"abd".to_vec(), None);
        assert_eq!(r3.status(), StatusCode::OK);
    }
}
