//! Angle observations of Earth-orbiting objects and the formats telescopes report them in.
//!
//! [`Observation`] is the one model every reader produces and every writer takes:
//! a station, an object (or none for an uncorrelated track), a UTC time with its
//! uncertainty, RA/Dec or Az/El with their uncertainty, an optional magnitude, a
//! tracklet id, and the format-specific codes needed to write a record back.

pub mod iod;
pub mod json;
pub mod rde;
pub mod tdm;
pub mod uk;

use crate::epoch::Epoch;

/// Reference system of right ascension and declination.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RaDecFrame {
    /// J2000 / ICRF astrometric (the network's convention).
    J2000,
    /// Topocentric apparent, true equator and equinox of date.
    OfDate,
    /// Mean equator and equinox of another epoch (Besselian/Julian year, e.g. 1950.0).
    Equinox(f64),
}

impl RaDecFrame {
    /// The name used in JSON and in the store: `J2000`, `OF_DATE`, or the equinox year (`1950.0`).
    pub fn label(self) -> String {
        match self {
            RaDecFrame::J2000 => "J2000".to_string(),
            RaDecFrame::OfDate => "OF_DATE".to_string(),
            RaDecFrame::Equinox(y) => format!("{y:?}"),
        }
    }
}

/// The measured direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Angles {
    /// Right ascension and declination, degrees.
    RaDec {
        /// Right ascension, degrees 0–360.
        ra_deg: f64,
        /// Declination, degrees −90–90.
        dec_deg: f64,
        /// Reference system.
        frame: RaDecFrame,
    },
    /// Topocentric azimuth (from north through east) and elevation, degrees.
    AzEl {
        /// Azimuth, degrees 0–360.
        az_deg: f64,
        /// Elevation, degrees −90–90.
        el_deg: f64,
    },
}

/// The IOD record's own codes, kept so that a record can be written back as it came.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IodCodes {
    /// Station status / sky condition code (column 22): `E G F P B T C O`.
    pub station_status: char,
    /// Angle format code 1–7 (column 45).
    pub angle_format: u8,
    /// Epoch code 0–6 (column 46).
    pub epoch_code: u8,
    /// Optical behaviour code (column 66), if given.
    pub behaviour: Option<char>,
    /// Flash period, seconds (columns 75–80), if given.
    pub flash_period_s: Option<f64>,
}

/// Where a stored observation came from: its upload, format and original line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Provenance {
    /// The upload it came in (one id per file or request), when stored.
    pub upload_id: Option<i64>,
    /// The format it arrived in (`iod`, `uk`, `rde`, `tdm-kvn`, `tdm-xml`, `json`).
    pub format: String,
    /// The file or upload name.
    pub source: String,
    /// 1-based line of the record in the source.
    pub line: Option<usize>,
    /// The record's original line, at most [`Provenance::MAX_TEXT`] bytes.
    pub text: String,
}

impl Provenance {
    /// Longest original line kept, bytes.
    pub const MAX_TEXT: usize = 200;

    /// The provenance of the record on 1-based `line`, whose text is `line_text` (clipped
    /// to [`Provenance::MAX_TEXT`] bytes at a character boundary).
    pub fn of_line(format: &str, source: &str, line: usize, line_text: &str) -> Self {
        Self {
            upload_id: None,
            format: format.to_string(),
            source: source.to_string(),
            line: (line > 0).then_some(line),
            text: Self::clip(line_text.trim_end_matches('\r')),
        }
    }

    /// `s` clipped to [`Provenance::MAX_TEXT`] bytes at a character boundary.
    pub fn clip(s: &str) -> String {
        let mut end = s.len().min(Self::MAX_TEXT);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s[..end].to_string()
    }
}

/// One angle measurement of one object from one station.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Station: the network's site id, or the station number of the source format.
    pub station: String,
    /// Satellite catalog number; `None` for an uncorrelated observation.
    pub norad_cat_id: Option<u32>,
    /// International designator `YYYY-NNNPPP`, if given.
    pub object_id: Option<String>,
    /// Time of the measurement (UTC).
    pub time: Epoch,
    /// One-sigma uncertainty of the time, seconds.
    pub time_sigma_s: Option<f64>,
    /// The direction.
    pub angles: Angles,
    /// One-sigma positional uncertainty, degrees (per angle).
    pub angle_sigma_deg: Option<f64>,
    /// Visual magnitude, if measured.
    pub mag: Option<f64>,
    /// Uncertainty of the magnitude.
    pub mag_sigma: Option<f64>,
    /// Tracklet (a run of frames on one object in one pass), if known.
    pub tracklet_id: Option<String>,
    /// IOD codes when the observation came from (or is meant for) the IOD format.
    pub iod: Option<IodCodes>,
    /// Where it came from: set at ingest and kept by the store (readers leave it empty,
    /// except the JSON reader, which reads it back from JSON the API wrote).
    pub provenance: Option<Provenance>,
}

/// What a reader got from one text: observations, refusals, and what it skipped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ObservationsRead {
    /// Accepted observations with the 1-based line each came from.
    pub observations: Vec<(usize, Observation)>,
    /// One error per refused record.
    pub errors: Vec<crate::error::ParseError>,
    /// Records that are valid but carry no measurement (station status, brightness only).
    pub warnings: Vec<crate::error::Warning>,
}

