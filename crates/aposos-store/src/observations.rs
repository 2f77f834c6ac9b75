//! Stored observations with their owner and sharing level.

use crate::catalog::f64_text;
use crate::catalog::NewAudit;
use crate::ids::{new_id, now_us};
use crate::{col, ItemAccess, Sharing, Store, StoreError};
use aposos_formats::obs::{Angles, Observation, Provenance, RaDecFrame};
use aposos_formats::Epoch;
use futures_util::TryStreamExt;
use sqlx::any::AnyRow;

/// An observation to store (its provenance in `observation.provenance`), with its owner.
#[derive(Debug, Clone)]
pub struct NewObservation {
    /// The measurement.
    pub observation: Observation,
    /// Contributing organisation.
    pub owner_org_id: i64,
    /// Sharing level.
    pub sharing: Sharing,
    /// Uploading user.
    pub uploaded_by: Option<i64>,
}

/// One stored observation.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredObservation {
    /// Row id.
    pub id: i64,
    /// The measurement.
    pub observation: Observation,
    /// Access fields for the sharing rule.
    pub access: ItemAccess,
}

/// Conditions on observation reads.
#[derive(Debug, Clone, Default)]
pub struct ObservationFilter {
    /// Only this object (0: uncorrelated ones).
    pub norad: Option<u32>,
    /// Only this station.
    pub station: Option<String>,
    /// From this time (inclusive).
    pub from: Option<Epoch>,
    /// To this time (inclusive).
    pub to: Option<Epoch>,
    /// Only those of this upload.
    pub upload_id: Option<i64>,
}

/// Rows per multi-row insert.
const OBS_CHUNK: usize = 500;

fn from_row(row: &AnyRow) -> Result<StoredObservation, StoreError> {
    let kind: String = col(row, "angle_kind")?;
    let frame: String = col(row, "frame")?;
    let a1: f64 = col(row, "angle_1_deg")?;
    let a2: f64 = col(row, "angle_2_deg")?;
    let angles = if kind == "azel" {
        Angles::AzEl {
            az_deg: a1,
            el_deg: a2,
        }
    } else {
        let frame = match frame.as_str() {
            "J2000" => RaDecFrame::J2000,
            "OF_DATE" => RaDecFrame::OfDate,
            y => RaDecFrame::Equinox(
                y.parse()
                    .map_err(|_| StoreError::Corrupt(format!("frame {y:?}")))?,
            ),
        };
        Angles::RaDec {
            ra_deg: a1,
            dec_deg: a2,
            frame,
        }
    };
    let key: i64 = col(row, "object_key")?;
    let sharing: String = col(row, "sharing")?;
    let consortium_only: i64 = col(row, "object_consortium_only")?;
    Ok(StoredObservation {
        id: col(row, "id")?,
        observation: Observation {
            station: col(row, "station")?,
            norad_cat_id: u32::try_from(key).ok().filter(|n| *n > 0),
            object_id: col(row, "object_id")?,
            time: Epoch::from_ns_since_1950(col(row, "time_ns")?),
            time_sigma_s: col(row, "time_sigma_s")?,
            angles,
            angle_sigma_deg: col(row, "angle_sigma_deg")?,
            mag: col(row, "mag")?,
            mag_sigma: col(row, "mag_sigma")?,
            tracklet_id: col(row, "tracklet")?,
            iod: None,
            provenance: Some(Provenance {
                upload_id: col(row, "upload_id")?,
                format: col(row, "upload_format")?,
                source: col::<Option<String>>(row, "source_name")?.unwrap_or_default(),
                line: col::<Option<i64>>(row, "source_line")?.and_then(|l| usize::try_from(l).ok()),
                text: col::<Option<String>>(row, "source_text")?.unwrap_or_default(),
            }),
        },
        access: ItemAccess {
            owner_org_id: col(row, "owner_org_id")?,
            sharing: sharing.parse().map_err(StoreError::Corrupt)?,
            precise: true,
            object_consortium_only: consortium_only != 0,
        },
    })
}

