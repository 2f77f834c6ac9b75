//! Observation sites of the network: WGS84 position, horizon mask and telescope,
//! read from a TOML sites file (the network's own is embedded, [`network`]).
//!
//! File layout (one `[[site]]` table per site; see `data/sites.toml`):
//!
//! ```toml
//! [[site]]
//! id = "ir-gargash"                 # short unique identifier, used by `--site`
//! name = "Iranian National Observatory, Mt. Gargash"
//! country = "IR"                    # ISO 3166-1 alpha-2
//! role = "node"                     # "node" (observation node) or "data-centre"
//! status = "planned"                # free text, optional
//! lat_deg = 33.6744                 # WGS84 geodetic latitude, north positive
//! lon_deg = 51.3178                 # WGS84 east longitude
//! height_m = 3600.0                 # above the WGS84 ellipsoid
//! horizon_mask = [[0.0, 5.0], [180.0, 8.0]]   # optional [azimuth_deg, min_elevation_deg] points
//! [site.telescope]
//! aperture_m = 0.15
//! fov_deg = 2.5
//! limiting_mag = 12.0
//! max_slew_deg_s = 8.0
//! mount = "altaz"                   # "altaz" or "equatorial"
//! ```

use aposos_astro::Geodetic;
use std::fmt;

/// The network's sites file (`data/sites.toml`), embedded at build time.
pub const NETWORK_SITES_TOML: &str = include_str!("../../../data/sites.toml");

/// Minimum elevation as a function of azimuth, linear between points, wrapping at 360°.
#[derive(Clone, Debug, PartialEq)]
pub struct HorizonMask {
    /// `(azimuth_deg, min_elevation_deg)` points sorted by azimuth in [0, 360).
    points: Vec<(f64, f64)>,
}

impl HorizonMask {
    /// A mask from `(azimuth_deg, min_elevation_deg)` points (any order; azimuths taken modulo 360°).
    pub fn from_degrees(points_deg: &[(f64, f64)]) -> Result<Self, String> {
        if points_deg.is_empty() {
            return Err("a horizon mask needs at least one point".into());
        }
        let mut points = Vec::with_capacity(points_deg.len());
        for &(az, el) in points_deg {
            if !az.is_finite() || !el.is_finite() {
                return Err(format!("point ({az}, {el}) is not finite"));
            }
            if !(-90.0..=90.0).contains(&el) {
                return Err(format!("minimum elevation {el}° outside [-90, 90]"));
            }
            points.push((az.rem_euclid(360.0), el));
        }
        points.sort_by(|a, b| a.0.total_cmp(&b.0));
        for w in points.windows(2) {
            if w[0].0 == w[1].0 {
                return Err(format!("azimuth {}° given twice", w[0].0));
            }
        }
        Ok(HorizonMask { points })
    }

    /// The mask points as `(azimuth_deg, min_elevation_deg)`, sorted by azimuth.
    pub fn points_deg(&self) -> &[(f64, f64)] {
        &self.points
    }

    /// Minimum elevation (deg) at azimuth `az_deg` (from north through east), interpolated linearly with wrap-around.
    pub fn min_elevation_deg(&self, az_deg: f64) -> f64 {
        let p = &self.points;
        let az = az_deg.rem_euclid(360.0);
        if p.len() == 1 {
            return p[0].1;
        }
        // First point with azimuth > az; the segment is (i-1, i), wrapping past 360°.
        let i = p.partition_point(|q| q.0 <= az);
        let (a, b) = if i == 0 || i == p.len() {
            let b = p[0];
            (p[p.len() - 1], (b.0 + 360.0, b.1))
        } else {
            (p[i - 1], p[i])
        };
        let az = if az < a.0 { az + 360.0 } else { az };
        a.1 + (b.1 - a.1) * (az - a.0) / (b.0 - a.0)
    }

    /// Minimum elevation (rad) at azimuth `az_rad`, as [`Self::min_elevation_deg`].
    pub fn min_elevation_rad(&self, az_rad: f64) -> f64 {
        self.min_elevation_deg(az_rad.to_degrees()).to_radians()
    }

