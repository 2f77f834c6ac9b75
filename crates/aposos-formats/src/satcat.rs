//! Satellite catalog (SATCAT) metadata: who owns an object, what it is, when it
//! was launched and decayed, how big or bright it is.
//!
//! Reader for the fixed-column `donnees.sat` table shipped by PreviSat (Debian
//! package `previsat`, 41,325 objects to early 2016). One row per object, `#` starts
//! a comment (the header). Columns (0-based byte ranges, right-aligned numbers):
//!
//! | bytes | field | notes |
//! |---|---|---|
//! | 0–5 | catalog number | 5 digits |
//! | 6–17 | international designator | `YYYY-NNNPPP` |
//! | 17–23, 23–28, 28–33 | dimensions 1–3 (m) | 0.0 = unknown |
//! | 33–38 | standard magnitude | 99.0 = unknown |
//! | 39 | magnitude kind | `v` visual, `d` derived |
//! | 40–47 | radar cross-section (m²) | 0.00 = unknown |
//! | 48–58 | launch date | `YYYY/MM/DD` |
//! | 59–69 | decay date | blank while in orbit |
//! | 69–80 | period (min) | |
//! | 80–88, 88–96 | perigee, apogee (km) | |
//! | 96–103 | inclination (deg) | |
//! | 104–111 | orbit class | `LEO/I`, `GEO/NS`, `MEO`, `HEO`, … |
//! | 111–117 | owner (country or organisation code) | `US`, `CIS`, `PRC`, … |
//! | 117–123 | launch site code | |
//! | 123– | common name | |

use crate::epoch::{Calendar, Epoch};

/// Kind of object, derived from its name where the source has no explicit type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectType {
    /// An active or dead satellite.
    Payload,
    /// A launch vehicle stage (`R/B`).
    RocketBody,
    /// A fragment or mission-related debris (`DEB`).
    Debris,
    /// Not known.
    Unknown,
}

impl ObjectType {
    /// The SATCAT code: `PAY`, `R/B`, `DEB`, `UNK`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Payload => "PAY",
            Self::RocketBody => "R/B",
            Self::Debris => "DEB",
            Self::Unknown => "UNK",
        }
    }

    /// Guesses the type from a catalog name (`… R/B`, `… DEB`), as SATCAT names are formed.
    pub fn from_name(name: &str) -> Self {
        let upper = name.to_ascii_uppercase();
        if upper.contains("R/B") || upper.contains("ROCKET BODY") {
            Self::RocketBody
        } else if upper.contains("DEB") || upper.contains("COOLANT") || upper.contains("FRAG") {
            Self::Debris
        } else if name.trim().is_empty() {
            Self::Unknown
        } else {
            Self::Payload
        }
    }
}

/// Metadata of one catalogued object.
#[derive(Debug, Clone, PartialEq)]
pub struct SatcatRecord {
    /// Satellite catalog number.
    pub norad_cat_id: u32,
    /// International designator `YYYY-NNNPPP`.
    pub object_id: String,
    /// Common name.
    pub name: String,
    /// Payload, rocket body or debris.
    pub object_type: ObjectType,
    /// Owner: country or organisation code (`US`, `CIS`, `PRC`, `ESA`, …).
    pub owner: String,
    /// Launch site code.
    pub launch_site: String,
    /// Launch date (UTC midnight), if known.
    pub launch_date: Option<Epoch>,
    /// Decay (re-entry) date, if decayed.
    pub decay_date: Option<Epoch>,
    /// Orbital period in minutes, if known.
    pub period_min: Option<f64>,
    /// Perigee height in km, if known.
    pub perigee_km: Option<f64>,
    /// Apogee height in km, if known.
    pub apogee_km: Option<f64>,
    /// Inclination in degrees, if known.
    pub inclination_deg: Option<f64>,
    /// Orbit class as given by the source (`LEO/I`, `GEO/NS`, `MEO`, `HEO`, …).
    pub orbit_class: String,
    /// Radar cross-section in m², if known.
    pub rcs_m2: Option<f64>,
    /// Standard (intrinsic) visual magnitude at 1,000 km and 90° phase, if known.
    pub std_mag: Option<f64>,
    /// Largest dimension in metres, if known.
    pub size_m: Option<f64>,
}

