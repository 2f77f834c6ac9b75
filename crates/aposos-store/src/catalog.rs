//! The catalog: SATCAT metadata of objects and every element set with its owner and sharing level.
//!
//! Readers take the access rule as a predicate (`visible`), so the rule itself
//! lives in one place (the server's policy) and every list, page and history
//! is filtered by it before anything is counted or returned.

use crate::ids::{new_id, now_us};
use crate::{
    col, placeholders, ItemAccess, ObjectRecord, Sharing, Store, StoreError, StoredElementSet,
};
use aposos_formats::{ElementSet, Epoch, OmmMetadata};
use futures_util::TryStreamExt;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::Any;

/// Columns of `element_sets` written for each new element set, in bind order.
const ES_COLUMNS: &str =
    "id, norad, epoch_ns, source_org_id, sharing, precise, object_name, object_id, \
    classification, mean_motion_rev_per_day, eccentricity, inclination_deg, raan_deg, \
    arg_of_pericenter_deg, mean_anomaly_deg, ephemeris_type, element_set_no, rev_at_epoch, \
    bstar_per_earth_radii, mean_motion_dot, mean_motion_ddot, omm_meta, uploaded_by, uploaded_us, \
    upload_format";
const ES_NCOLS: usize = 25;

/// Columns read back (prefixed by the table alias `e`).
const ES_SELECT: &str =
    "e.id, e.norad, e.epoch_ns, e.source_org_id, e.sharing, e.precise, e.object_name, \
    e.object_id, e.classification, e.mean_motion_rev_per_day, e.eccentricity, e.inclination_deg, \
    e.raan_deg, e.arg_of_pericenter_deg, e.mean_anomaly_deg, e.ephemeris_type, e.element_set_no, \
    e.rev_at_epoch, e.bstar_per_earth_radii, e.mean_motion_dot, e.mean_motion_ddot, e.omm_meta, \
    e.uploaded_us, e.upload_format, COALESCE(o.consortium_only, 0) AS object_consortium_only";

/// Columns of `objects`.
const OBJ_COLUMNS: &str =
    "norad, object_id, name, object_type, owner_code, launch_site, launch_date, \
    decay_date, orbit_class, rcs_m2, size_m, std_mag, consortium_only, provisional, updated_us";
const OBJ_NCOLS: usize = 15;

/// An element set to store, with its provenance.
#[derive(Debug, Clone)]
pub struct NewElementSet {
    /// The element set.
    pub elements: ElementSet,
    /// Contributing organisation.
    pub source_org_id: i64,
    /// Sharing level.
    pub sharing: Sharing,
    /// A precise product (an orbit fitted by a member), not a republished public catalog.
    pub precise: bool,
    /// Uploading user, if any.
    pub uploaded_by: Option<i64>,
    /// Format name it arrived in (`3le`, `omm-xml`, …).
    pub upload_format: String,
}

/// What happened to one element set offered for storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertOutcome {
    /// Stored under this id.
    Inserted(i64),
    /// The same object, epoch and source was already stored: nothing changed.
    Duplicate,
}

/// Conditions on the objects whose element sets are read.
#[derive(Debug, Clone, Default)]
pub struct GpFilter {
    /// Only these catalog numbers (empty: all).
    pub norads: Vec<u32>,
    /// Object name contains this text (case-insensitive).
    pub name_contains: Option<String>,
    /// International designator starts with this text (`2024-001`).
    pub intdes_prefix: Option<String>,
    /// SATCAT object types (`PAY`, `R/B`, `DEB`, `UNK`; empty: all).
    pub object_types: Vec<String>,
    /// SATCAT owner codes (empty: all).
    pub owners: Vec<String>,
}

/// Conditions on SATCAT listings.
#[derive(Debug, Clone, Default)]
pub struct ObjectFilter {
    /// The element-set filter's object conditions.
    pub gp: GpFilter,
    /// `Some(true)`: decayed objects only; `Some(false)`: objects in orbit only.
    pub decayed: Option<bool>,
}

/// A value to bind (the `Any` driver takes few types).
#[derive(Debug, Clone)]
enum Bind {
    I(i64),
    T(String),
}

fn bind_all<'q>(
    mut q: Query<'q, Any, AnyArguments<'q>>,
    binds: &'q [Bind],
) -> Query<'q, Any, AnyArguments<'q>> {
    for b in binds {
        q = match b {
            Bind::I(v) => q.bind(*v),
            Bind::T(v) => q.bind(v.as_str()),
        };
    }
    q
}

