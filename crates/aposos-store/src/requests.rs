//! Tracking requests: a member state asks the network to observe objects within a time
//! window. The body as filed ([`NewRequest`], the JSON of `POST /api/v1/requests` and of
//! the planner's request files) is checked in one place, [`NewRequest::validate`], so the
//! API, the command line and the planner refuse the same things with the same messages.

use crate::catalog::NewAudit;
use crate::ids::{new_id, now_us, us_from_iso};
use crate::{col, ItemAccess, Principal, Sharing, Store, StoreError};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;

/// Status of a request the planner takes into account.
pub const REQUEST_ACTIVE: &str = "active";
/// Status of a cancelled request (kept, no longer planned).
pub const REQUEST_CANCELLED: &str = "cancelled";

/// Highest catalog number a request may name (nine digits).
pub const MAX_NORAD_ID: u32 = 999_999_999;
/// Most catalog numbers in one request.
pub const MAX_NORAD_IDS: usize = 1000;
/// Longest window of one request, days.
pub const MAX_WINDOW_DAYS: i64 = 366;
/// Longest note, characters.
pub const MAX_NOTE_CHARS: usize = 2000;

const US_PER_DAY: i64 = 86_400_000_000;

fn default_priority() -> u8 {
    5
}

fn one() -> u32 {
    1
}

fn default_sharing() -> String {
    Sharing::Consortium.as_str().to_string()
}

/// A tracking request as filed: the body of `POST /api/v1/requests`, and one element of
/// the JSON array a planner's requests file holds. Unknown fields are refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    /// Catalog numbers (NORAD ids, 1..=999,999,999) of the objects to observe.
    pub norad_ids: Vec<u32>,
    /// Start of the window, ISO 8601 UTC (`2026-12-01T00:00:00Z`).
    pub from_utc: String,
    /// End of the window, ISO 8601 UTC, after `from_utc`.
    pub to_utc: String,
    /// Priority 1..=10, 10 most urgent (default 5).
    #[serde(default = "default_priority")]
    pub priority: u8,
    /// Tracklets wanted on each night, 1..=20 (default 1).
    #[serde(default = "one")]
    pub tracklets_per_night: u32,
    /// Nights with data wanted within the window, 1..=60 (default 1).
    #[serde(default = "one")]
    pub nights: u32,
    /// Sharing level of the results: `private`, `consortium` (default) or `public`.
    #[serde(default = "default_sharing")]
    pub sharing: String,
    /// Free text for the planners.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A [`NewRequest`] that passed [`NewRequest::validate`]: times read, sharing parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidRequest {
    /// Catalog numbers, as given (distinct).
    pub norad_ids: Vec<u32>,
    /// Start of the window, µs since 1970 UTC.
    pub from_us: i64,
    /// End of the window, µs since 1970 UTC (after `from_us`).
    pub to_us: i64,
    /// Priority 1..=10, 10 most urgent.
    pub priority: u8,
    /// Tracklets wanted per night, 1..=20.
    pub tracklets_per_night: u32,
    /// Nights with data wanted, 1..=60.
    pub nights: u32,
    /// Sharing level of the request and of its results.
    pub sharing: Sharing,
    /// Free text (trimmed; `None` when empty).
    pub note: Option<String>,
}

/// Why a tracking request was refused: the field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct RequestError {
    /// The JSON field (and command-line option without `--`) at fault.
    pub field: &'static str,
    /// What is wrong, with the value found.
    pub message: String,
}

fn refuse(field: &'static str, message: String) -> RequestError {
    RequestError { field, message }
}

fn in_range(field: &'static str, value: u32, lo: u32, hi: u32) -> Result<(), RequestError> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(refuse(
            field,
            format!("must be between {lo} and {hi}, found {value}"),
        ))
    }
}

fn time(field: &'static str, text: &str) -> Result<i64, RequestError> {
    us_from_iso(text).ok_or_else(|| {
        refuse(
            field,
            format!("expected an ISO 8601 UTC time YYYY-MM-DDTHH:MM:SS[.ffffff]Z, found {text:?}"),
        )
    })
}