    /// Highest minimum elevation of the mask (rad).
    pub fn max_rad(&self) -> f64 {
        self.points
            .iter()
            .map(|p| p.1)
            .fold(f64::NEG_INFINITY, f64::max)
            .to_radians()
    }
}

/// How a telescope is mounted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mount {
    /// Altitude–azimuth mount (fast LEO tracking; zenith keyhole).
    AltAz,
    /// Equatorial (German or fork) mount.
    Equatorial,
}

impl Mount {
    /// The name used in the sites file: `altaz` or `equatorial`.
    pub fn name(self) -> &'static str {
        match self {
            Mount::AltAz => "altaz",
            Mount::Equatorial => "equatorial",
        }
    }
}

/// A site's telescope and camera as the planner sees them.
#[derive(Clone, Debug, PartialEq)]
pub struct Telescope {
    /// Clear aperture (m).
    pub aperture_m: f64,
    /// Field of view of the camera, smaller side (deg).
    pub fov_deg: f64,
    /// Faintest visual magnitude detected while tracking a LEO object (mag).
    pub limiting_mag: f64,
    /// Fastest slew/track rate of the mount (deg/s).
    pub max_slew_deg_s: f64,
    /// Mount type.
    pub mount: Mount,
}

/// What a site does in the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// An observation node.
    Node,
    /// The data and operations centre (may have a telescope of its own).
    DataCentre,
}

impl Role {
    /// The name used in the sites file: `node` or `data-centre`.
    pub fn name(self) -> &'static str {
        match self {
            Role::Node => "node",
            Role::DataCentre => "data-centre",
        }
    }
}

/// One site of the network: WGS84 position, horizon mask and telescope.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// Short unique identifier (`--site` accepts it).
    pub id: String,
    /// Descriptive name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// Observation node or data centre.
    pub role: Role,
    /// Free-text status (e.g. `planned`, `operational`), if given.
    pub status: Option<String>,
    /// WGS84 position (rad, km).
    pub geodetic: Geodetic,
    /// Local horizon (azimuth → minimum elevation), if surveyed.
    pub horizon_mask: Option<HorizonMask>,
    /// The telescope.
    pub telescope: Telescope,
    /// 4-digit station number in the IOD, UK and RDE formats, if the site has one.
    pub station_number: Option<String>,
}

impl Site {
    /// An ad-hoc site at a WGS84 position (no mask, the network's standard 15 cm telescope).
    pub fn at(geodetic: Geodetic) -> Self {
        Site {
            id: format!(
                "{:.4},{:.4},{:.0}",
                geodetic.lat_deg(),
                geodetic.lon_deg(),
                geodetic.height_m()
            ),
            name: "ad-hoc site".into(),
            country: String::new(),
            role: Role::Node,
            status: None,
            geodetic,
            horizon_mask: None,
            telescope: Telescope {
                aperture_m: 0.15,
                fov_deg: 2.5,
                limiting_mag: 12.0,
                max_slew_deg_s: 8.0,
                mount: Mount::AltAz,
            },
            station_number: None,
        }
    }

    /// Minimum elevation (rad) allowed by the horizon mask at azimuth `az_rad` (−π/2 without a mask).
    pub fn mask_rad(&self, az_rad: f64) -> f64 {
        self.horizon_mask
            .as_ref()
            .map_or(-std::f64::consts::FRAC_PI_2, |m| {
                m.min_elevation_rad(az_rad)
            })
    }
}

/// A sites file that could not be read: which site (1-based, and its id when known) and which field.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SitesError {
    /// The text is not valid TOML.
    #[error("{source_name}: not valid TOML: {message}")]
    Toml {
        /// File name or description.
        source_name: String,
        /// The TOML parser's message (with line and column).
        message: String,
    },
    /// The file has no `[[site]]` array, or it is not an array of tables.
    #[error("{source_name}: {message}")]
    Layout {
        /// File name or description.
        source_name: String,
        /// What is wrong.
        message: String,
    },
    /// A field of one site is missing or wrong.
    #[error("{source_name}: site {index}{id}: field `{field}`: {message}")]
    Field {
        /// File name or description.
        source_name: String,
        /// 1-based position of the site in the file.
        index: usize,
        /// ` ("id")` when the id could be read, else empty.
        id: SiteIdLabel,
        /// The field (dotted for nested ones, e.g. `telescope.fov_deg`).
        field: String,
        /// What is wrong.
        message: String,
    },
}

