//! Organisations, users and API tokens (random, shown once, stored as SHA-256, revocable, expiring).

use crate::ids::{new_id, new_token, now_us, token_hash};
use crate::{col, OrgKind, Organisation, Principal, Role, Store, StoreError, TokenInfo, User};
use sqlx::any::AnyRow;

fn org_from_row(row: &AnyRow) -> Result<Organisation, StoreError> {
    let kind: String = col(row, "kind")?;
    Ok(Organisation {
        id: col(row, "id")?,
        name: col(row, "name")?,
        kind: kind.parse().map_err(StoreError::Corrupt)?,
        country: col(row, "country")?,
        satcat_owner: col(row, "satcat_owner")?,
    })
}

/// A new token as returned once to its creator.
#[derive(Debug, Clone)]
pub struct NewToken {
    /// Token id (for revocation).
    pub id: i64,
    /// The secret itself: shown once, never stored.
    pub token: String,
    /// Expiry, µs since 1970.
    pub expires_us: i64,
}

impl Store {
    /// Adds an organisation; its name must be new.
    pub async fn add_org(
        &self,
        name: &str,
        kind: OrgKind,
        country: Option<&str>,
        satcat_owner: Option<&str>,
    ) -> Result<Organisation, StoreError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid("organisation name is empty".into()));
        }
        let _w = self.write_guard().await;
        if self.find_org(name).await.is_ok() {
            return Err(StoreError::Conflict(format!("organisation {name:?}")));
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO organisations (id, name, kind, country, satcat_owner, created_us) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(name)
        .bind(kind.as_str())
        .bind(country.map(str::to_string))
        .bind(satcat_owner.map(str::to_string))
        .bind(now_us())
        .execute(&self.pool)
        .await
        .map_err(|e| conflict_or(e, format!("organisation {name:?}")))?;
        // `gp?group=member-states` depends on the organisations: kept answers are stale now.
        sqlx::query(
            "UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS TEXT) WHERE key = 'catalog_version'",
        )
        .execute(&self.pool)
        .await?;
        Ok(Organisation {
            id,
            name: name.to_string(),
            kind,
            country: country.map(str::to_string),
            satcat_owner: satcat_owner.map(str::to_string),
        })
    }

    /// Name of the centre's organisation (the only one whose users may be admins), once seeded.
    pub async fn centre_org(&self) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT value FROM meta WHERE key = 'centre_org'")
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|r| col(r, "value")).transpose()
    }

    /// The organisation named `name`.
    pub async fn find_org(&self, name: &str) -> Result<Organisation, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, kind, country, satcat_owner FROM organisations WHERE name = $1",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("organisation {name:?}")))?;
        org_from_row(&row)
    }

    /// Every organisation, by name.
    pub async fn list_orgs(&self) -> Result<Vec<Organisation>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, kind, country, satcat_owner FROM organisations ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(org_from_row).collect()
    }

    /// Adds a user to organisation `org` with `role`; the user name must be new.
    pub async fn add_user(&self, name: &str, org: &str, role: Role) -> Result<User, StoreError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(StoreError::Invalid("user name is empty".into()));
        }
        let org = self.find_org(org).await?;
        if role == Role::Admin {
            let centre = self.centre_org().await?;
            if centre.as_deref() != Some(org.name.as_str()) {
                return Err(StoreError::Invalid(format!(
                    "the admin role belongs to the centre's organisation ({}), not to {:?}",
                    centre.as_deref().unwrap_or("not set up yet"),
                    org.name
                )));
            }
        }
        let _w = self.write_guard().await;
        if self.find_user(name).await.is_ok() {
            return Err(StoreError::Conflict(format!("user {name:?}")));
        }
        let id = new_id();
        sqlx::query(
            "INSERT INTO users (id, name, org_id, role, created_us) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(name)
        .bind(org.id)
        .bind(role.as_str())
        .bind(now_us())
        .execute(&self.pool)
        .await
        .map_err(|e| conflict_or(e, format!("user {name:?}")))?;
        Ok(User {
            id,
            name: name.to_string(),
            org_id: org.id,
            role,
        })
    }

    /// The user named `name`.
    pub async fn find_user(&self, name: &str) -> Result<User, StoreError> {
        let row = sqlx::query("SELECT id, name, org_id, role FROM users WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("user {name:?}")))?;
        let role: String = col(&row, "role")?;
        Ok(User {
            id: col(&row, "id")?,
            name: col(&row, "name")?,
            org_id: col(&row, "org_id")?,
            role: role.parse().map_err(StoreError::Corrupt)?,
        })
    }

    /// Creates a token for `user` valid for `valid_days`; the secret is returned once.
    pub async fn create_token(
        &self,
        user: &str,
        label: &str,
        valid_days: u32,
    ) -> Result<NewToken, StoreError> {
        if valid_days == 0 || valid_days > 3650 {
            return Err(StoreError::Invalid(format!(
                "token validity must be 1 to 3650 days, found {valid_days}"
            )));
        }
        let user = self.find_user(user).await?;
        let token = new_token().map_err(|e| StoreError::Config(format!("no randomness: {e}")))?;
        let id = new_id();
        let now = now_us();
        let expires_us = now + i64::from(valid_days) * 86_400_000_000;
        let _w = self.write_guard().await;
        sqlx::query(
            "INSERT INTO api_tokens (id, user_id, token_hash, label, created_us, expires_us) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(user.id)
        .bind(token_hash(&token))
        .bind(label)
        .bind(now)
        .bind(expires_us)
        .execute(&self.pool)
        .await?;
        Ok(NewToken {
            id,
            token,
            expires_us,
        })
    }

    /// Revokes token `id`; revoking twice is harmless. Returns false when no such token.
    pub async fn revoke_token(&self, id: i64) -> Result<bool, StoreError> {
        let _w = self.write_guard().await;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_us = COALESCE(revoked_us, $1) WHERE id = $2",
        )
        .bind(now_us())
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Revokes every token of `user`; returns how many were live.
    pub async fn revoke_user_tokens(&self, user: &str) -> Result<u64, StoreError> {
        let user = self.find_user(user).await?;
        let _w = self.write_guard().await;
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_us = $1 WHERE user_id = $2 AND revoked_us IS NULL",
        )
        .bind(now_us())
        .bind(user.id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// Tokens of `user` (all users when `None`), newest first.
    pub async fn list_tokens(&self, user: Option<&str>) -> Result<Vec<TokenInfo>, StoreError> {
        let rows = sqlx::query(
            "SELECT t.id, u.name AS user_name, t.label, t.created_us, t.expires_us, t.revoked_us \
             FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE ($1 IS NULL OR u.name = $1) ORDER BY t.created_us DESC",
        )
        .bind(user.map(str::to_string))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TokenInfo {
                    id: col(r, "id")?,
                    user: col(r, "user_name")?,
                    label: col(r, "label")?,
                    created_us: col(r, "created_us")?,
                    expires_us: col(r, "expires_us")?,
                    revoked_us: col(r, "revoked_us")?,
                })
            })
            .collect()
    }

    /// The principal of user `name` (for work done on the database directly, not through a token).
    pub async fn principal_of_user(&self, name: &str) -> Result<Principal, StoreError> {
        let row = sqlx::query(
            "SELECT u.id AS user_id, u.name AS user_name, u.role, o.id AS org_id, o.name AS org_name, o.kind, \
                    o.country, o.satcat_owner \
             FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.name = $1",
        )
        .bind(name)
        .fetch_optional(&self.pool)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("user {name:?}")))?;
        let role: String = col(&row, "role")?;
        let kind: String = col(&row, "kind")?;
        Ok(Principal {
            user_id: col(&row, "user_id")?,
            user_name: col(&row, "user_name")?,
            token_id: 0,
            org_id: col(&row, "org_id")?,
            org_name: col(&row, "org_name")?,
            org_kind: kind.parse().map_err(StoreError::Corrupt)?,
            org_country: col(&row, "country")?,
            org_satcat_owner: col(&row, "satcat_owner")?,
            role: role.parse().map_err(StoreError::Corrupt)?,
        })
    }

    /// The principal of a live (known, unexpired, unrevoked) token, or `None`.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Principal>, StoreError> {
        if !token.starts_with(crate::ids::TOKEN_PREFIX) || token.len() > 200 {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT t.id AS token_id, t.expires_us, t.revoked_us, u.id AS user_id, u.name AS user_name, \
                    u.role, o.id AS org_id, o.name AS org_name, o.kind, o.country, o.satcat_owner \
             FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN organisations o ON o.id = u.org_id \
             WHERE t.token_hash = $1",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let expires_us: i64 = col(&row, "expires_us")?;
        let revoked_us: Option<i64> = col(&row, "revoked_us")?;
        if revoked_us.is_some() || expires_us <= now_us() {
            return Ok(None);
        }
        let role: String = col(&row, "role")?;
        let kind: String = col(&row, "kind")?;
        Ok(Some(Principal {
            user_id: col(&row, "user_id")?,
            user_name: col(&row, "user_name")?,
            token_id: col(&row, "token_id")?,
            org_id: col(&row, "org_id")?,
            org_name: col(&row, "org_name")?,
            org_kind: kind.parse().map_err(StoreError::Corrupt)?,
            org_country: col(&row, "country")?,
            org_satcat_owner: col(&row, "satcat_owner")?,
            role: role.parse().map_err(StoreError::Corrupt)?,
        }))
    }
}

fn conflict_or(e: sqlx::Error, what: String) -> StoreError {
    let e = StoreError::Database(e);
    if e.is_unique_violation() {
        StoreError::Conflict(what)
    } else {
        e
    }
}