/// A row of a SATCAT file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}:{line}: field {field}: expected {expected}, found {found:?}")]
pub struct SatcatError {
    /// File (or other source) name.
    pub source_name: String,
    /// 1-based line number.
    pub line: usize,
    /// Field name.
    pub field: &'static str,
    /// What was expected.
    pub expected: &'static str,
    /// What was found.
    pub found: String,
}

/// The records read from a SATCAT file and the rows that were refused.
#[derive(Debug, Clone, Default)]
pub struct SatcatRead {
    /// Records read, in file order.
    pub records: Vec<SatcatRecord>,
    /// One error per refused row.
    pub errors: Vec<SatcatError>,
}

fn field(line: &str, start: usize, end: usize) -> &str {
    let end = end.min(line.len());
    line.get(start.min(end)..end).unwrap_or("").trim()
}

/// Reads PreviSat's `donnees.sat` fixed-column table; bad rows are reported, good ones kept.
pub fn read_previsat(source_name: &str, text: &str) -> SatcatRead {
    let mut out = SatcatRead::default();
    for (idx, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        match read_previsat_row(line) {
            Ok(rec) => out.records.push(rec),
            Err((field, expected, found)) => out.errors.push(SatcatError {
                source_name: source_name.to_string(),
                line: idx + 1,
                field,
                expected,
                found,
            }),
        }
    }
    out
}

type RowError = (&'static str, &'static str, String);

fn read_previsat_row(line: &str) -> Result<SatcatRecord, RowError> {
    if !line.is_ascii() {
        return Err(("row", "ASCII text", line.to_string()));
    }
    let norad_text = field(line, 0, 5);
    let norad_cat_id = norad_text
        .parse::<u32>()
        .ok()
        .filter(|_| norad_text.bytes().all(|b| b.is_ascii_digit()))
        .ok_or(("catalog number", "5 digits", norad_text.to_string()))?;
    let num = |name: &'static str, s: usize, e: usize| -> Result<Option<f64>, RowError> {
        let t = field(line, s, e);
        if t.is_empty() {
            return Ok(None);
        }
        t.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .map(Some)
            .ok_or((name, "a number", t.to_string()))
    };
    let date = |name: &'static str, s: usize, e: usize| -> Result<Option<Epoch>, RowError> {
        let t = field(line, s, e);
        if t.is_empty() {
            return Ok(None);
        }
        parse_slash_date(t)
            .map(Some)
            .ok_or((name, "a date YYYY/MM/DD", t.to_string()))
    };
    let dims = [
        num("dim1", 17, 23)?,
        num("dim2", 23, 28)?,
        num("dim3", 28, 33)?,
    ];
    let size_m = dims
        .iter()
        .flatten()
        .copied()
        .filter(|d| *d > 0.0)
        .fold(None, |acc: Option<f64>, d| {
            Some(acc.map_or(d, |a| a.max(d)))
        });
    let std_mag = num("magnitude", 33, 38)?.filter(|m| *m < 98.0);
    let rcs_m2 = num("rcs", 40, 47)?.filter(|r| *r > 0.0);
    let name = field(line, 123, line.len()).to_string();
    Ok(SatcatRecord {
        norad_cat_id,
        object_id: field(line, 6, 17).to_string(),
        object_type: ObjectType::from_name(&name),
        name,
        owner: field(line, 111, 117).to_string(),
        launch_site: field(line, 117, 123).to_string(),
        launch_date: date("launch date", 48, 58)?,
        decay_date: date("decay date", 59, 69)?,
        period_min: num("period", 69, 80)?,
        perigee_km: num("perigee", 80, 88)?,
        apogee_km: num("apogee", 88, 96)?,
        inclination_deg: num("inclination", 96, 103)?,
        orbit_class: field(line, 104, 111).to_string(),
        rcs_m2,
        std_mag,
        size_m,
    })
}