/// The id of a site in an error message, shown as ` ("id")` or nothing.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct SiteIdLabel(pub Option<String>);

impl fmt::Display for SiteIdLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(id) => write!(f, " ({id:?})"),
            None => Ok(()),
        }
    }
}

struct Ctx<'a> {
    source_name: &'a str,
    index: usize,
    id: Option<String>,
}

impl Ctx<'_> {
    fn err(&self, field: &str, message: impl Into<String>) -> SitesError {
        SitesError::Field {
            source_name: self.source_name.to_string(),
            index: self.index,
            id: SiteIdLabel(self.id.clone()),
            field: field.to_string(),
            message: message.into(),
        }
    }

    fn string(&self, t: &toml::Table, key: &str, field: &str) -> Result<String, SitesError> {
        match t.get(key) {
            None => Err(self.err(field, "missing")),
            Some(toml::Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
            Some(toml::Value::String(_)) => Err(self.err(field, "empty")),
            Some(v) => Err(self.err(field, format!("expected a string, found {}", v.type_str()))),
        }
    }

    fn opt_string(
        &self,
        t: &toml::Table,
        key: &str,
        field: &str,
    ) -> Result<Option<String>, SitesError> {
        match t.get(key) {
            None => Ok(None),
            Some(_) => self.string(t, key, field).map(Some),
        }
    }

    fn number(
        &self,
        t: &toml::Table,
        key: &str,
        field: &str,
        range: (f64, f64),
    ) -> Result<f64, SitesError> {
        let v = match t.get(key) {
            None => return Err(self.err(field, "missing")),
            Some(v) => value_f64(v).ok_or_else(|| {
                self.err(field, format!("expected a number, found {}", v.type_str()))
            })?,
        };
        if !(v.is_finite() && v >= range.0 && v <= range.1) {
            return Err(self.err(field, format!("{v} is outside [{}, {}]", range.0, range.1)));
        }
        Ok(v)
    }
}

fn value_f64(v: &toml::Value) -> Option<f64> {
    match v {
        toml::Value::Float(f) => Some(*f),
        toml::Value::Integer(i) => Some(*i as f64),
        _ => None,
    }
}

const SITE_KEYS: &[&str] = &[
    "id",
    "name",
    "country",
    "role",
    "status",
    "lat_deg",
    "lon_deg",
    "height_m",
    "horizon_mask",
    "telescope",
    "station_number",
    "notes",
];
const TELESCOPE_KEYS: &[&str] = &[
    "aperture_m",
    "fov_deg",
    "limiting_mag",
    "max_slew_deg_s",
    "mount",
    "notes",
];

/// Reads a sites file (TOML text); `source_name` names it in error messages.
pub fn parse_sites(source_name: &str, text: &str) -> Result<Vec<Site>, SitesError> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| SitesError::Toml {
            source_name: source_name.to_string(),
            message: e.to_string().trim().to_string(),
        })?;
    let layout = |message: String| SitesError::Layout {
        source_name: source_name.to_string(),
        message,
    };
    for key in table.keys() {
        if key != "site" {
            return Err(layout(format!(
                "unknown top-level key `{key}` (expected [[site]] tables)"
            )));
        }
    }
    let list = match table.get("site") {
        Some(toml::Value::Array(a)) => a,
        Some(v) => {
            return Err(layout(format!(
                "`site` must be an array of tables ([[site]]), found {}",
                v.type_str()
            )))
        }
        None => return Err(layout("no [[site]] table".into())),
    };
    let mut sites: Vec<Site> = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        let mut ctx = Ctx {
            source_name,
            index: i + 1,
            id: None,
        };
        let t = match v {
            toml::Value::Table(t) => t,
            other => {
                return Err(ctx.err("", format!("expected a table, found {}", other.type_str())))
            }
        };
        if let Some(toml::Value::String(id)) = t.get("id") {
            ctx.id = Some(id.clone());
        }
        let site = parse_site(&ctx, t)?;
        if let Some(prev) = sites
            .iter()
            .position(|s| s.id.eq_ignore_ascii_case(&site.id))
        {
            return Err(ctx.err("id", format!("same id as site {}", prev + 1)));
        }
        if let Some(prev) = sites
            .iter()
            .position(|s| s.station_number.is_some() && s.station_number == site.station_number)
        {
            return Err(ctx.err(
                "station_number",
                format!("same station number as site {}", prev + 1),
            ));
        }
        sites.push(site);
    }
    if sites.is_empty() {
        return Err(layout("no [[site]] table".into()));
    }
    Ok(sites)
}