/// `text` with LIKE's wildcards escaped by `\`.
fn like_escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s
}

/// Appends the object conditions of `f` to `sql` (tables `e` or `o` by `alias`).
fn object_conditions(
    f: &GpFilter,
    id_col: &str,
    name_col: &str,
    intdes_col: &str,
    sql: &mut String,
    binds: &mut Vec<Bind>,
) {
    if !f.norads.is_empty() {
        sql.push_str(&format!(
            " AND {id_col} IN ({})",
            placeholders(binds.len() + 1, f.norads.len())
        ));
        binds.extend(f.norads.iter().map(|&n| Bind::I(i64::from(n))));
    }
    if let Some(name) = &f.name_contains {
        binds.push(Bind::T(format!(
            "%{}%",
            like_escape(&name.to_ascii_uppercase())
        )));
        sql.push_str(&format!(
            " AND UPPER({name_col}) LIKE ${} ESCAPE '\\'",
            binds.len()
        ));
    }
    if let Some(prefix) = &f.intdes_prefix {
        binds.push(Bind::T(format!(
            "{}%",
            like_escape(&prefix.to_ascii_uppercase())
        )));
        sql.push_str(&format!(
            " AND UPPER({intdes_col}) LIKE ${} ESCAPE '\\'",
            binds.len()
        ));
    }
    if !f.object_types.is_empty() {
        sql.push_str(&format!(
            " AND o.object_type IN ({})",
            placeholders(binds.len() + 1, f.object_types.len())
        ));
        binds.extend(f.object_types.iter().map(|t| Bind::T(t.clone())));
    }
    if !f.owners.is_empty() {
        sql.push_str(&format!(
            " AND o.owner_code IN ({})",
            placeholders(binds.len() + 1, f.owners.len())
        ));
        binds.extend(f.owners.iter().map(|t| Bind::T(t.clone())));
    }
}

fn meta_json(m: &OmmMetadata) -> String {
    if *m == OmmMetadata::default() {
        return "{}".into();
    }
    serde_json::json!({
        "ccsds_omm_vers": m.ccsds_omm_vers,
        "creation_date": m.creation_date,
        "originator": m.originator,
        "center_name": m.center_name,
        "ref_frame": m.ref_frame,
        "time_system": m.time_system,
        "mean_element_theory": m.mean_element_theory,
        "comments": m.comments,
        "covariance": m.covariance.as_ref().map(|c| serde_json::json!({
            "ref_frame": c.ref_frame,
            "lower": c.lower.to_vec(),
        })),
    })
    .to_string()
}

fn meta_from_json(text: &str) -> Result<OmmMetadata, StoreError> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("omm_meta: {e}")))?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    Ok(OmmMetadata {
        ccsds_omm_vers: s("ccsds_omm_vers"),
        creation_date: s("creation_date"),
        originator: s("originator"),
        center_name: s("center_name"),
        ref_frame: s("ref_frame"),
        time_system: s("time_system"),
        mean_element_theory: s("mean_element_theory"),
        comments: v
            .get("comments")
            .and_then(|c| c.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        covariance: match v.get("covariance").filter(|c| !c.is_null()) {
            None => None,
            Some(c) => {
                let lower: Vec<f64> = c
                    .get("lower")
                    .and_then(|l| l.as_array())
                    .map(|a| a.iter().filter_map(|x| x.as_f64()).collect())
                    .unwrap_or_default();
                let lower: [f64; 21] = lower.try_into().map_err(|_| {
                    StoreError::Corrupt("omm_meta: covariance needs 21 terms".into())
                })?;
                Some(aposos_formats::OmmCovariance {
                    ref_frame: c
                        .get("ref_frame")
                        .and_then(|x| x.as_str())
                        .map(str::to_string),
                    lower,
                })
            }
        },
    })
}

fn u32_col(row: &AnyRow, name: &str) -> Result<u32, StoreError> {
    let v: i64 = col(row, name)?;
    u32::try_from(v).map_err(|_| StoreError::Corrupt(format!("column {name}: {v} out of range")))
}

