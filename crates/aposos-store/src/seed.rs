//! First-start seeding: the centre and the member states, the first admin, the sites, the catalog.
//!
//! Exactly one process seeds a new database: it claims the `seed-started` key in
//! `meta` (a unique row, so two processes on one PostgreSQL database cannot both
//! claim it) and writes `seeded` when done; the others wait for `seeded`. Every
//! insert is idempotent, so a seed interrupted by a crash is simply redone.

use crate::catalog::NewElementSet;
use crate::ids::now_us;
use crate::orgs::NewToken;
use crate::{col, ObjectRecord, OrgKind, Role, Sharing, SiteRecord, Store, StoreError};
use aposos_formats::ElementSet;
use std::time::Duration;

/// An organisation to create at first start.
#[derive(Debug, Clone)]
pub struct SeedOrg {
    /// Unique name.
    pub name: String,
    /// Member or observer.
    pub kind: OrgKind,
    /// ISO 3166-1 alpha-2 country of a member state.
    pub country: Option<String>,
    /// SATCAT owner code of its objects.
    pub satcat_owner: Option<String>,
}

/// What a new database starts with.
#[derive(Debug, Clone, Default)]
pub struct Seed {
    /// The centre's organisation (its first user is the admin); also the source of the catalog.
    pub centre: Option<SeedOrg>,
    /// Other organisations (member states, observers).
    pub orgs: Vec<SeedOrg>,
    /// Name of the first admin user.
    pub admin_user: String,
    /// The network's sites.
    pub sites: Vec<SiteRecord>,
    /// SATCAT metadata.
    pub objects: Vec<ObjectRecord>,
    /// The public catalog's element sets (shared publicly, not precise products).
    pub elements: Vec<ElementSet>,
    /// Format name the catalog came in.
    pub elements_format: String,
}

/// What seeding did.
#[derive(Debug, Clone)]
pub struct SeedReport {
    /// Organisations created.
    pub orgs: usize,
    /// Sites added.
    pub sites: u64,
    /// SATCAT records added.
    pub objects: u64,
    /// Element sets added.
    pub element_sets: u64,
    /// The first admin's token (shown once).
    pub admin_token: NewToken,
}

const STALE_CLAIM_US: i64 = 600_000_000;

impl Store {
    /// True when the database has been seeded.
    pub async fn is_seeded(&self) -> Result<bool, StoreError> {
        Ok(self.meta("seeded").await?.is_some())
    }

    async fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        let row = sqlx::query("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(|r| col(r, "value")).transpose()
    }

    async fn claim_seed(&self) -> Result<bool, StoreError> {
        let _w = self.write_guard().await;
        let now = now_us();
        let done = sqlx::query("INSERT INTO meta (key, value) VALUES ('seed-started', $1) ON CONFLICT (key) DO NOTHING")
            .bind(now.to_string())
            .execute(&self.pool)
            .await?;
        if done.rows_affected() > 0 {
            return Ok(true);
        }
        // Someone claimed it; take over a claim that never finished (a crash).
        let stale = sqlx::query(
            "UPDATE meta SET value = $1 WHERE key = 'seed-started' AND CAST(value AS BIGINT) < $2",
        )
        .bind(now.to_string())
        .bind(now - STALE_CLAIM_US)
        .execute(&self.pool)
        .await?;
        Ok(stale.rows_affected() > 0)
    }

    /// Seeds a new database with `seed`; `None` when it was already seeded (by this or another process).
    pub async fn seed_if_new(&self, seed: &Seed) -> Result<Option<SeedReport>, StoreError> {
        if self.is_seeded().await? {
            return Ok(None);
        }
        if !self.claim_seed().await? {
            // Another process is seeding: wait for it, a little longer than a claim stays valid.
            for _ in 0..(STALE_CLAIM_US / 200_000 + 300) {
                if self.is_seeded().await? {
                    return Ok(None);
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            return Err(StoreError::Config(
                "another process claimed the first-start seeding and has not finished it".into(),
            ));
        }
        match self.seed_claimed(seed).await {
            Ok(report) => Ok(Some(report)),
            Err(e) => {
                // Give the claim up so that the next start can seed.
                let _w = self.write_guard().await;
                let _ = sqlx::query("DELETE FROM meta WHERE key = 'seed-started'")
                    .execute(&self.pool)
                    .await;
                Err(e)
            }
        }
    }

    async fn seed_claimed(&self, seed: &Seed) -> Result<SeedReport, StoreError> {
        let centre = seed
            .centre
            .clone()
            .ok_or_else(|| StoreError::Invalid("seed has no centre organisation".into()))?;
        let mut orgs = 0;
        let mut centre_id = None;
        for o in std::iter::once(&centre).chain(seed.orgs.iter()) {
            let org = match self.find_org(&o.name).await {
                Ok(org) => org,
                Err(StoreError::NotFound(_)) => {
                    orgs += 1;
                    self.add_org(
                        &o.name,
                        o.kind,
                        o.country.as_deref(),
                        o.satcat_owner.as_deref(),
                    )
                    .await?
                }
                Err(e) => return Err(e),
            };
            centre_id.get_or_insert(org.id);
        }
        let centre_id = centre_id.unwrap_or_default();
        {
            let _w = self.write_guard().await;
            sqlx::query("INSERT INTO meta (key, value) VALUES ('centre_org', $1) ON CONFLICT (key) DO NOTHING")
                .bind(centre.name.as_str())
                .execute(&self.pool)
                .await?;
        }
        match self.find_user(&seed.admin_user).await {
            Ok(_) => {}
            Err(StoreError::NotFound(_)) => {
                self.add_user(&seed.admin_user, &centre.name, Role::Admin)
                    .await?;
            }
            Err(e) => return Err(e),
        }
        let sites = self.insert_sites(&seed.sites).await?;
        let objects = self.insert_objects(&seed.objects).await?;
        let items: Vec<NewElementSet> = seed
            .elements
            .iter()
            .map(|e| NewElementSet {
                elements: e.clone(),
                source_org_id: centre_id,
                sharing: Sharing::Public,
                precise: false,
                uploaded_by: None,
                upload_format: seed.elements_format.clone(),
            })
            .collect();
        let element_sets = self.bulk_insert_element_sets(&items).await?;
        // The token last: a seed that fails before here leaves no live token nobody has seen.
        let admin_token = self
            .create_token(&seed.admin_user, "first admin token (aposos serve)", 365)
            .await?;
        {
            let _w = self.write_guard().await;
            sqlx::query(
                "INSERT INTO meta (key, value) VALUES ('seeded', $1) ON CONFLICT (key) DO NOTHING",
            )
            .bind(now_us().to_string())
            .execute(&self.pool)
            .await?;
        }
        Ok(SeedReport {
            orgs,
            sites,
            objects,
            element_sets,
            admin_token,
        })
    }
}