fn parse_site(ctx: &Ctx<'_>, t: &toml::Table) -> Result<Site, SitesError> {
    for key in t.keys() {
        if !SITE_KEYS.contains(&key.as_str()) {
            return Err(ctx.err(key, "unknown field"));
        }
    }
    let id = ctx.string(t, "id", "id")?;
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ctx.err("id", "use only letters, digits, '-' and '_'"));
    }
    let name = ctx.string(t, "name", "name")?;
    let country = ctx.string(t, "country", "country")?;
    let role = match ctx.opt_string(t, "role", "role")?.as_deref() {
        None | Some("node") => Role::Node,
        Some("data-centre") => Role::DataCentre,
        Some(other) => {
            return Err(ctx.err(
                "role",
                format!("expected \"node\" or \"data-centre\", found {other:?}"),
            ))
        }
    };
    let status = ctx.opt_string(t, "status", "status")?;
    let lat = ctx.number(t, "lat_deg", "lat_deg", (-90.0, 90.0))?;
    let lon = ctx.number(t, "lon_deg", "lon_deg", (-180.0, 360.0))?;
    let lon = if lon > 180.0 { lon - 360.0 } else { lon };
    let height = ctx.number(t, "height_m", "height_m", (-500.0, 9000.0))?;
    let horizon_mask = match t.get("horizon_mask") {
        None => None,
        Some(v) => Some(parse_mask(ctx, v)?),
    };
    let tel = match t.get("telescope") {
        Some(toml::Value::Table(tt)) => tt,
        Some(v) => {
            return Err(ctx.err(
                "telescope",
                format!("expected a table, found {}", v.type_str()),
            ))
        }
        None => return Err(ctx.err("telescope", "missing")),
    };
    for key in tel.keys() {
        if !TELESCOPE_KEYS.contains(&key.as_str()) {
            return Err(ctx.err(&format!("telescope.{key}"), "unknown field"));
        }
    }
    let mount = match ctx.string(tel, "mount", "telescope.mount")?.as_str() {
        "altaz" => Mount::AltAz,
        "equatorial" => Mount::Equatorial,
        other => {
            return Err(ctx.err(
                "telescope.mount",
                format!("expected \"altaz\" or \"equatorial\", found {other:?}"),
            ))
        }
    };
    let telescope = Telescope {
        aperture_m: ctx.number(tel, "aperture_m", "telescope.aperture_m", (0.01, 20.0))?,
        fov_deg: ctx.number(tel, "fov_deg", "telescope.fov_deg", (0.001, 90.0))?,
        limiting_mag: ctx.number(tel, "limiting_mag", "telescope.limiting_mag", (-5.0, 30.0))?,
        max_slew_deg_s: ctx.number(
            tel,
            "max_slew_deg_s",
            "telescope.max_slew_deg_s",
            (0.001, 100.0),
        )?,
        mount,
    };
    let station_number = ctx.opt_string(t, "station_number", "station_number")?;
    if let Some(n) = &station_number {
        if n.len() != 4 || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ctx.err("station_number", format!("expected 4 digits, found {n:?}")));
        }
    }
    Ok(Site {
        station_number,
        id,
        name,
        country,
        role,
        status,
        geodetic: Geodetic::from_degrees(lat, lon, height),
        horizon_mask,
        telescope,
    })
}

