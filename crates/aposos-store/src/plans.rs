//! The network's nightly plans as published: one JSON document per node and night,
//! versioned from 1; publishing again adds a version and never replaces one.

use crate::ids::{new_id, now_us};
use crate::{col, Store, StoreError};
use sqlx::any::AnyRow;

/// Times a publication is retried when another process took the same version number.
const VERSION_RACE_RETRIES: usize = 8;

/// One stored version of a node's plan for a night.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPlan {
    /// Site (node) id.
    pub site_id: String,
    /// The night, as the date of its evening `YYYY-MM-DD`.
    pub night: String,
    /// Version, from 1 for each site and night.
    pub version: i64,
    /// When it was published, µs since 1970 UTC.
    pub created_us: i64,
    /// Who published it (user name).
    pub created_by: String,
    /// The planner's document, as published.
    pub document: serde_json::Value,
}

/// Checks that `night` is a calendar date `YYYY-MM-DD`; the error says what was found.
pub fn check_night(night: &str) -> Result<(), String> {
    let layout_ok = night.len() == 10
        && night.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    if layout_ok && aposos_formats::Epoch::parse_iso(night).is_ok() {
        Ok(())
    } else {
        Err(format!("expected a date YYYY-MM-DD, found {night:?}"))
    }
}

fn from_row(row: &AnyRow) -> Result<StoredPlan, StoreError> {
    let text: String = col(row, "document")?;
    Ok(StoredPlan {
        site_id: col(row, "site_id")?,
        night: col(row, "night")?,
        version: col(row, "version")?,
        created_us: col(row, "created_us")?,
        created_by: col(row, "created_by")?,
        document: serde_json::from_str(&text)
            .map_err(|e| StoreError::Corrupt(format!("plans.document: {e}")))?,
    })
}

impl Store {
    /// Publishes `document` as the next version of the plan of site `site_id` for `night`
    /// (`YYYY-MM-DD`) and returns that version (1 for the first).
    pub async fn insert_plan(
        &self,
        site_id: &str,
        night: &str,
        created_by: &str,
        document: &serde_json::Value,
    ) -> Result<i64, StoreError> {
        check_night(night).map_err(|e| StoreError::Invalid(format!("night: {e}")))?;
        if self.get_site(site_id).await?.is_none() {
            return Err(StoreError::NotFound(format!("site {site_id:?}")));
        }
        let text = document.to_string();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = {
                let _w = self.write_guard().await;
                let mut tx = self.pool.begin().await?;
                // One statement: the number is taken and used at once; a concurrent
                // publisher that took the same one fails on the unique key and retries.
                let row = sqlx::query(
                    "INSERT INTO plans (id, site_id, night, version, created_us, created_by, document) \
                     SELECT $1, $2, $3, COALESCE(MAX(version), 0) + 1, $4, $5, $6 FROM plans \
                     WHERE site_id = $2 AND night = $3 RETURNING version",
                )
                .bind(new_id())
                .bind(site_id)
                .bind(night)
                .bind(now_us())
                .bind(created_by)
                .bind(text.as_str())
                .fetch_one(&mut *tx)
                .await;
                match row {
                    Ok(row) => {
                        let version: i64 = col(&row, "version")?;
                        tx.commit()
                            .await
                            .map(|()| version)
                            .map_err(StoreError::from)
                    }
                    Err(e) => Err(StoreError::from(e)),
                }
            };
            match result {
                Err(e)
                    if (e.is_unique_violation() || e.is_retryable())
                        && attempt < VERSION_RACE_RETRIES =>
                {
                    continue
                }
                other => return other,
            }
        }
    }

    /// Version `version` of the plan of `site_id` for `night` (the latest when `None`).
    pub async fn get_plan(
        &self,
        site_id: &str,
        night: &str,
        version: Option<i64>,
    ) -> Result<Option<StoredPlan>, StoreError> {
        let row = sqlx::query(
            "SELECT site_id, night, version, created_us, created_by, document FROM plans \
             WHERE site_id = $1 AND night = $2 AND ($3 < 0 OR version = $3) \
             ORDER BY version DESC LIMIT 1",
        )
        .bind(site_id)
        .bind(night)
        .bind(version.unwrap_or(-1))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    /// Every version of the plan of `site_id` for `night`: (version, created µs since 1970, created by), oldest first.
    pub async fn plan_versions(
        &self,
        site_id: &str,
        night: &str,
    ) -> Result<Vec<(i64, i64, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT version, created_us, created_by FROM plans \
             WHERE site_id = $1 AND night = $2 ORDER BY version",
        )
        .bind(site_id)
        .bind(night)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    col(r, "version")?,
                    col(r, "created_us")?,
                    col(r, "created_by")?,
                ))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nights_are_calendar_dates() {
        assert!(check_night("2026-12-01").is_ok());
        assert!(check_night("2028-02-29").is_ok());
        for bad in [
            "2026-02-30",
            "2026-13-01",
            "2026-1-01",
            "2026-12-01T00:00:00",
            "20261201",
            "",
            "2026-12-0a",
        ] {
            let e = check_night(bad).unwrap_err();
            assert!(e.contains("YYYY-MM-DD") && e.contains(bad), "{e}");
        }
    }
}