impl Store {
    /// Stores observations in one transaction (with `audit`); exact duplicates change nothing.
    /// Returns, per item, the new id or `None` for a duplicate.
    pub async fn insert_observations(
        &self,
        items: &[NewObservation],
        audit: &NewAudit,
    ) -> Result<Vec<Option<i64>>, StoreError> {
        const NCOLS: usize = 23;
        let _w = self.write_guard().await;
        let mut tx = self.pool.begin().await?;
        let now = now_us();
        let ids: Vec<i64> = items.iter().map(|_| new_id()).collect();
        let mut inserted = std::collections::HashSet::new();
        // Multi-row inserts; `RETURNING id` names the rows stored, the others were duplicates.
        for (chunk_no, chunk) in items.chunks(OBS_CHUNK).enumerate() {
            let rows: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let b = r * NCOLS;
                    let c: Vec<String> = (1..=NCOLS)
                        .map(|k| match k {
                            6 | 11 | 12 | 13 => {
                                format!("CAST({} AS DOUBLE PRECISION)", self.placeholder(b + k))
                            }
                            _ => self.placeholder(b + k),
                        })
                        .collect();
                    format!("({})", c.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO observations (id, station, object_key, object_id, time_ns, time_sigma_s, angle_kind, \
                 angle_1_deg, angle_2_deg, frame, angle_sigma_deg, mag, mag_sigma, tracklet, owner_org_id, sharing, \
                 uploaded_by, uploaded_us, upload_format, upload_id, source_name, source_line, source_text) VALUES {} \
                 ON CONFLICT (station, object_key, time_ns, angle_kind, angle_1_deg, angle_2_deg) DO NOTHING RETURNING id",
                rows.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for (r, it) in chunk.iter().enumerate() {
                let o = &it.observation;
                let (kind, a1, a2, frame) = match o.angles {
                    Angles::RaDec {
                        ra_deg,
                        dec_deg,
                        frame,
                    } => ("radec", ra_deg, dec_deg, frame.label()),
                    Angles::AzEl { az_deg, el_deg } => ("azel", az_deg, el_deg, String::new()),
                };
                q = q
                    .bind(ids[chunk_no * OBS_CHUNK + r])
                    .bind(o.station.clone())
                    .bind(i64::from(o.norad_cat_id.unwrap_or(0)))
                    .bind(o.object_id.clone())
                    .bind(o.time.ns_since_1950())
                    .bind(f64_text(o.time_sigma_s))
                    .bind(kind)
                    .bind(a1)
                    .bind(a2)
                    .bind(frame)
                    .bind(f64_text(o.angle_sigma_deg))
                    .bind(f64_text(o.mag))
                    .bind(f64_text(o.mag_sigma))
                    .bind(o.tracklet_id.clone())
                    .bind(it.owner_org_id)
                    .bind(it.sharing.as_str())
                    .bind(it.uploaded_by)
                    .bind(now);
                let p = o.provenance.clone().unwrap_or_default();
                q = q
                    .bind(p.format)
                    .bind(p.upload_id)
                    .bind((!p.source.is_empty()).then_some(p.source))
                    .bind(p.line.and_then(|l| i64::try_from(l).ok()))
                    .bind((!p.text.is_empty()).then_some(p.text));
            }
            for row in q.fetch_all(&mut *tx).await? {
                let id: i64 = col(&row, "id")?;
                inserted.insert(id);
            }
        }
        crate::audit::insert_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(ids
            .into_iter()
            .map(|id| inserted.contains(&id).then_some(id))
            .collect())
    }

    /// Files the uncorrelated observations `ids` under catalog number `norad` (what
    /// linkage found they are); observations already under a number are left as they
    /// are. Returns how many were changed.
    pub async fn assign_observations(&self, ids: &[i64], norad: u32) -> Result<u64, StoreError> {
        let _w = self.write_guard().await;
        let mut tx = self.pool.begin().await?;
        let mut changed = 0;
        for chunk in ids.chunks(OBS_CHUNK) {
            let list: Vec<String> = (0..chunk.len()).map(|i| format!("${}", i + 2)).collect();
            let sql = format!(
                "UPDATE observations SET object_key = $1 WHERE object_key = 0 AND id IN ({})",
                list.join(", ")
            );
            let mut q = sqlx::query(&sql).bind(i64::from(norad));
            for id in chunk {
                q = q.bind(*id);
            }
            changed += q.execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// Observations matching `filter` that `visible` admits, after the `(time_ns, id)` cursor,
    /// at most `limit`, by time; the flag is true when more follow.
    pub async fn observations(
        &self,
        filter: &ObservationFilter,
        after: Option<(i64, i64)>,
        limit: usize,
        visible: &(dyn Fn(&ItemAccess) -> bool + Sync),
    ) -> Result<(Vec<StoredObservation>, bool), StoreError> {
        let (after_t, after_id) = after.unwrap_or((i64::MIN, i64::MIN));
        let mut rows = sqlx::query(
            "SELECT b.id, b.station, b.object_key, b.object_id, b.time_ns, b.time_sigma_s, b.angle_kind, b.angle_1_deg, \
             b.angle_2_deg, b.frame, b.angle_sigma_deg, b.mag, b.mag_sigma, b.tracklet, b.owner_org_id, b.sharing, \
             b.upload_format, b.upload_id, b.source_name, b.source_line, b.source_text, \
             COALESCE(o.consortium_only, 0) AS object_consortium_only \
             FROM observations b LEFT JOIN objects o ON o.norad = b.object_key \
             WHERE ($1 < 0 OR b.object_key = $1) AND ($2 IS NULL OR b.station = $2) AND b.time_ns >= $3 AND b.time_ns <= $4 \
             AND (b.time_ns > $5 OR (b.time_ns = $5 AND b.id > $6)) AND ($7 < 0 OR b.upload_id = $7) \
             ORDER BY b.time_ns, b.id",
        )
        .bind(filter.norad.map_or(-1, i64::from))
        .bind(filter.station.as_deref())
        .bind(filter.from.map_or(i64::MIN, |e| e.ns_since_1950()))
        .bind(filter.to.map_or(i64::MAX, |e| e.ns_since_1950()))
        .bind(after_t)
        .bind(after_id)
        .bind(filter.upload_id.unwrap_or(-1))
        .fetch(&self.pool);
        let mut out = Vec::new();
        while let Some(row) = rows.try_next().await? {
            let o = from_row(&row)?;
            if !visible(&o.access) {
                continue;
            }
            if out.len() == limit {
                return Ok((out, true));
            }
            out.push(o);
        }
        Ok((out, false))
    }
}