fn parse_mask(ctx: &Ctx<'_>, v: &toml::Value) -> Result<HorizonMask, SitesError> {
    let field = "horizon_mask";
    let arr = match v {
        toml::Value::Array(a) => a,
        other => {
            return Err(ctx.err(
                field,
                format!(
                    "expected an array of [azimuth_deg, min_elevation_deg] pairs, found {}",
                    other.type_str()
                ),
            ))
        }
    };
    let mut points = Vec::with_capacity(arr.len());
    for (j, p) in arr.iter().enumerate() {
        let pair = match p {
            toml::Value::Array(pair) if pair.len() == 2 => {
                (value_f64(&pair[0]), value_f64(&pair[1]))
            }
            _ => (None, None),
        };
        match pair {
            (Some(az), Some(el)) => points.push((az, el)),
            _ => {
                return Err(ctx.err(
                    &format!("horizon_mask[{j}]"),
                    "expected [azimuth_deg, min_elevation_deg]",
                ))
            }
        }
    }
    HorizonMask::from_degrees(&points).map_err(|m| ctx.err(field, m))
}

/// The network's sites from the embedded `data/sites.toml`.
pub fn network() -> Vec<Site> {
    // The embedded file is checked by a unit test; an error here is a build defect.
    parse_sites("data/sites.toml (embedded)", NETWORK_SITES_TOML).unwrap_or_default()
}