impl NewRequest {
    /// Checks every field (naming the first one at fault) and reads the times and sharing level.
    pub fn validate(&self) -> Result<ValidRequest, RequestError> {
        if self.norad_ids.is_empty() {
            return Err(refuse(
                "norad_ids",
                "at least one catalog number is needed".into(),
            ));
        }
        if self.norad_ids.len() > MAX_NORAD_IDS {
            return Err(refuse(
                "norad_ids",
                format!(
                    "at most {MAX_NORAD_IDS} catalog numbers per request, found {}",
                    self.norad_ids.len()
                ),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for &n in &self.norad_ids {
            if n == 0 || n > MAX_NORAD_ID {
                return Err(refuse(
                    "norad_ids",
                    format!("catalog numbers are 1 to {MAX_NORAD_ID}, found {n}"),
                ));
            }
            if !seen.insert(n) {
                return Err(refuse("norad_ids", format!("{n} is given twice")));
            }
        }
        let from_us = time("from_utc", &self.from_utc)?;
        let to_us = time("to_utc", &self.to_utc)?;
        if to_us <= from_us {
            return Err(refuse(
                "to_utc",
                format!(
                    "the window must end after it starts (from_utc {:?}, to_utc {:?})",
                    self.from_utc, self.to_utc
                ),
            ));
        }
        if to_us - from_us > MAX_WINDOW_DAYS * US_PER_DAY {
            return Err(refuse(
                "to_utc",
                format!("the window may span at most {MAX_WINDOW_DAYS} days"),
            ));
        }
        in_range("priority", u32::from(self.priority), 1, 10)?;
        in_range("tracklets_per_night", self.tracklets_per_night, 1, 20)?;
        in_range("nights", self.nights, 1, 60)?;
        // A window of d days (rounded up) holds at most d nights.
        let window_nights = (to_us - from_us + US_PER_DAY - 1) / US_PER_DAY;
        if i64::from(self.nights) > window_nights {
            return Err(refuse(
                "nights",
                format!(
                    "{} nights asked for, but the window holds at most {window_nights}",
                    self.nights
                ),
            ));
        }
        let sharing: Sharing = self
            .sharing
            .parse()
            .map_err(|e: String| refuse("sharing", e))?;
        let note = match self.note.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(n) => {
                if n.chars().count() > MAX_NOTE_CHARS {
                    return Err(refuse(
                        "note",
                        format!("at most {MAX_NOTE_CHARS} characters"),
                    ));
                }
                if n.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
                    return Err(refuse(
                        "note",
                        "control characters other than newline and tab are not accepted".into(),
                    ));
                }
                Some(n.to_string())
            }
        };
        Ok(ValidRequest {
            norad_ids: self.norad_ids.clone(),
            from_us,
            to_us,
            priority: self.priority,
            tracklets_per_night: self.tracklets_per_night,
            nights: self.nights,
            sharing,
            note,
        })
    }
}

/// A stored tracking request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackingRequest {
    /// Request id.
    pub id: i64,
    /// Organisation that filed it (owns it and its results).
    pub org_id: i64,
    /// That organisation's name.
    pub org_name: String,
    /// User who filed it.
    pub user_name: String,
    /// When it was filed, µs since 1970 UTC.
    pub created_us: i64,
    /// Catalog numbers of the objects to observe.
    pub norad_ids: Vec<u32>,
    /// Start of the window, µs since 1970 UTC.
    pub from_us: i64,
    /// End of the window, µs since 1970 UTC.
    pub to_us: i64,
    /// Priority 1..=10, 10 most urgent.
    pub priority: u8,
    /// Tracklets wanted per night.
    pub tracklets_per_night: u32,
    /// Nights with data wanted within the window.
    pub nights: u32,
    /// Sharing level of the request and of its results.
    pub sharing: Sharing,
    /// [`REQUEST_ACTIVE`] or [`REQUEST_CANCELLED`].
    pub status: String,
    /// Free text.
    pub note: Option<String>,
    /// When it was cancelled, µs since 1970 UTC.
    pub cancelled_us: Option<i64>,
}

impl TrackingRequest {
    /// What the access rule needs to know of it (not a precise product).
    pub fn access(&self) -> ItemAccess {
        ItemAccess {
            owner_org_id: self.org_id,
            sharing: self.sharing,
            precise: false,
            object_consortium_only: false,
        }
    }

    /// True unless cancelled.
    pub fn is_active(&self) -> bool {
        self.status == REQUEST_ACTIVE
    }
}

const SELECT: &str = "SELECT r.id, r.org_id, o.name AS org_name, u.name AS user_name, r.created_us, \
     r.norad_ids, r.from_us, r.to_us, r.priority, r.tracklets_per_night, r.nights, r.sharing, r.status, \
     r.note, r.cancelled_us \
     FROM tracking_requests r JOIN organisations o ON o.id = r.org_id JOIN users u ON u.id = r.user_id";

