//! The platform's plain data types: organisations, roles, principals, sharing levels, records.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// Kind of organisation: a full member state or an observer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OrgKind {
    /// A full member state of the consortium (or the centre itself).
    Member,
    /// An observer: sees only public data.
    Observer,
}

/// Role of a user inside its organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The centre's administrators: see and manage everything.
    Admin,
    /// Runs the observation nodes of its state.
    Operator,
    /// Uploads and analyses orbit products.
    Analyst,
    /// Reads what its organisation may see.
    Viewer,
}

/// How far a contributed item is shared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sharing {
    /// The owner organisation only (and the centre's admins).
    Private,
    /// Every full member state.
    Consortium,
    /// Everyone, observers and anonymous readers included.
    Public,
}

macro_rules! text_enum {
    ($ty:ident, $what:literal, $($variant:ident => $text:literal),+) => {
        impl $ty {
            /// The lower-case name used in the database, the API and the command line.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
            /// Every value, in order.
            pub const ALL: &'static [$ty] = &[$(Self::$variant),+];
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok(Self::$variant),)+
                    other => Err(format!(
                        concat!("unknown ", $what, " {:?} (expected {})"),
                        other,
                        [$($text),+].join(", ")
                    )),
                }
            }
        }
    };
}

text_enum!(OrgKind, "organisation kind", Member => "member", Observer => "observer");
text_enum!(Role, "role", Admin => "admin", Operator => "operator", Analyst => "analyst", Viewer => "viewer");
text_enum!(Sharing, "sharing level", Private => "private", Consortium => "consortium", Public => "public");

/// An organisation: a member state's agency, the centre, or an observer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Organisation {
    /// Database id.
    pub id: i64,
    /// Unique name (`SUPARCO`, `CONIDA`, …).
    pub name: String,
    /// Member or observer.
    pub kind: OrgKind,
    /// ISO 3166-1 alpha-2 country code of a member state (its nodes are the sites of that country).
    pub country: Option<String>,
    /// SATCAT owner code of the objects this organisation owns (`PAKI`, `IRAN`, …).
    pub satcat_owner: Option<String>,
}

/// A user of the platform.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct User {
    /// Database id.
    pub id: i64,
    /// Unique login name.
    pub name: String,
    /// Organisation the user belongs to.
    pub org_id: i64,
    /// The user's role.
    pub role: Role,
}

/// Who is calling: a token's user with its organisation and role.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Principal {
    /// User id.
    pub user_id: i64,
    /// User name.
    pub user_name: String,
    /// Token id (for rate limiting and audit).
    pub token_id: i64,
    /// Organisation id.
    pub org_id: i64,
    /// Organisation name.
    pub org_name: String,
    /// Member or observer.
    pub org_kind: OrgKind,
    /// Country of the organisation, if a member state.
    pub org_country: Option<String>,
    /// SATCAT owner code of the organisation's objects.
    pub org_satcat_owner: Option<String>,
    /// The user's role.
    pub role: Role,
}

/// What the access rule needs to know of a stored item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemAccess {
    /// Organisation that contributed (owns) the item.
    pub owner_org_id: i64,
    /// Sharing level chosen for it.
    pub sharing: Sharing,
    /// A precise product (observations, fitted orbits), as opposed to a republished public catalog.
    pub precise: bool,
    /// The object is marked so that its precise products are consortium-only.
    pub object_consortium_only: bool,
}

/// An API token's listing entry (never the token itself).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenInfo {
    /// Token id.
    pub id: i64,
    /// User name.
    pub user: String,
    /// Free label.
    pub label: String,
    /// Creation time, µs since 1970.
    pub created_us: i64,
    /// Expiry, µs since 1970.
    pub expires_us: i64,
    /// Revocation time, if revoked.
    pub revoked_us: Option<i64>,
}

/// SATCAT metadata of one object as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectRecord {
    /// Catalog number.
    pub norad_cat_id: u32,
    /// International designator `YYYY-NNNPPP`.
    pub object_id: Option<String>,
    /// Common name.
    pub object_name: Option<String>,
    /// `PAY`, `R/B`, `DEB`, `UNK`.
    pub object_type: String,
    /// SATCAT owner code.
    pub owner: Option<String>,
    /// Launch site code.
    pub launch_site: Option<String>,
    /// Launch date `YYYY-MM-DD`.
    pub launch_date: Option<String>,
    /// Decay date `YYYY-MM-DD`, if decayed.
    pub decay_date: Option<String>,
    /// Orbit class as given by the source.
    pub orbit_class: Option<String>,
    /// Radar cross-section, m².
    pub rcs_m2: Option<f64>,
    /// Largest dimension, m.
    pub size_m: Option<f64>,
    /// Standard visual magnitude (1,000 km, 90° phase).
    pub std_mag: Option<f64>,
    /// Precise products of this object are consortium-only.
    pub consortium_only: bool,
    /// Found by the network and not yet identified: its number is provisional.
    pub provisional: bool,
}

/// One stored element set with its provenance and access fields.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredElementSet {
    /// Row id.
    pub id: i64,
    /// The element set.
    pub elements: aposos_formats::ElementSet,
    /// Access fields for the sharing rule.
    pub access: ItemAccess,
    /// Upload time, µs since 1970.
    pub uploaded_us: i64,
    /// Format it arrived in.
    pub upload_format: String,
}

/// A site (observation node or the centre) as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SiteRecord {
    /// Site id (`pk-islamabad`).
    pub id: String,
    /// Name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// `node` or `data-centre`.
    pub role: String,
    /// Operational status (`online`, `offline`, `maintenance`, `weather`, `planned`).
    pub status: String,
    /// WGS84 geodetic latitude, degrees north.
    pub lat_deg: f64,
    /// WGS84 east longitude, degrees.
    pub lon_deg: f64,
    /// Height above the WGS84 ellipsoid, m.
    pub height_m: f64,
    /// Telescope description (JSON object).
    pub telescope: serde_json::Value,
    /// Horizon mask `[[az_deg, min_el_deg], …]` (JSON array).
    pub horizon_mask: serde_json::Value,
    /// 4-digit station number used in the IOD, UK and RDE formats, if the site has one.
    pub station_number: Option<String>,
    /// Last status change, µs since 1970.
    pub updated_us: i64,
}

/// Statuses an operator may set on a site.
pub const SITE_STATUSES: &[&str] = &["online", "offline", "maintenance", "weather"];

/// One audit-log entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    /// Entry id.
    pub id: i64,
    /// When, µs since 1970.
    pub at_us: i64,
    /// User id, if authenticated.
    pub user_id: Option<i64>,
    /// User name, if authenticated.
    pub user_name: Option<String>,
    /// Organisation id, if authenticated.
    pub org_id: Option<i64>,
    /// What was done (`elements.upload`, `gp.read`, `site.status`, …).
    pub action: String,
    /// On what (a path, an object, a site).
    pub target: String,
    /// `ok`, `denied`, `partial`, …
    pub outcome: String,
    /// Client address.
    pub remote_addr: Option<String>,
    /// Free detail (counts, ids).
    pub detail: Option<String>,
}