/// `YYYY/MM/DD`; a partial date (`YYYY/MM/00`, `YYYY/00/00`, as the table has for
/// poorly known decays) is taken as the first day of the month or year.
fn parse_slash_date(t: &str) -> Option<Epoch> {
    let mut it = t.split('/');
    let (y, m, d) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let month: u32 = m.parse().ok()?;
    let day: u32 = d.parse().ok()?;
    if month == 0 && day != 0 {
        return None;
    }
    Epoch::from_calendar(Calendar {
        year: y.parse().ok()?,
        month: month.max(1),
        day: day.max(1),
        hour: 0,
        minute: 0,
        second: 0,
        nanosecond: 0,
    })
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROWS: &str = "#NORAD COSPAR      dim1 dim2 dim3 mag  m   rcs  lancement  rentree       periode perigee  apogee   incl orbite pays  site  nom usuel
00005 1958-002B     0.2  0.0  0.0 11.0 v   0.12 1958/03/17                132.75     650    3834  34.25 MEO    US    AFETR VANGUARD 1
25000 1968-081G     0.0  0.0  0.0 99.0 v   0.00 1968/09/26               1425.22   35057   36090   6.84 GEO/NS US    AFETR TITAN 3C TRANSTAGE DEB
25003 1997-058B     0.0  0.0  0.0 99.0 v   0.00 1997/10/05 1997/10/07      87.50     146     155  51.65 LEO/I  CIS   TTMTR SL-4 R/B
25008 1997-061A     0.0  0.0  0.0 99.0 v   0.00 1997/10/15                             0                       US    AFETR CASSINI
2500x 1997-061A     0.0  0.0  0.0 99.0 v   0.00 1997/10/15                             0                       US    AFETR BAD
";

    #[test]
    fn reads_previsat_rows_and_reports_bad_one() {
        let read = read_previsat("donnees.sat", ROWS);
        assert_eq!(read.records.len(), 4);
        assert_eq!(read.errors.len(), 1);
        assert_eq!(read.errors[0].line, 6);
        assert_eq!(read.errors[0].field, "catalog number");
        let v = &read.records[0];
        assert_eq!(v.norad_cat_id, 5);
        assert_eq!(v.object_id, "1958-002B");
        assert_eq!(v.name, "VANGUARD 1");
        assert_eq!(v.owner, "US");
        assert_eq!(v.std_mag, Some(11.0));
        assert_eq!(v.rcs_m2, Some(0.12));
        assert_eq!(v.size_m, Some(0.2));
        assert_eq!(v.object_type, ObjectType::Payload);
        assert_eq!(
            v.launch_date.map(|e| e.to_iso()),
            Some("1958-03-17T00:00:00.000000".into())
        );
        assert_eq!(v.perigee_km, Some(650.0));
        assert_eq!(v.apogee_km, Some(3834.0));
        let deb = &read.records[1];
        assert_eq!(deb.object_type, ObjectType::Debris);
        assert_eq!(deb.orbit_class, "GEO/NS");
        assert_eq!(deb.std_mag, None);
        let rb = &read.records[2];
        assert_eq!(rb.object_type, ObjectType::RocketBody);
        assert!(rb.decay_date.is_some());
        assert_eq!(read.records[3].period_min, None);
    }

    #[test]
    fn partial_dates_are_first_of_month_or_year() {
        let iso = |t| parse_slash_date(t).map(|e| e.to_iso());
        assert_eq!(
            iso("1962/00/00").as_deref(),
            Some("1962-01-01T00:00:00.000000")
        );
        assert_eq!(
            iso("1966/01/00").as_deref(),
            Some("1966-01-01T00:00:00.000000")
        );
        assert_eq!(
            iso("1966/03/31").as_deref(),
            Some("1966-03-31T00:00:00.000000")
        );
        assert_eq!(iso("1966/00/05"), None);
        assert_eq!(iso("1966/02/30"), None);
    }

    #[test]
    fn never_panics_on_odd_rows() {
        for row in [
            "",
            "1",
            "00001 é",
            "00001 1957-001A   0.0",
            &"9".repeat(300),
        ] {
            let _ = read_previsat("x", row);
        }
    }
}