fn from_row(row: &AnyRow) -> Result<TrackingRequest, StoreError> {
    let ids: String = col(row, "norad_ids")?;
    let sharing: String = col(row, "sharing")?;
    let small = |name: &str| -> Result<u32, StoreError> {
        let v: i64 = col(row, name)?;
        u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("tracking_requests.{name}: {v}")))
    };
    let priority = small("priority")?;
    Ok(TrackingRequest {
        id: col(row, "id")?,
        org_id: col(row, "org_id")?,
        org_name: col(row, "org_name")?,
        user_name: col(row, "user_name")?,
        created_us: col(row, "created_us")?,
        norad_ids: serde_json::from_str(&ids)
            .map_err(|e| StoreError::Corrupt(format!("tracking_requests.norad_ids: {e}")))?,
        from_us: col(row, "from_us")?,
        to_us: col(row, "to_us")?,
        priority: u8::try_from(priority)
            .map_err(|_| StoreError::Corrupt(format!("tracking_requests.priority: {priority}")))?,
        tracklets_per_night: small("tracklets_per_night")?,
        nights: small("nights")?,
        sharing: sharing.parse().map_err(StoreError::Corrupt)?,
        status: col(row, "status")?,
        note: col(row, "note")?,
        cancelled_us: col(row, "cancelled_us")?,
    })
}

