//! The demo catalog: the real CelesTrak snapshot fetched through the package
//! registries (see `scripts/fetch-demo-data`) joined with SATCAT metadata, or
//! the generated catalog when the snapshot is not there.

use anyhow::Context;
use aposos_formats::satcat::{read_previsat, SatcatRead, SatcatRecord};
use aposos_formats::{read_elements, ElementSet, Epoch, ReadOptions};
use aposos_orbit::synthetic::generate_catalog;
use std::collections::HashMap;
use std::path::Path;

/// Path of the real element-set snapshot inside the data directory.
pub const ACTIVE_TLE: &str = "catalog/active.txt";
/// Path of the SATCAT metadata table inside the data directory.
pub const SATCAT_TABLE: &str = "catalog/donnees.sat";
/// Reference epoch of the generated catalog (its element sets are up to 3 days older).
pub const SYNTHETIC_EPOCH_ISO: &str = "2026-05-20T00:00:00";
/// Seed of the generated catalog.
pub const SYNTHETIC_SEED: u64 = 2026;

/// The demo catalog with its provenance.
pub struct DemoCatalog {
    /// Where the element sets came from.
    pub source: String,
    /// The element sets.
    pub elements: Vec<ElementSet>,
    /// SATCAT metadata by catalog number (empty without the table).
    pub satcat: HashMap<u32, SatcatRecord>,
    /// Where the metadata came from, if loaded.
    pub satcat_source: Option<String>,
    /// Element-set records that were refused (reported on stderr).
    pub rejected: usize,
    /// SATCAT rows that were refused (the first few reported on stderr).
    pub satcat_rejected: usize,
}

/// Loads the real snapshot from `data_dir` if present (and not `synthetic`), else generates one.
pub fn load(
    data_dir: &Path,
    synthetic: bool,
    synthetic_count: usize,
) -> anyhow::Result<DemoCatalog> {
    let active = data_dir.join(ACTIVE_TLE);
    let mut cat = if !synthetic && active.exists() {
        let text = std::fs::read_to_string(&active)
            .with_context(|| format!("cannot read {}", active.display()))?;
        let read = read_elements(
            &active.display().to_string(),
            &text,
            &ReadOptions::default(),
        );
        for e in &read.errors {
            eprintln!("error: {e}");
        }
        DemoCatalog {
            source: format!(
                "CelesTrak active satellites snapshot ({}, from PyPI package astrosis 0.1.1)",
                active.display()
            ),
            elements: read.elements,
            satcat: HashMap::new(),
            satcat_source: None,
            rejected: read.errors.len(),
            satcat_rejected: 0,
        }
    } else {
        let epoch = Epoch::parse_iso(SYNTHETIC_EPOCH_ISO)
            .map_err(|e| anyhow::anyhow!("bad built-in epoch: {e}"))?;
        let elements = generate_catalog(synthetic_count, SYNTHETIC_SEED, epoch)
            .into_iter()
            .map(|o| o.elements)
            .collect();
        DemoCatalog {
            source: if synthetic {
                format!("generated catalog ({synthetic_count} objects, seed {SYNTHETIC_SEED})")
            } else {
                format!(
                    "generated catalog ({synthetic_count} objects, seed {SYNTHETIC_SEED}); run scripts/fetch-demo-data for the real snapshot in {}",
                    data_dir.display()
                )
            },
            elements,
            satcat: HashMap::new(),
            satcat_source: None,
            rejected: 0,
            satcat_rejected: 0,
        }
    };
    if let Some(read) = read_satcat(data_dir)? {
        cat.satcat_rejected = read.errors.len();
        for e in read.errors.iter().take(5) {
            eprintln!("warning: {e}");
        }
        cat.satcat = by_number(read);
        cat.satcat_source = Some(format!(
            "PreviSat SATCAT table ({}, from Debian package previsat)",
            data_dir.join(SATCAT_TABLE).display()
        ));
    }
    Ok(cat)
}

/// The SATCAT table of `data_dir` as read (`None` when the table is absent).
fn read_satcat(data_dir: &Path) -> anyhow::Result<Option<SatcatRead>> {
    let table = data_dir.join(SATCAT_TABLE);
    if !table.exists() {
        return Ok(None);
    }
    let bytes =
        std::fs::read(&table).with_context(|| format!("cannot read {}", table.display()))?;
    // The table is Latin-1; only its names may hold non-ASCII bytes.
    let text: String = bytes.iter().map(|&b| b as char).collect();
    Ok(Some(read_previsat(&table.display().to_string(), &text)))
}

fn by_number(read: SatcatRead) -> HashMap<u32, SatcatRecord> {
    read.records
        .into_iter()
        .map(|r| (r.norad_cat_id, r))
        .collect()
}

/// The SATCAT table of `data_dir` by catalog number (empty when the table is absent).
pub fn satcat_table(data_dir: &Path) -> anyhow::Result<HashMap<u32, SatcatRecord>> {
    Ok(read_satcat(data_dir)?.map(by_number).unwrap_or_default())
}
