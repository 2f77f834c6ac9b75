//! The network's sites as stored: position, telescope, horizon mask and operational status.

use crate::catalog::NewAudit;
use crate::ids::now_us;
use crate::{col, SiteRecord, Store, StoreError, SITE_STATUSES};
use sqlx::any::AnyRow;

const SITE_COLUMNS: &str =
    "id, name, country, role, status, lat_deg, lon_deg, height_m, telescope, horizon_mask, updated_us, station_number";

fn site_from_row(row: &AnyRow) -> Result<SiteRecord, StoreError> {
    let telescope: String = col(row, "telescope")?;
    let mask: String = col(row, "horizon_mask")?;
    let parse = |what: &str, t: &str| {
        serde_json::from_str(t).map_err(|e| StoreError::Corrupt(format!("sites.{what}: {e}")))
    };
    Ok(SiteRecord {
        id: col(row, "id")?,
        name: col(row, "name")?,
        country: col(row, "country")?,
        role: col(row, "role")?,
        status: col(row, "status")?,
        lat_deg: col(row, "lat_deg")?,
        lon_deg: col(row, "lon_deg")?,
        height_m: col(row, "height_m")?,
        telescope: parse("telescope", &telescope)?,
        horizon_mask: parse("horizon_mask", &mask)?,
        updated_us: col(row, "updated_us")?,
        station_number: col(row, "station_number")?,
    })
}

impl Store {
    /// Adds sites; ids already present are left as they are. Returns how many were new.
    pub async fn insert_sites(&self, sites: &[SiteRecord]) -> Result<u64, StoreError> {
        let _w = self.write_guard().await;
        let mut tx = self.pool.begin().await?;
        let mut added = 0;
        for s in sites {
            let done = sqlx::query(&format!(
                "INSERT INTO sites ({SITE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
                 ON CONFLICT (id) DO NOTHING"
            ))
            .bind(s.id.as_str())
            .bind(s.name.as_str())
            .bind(s.country.as_str())
            .bind(s.role.as_str())
            .bind(s.status.as_str())
            .bind(s.lat_deg)
            .bind(s.lon_deg)
            .bind(s.height_m)
            .bind(s.telescope.to_string())
            .bind(s.horizon_mask.to_string())
            .bind(s.updated_us)
            .bind(s.station_number.clone())
            .execute(&mut *tx)
            .await?;
            added += done.rows_affected();
        }
        tx.commit().await?;
        Ok(added)
    }

    /// Every site, by id.
    pub async fn list_sites(&self) -> Result<Vec<SiteRecord>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {SITE_COLUMNS} FROM sites ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(site_from_row).collect()
    }

    /// The site `id`.
    pub async fn get_site(&self, id: &str) -> Result<Option<SiteRecord>, StoreError> {
        let row = sqlx::query(&format!("SELECT {SITE_COLUMNS} FROM sites WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(site_from_row).transpose()
    }

    /// Sets the status of site `id` (one of [`SITE_STATUSES`]) and audits it in the same transaction.
    pub async fn set_site_status(
        &self,
        id: &str,
        status: &str,
        by_user: Option<i64>,
        audit: &NewAudit,
    ) -> Result<Option<SiteRecord>, StoreError> {
        if !SITE_STATUSES.contains(&status) {
            return Err(StoreError::Invalid(format!(
                "unknown site status {status:?} (expected {})",
                SITE_STATUSES.join(", ")
            )));
        }
        let _w = self.write_guard().await;
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE sites SET status = $1, updated_us = $2, updated_by = $3 WHERE id = $4",
        )
        .bind(status)
        .bind(now_us())
        .bind(by_user)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        crate::audit::insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        self.get_site(id).await
    }
}