/// Whether `text` is an international designator `YYYY-NNNP` (1 to 3 capital letters).
pub fn is_intl_designator(text: &str) -> bool {
    let b = text.as_bytes();
    (9..=11).contains(&b.len())
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..8].iter().all(u8::is_ascii_digit)
        && b[8..].iter().all(u8::is_ascii_uppercase)
}

/// The observation formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObsFormat {
    /// IOD 80-column lines.
    Iod,
    /// CCSDS TDM in KVN.
    TdmKvn,
    /// CCSDS TDM in XML.
    TdmXml,
    /// The API's JSON array.
    Json,
    /// UK (RGO/OTWG) 80-column lines.
    Uk,
    /// RDE reports (header, day lines, observation lines, `999`).
    Rde,
}

impl ObsFormat {
    /// Short name: `iod`, `uk`, `rde`, `tdm-kvn`, `tdm-xml`, `json`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Iod => "iod",
            Self::TdmKvn => "tdm-kvn",
            Self::TdmXml => "tdm-xml",
            Self::Json => "json",
            Self::Uk => "uk",
            Self::Rde => "rde",
        }
    }
}

impl ObsFormat {
    /// Whether the format names stations by a 4-digit station number (IOD, UK, RDE).
    pub fn names_stations_by_number(self) -> bool {
        matches!(self, Self::Iod | Self::Uk | Self::Rde)
    }
}

impl std::str::FromStr for ObsFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "iod" => Ok(Self::Iod),
            "tdm" | "tdm-kvn" => Ok(Self::TdmKvn),
            "tdm-xml" => Ok(Self::TdmXml),
            "json" => Ok(Self::Json),
            "uk" => Ok(Self::Uk),
            "rde" => Ok(Self::Rde),
            other => Err(format!(
                "unknown observation format {other:?}: expected iod, uk, rde, tdm-kvn, tdm-xml or json"
            )),
        }
    }
}

/// The format of an observation text, from its first non-blank characters.
pub fn detect_obs_format(text: &str) -> Option<ObsFormat> {
    let text = text.trim_start_matches('\u{feff}');
    // The first line with content, its leading blanks kept (IOD columns count from 1).
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let t = first.trim_start();
    if t.starts_with('[') {
        Some(ObsFormat::Json)
    } else if t.starts_with('<') {
        Some(ObsFormat::TdmXml)
    } else if t.starts_with("CCSDS_TDM_VERS") || t.starts_with("COMMENT") {
        Some(ObsFormat::TdmKvn)
    } else if t == "SATOBS" || rde::looks_like_header(first) {
        Some(ObsFormat::Rde)
    } else if first.len() >= 55 && first.as_bytes()[..17].iter().all(u8::is_ascii_digit) {
        // IOD has a blank in column 6; UK lines are digits through the date.
        Some(ObsFormat::Uk)
    } else if first.len() >= 31
        && first
            .get(16..20)
            .is_some_and(|c| c.bytes().all(|b| b.is_ascii_digit()))
    {
        Some(ObsFormat::Iod)
    } else {
        None
    }
}

/// Reads observations in the detected format; an unrecognised text gives one error.
pub fn read_observations(source_name: &str, text: &str) -> (Option<ObsFormat>, ObservationsRead) {
    let format = detect_obs_format(text);
    let read = match format {
        Some(f) => read_observations_as(source_name, text, f),
        None => {
            let mut r = ObservationsRead::default();
            if !text.trim().is_empty() {
                let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                r.errors.push(
                    crate::error::ParseError::new(
                        "format",
                        "IOD, UK, RDE, CCSDS TDM (KVN or XML) or observation JSON",
                        first,
                    )
                    .with_source(source_name)
                    .with_line(Some(1)),
                );
            }
            r
        }
    };
    (format, read)
}

/// Reads observations in a given format.
pub fn read_observations_as(source_name: &str, text: &str, format: ObsFormat) -> ObservationsRead {
    match format {
        ObsFormat::Iod => iod::read_iod(source_name, text),
        ObsFormat::TdmKvn => tdm::read_tdm_kvn(source_name, text),
        ObsFormat::TdmXml => tdm::read_tdm_xml(source_name, text),
        ObsFormat::Json => json::read_obs_json(source_name, text),
        ObsFormat::Uk => uk::read_uk(source_name, text),
        ObsFormat::Rde => rde::read_rde(source_name, text),
    }
}

/// Writes observations in `format` (TDMs with `originator` and the creation time `now`).
pub fn write_observations(
    observations: &[Observation],
    format: ObsFormat,
    originator: &str,
    now: Epoch,
) -> Result<String, crate::error::WriteError> {
    match format {
        ObsFormat::Iod => iod::write_iod(observations),
        ObsFormat::TdmKvn => tdm::write_tdm_kvn(observations, originator, now),
        ObsFormat::TdmXml => tdm::write_tdm_xml(observations, originator, now),
        ObsFormat::Json => json::write_obs_json(observations),
        ObsFormat::Uk => uk::write_uk(observations),
        ObsFormat::Rde => rde::write_rde(observations),
    }
}
