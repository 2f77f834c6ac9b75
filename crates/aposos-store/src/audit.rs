//! The audit log: every write and every read of non-public data (who, what, when, from where).

use crate::catalog::NewAudit;
use crate::ids::{new_id, now_us};
use crate::{col, AuditEntry, Store, StoreError};
use sqlx::Any;

/// Conditions on an audit query.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// From this time, µs since 1970 (inclusive).
    pub from_us: Option<i64>,
    /// To this time, µs since 1970 (inclusive).
    pub to_us: Option<i64>,
    /// Only this user.
    pub user: Option<String>,
    /// Only actions starting with this text.
    pub action_prefix: Option<String>,
}

pub(crate) async fn insert_audit(
    conn: &mut sqlx::Transaction<'_, Any>,
    a: &NewAudit,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (id, at_us, user_id, user_name, org_id, action, target, outcome, remote_addr, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(new_id())
    .bind(now_us())
    .bind(a.user_id)
    .bind(a.user_name.as_deref())
    .bind(a.org_id)
    .bind(a.action.as_str())
    .bind(a.target.as_str())
    .bind(a.outcome.as_str())
    .bind(a.remote_addr.as_deref())
    .bind(a.detail.as_deref())
    .execute(&mut **conn)
    .await?;
    Ok(())
}

impl Store {
    /// Records one audit entry in its own transaction (reads, refusals).
    pub async fn audit(&self, a: &NewAudit) -> Result<(), StoreError> {
        let _w = self.write_guard().await;
        let mut tx = self.pool.begin().await?;
        insert_audit(&mut tx, a).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records several audit entries in one transaction.
    pub async fn audit_many(&self, entries: &[NewAudit]) -> Result<(), StoreError> {
        if entries.is_empty() {
            return Ok(());
        }
        let _w = self.write_guard().await;
        let mut tx = self.pool.begin().await?;
        for a in entries {
            insert_audit(&mut tx, a).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Audit entries matching `filter` after the `(at_us, id)` cursor, oldest first, at most `limit`.
    pub async fn query_audit(
        &self,
        filter: &AuditFilter,
        after: Option<(i64, i64)>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let (after_at, after_id) = after.unwrap_or((i64::MIN, i64::MIN));
        let action_like = filter.action_prefix.as_ref().map(|p| format!("{p}%"));
        let rows = sqlx::query(
            "SELECT id, at_us, user_id, user_name, org_id, action, target, outcome, remote_addr, detail \
             FROM audit_log \
             WHERE at_us >= $1 AND at_us <= $2 AND (at_us > $3 OR (at_us = $3 AND id > $4)) \
             AND ($5 IS NULL OR user_name = $5) AND ($6 IS NULL OR action LIKE $6) \
             ORDER BY at_us, id LIMIT $7",
        )
        .bind(filter.from_us.unwrap_or(i64::MIN))
        .bind(filter.to_us.unwrap_or(i64::MAX))
        .bind(after_at)
        .bind(after_id)
        .bind(filter.user.as_deref())
        .bind(action_like.as_deref())
        .bind(limit.min(100_000) as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: col(r, "id")?,
                    at_us: col(r, "at_us")?,
                    user_id: col(r, "user_id")?,
                    user_name: col(r, "user_name")?,
                    org_id: col(r, "org_id")?,
                    action: col(r, "action")?,
                    target: col(r, "target")?,
                    outcome: col(r, "outcome")?,
                    remote_addr: col(r, "remote_addr")?,
                    detail: col(r, "detail")?,
                })
            })
            .collect()
    }
}