fn element_set_from_row(row: &AnyRow) -> Result<StoredElementSet, StoreError> {
    let sharing: String = col(row, "sharing")?;
    let classification: String = col(row, "classification")?;
    let precise: i64 = col(row, "precise")?;
    let consortium_only: i64 = col(row, "object_consortium_only")?;
    let ephemeris_type: i64 = col(row, "ephemeris_type")?;
    let meta: String = col(row, "omm_meta")?;
    Ok(StoredElementSet {
        id: col(row, "id")?,
        elements: ElementSet {
            object_name: col(row, "object_name")?,
            object_id: col(row, "object_id")?,
            norad_cat_id: u32_col(row, "norad")?,
            classification: classification.chars().next().unwrap_or('U'),
            epoch: Epoch::from_ns_since_1950(col(row, "epoch_ns")?),
            mean_motion_rev_per_day: col(row, "mean_motion_rev_per_day")?,
            eccentricity: col(row, "eccentricity")?,
            inclination_deg: col(row, "inclination_deg")?,
            raan_deg: col(row, "raan_deg")?,
            arg_of_pericenter_deg: col(row, "arg_of_pericenter_deg")?,
            mean_anomaly_deg: col(row, "mean_anomaly_deg")?,
            ephemeris_type: u8::try_from(ephemeris_type)
                .map_err(|_| StoreError::Corrupt("ephemeris_type out of range".into()))?,
            element_set_no: u32_col(row, "element_set_no")?,
            rev_at_epoch: u32_col(row, "rev_at_epoch")?,
            bstar_per_earth_radii: col(row, "bstar_per_earth_radii")?,
            mean_motion_dot_rev_per_day2: col(row, "mean_motion_dot")?,
            mean_motion_ddot_rev_per_day3: col(row, "mean_motion_ddot")?,
            omm: meta_from_json(&meta)?,
        },
        access: ItemAccess {
            owner_org_id: col(row, "source_org_id")?,
            sharing: sharing.parse().map_err(StoreError::Corrupt)?,
            precise: precise != 0,
            object_consortium_only: consortium_only != 0,
        },
        uploaded_us: col(row, "uploaded_us")?,
        upload_format: col(row, "upload_format")?,
    })
}

fn object_from_row(row: &AnyRow) -> Result<ObjectRecord, StoreError> {
    let c: i64 = col(row, "consortium_only")?;
    let provisional: i64 = col(row, "provisional")?;
    Ok(ObjectRecord {
        norad_cat_id: u32_col(row, "norad")?,
        object_id: col(row, "object_id")?,
        object_name: col(row, "name")?,
        object_type: col(row, "object_type")?,
        owner: col(row, "owner_code")?,
        launch_site: col(row, "launch_site")?,
        launch_date: col(row, "launch_date")?,
        decay_date: col(row, "decay_date")?,
        orbit_class: col(row, "orbit_class")?,
        rcs_m2: col(row, "rcs_m2")?,
        size_m: col(row, "size_m")?,
        std_mag: col(row, "std_mag")?,
        consortium_only: c != 0,
        provisional: provisional != 0,
    })
}

type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

fn bind_element_set<'q>(q: AnyQuery<'q>, id: i64, n: &'q NewElementSet, now: i64) -> AnyQuery<'q> {
    let e = &n.elements;
    q.bind(id)
        .bind(i64::from(e.norad_cat_id))
        .bind(e.epoch.ns_since_1950())
        .bind(n.source_org_id)
        .bind(n.sharing.as_str())
        .bind(i64::from(n.precise))
        .bind(e.object_name.as_deref())
        .bind(e.object_id.as_deref())
        .bind(e.classification.to_string())
        .bind(e.mean_motion_rev_per_day)
        .bind(e.eccentricity)
        .bind(e.inclination_deg)
        .bind(e.raan_deg)
        .bind(e.arg_of_pericenter_deg)
        .bind(e.mean_anomaly_deg)
        .bind(i64::from(e.ephemeris_type))
        .bind(i64::from(e.element_set_no))
        .bind(i64::from(e.rev_at_epoch))
        .bind(e.bstar_per_earth_radii)
        .bind(e.mean_motion_dot_rev_per_day2)
        .bind(e.mean_motion_ddot_rev_per_day3)
        .bind(meta_json(&e.omm))
        .bind(n.uploaded_by)
        .bind(now)
        .bind(n.upload_format.as_str())
}