/// The site whose id (or, failing that, name) matches `key`, case-insensitively.
pub fn find_site<'a>(sites: &'a [Site], key: &str) -> Option<&'a Site> {
    let key = key.trim();
    sites
        .iter()
        .find(|s| s.id.eq_ignore_ascii_case(key))
        .or_else(|| sites.iter().find(|s| s.name.eq_ignore_ascii_case(key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"
[[site]]
id = "x"
name = "X"
country = "PK"
lat_deg = 33.0
lon_deg = 73
height_m = 500.0
[site.telescope]
aperture_m = 0.15
fov_deg = 2.5
limiting_mag = 12.0
max_slew_deg_s = 8.0
mount = "altaz"
"#;

    #[test]
    fn embedded_network_reads() {
        let sites = parse_sites("net", NETWORK_SITES_TOML).unwrap();
        assert_eq!(sites.len(), network().len());
        let countries: Vec<&str> = sites.iter().map(|s| s.country.as_str()).collect();
        for c in ["PK", "PE", "IR", "CN"] {
            assert!(countries.contains(&c), "{c} missing");
        }
        for s in &sites {
            assert_eq!(s.telescope.aperture_m, 0.15);
            assert!((2.0..=3.0).contains(&s.telescope.fov_deg));
            assert_eq!(s.telescope.limiting_mag, 12.0);
        }
        assert!(find_site(&sites, "IR-GARGASH").is_some());
        assert_eq!(
            find_site(&sites, "pk-islamabad").and_then(|s| s.station_number.as_deref()),
            Some("9701")
        );
        assert_eq!(
            sites.iter().filter(|s| s.role == Role::DataCentre).count(),
            1
        );
    }

    #[test]
    fn minimal_site() {
        let s = &parse_sites("t", ONE).unwrap()[0];
        assert_eq!(s.id, "x");
        assert!((s.geodetic.lon_deg() - 73.0).abs() < 1e-12);
        assert_eq!(s.telescope.mount, Mount::AltAz);
        assert!(s.horizon_mask.is_none());
        assert_eq!(s.mask_rad(1.0), -std::f64::consts::FRAC_PI_2);
    }

    fn err_of(text: &str) -> String {
        parse_sites("f.toml", text).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_site_and_field() {
        let e = err_of(&ONE.replace("lat_deg = 33.0", "lat_deg = 133.0"));
        assert!(
            e.contains("site 1 (\"x\")") && e.contains("`lat_deg`"),
            "{e}"
        );
        let e = err_of(&ONE.replace("lat_deg = 33.0\n", ""));
        assert!(e.contains("`lat_deg`: missing"), "{e}");
        let e = err_of(&ONE.replace("fov_deg = 2.5", "fov_deg = \"wide\""));
        assert!(
            e.contains("`telescope.fov_deg`: expected a number, found string"),
            "{e}"
        );
        let e = err_of(&ONE.replace("\"altaz\"", "\"dobson\""));
        assert!(e.contains("telescope.mount") && e.contains("dobson"), "{e}");
        let e = err_of(&ONE.replace("height_m", "heigth_m"));
        assert!(e.contains("`heigth_m`: unknown field"), "{e}");
        let e = err_of(&ONE.replace("id = \"x\"", "id = \"x y\""));
        assert!(e.contains("`id`"), "{e}");
        let e = err_of(&format!("{ONE}\n{}", ONE.replace("\"X\"", "\"Y\"")));
        assert!(e.contains("site 2 (\"x\")") && e.contains("same id"), "{e}");
        let e = err_of(&ONE.replace(
            "height_m = 500.0",
            "height_m = 500.0\nhorizon_mask = [[0, 10], [90]]",
        ));
        assert!(e.contains("horizon_mask[1]"), "{e}");
        let e = err_of(&ONE.replace(
            "height_m = 500.0",
            "height_m = 500.0\nhorizon_mask = [[0, 10], [360, 12]]",
        ));
        assert!(e.contains("horizon_mask") && e.contains("twice"), "{e}");
        let e = err_of("[[site]\nid=1");
        assert!(e.contains("not valid TOML"), "{e}");
        let e = err_of("title = 1");
        assert!(e.contains("unknown top-level key"), "{e}");
        let e = err_of("");
        assert!(e.contains("no [[site]]"), "{e}");
        let numbered = ONE.replace(
            "height_m = 500.0",
            "height_m = 500.0\nstation_number = \"0433\"",
        );
        assert_eq!(
            parse_sites("t", &numbered).unwrap()[0]
                .station_number
                .as_deref(),
            Some("0433")
        );
        let e = err_of(&ONE.replace(
            "height_m = 500.0",
            "height_m = 500.0\nstation_number = \"433\"",
        ));
        assert!(e.contains("`station_number`: expected 4 digits"), "{e}");
        let e = err_of(&format!(
            "{numbered}\n{}",
            numbered.replace("id = \"x\"", "id = \"z\"")
        ));
        assert!(
            e.contains("site 2 (\"z\")") && e.contains("same station number"),
            "{e}"
        );
        let e = err_of(&ONE.replace("[site.telescope]", "[site.telescop]"));
        assert!(e.contains("`telescop`: unknown field"), "{e}");
    }

    #[test]
    fn horizon_mask_interpolates_and_wraps() {
        let m = HorizonMask::from_degrees(&[(90.0, 20.0), (0.0, 10.0), (270.0, 30.0)]).unwrap();
        let at = |az: f64| m.min_elevation_rad(az.to_radians()).to_degrees();
        assert!((at(0.0) - 10.0).abs() < 1e-9);
        assert!((at(45.0) - 15.0).abs() < 1e-9);
        assert!((at(90.0) - 20.0).abs() < 1e-9);
        assert!((at(180.0) - 25.0).abs() < 1e-9);
        assert!((at(270.0) - 30.0).abs() < 1e-9);
        // Wrap: 270° (30°) → 360° (10°).
        assert!((at(315.0) - 20.0).abs() < 1e-9);
        assert!((at(-45.0) - 20.0).abs() < 1e-9);
        assert!((at(720.0) - 10.0).abs() < 1e-9);
        assert!((m.max_rad().to_degrees() - 30.0).abs() < 1e-12);
        // One point: constant.
        let c = HorizonMask::from_degrees(&[(123.0, 7.0)]).unwrap();
        assert!((c.min_elevation_rad(5.0).to_degrees() - 7.0).abs() < 1e-12);
        // Wrap between the last and first points when the first is not at 0°.
        let w = HorizonMask::from_degrees(&[(10.0, 0.0), (350.0, 20.0)]).unwrap();
        assert!((w.min_elevation_rad(0.0).to_degrees() - 10.0).abs() < 1e-9);
        assert!(HorizonMask::from_degrees(&[]).is_err());
        assert!(HorizonMask::from_degrees(&[(0.0, 95.0)]).is_err());
    }
}
