//! `aposos eop update`: install a user's IERS finals2000A.all; and the EOP table the other commands use.

use crate::cli::EopUpdateArgs;
use anyhow::Context;
use aposos_astro::{validate_update, Eop, EopSummary};
use aposos_formats::epoch::civil_from_days;
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// Where `eop update` installs the table inside the data directory.
pub const EOP_FILE: &str = "eop/finals2000A.all";

/// `YYYY-MM-DD` of an MJD.
fn mjd_date(mjd: i64) -> String {
    let (y, m, d) = civil_from_days(mjd - 40_587);
    format!("{y:04}-{m:02}-{d:02}")
}

/// One line describing a table's range.
pub fn describe(s: &EopSummary) -> String {
    format!(
        "{} rows, {} to {} (final to {})",
        s.rows,
        mjd_date(s.first_mjd),
        mjd_date(s.last_mjd),
        s.last_final_mjd
            .map_or_else(|| "none".to_string(), mjd_date)
    )
}

/// The installed table `DIR/eop/finals2000A.all` when present, else the embedded one, with a description.
pub fn load_eop(data_dir: &Path) -> anyhow::Result<(Cow<'static, Eop>, String)> {
    let path = data_dir.join(EOP_FILE);
    if path.exists() {
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let (eop, s) = validate_update(&text)
            .with_context(|| format!("{}: installed EOP table is invalid", path.display()))?;
        Ok((
            Cow::Owned(eop),
            format!("EOP table {} ({})", path.display(), describe(&s)),
        ))
    } else {
        let eop = Eop::embedded();
        Ok((
            Cow::Borrowed(eop),
            format!(
                "EOP table embedded finals2000A.all ({})",
                describe(&eop.summary())
            ),
        ))
    }
}

/// Validates `--file` and copies it to `DIR/eop/finals2000A.all`.
pub fn update(args: &EopUpdateArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let (_, s) = validate_update(&text)
        .with_context(|| format!("{}: not a valid IERS finals2000A.all", args.file.display()))?;
    let embedded = Eop::embedded().summary();
    if s.last_mjd < embedded.last_mjd {
        eprintln!(
            "warning: {} ends {} , before the embedded table ({})",
            args.file.display(),
            mjd_date(s.last_mjd),
            mjd_date(embedded.last_mjd)
        );
    }
    let dest: PathBuf = args.data_dir.join(EOP_FILE);
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let tmp = dest.with_extension("all.tmp");
    std::fs::write(&tmp, &text).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &dest).with_context(|| format!("cannot write {}", dest.display()))?;
    println!("installed {} ({})", dest.display(), describe(&s));
    Ok(())
}