/// An optional float as text, for a `CAST($n AS DOUBLE PRECISION)` placeholder.
///
/// sqlx 0.8's `Any` driver declares a NULL `f64` as `float4` to PostgreSQL, so a cached
/// statement first run with a NULL there refuses a later real value ("incorrect binary
/// data format"). Text never changes type; Rust's shortest round-trip formatting keeps
/// every bit of the value.
pub(crate) fn f64_text(v: Option<f64>) -> Option<String> {
    v.map(|x| format!("{x:?}"))
}

/// `($first, …)` for one row of `objects`, the optional floats cast from text.
fn object_row_placeholders(first: usize) -> String {
    let cols: Vec<String> = (first..first + OBJ_NCOLS)
        .map(|i| match i - first {
            9..=11 => format!("CAST(${i} AS DOUBLE PRECISION)"),
            _ => format!("${i}"),
        })
        .collect();
    format!("({})", cols.join(", "))
}

fn bind_object<'q>(q: AnyQuery<'q>, o: &'q ObjectRecord, now: i64) -> AnyQuery<'q> {
    q.bind(i64::from(o.norad_cat_id))
        .bind(o.object_id.as_deref())
        .bind(o.object_name.as_deref())
        .bind(o.object_type.as_str())
        .bind(o.owner.as_deref())
        .bind(o.launch_site.as_deref())
        .bind(o.launch_date.as_deref())
        .bind(o.decay_date.as_deref())
        .bind(o.orbit_class.as_deref())
        .bind(f64_text(o.rcs_m2))
        .bind(f64_text(o.size_m))
        .bind(f64_text(o.std_mag))
        .bind(i64::from(o.consortium_only))
        .bind(i64::from(o.provisional))
        .bind(now)
}

/// One entry of the audit log written in the same transaction as a write.
#[derive(Debug, Clone)]
pub struct NewAudit {
    /// Acting user.
    pub user_id: Option<i64>,
    /// Acting user's name.
    pub user_name: Option<String>,
    /// Acting organisation.
    pub org_id: Option<i64>,
    /// Action name.
    pub action: String,
    /// Target.
    pub target: String,
    /// Outcome.
    pub outcome: String,
    /// Client address.
    pub remote_addr: Option<String>,
    /// Detail.
    pub detail: Option<String>,
}