impl Store {
    /// Stores request `req` filed by `by` (its organisation owns it), with `audit` (an empty
    /// target becomes the new request's id), in one transaction.
    pub async fn insert_request(
        &self,
        by: &Principal,
        req: &ValidRequest,
        audit: &NewAudit,
    ) -> Result<TrackingRequest, StoreError> {
        let id = new_id();
        let ids = serde_json::to_string(&req.norad_ids)
            .map_err(|e| StoreError::Invalid(format!("norad_ids: {e}")))?;
        {
            let _w = self.write_guard().await;
            let mut tx = self.pool.begin().await?;
            sqlx::query(
                "INSERT INTO tracking_requests (id, org_id, user_id, created_us, norad_ids, from_us, to_us, \
                 priority, tracklets_per_night, nights, sharing, status, note, cancelled_us) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULL)",
            )
            .bind(id)
            .bind(by.org_id)
            .bind(by.user_id)
            .bind(now_us())
            .bind(ids)
            .bind(req.from_us)
            .bind(req.to_us)
            .bind(i64::from(req.priority))
            .bind(i64::from(req.tracklets_per_night))
            .bind(i64::from(req.nights))
            .bind(req.sharing.as_str())
            .bind(REQUEST_ACTIVE)
            .bind(req.note.clone())
            .execute(&mut *tx)
            .await?;
            let mut audit = audit.clone();
            if audit.target.is_empty() {
                audit.target = id.to_string();
            }
            crate::audit::insert_audit(&mut tx, &audit).await?;
            tx.commit().await?;
        }
        self.get_request(id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("tracking request {id}")))
    }

    /// The request `id`, cancelled or not.
    pub async fn get_request(&self, id: i64) -> Result<Option<TrackingRequest>, StoreError> {
        let row = sqlx::query(&format!("{SELECT} WHERE r.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Every request, cancelled ones included, newest first.
    pub async fn list_requests(&self) -> Result<Vec<TrackingRequest>, StoreError> {
        let rows = sqlx::query(&format!("{SELECT} ORDER BY r.created_us DESC, r.id DESC"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(from_row).collect()
    }

    /// Cancels request `id` (the row is kept) with `audit`, in one transaction; a cancelled
    /// request stays as it was. `None` when there is no such request.
    pub async fn cancel_request(
        &self,
        id: i64,
        audit: &NewAudit,
    ) -> Result<Option<TrackingRequest>, StoreError> {
        {
            let _w = self.write_guard().await;
            let mut tx = self.pool.begin().await?;
            let exists = sqlx::query("SELECT id FROM tracking_requests WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
            if exists.is_none() {
                return Ok(None);
            }
            sqlx::query(
                "UPDATE tracking_requests SET status = $1, cancelled_us = $2 WHERE id = $3 AND status = $4",
            )
            .bind(REQUEST_CANCELLED)
            .bind(now_us())
            .bind(id)
            .bind(REQUEST_ACTIVE)
            .execute(&mut *tx)
            .await?;
            crate::audit::insert_audit(&mut tx, audit).await?;
            tx.commit().await?;
        }
        self.get_request(id).await
    }

    /// Active requests whose window overlaps `from_us..to_us` (µs since 1970 UTC), most
    /// urgent first, then first filed first.
    pub async fn active_requests_between(
        &self,
        from_us: i64,
        to_us: i64,
    ) -> Result<Vec<TrackingRequest>, StoreError> {
        let rows = sqlx::query(&format!(
            "{SELECT} WHERE r.status = $1 AND r.from_us < $2 AND r.to_us > $3 \
             ORDER BY r.priority DESC, r.created_us, r.id"
        ))
        .bind(REQUEST_ACTIVE)
        .bind(to_us)
        .bind(from_us)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(from_row).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> NewRequest {
        serde_json::from_str(
            r#"{"norad_ids": [25544, 43013], "from_utc": "2026-12-01T00:00:00Z", "to_utc": "2026-12-08T00:00:00Z"}"#,
        )
        .unwrap()
    }

    fn refused(r: NewRequest) -> String {
        r.validate().unwrap_err().to_string()
    }

    #[test]
    fn defaults_and_a_valid_body() {
        let b = body();
        assert_eq!(
            (
                b.priority,
                b.tracklets_per_night,
                b.nights,
                b.sharing.as_str()
            ),
            (5, 1, 1, "consortium")
        );
        let v = b.validate().unwrap();
        assert_eq!(v.to_us - v.from_us, 7 * US_PER_DAY);
        assert_eq!(v.sharing, Sharing::Consortium);
        assert_eq!(v.note, None);
        // The JSON written back reads back the same.
        let again: NewRequest = serde_json::from_str(&serde_json::to_string(&b).unwrap()).unwrap();
        assert_eq!(again, b);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let e = serde_json::from_str::<NewRequest>(
            r#"{"norad_ids": [1], "from_utc": "2026-12-01", "to_utc": "2026-12-02", "urgency": 3}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("urgency"), "{e}");
    }

    #[test]
    fn every_refusal_names_its_field() {
        type Change = fn(&mut NewRequest);
        let cases: Vec<(Change, &str)> = vec![
            (|b| b.norad_ids.clear(), "norad_ids: at least one"),
            (
                |b| b.norad_ids = vec![0],
                "norad_ids: catalog numbers are 1 to",
            ),
            (
                |b| b.norad_ids = vec![1_000_000_000],
                "norad_ids: catalog numbers",
            ),
            (|b| b.norad_ids = vec![5, 5], "norad_ids: 5 is given twice"),
            (
                |b| b.from_utc = "yesterday".into(),
                "from_utc: expected an ISO 8601",
            ),
            (
                |b| b.to_utc = "2026-13-01".into(),
                "to_utc: expected an ISO 8601",
            ),
            (
                |b| b.to_utc = b.from_utc.clone(),
                "to_utc: the window must end after",
            ),
            (
                |b| b.to_utc = "2028-01-01T00:00:00Z".into(),
                "to_utc: the window may span",
            ),
            (
                |b| b.priority = 0,
                "priority: must be between 1 and 10, found 0",
            ),
            (
                |b| b.priority = 11,
                "priority: must be between 1 and 10, found 11",
            ),
            (
                |b| b.tracklets_per_night = 0,
                "tracklets_per_night: must be between 1 and 20",
            ),
            (
                |b| b.tracklets_per_night = 21,
                "tracklets_per_night: must be between 1 and 20",
            ),
            (|b| b.nights = 0, "nights: must be between 1 and 60"),
            (|b| b.nights = 61, "nights: must be between 1 and 60"),
            (
                |b| b.nights = 8,
                "nights: 8 nights asked for, but the window holds at most 7",
            ),
            (
                |b| b.sharing = "everyone".into(),
                "sharing: unknown sharing level \"everyone\"",
            ),
            (
                |b| b.note = Some("a\u{0}b".into()),
                "note: control characters",
            ),
            (|b| b.note = Some("x".repeat(2001)), "note: at most 2000"),
        ];
        for (change, want) in cases {
            let mut b = body();
            change(&mut b);
            let e = refused(b);
            assert!(e.starts_with(want), "{e:?} should start with {want:?}");
        }
        let mut b = body();
        b.nights = 7;
        b.note = Some("  line one\n\tline two  ".into());
        let v = b.validate().unwrap();
        assert_eq!(v.note.as_deref(), Some("line one\n\tline two"));
        b.note = Some("   ".into());
        assert_eq!(b.validate().unwrap().note, None);
    }
}
