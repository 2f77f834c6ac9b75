//! `aposos eop update`: install a user's IERS finals2000A.all; and the EOP table the other commands use.

use crate::cli::EopUpdateArgs;
use anyhow::Context;
use aposos_astro::{validate_update, Eop, EopQuality, EopSummary, TimeScales};
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

/// Warns on stderr when `[from, to]` leaves the table (UT1−UTC and polar motion are then
/// taken as 0) and notes when it reaches the predicted part.
pub fn check_coverage(eop: &Eop, from: aposos_formats::Epoch, to: aposos_formats::Epoch) {
    let quality = |e: aposos_formats::Epoch| {
        TimeScales::from_utc_ns_since_1950(e.ns_since_1950(), eop)
            .eop
            .quality
    };
    let (q_from, q_to) = (quality(from), quality(to));
    let s = eop.summary();
    if q_from == EopQuality::OutOfRange || q_to == EopQuality::OutOfRange {
        eprintln!(
            "warning: times outside the EOP table ({} to {}): UT1-UTC = 0 and polar motion = 0 are used there, \
             so topocentric angles of LEO objects can be off by arcseconds or more; bring a newer table with `aposos eop update --file PATH`",
            mjd_date(s.first_mjd),
            mjd_date(s.last_mjd)
        );
        return;
    }
    if q_from == EopQuality::Predicted || q_to == EopQuality::Predicted {
        eprintln!(
            "note: times after the last final EOP value ({}) use the table's predicted values",
            s.last_final_mjd
                .map_or_else(|| "none".to_string(), mjd_date)
        );
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