/// Raises the catalog version inside a write transaction.
async fn bump_catalog_version(tx: &mut sqlx::Transaction<'_, Any>) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'catalog_version'",
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// The catalog version: raised by every write that changes an answer of the catalog endpoints.
    pub async fn catalog_version(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT value FROM meta WHERE key = 'catalog_version'")
            .fetch_optional(&self.pool)
            .await?;
        let text: String = match row {
            Some(r) => col(&r, "value")?,
            None => return Ok(0),
        };
        text.parse()
            .map_err(|_| StoreError::Corrupt(format!("catalog_version {text:?}")))
    }

    /// Adds SATCAT records; objects already present are left as they are. Returns how many were new.
    pub async fn insert_objects(&self, objects: &[ObjectRecord]) -> Result<u64, StoreError> {
        let _w = self.write_guard().await;
        let mut tx = self.pool.begin().await?;
        let now = now_us();
        let mut added = 0;
        for chunk in objects.chunks(500) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|i| object_row_placeholders(i * OBJ_NCOLS + 1))
                .collect();
            let sql = format!(
                "INSERT INTO objects ({OBJ_COLUMNS}) VALUES {} ON CONFLICT (norad) DO NOTHING",
                rows.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for o in chunk {
                q = bind_object(q, o, now);
            }
            added += q.execute(&mut *tx).await?.rows_affected();
        }
        if added > 0 {
            bump_catalog_version(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    /// SATCAT record of `norad`.
    pub async fn get_object(&self, norad: u32) -> Result<Option<ObjectRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {OBJ_COLUMNS} FROM objects WHERE norad = $1"
        ))
        .bind(i64::from(norad))
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(object_from_row).transpose()
    }

    /// The lowest catalog number at or above `from` that is above every stored object's
    /// number in that range (the next provisional number to give).
    pub async fn next_free_number(&self, from: u32) -> Result<u32, StoreError> {
        let row =
            sqlx::query("SELECT CAST(MAX(norad) AS BIGINT) AS m FROM objects WHERE norad >= $1")
                .bind(i64::from(from))
                .fetch_one(&self.pool)
                .await?;
        let max: Option<i64> = col(&row, "m")?;
        match max {
            None => Ok(from),
            Some(m) => u32::try_from(m + 1)
                .map_err(|_| StoreError::Corrupt(format!("catalog number {m} out of range"))),
        }
    }

    /// SATCAT records matching `filter` with catalog numbers above `after`, at most `limit`, by number.
    pub async fn list_objects(
        &self,
        filter: &ObjectFilter,
        after: Option<u32>,
        limit: usize,
    ) -> Result<Vec<ObjectRecord>, StoreError> {
        let mut binds = vec![Bind::I(after.map_or(-1, i64::from))];
        let mut sql = format!("SELECT {OBJ_COLUMNS} FROM objects o WHERE o.norad > $1");
        object_conditions(
            &filter.gp,
            "o.norad",
            "o.name",
            "o.object_id",
            &mut sql,
            &mut binds,
        );
        match filter.decayed {
            Some(true) => sql.push_str(" AND o.decay_date IS NOT NULL"),
            Some(false) => sql.push_str(" AND o.decay_date IS NULL"),
            None => {}
        }
        binds.push(Bind::I(limit.min(1_000_000) as i64));
        sql.push_str(&format!(" ORDER BY o.norad LIMIT ${}", binds.len()));
        let rows = bind_all(sqlx::query(&sql), &binds)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(object_from_row).collect()
    }

    /// Marks (or unmarks) `norad` so that its precise products are consortium-only.
    pub async fn set_consortium_only(
        &self,
        norad: u32,
        consortium_only: bool,
        audit: &NewAudit,
    ) -> Result<bool, StoreError> {
        let _w = self.write_guard().await;
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE objects SET consortium_only = $1, updated_us = $2 WHERE norad = $3",
        )
        .bind(i64::from(consortium_only))
        .bind(now_us())
        .bind(i64::from(norad))
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() > 0 {
            crate::audit::insert_audit(&mut tx, audit).await?;
            bump_catalog_version(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    }

    /// Stores element sets in one transaction (with `audit` when given); duplicates change nothing.
    pub async fn insert_element_sets(
        &self,
        items: &[NewElementSet],
        audit: Option<&NewAudit>,
    ) -> Result<Vec<InsertOutcome>, StoreError> {
        let _w = self.write_guard().await;
        let mut tx = self.pool.begin().await?;
        let now = now_us();
        let sql = format!(
            "INSERT INTO element_sets ({ES_COLUMNS}) VALUES ({}) \
             ON CONFLICT (norad, epoch_ns, source_org_id) DO NOTHING",
            placeholders(1, ES_NCOLS)
        );
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let id = new_id();
            let done = bind_element_set(sqlx::query(&sql), id, item, now)
                .execute(&mut *tx)
                .await?;
            out.push(if done.rows_affected() > 0 {
                InsertOutcome::Inserted(id)
            } else {
                InsertOutcome::Duplicate
            });
        }
        if let Some(a) = audit {
            crate::audit::insert_audit(&mut tx, a).await?;
        }
        if out.iter().any(|o| matches!(o, InsertOutcome::Inserted(_))) {
            bump_catalog_version(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Bulk load for seeding: multi-row inserts in one transaction, duplicates skipped.
    pub async fn bulk_insert_element_sets(
        &self,
        items: &[NewElementSet],
    ) -> Result<u64, StoreError> {
        let _w = self.write_guard().await;
        let mut tx = self.pool.begin().await?;
        let now = now_us();
        let mut added = 0;
        for chunk in items.chunks(500) {
            let rows: Vec<String> = (0..chunk.len())
                .map(|i| format!("({})", placeholders(i * ES_NCOLS + 1, ES_NCOLS)))
                .collect();
            let sql = format!(
                "INSERT INTO element_sets ({ES_COLUMNS}) VALUES {} \
                 ON CONFLICT (norad, epoch_ns, source_org_id) DO NOTHING",
                rows.join(", ")
            );
            let mut q = sqlx::query(&sql);
            for item in chunk {
                q = bind_element_set(q, new_id(), item, now);
            }
            added += q.execute(&mut *tx).await?.rows_affected();
        }
        if added > 0 {
            bump_catalog_version(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    /// The newest element set that `visible` admits, per object matching `filter`, for catalog
    /// numbers above `after`, at most `limit` objects (also kept only where `keep` says so), by
    /// catalog number. The flag is true when more objects follow.
    pub async fn latest_element_sets(
        &self,
        filter: &GpFilter,
        after: Option<u32>,
        limit: usize,
        visible: &(dyn Fn(&ItemAccess) -> bool + Sync),
        keep: &(dyn Fn(&ElementSet) -> bool + Sync),
    ) -> Result<(Vec<StoredElementSet>, bool), StoreError> {
        let mut binds = vec![Bind::I(after.map_or(-1, i64::from))];
        let mut sql = format!(
            "SELECT {ES_SELECT} FROM element_sets e LEFT JOIN objects o ON o.norad = e.norad \
             WHERE e.norad > $1"
        );
        object_conditions(
            filter,
            "e.norad",
            "e.object_name",
            "e.object_id",
            &mut sql,
            &mut binds,
        );
        sql.push_str(" ORDER BY e.norad, e.epoch_ns DESC, e.id DESC");
        let mut rows = bind_all(sqlx::query(&sql), &binds).fetch(&self.pool);
        let mut out: Vec<StoredElementSet> = Vec::new();
        let mut last_norad: Option<i64> = None;
        while let Some(row) = rows.try_next().await? {
            let norad: i64 = col(&row, "norad")?;
            if last_norad == Some(norad) {
                continue; // an older set of an object already decided
            }
            let es = element_set_from_row(&row)?;
            if !visible(&es.access) {
                continue; // maybe an older one of the same object is visible
            }
            last_norad = Some(norad);
            if !keep(&es.elements) {
                continue;
            }
            if out.len() == limit {
                return Ok((out, true));
            }
            out.push(es);
        }
        Ok((out, false))
    }

    /// Element sets of `norad` with epochs in `[from, to]` that `visible` admits, after the
    /// `(epoch_ns, id)` cursor, at most `limit`, by epoch; the flag is true when more follow.
    pub async fn element_set_history(
        &self,
        norad: u32,
        from: Epoch,
        to: Epoch,
        after: Option<(i64, i64)>,
        limit: usize,
        visible: &(dyn Fn(&ItemAccess) -> bool + Sync),
    ) -> Result<(Vec<StoredElementSet>, bool), StoreError> {
        let (after_epoch, after_id) = after.unwrap_or((i64::MIN, i64::MIN));
        let sql = format!(
            "SELECT {ES_SELECT} FROM element_sets e LEFT JOIN objects o ON o.norad = e.norad \
             WHERE e.norad = $1 AND e.epoch_ns >= $2 AND e.epoch_ns <= $3 \
             AND (e.epoch_ns > $4 OR (e.epoch_ns = $4 AND e.id > $5)) \
             ORDER BY e.epoch_ns, e.id"
        );
        let mut rows = sqlx::query(&sql)
            .bind(i64::from(norad))
            .bind(from.ns_since_1950())
            .bind(to.ns_since_1950())
            .bind(after_epoch)
            .bind(after_id)
            .fetch(&self.pool);
        let mut out = Vec::new();
        while let Some(row) = rows.try_next().await? {
            let es = element_set_from_row(&row)?;
            if !visible(&es.access) {
                continue;
            }
            if out.len() == limit {
                return Ok((out, true));
            }
            out.push(es);
        }
        Ok((out, false))
    }

    /// Number of stored element sets (all owners; for operations, not for callers).
    pub async fn count_element_sets(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM element_sets")
            .fetch_one(&self.pool)
            .await?;
        col(&row, "n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(like_escape("50%_x\\"), "50\\%\\_x\\\\");
    }

    #[test]
    fn omm_metadata_json_round_trip() {
        let m = OmmMetadata {
            originator: Some("CONIDA".into()),
            comments: vec!["one".into(), "two".into()],
            ..OmmMetadata::default()
        };
        assert_eq!(meta_from_json(&meta_json(&m)).unwrap(), m);
        let with_cov = OmmMetadata {
            covariance: Some(aposos_formats::OmmCovariance {
                ref_frame: Some("RTN".into()),
                lower: std::array::from_fn(|i| 1e-3 * (i as f64 + 1.0) / 3.0),
            }),
            ..m
        };
        assert_eq!(meta_from_json(&meta_json(&with_cov)).unwrap(), with_cov);
        assert_eq!(meta_json(&OmmMetadata::default()), "{}");
        assert_eq!(meta_from_json("{}").unwrap(), OmmMetadata::default());
    }
}
