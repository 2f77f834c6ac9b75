//! Command-line syntax of `aposos` (clap derive).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// APOSOS: catalog, prediction and orbit determination for an optical space-surveillance network.
#[derive(Debug, Parser)]
#[command(name = "aposos", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Convert element sets between TLE, 3LE and CCSDS OMM (KVN, XML, JSON, CSV).
    Convert(ConvertArgs),
    /// Propagate element sets with SGP4/SDP4 and print TEME states.
    Propagate(PropagateArgs),
    /// Measure performance.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Propagate the demo catalog for a day and print a summary.
    Demo(DemoArgs),
    /// Catalog tools.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// List the network's observation sites (or those of a sites file).
    Sites(SitesArgs),
    /// Topocentric predictions (RA/Dec, Az/El, range, Sun, Moon, brightness) from a site.
    Predict(PredictArgs),
    /// Passes (rise, culmination, set) over sites; with --optical the observable windows.
    Passes(PassesArgs),
    /// Earth orientation parameters.
    #[command(subcommand)]
    Eop(EopCommand),
    /// Run the data-sharing platform (HTTP API) on SQLite or PostgreSQL.
    Serve(ServeArgs),
    /// Bootstrap organisations, users and tokens directly in the database.
    Admin(AdminArgs),
    /// Angle observations: IOD, CCSDS TDM, JSON.
    #[command(subcommand)]
    Obs(ObsCommand),
    /// Tracking requests of the member states: file, list, cancel (on the database directly).
    #[command(subcommand)]
    Request(RequestCommand),
    /// Simulate what the network's telescopes would observe of a catalog taken as truth.
    Simulate(SimulateArgs),
    /// Tie each tracklet to the catalog object it is, or keep it as an uncorrelated track.
    Correlate(CorrelateArgs),
    /// Orbit determination: fit each observed object's orbit to its measurements.
    Od(OdArgs),
    /// Initial orbits from angles only: uncorrelated tracks linked into candidate objects.
    Iod(IodArgs),
    /// The network's plan for one night: every online node's ordered observations (greedy baseline, network search, upper bound).
    Plan(PlanArgs),
    /// The closed loop over N nights: plan, simulate (with weather), ingest, correlate, fit orbits, plan again; a table per night.
    Campaign(CampaignArgs),
}

/// Output of `aposos campaign`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CampaignFormat {
    /// A Markdown table, one row per night.
    Table,
    /// The nights as JSON.
    Json,
}

/// Arguments of `aposos campaign`.
#[derive(Debug, Args)]
pub struct CampaignArgs {
    /// Nights to run.
    #[arg(long, default_value_t = 7)]
    pub nights: u32,
    /// The first night (local date of its evening, YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", default_value = "2026-05-20")]
    pub from: String,
    /// Data directory: the demo catalog (the truth), SATCAT owners and magnitudes, EOP.
    #[arg(long, default_value = "aposos-data", value_name = "DIR")]
    pub data_dir: PathBuf,
    /// Truth element sets instead of the demo catalog.
    #[arg(long, value_name = "FILE")]
    pub elements: Option<PathBuf>,
    /// Use a generated catalog of this many objects as the truth.
    #[arg(long, value_name = "N")]
    pub synthetic: Option<usize>,
    /// Sites file (TOML) instead of the built-in network; every node takes part.
    #[arg(long, value_name = "FILE")]
    pub sites: Option<PathBuf>,
    /// Tracking requests (JSON array of request bodies with ids); default: --demo-requests.
    #[arg(long, value_name = "FILE")]
    pub requests: Option<PathBuf>,
    /// Without --requests: this many demo requests (priority 8, two tracklets a night for three nights, objects of the catalog drawn by the seed).
    #[arg(long, default_value_t = 5)]
    pub demo_requests: usize,
    /// Probability that a node's night is clouded out (the node then reports it before the night and is left out of the plan).
    #[arg(long, default_value_t = 0.3)]
    pub cloud_probability: f64,
    /// Astrometric noise of the nodes, one sigma per axis (arcsec).
    #[arg(long, default_value_t = 2.0)]
    pub noise: f64,
    /// Days of observations each orbit fit uses.
    #[arg(long, default_value_t = 3.0)]
    pub arc_days: f64,
    /// Iterations of the planner's search per night.
    #[arg(long, value_name = "N")]
    pub lns_iterations: Option<usize>,
    /// Seed of the catalog's errors, the weather and the measurement noise.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: CampaignFormat,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `aposos iod`.
#[derive(Debug, Args)]
pub struct IodArgs {
    /// Observation files; those without a catalog number (uncorrelated) are linked.
    #[arg(long, value_name = "FILE", required = true)]
    pub obs: Vec<PathBuf>,
    /// Output of the candidates' element sets: 3le, tle, omm-kvn, omm-xml, omm-json, omm-csv.
    #[arg(long, value_enum, default_value = "omm-json")]
    pub format: ElementsFormat,
    /// Write the element sets here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the report (JSON: candidates with their tracklets, unlinked tracklets).
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Most time between two linked tracklets of one pass or a slow mover (hours).
    #[arg(long, default_value_t = 6.0)]
    pub max_span_hours: f64,
    /// Most time between two linked tracklets of different passes (LEO), and how far a
    /// candidate reaches out for more (hours).
    #[arg(long, default_value_t = 48.0)]
    pub max_cross_pass_hours: f64,
    /// First provisional catalog number (Alpha-5 range by default).
    #[arg(long, default_value_t = 330_000)]
    pub first_number: u32,
    /// Sites file (TOML) instead of the built-in network.
    #[arg(long, value_name = "FILE")]
    pub sites: Option<PathBuf>,
    /// Data directory (EOP table).
    #[arg(long, default_value = "aposos-data", value_name = "DIR")]
    pub data_dir: PathBuf,
}

/// Arguments of `aposos od`.
#[derive(Debug, Args)]
pub struct OdArgs {
    /// Observation files with catalog numbers (e.g. `aposos correlate --assigned`); any format.
    #[arg(long, value_name = "FILE", required = true)]
    pub obs: Vec<PathBuf>,
    /// Initial orbits: element sets of the observed objects (the newest of each is used).
    #[arg(long, value_name = "FILE")]
    pub initial: Option<PathBuf>,
    /// Orbit model: sgp4 (mean elements and B*, an element set anyone can use) or sp
    /// (numerical: EGM96 20×20, Sun, Moon, Harris–Priester drag, SRP; GCRF state and C_D).
    #[arg(long, default_value = "sgp4")]
    pub model: String,
    /// Output: 3le, tle, omm-kvn, omm-xml, omm-json, omm-csv (the OMMs with the RTN
    /// covariance; with sp, SGP4 mean elements fitted to the SP ephemeris), oem (sp only:
    /// CCSDS 502.0-B-3 with covariance), or json (the fit report: orbit, RMS, covariance
    /// in RTN, every residual).
    #[arg(long, default_value = "omm-json")]
    pub format: String,
    /// Only these objects (catalog numbers); repeat for several.
    #[arg(long, value_name = "NORAD")]
    pub norad: Vec<u32>,
    /// Write the result here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the fit report (JSON) here.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Sites file (TOML) instead of the built-in network.
    #[arg(long, value_name = "FILE")]
    pub sites: Option<PathBuf>,
    /// Fit the measurements alone, without the initial element sets' expected errors
    /// (2 km + 4 km/day along track, 0.5 km across and radially) as a prior.
    #[arg(long)]
    pub no_prior: bool,
    /// Astrometric sigma of observations that give none (arcsec).
    #[arg(long, default_value_t = 2.0)]
    pub default_sigma: f64,
    /// OEM (sp): step between ephemeris states (s).
    #[arg(long, default_value_t = 60.0)]
    pub step_s: f64,
    /// OEM (sp): days of prediction after the last measurement.
    #[arg(long, default_value_t = 1.0)]
    pub predict_days: f64,
    /// Data directory (EOP table).
    #[arg(long, default_value = "aposos-data", value_name = "DIR")]
    pub data_dir: PathBuf,
}

/// Arguments of `aposos correlate`.
#[derive(Debug, Args)]
pub struct CorrelateArgs {
    /// Observation files (any format; station numbers matched to sites, older equinoxes
    /// reduced to J2000).
    #[arg(long, value_name = "FILE", required = true)]
    pub obs: Vec<PathBuf>,
    /// The catalog: element sets in any supported format (the newest of each object is used).
    #[arg(long, value_name = "FILE")]
    pub elements: PathBuf,
    /// Sites file (TOML) instead of the built-in network.
    #[arg(long, value_name = "FILE")]
    pub sites: Option<PathBuf>,
    /// Write the report (JSON: every tracklet with its outcome and fits) here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write the observations with the assigned catalog numbers (none for UCTs and
    /// ambiguous tracklets) and tracklet ids here.
    #[arg(long, value_name = "FILE")]
    pub assigned: Option<PathBuf>,
    /// Format of `--assigned`: tdm-kvn, tdm-xml, iod, uk, rde or json.
    #[arg(long, default_value = "json")]
    pub format: String,
    /// Expected along-track error of an element set at epoch (km).
    #[arg(long, default_value_t = 2.0)]
    pub along_km: f64,
    /// Its growth per day of age (km/day).
    #[arg(long, default_value_t = 4.0)]
    pub along_km_per_day: f64,
    /// Sigmas a residual may be.
    #[arg(long, default_value_t = 5.0)]
    pub n_sigma: f64,
    /// Data directory (EOP table).
    #[arg(long, default_value = "aposos-data", value_name = "DIR")]
    pub data_dir: PathBuf,
}

/// Arguments of `aposos simulate`.
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// The catalog taken as truth: element sets in any supported format.
    #[arg(long, value_name = "FILE")]
    pub elements: PathBuf,
    /// Start of the simulated window (UTC, ISO 8601).
    #[arg(long, value_name = "ISO8601")]
    pub from: String,
    /// End of the simulated window (UTC, ISO 8601).
    #[arg(long, value_name = "ISO8601")]
    pub to: String,
    /// Site ids to simulate (repeat); default: every node of the sites file.
    #[arg(long, value_name = "SITE")]
    pub site: Vec<String>,
    /// Sites file (TOML) instead of the built-in network.
    #[arg(long, value_name = "FILE")]
    pub sites: Option<PathBuf>,
    /// Telescope settings (TOML: [defaults] and [site.<id>] tables; see README).
    #[arg(long, value_name = "FILE")]
    pub settings: Option<PathBuf>,
    /// Seed of every random draw (same seed and inputs, same output).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How each node chooses its targets: `greedy` (one telescope) or `every-window`.
    #[arg(long, default_value = "greedy")]
    pub schedule: String,
    /// Observation format: tdm-kvn, tdm-xml, iod, uk, rde or json.
    #[arg(long, default_value = "tdm-kvn", value_name = "FORMAT")]
    pub format: String,
    /// Write the observations here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the truth (settings, weather, true values of every exposure) here, as JSON.
    #[arg(long, value_name = "FILE")]
    pub truth: Option<PathBuf>,
    /// Leave catalog numbers out of the observations (uncorrelated tracks; the truth keeps them).
    #[arg(long)]
    pub uncorrelated: bool,
    /// Make the angles from a numerical (SP) truth instead of SGP4: each object's SGP4
    /// state at --from propagated with the SP force model (B from its B*), and write
    /// the truths (OEM, GCRF, every 2 minutes to 8 days past --to) to this file.
    #[arg(long, value_name = "FILE")]
    pub sp_truth: Option<PathBuf>,
    /// Minimum elevation (deg).
    #[arg(long, default_value_t = 15.0, allow_hyphen_values = true)]
    pub min_el: f64,
    /// The site is dark when the Sun is below this elevation (deg).
    #[arg(long, default_value_t = -12.0, allow_hyphen_values = true)]
    pub max_sun_el: f64,
    /// Smallest angle to the Moon (deg).
    #[arg(long, default_value_t = 10.0)]
    pub min_moon_sep: f64,
    /// Standard magnitude (1000 km, phase 90°) of objects the SATCAT does not give.
    #[arg(long, default_value_t = 6.0, allow_hyphen_values = true)]
    pub std_mag: f64,
    /// Data directory: EOP table, SATCAT (catalog/donnees.sat) for magnitudes.
    #[arg(long, default_value = "aposos-data", value_name = "DIR")]
    pub data_dir: PathBuf,
    /// Accept TLEs with a wrong checksum (with a warning).
    #[arg(long)]
    pub lenient: bool,
}

/// Earth orientation parameters.
#[derive(Debug, Subcommand)]
pub enum EopCommand {
    /// Check an IERS finals2000A.all file and install it for predict and passes.
    Update(EopUpdateArgs),
}

/// Arguments of `aposos eop update`.
#[derive(Debug, Args)]
pub struct EopUpdateArgs {
    /// The IERS finals2000A.all file (e.g. from the IERS or a newer astropy-iers-data package).
    #[arg(long, value_name = "PATH")]
    pub file: PathBuf,
    /// Data directory; the table goes to DIR/eop/finals2000A.all.
    #[arg(long, default_value = "aposos-data", value_name = "DIR")]
    pub data_dir: PathBuf,
}

/// Arguments of `aposos predict`.
#[derive(Debug, Args)]
pub struct PredictArgs {
    /// Element-set file in any supported format.
    #[arg(long, value_name = "FILE")]
    pub elements: PathBuf,
    /// LAT_DEG,LON_DEG,HEIGHT_M (WGS84, height above the ellipsoid) or a site id from the sites file.
    #[arg(long, value_name = "SITE", allow_hyphen_values = true)]
    pub site: String,
    /// Sites file (TOML) instead of the built-in network.
    #[arg(long, value_name = "FILE")]
    pub sites: Option<PathBuf>,
    /// First UTC time (ISO 8601).
    #[arg(long, value_name = "ISO8601")]
    pub from: String,
    /// Last UTC time (ISO 8601, included when on the grid).
    #[arg(long, value_name = "ISO8601")]
    pub to: String,
    /// Step in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub step: f64,
    /// Instantaneous (geometric) directions instead of astrometric (light-time corrected) ones.
    #[arg(long)]
    pub geometric: bool,
    /// Add atmospheric refraction to the elevation (Bennett).
    #[arg(long)]
    pub refraction: bool,
    /// Air pressure for --refraction (hPa; default 1013.25).
    #[arg(long, value_name = "HPA")]
    pub pressure_hpa: Option<f64>,
    /// Air temperature for --refraction (°C; default 10).
    #[arg(long, value_name = "CELSIUS", allow_hyphen_values = true)]
    pub temperature_c: Option<f64>,
    /// Standard magnitude (1000 km, phase 90°) of objects the SATCAT in --data-dir does not give.
    #[arg(long, value_name = "MAG", allow_hyphen_values = true)]
    pub std_mag: Option<f64>,
    /// Data directory: EOP table installed by `eop update`, SATCAT (catalog/donnees.sat) for magnitudes.
    #[arg(long, default_value = "aposos-data", value_name = "DIR")]
    pub data_dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: TableFormat,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Accept TLEs with a wrong checksum (with a warning).
    #[arg(long)]
    pub lenient: bool,
}

/// Arguments of `aposos passes`.
#[derive(Debug, Args)]
pub struct PassesArgs {
    /// Element-set file in any supported format.
    #[arg(long, value_name = "FILE")]
    pub elements: PathBuf,
    /// LAT_DEG,LON_DEG,HEIGHT_M or a site id from the sites file; repeat for several sites.
    #[arg(long, value_name = "SITE", allow_hyphen_values = true, required = true)]
    pub site: Vec<String>,
    /// Sites file (TOML) instead of the built-in network.
    #[arg(long, value_name = "FILE")]
    pub sites: Option<PathBuf>,
    /// Start of the search (UTC, ISO 8601).
    #[arg(long, value_name = "ISO8601")]
    pub from: String,
    /// End of the search (UTC, ISO 8601).
    #[arg(long, value_name = "ISO8601")]
    pub to: String,
    /// Minimum elevation of a pass (deg, geometric).
    #[arg(long, default_value_t = 10.0, allow_hyphen_values = true)]
    pub min_el: f64,
    /// List the optically observable windows (dark site, sunlit object, above the horizon mask, bright enough, away from the Moon) instead of whole passes.
    #[arg(long)]
    pub optical: bool,
    /// With --optical: the site is dark when the Sun is below this elevation (deg).
    #[arg(long, default_value_t = -12.0, allow_hyphen_values = true)]
    pub max_sun_el: f64,
    /// With --optical: smallest angle to the Moon (deg).
    #[arg(long, default_value_t = 10.0)]
    pub min_moon_sep: f64,
    /// Standard magnitude (1000 km, phase 90°) of objects the SATCAT in --data-dir does not give; none: no brightness limit for them.
    #[arg(long, value_name = "MAG", allow_hyphen_values = true)]
    pub std_mag: Option<f64>,
    /// Data directory: EOP table installed by `eop update`, SATCAT (catalog/donnees.sat) for magnitudes.
    #[arg(long, default_value = "aposos-data", value_name = "DIR")]
    pub data_dir: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: TableFormat,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Accept TLEs with a wrong checksum (with a warning).
    #[arg(long)]
    pub lenient: bool,
}

/// Arguments of `aposos sites`.
#[derive(Debug, Args)]
pub struct SitesArgs {
    /// Sites file (TOML, layout of data/sites.toml) instead of the built-in network.
    #[arg(long, value_name = "FILE")]
    pub sites: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: TableFormat,
}

/// Catalog tools.
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Write a generated, statistically realistic catalog (see aposos_orbit::synthetic).
    Generate(GenerateArgs),
    /// Write a catalog as a real one would hold the given truth: errors growing with age.
    Degrade(DegradeArgs),
}

/// Arguments of `aposos catalog degrade`.
#[derive(Debug, Args)]
pub struct DegradeArgs {
    /// The truth: element sets in any supported format.
    #[arg(long, value_name = "FILE")]
    pub elements: PathBuf,
    /// Random seed (same seed, same errors).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Along-track error at epoch, one sigma (km).
    #[arg(long, default_value_t = 1.0)]
    pub along_km: f64,
    /// Along-track drift per day of age, one sigma (km/day).
    #[arg(long, default_value_t = 2.0)]
    pub along_km_per_day: f64,
    /// Cross-track error, one sigma (km).
    #[arg(long, default_value_t = 0.3)]
    pub cross_km: f64,
    /// Output format.
    #[arg(long, value_enum, default_value = "3le")]
    pub to: ElementsFormat,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Arguments of `aposos catalog generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of objects.
    #[arg(long, default_value_t = 20_000)]
    pub count: usize,
    /// Random seed (same seed, same catalog).
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Reference epoch (UTC, ISO 8601); element-set epochs fall in the 3 days before it.
    #[arg(long, default_value = "2026-05-20T00:00:00")]
    pub epoch: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "3le")]
    pub to: ElementsFormat,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Output formats for element sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ElementsFormat {
    /// Two-line element sets.
    Tle,
    /// Three-line element sets (name line + TLE).
    #[value(name = "3le")]
    ThreeLe,
    /// CCSDS OMM, keyword = value notation.
    OmmKvn,
    /// CCSDS OMM, XML.
    OmmXml,
    /// CelesTrak GP JSON (OMM keywords).
    OmmJson,
    /// CelesTrak GP CSV (OMM keywords).
    OmmCsv,
}

impl ElementsFormat {
    /// The library's format value.
    pub fn to_format(self) -> aposos_formats::Format {
        use aposos_formats::Format;
        match self {
            Self::Tle => Format::Tle,
            Self::ThreeLe => Format::ThreeLe,
            Self::OmmKvn => Format::OmmKvn,
            Self::OmmXml => Format::OmmXml,
            Self::OmmJson => Format::OmmJson,
            Self::OmmCsv => Format::OmmCsv,
        }
    }
}

/// Arguments of `aposos convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Element-set file in any supported format (detected from its content).
    #[arg(long, value_name = "FILE")]
    pub elements: PathBuf,
    /// Output format.
    #[arg(long, value_enum)]
    pub to: ElementsFormat,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Accept TLEs with a wrong checksum (with a warning).
    #[arg(long)]
    pub lenient: bool,
}

/// Table output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Comma-separated values with a header line.
    Csv,
    /// A JSON array of objects keyed like the CSV header.
    Json,
}

/// Arguments of `aposos propagate`.
#[derive(Debug, Args)]
pub struct PropagateArgs {
    /// Element-set file in any supported format.
    #[arg(long, value_name = "FILE")]
    pub elements: PathBuf,
    /// Minutes since each object's epoch: `0,360,720.5` or `START:STOP:STEP` (STOP always included, as in Vallado's driver).
    #[arg(long, value_name = "LIST", allow_hyphen_values = true, conflicts_with_all = ["from", "to", "step"], required_unless_present = "from")]
    pub tsince: Option<String>,
    /// First UTC time (ISO 8601), with --to and --step.
    #[arg(long, value_name = "ISO8601", requires_all = ["to", "step"])]
    pub from: Option<String>,
    /// Last UTC time (ISO 8601, included when on the grid).
    #[arg(long, value_name = "ISO8601", requires = "from")]
    pub to: Option<String>,
    /// Step in seconds between UTC times.
    #[arg(long, value_name = "SECONDS", requires = "from")]
    pub step: Option<f64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: TableFormat,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Accept TLEs with a wrong checksum (with a warning).
    #[arg(long)]
    pub lenient: bool,
}

/// Benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Propagate every object over a time span on all cores into memory; print one JSON line.
    Sgp4(BenchSgp4Args),
}

/// Arguments of `aposos bench sgp4`.
#[derive(Debug, Args)]
pub struct BenchSgp4Args {
    /// Element-set file in any supported format.
    #[arg(long, value_name = "FILE")]
    pub elements: PathBuf,
    /// Span in minutes, from the newest epoch in the file (a common UTC grid for all objects).
    #[arg(long, default_value_t = 1440.0)]
    pub minutes: f64,
    /// Step in minutes.
    #[arg(long, default_value_t = 1.0)]
    pub step_min: f64,
    /// Use the scalar propagator only (no SIMD kernel), for comparison.
    #[arg(long)]
    pub scalar: bool,
    /// Accept TLEs with a wrong checksum (with a warning).
    #[arg(long)]
    pub lenient: bool,
}

/// Arguments of `aposos demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Data directory holding `catalog/active.txt` and `catalog/donnees.sat` (see scripts/fetch-demo-data).
    #[arg(long, default_value = "aposos-data", value_name = "DIR")]
    pub data_dir: PathBuf,
    /// Use the generated catalog even when the real snapshot is present.
    #[arg(long)]
    pub synthetic: bool,
    /// Number of objects of the generated catalog.
    #[arg(long, default_value_t = 20_000)]
    pub synthetic_count: usize,
    /// Hours to propagate.
    #[arg(long, default_value_t = 24.0)]
    pub hours: f64,
    /// Write the demo catalog (joined names) to this file, in the format of its extension (.tle, .json, .xml, .kvn, .csv).
    #[arg(long, value_name = "FILE")]
    pub export: Option<PathBuf>,
}

/// Where the platform database is: options shared by `serve` and `admin`.
#[derive(Debug, Args, Clone)]
pub struct DatabaseArgs {
    /// Configuration file (TOML; keys as in `aposos_server::ServerConfig`). Flags and APOSOS_* variables override it.
    #[arg(long, value_name = "FILE", env = "APOSOS_CONFIG")]
    pub config: Option<PathBuf>,
    /// Data directory: the embedded SQLite database (aposos.sqlite3) and the demo catalog.
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://USER[:PASSWORD]@HOST[:PORT]/DB) instead of the embedded SQLite file.
    #[arg(long, value_name = "URL")]
    pub database: Option<String>,
}

/// Arguments of `aposos serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Database location.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Address and port to listen on (default 127.0.0.1:8080).
    #[arg(long, value_name = "ADDR:PORT")]
    pub listen: Option<String>,
    /// Seed a new database with the generated catalog even when the real snapshot is present.
    #[arg(long)]
    pub synthetic: bool,
    /// Number of objects of the generated catalog.
    #[arg(long, default_value_t = 20_000)]
    pub synthetic_count: usize,
}

/// Arguments of `aposos admin`.
#[derive(Debug, Args)]
pub struct AdminArgs {
    /// Database location.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// What to manage.
    #[command(subcommand)]
    pub command: AdminCommand,
}

/// Bootstrapping commands working on the database directly.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Organisations (member states and observers).
    #[command(subcommand)]
    Org(OrgCommand),
    /// Users.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

/// Organisation kinds on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OrgKindArg {
    /// A full member state.
    Member,
    /// An observer.
    Observer,
}

/// Roles on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    /// The centre's administrators.
    Admin,
    /// Runs its state's nodes.
    Operator,
    /// Uploads and analyses orbit products.
    Analyst,
    /// Reads.
    Viewer,
}

/// `aposos admin org …`.
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Adds an organisation.
    Add {
        /// Unique name.
        name: String,
        /// Member state or observer.
        #[arg(long, value_enum)]
        kind: OrgKindArg,
        /// ISO 3166-1 alpha-2 country (its nodes are the sites of that country).
        #[arg(long, value_name = "CC")]
        country: Option<String>,
        /// SATCAT owner code of the objects it owns (`PAKI`, `IRAN`, …).
        #[arg(long, value_name = "CODE")]
        satcat_owner: Option<String>,
    },
    /// Lists organisations.
    List,
}

/// `aposos admin user …`.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Adds a user.
    Add {
        /// Unique user name.
        name: String,
        /// Organisation name.
        #[arg(long)]
        org: String,
        /// Role.
        #[arg(long, value_enum)]
        role: RoleArg,
    },
}

/// `aposos admin token …`.
#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Creates a token and prints it alone on stdout (it is not stored and cannot be shown again).
    Create {
        /// User name.
        #[arg(long)]
        user: String,
        /// Days until it expires.
        #[arg(long, default_value_t = 90)]
        days: u32,
        /// Free label.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// Revokes one token (by id) or every token of a user.
    Revoke {
        /// Token id (from `token list`).
        #[arg(long, conflicts_with = "user", required_unless_present = "user")]
        id: Option<i64>,
        /// Revoke every live token of this user.
        #[arg(long)]
        user: Option<String>,
    },
    /// Lists tokens (never their secrets).
    List {
        /// Only this user's.
        #[arg(long)]
        user: Option<String>,
    },
}

/// `aposos obs …`: angle observations.
#[derive(Debug, Subcommand)]
pub enum ObsCommand {
    /// Convert observations between IOD, CCSDS TDM (KVN, XML) and JSON.
    Convert(ObsConvertArgs),
    /// Check and store observation files in the platform's database, as one of its users.
    Import(ObsImportArgs),
    /// Station diagnostics: residuals against the orbits, per night pointing bias, noise and timing bias.
    Stats(ObsStatsArgs),
}

/// Arguments of `aposos obs stats`.
#[derive(Debug, Args)]
pub struct ObsStatsArgs {
    /// Station (site id) to diagnose; repeat for several; default: every site with observations.
    #[arg(long, value_name = "SITE")]
    pub site: Vec<String>,
    /// Observation files (any format; IOD station numbers are matched to sites).
    #[arg(long, value_name = "FILE", required = true)]
    pub obs: Vec<PathBuf>,
    /// The best orbits available: element sets of the observed objects.
    #[arg(long, value_name = "FILE")]
    pub elements: PathBuf,
    /// Sites file (TOML) instead of the built-in network.
    #[arg(long, value_name = "FILE")]
    pub sites: Option<PathBuf>,
    /// Write every residual here (CSV).
    #[arg(long, value_name = "FILE")]
    pub residuals: Option<PathBuf>,
    /// Pointing departure from the usual level that flags a night (arcsec).
    #[arg(long, default_value_t = 5.0)]
    pub max_pointing_drift: f64,
    /// Timing departure from the usual level that flags a night (ms).
    #[arg(long, default_value_t = 10.0)]
    pub max_timing_drift: f64,
    /// Data directory (EOP table).
    #[arg(long, default_value = "aposos-data", value_name = "DIR")]
    pub data_dir: PathBuf,
}

/// `aposos request …`: tracking requests, on the database directly, as one of its users.
#[derive(Debug, Subcommand)]
pub enum RequestCommand {
    /// File a tracking request as a user; prints the stored request (JSON).
    Add(RequestAddArgs),
    /// List tracking requests, newest first (JSON array); with --user only those that user may read.
    List(RequestListArgs),
    /// Cancel a tracking request as a user (it is kept, as cancelled); prints it (JSON).
    Cancel(RequestCancelArgs),
}

/// Arguments of `aposos request add` (the fields of the body of `POST /api/v1/requests`).
#[derive(Debug, Args)]
pub struct RequestAddArgs {
    /// Database location.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The user filing it (its organisation owns the request and its results).
    #[arg(long)]
    pub user: String,
    /// Catalog number of an object to observe; repeat, or separate with commas.
    #[arg(long, value_name = "N", value_delimiter = ',')]
    pub norad: Vec<u32>,
    /// Start of the window (ISO 8601 UTC).
    #[arg(long, value_name = "ISO8601")]
    pub from: String,
    /// End of the window (ISO 8601 UTC).
    #[arg(long, value_name = "ISO8601")]
    pub to: String,
    /// Priority 1..10, 10 most urgent.
    #[arg(long, default_value_t = 5)]
    pub priority: u8,
    /// Tracklets wanted per night (1..20).
    #[arg(long, default_value_t = 1)]
    pub tracklets_per_night: u32,
    /// Nights with data wanted within the window (1..60).
    #[arg(long, default_value_t = 1)]
    pub nights: u32,
    /// Sharing level of the request and its results: private, consortium or public.
    #[arg(long, default_value = "consortium")]
    pub sharing: String,
    /// Free text for the planners.
    #[arg(long)]
    pub note: Option<String>,
}

/// Arguments of `aposos request list`.
#[derive(Debug, Args)]
pub struct RequestListArgs {
    /// Database location.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Only the requests this user may read (default: every request).
    #[arg(long)]
    pub user: Option<String>,
}

/// Arguments of `aposos request cancel`.
#[derive(Debug, Args)]
pub struct RequestCancelArgs {
    /// Database location.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The user cancelling it (an analyst or operator of its organisation, or an admin).
    #[arg(long)]
    pub user: String,
    /// Request id.
    #[arg(value_name = "ID")]
    pub id: i64,
}

/// Arguments of `aposos obs import`.
#[derive(Debug, Args)]
pub struct ObsImportArgs {
    /// Database location.
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The user the observations are reported as (its organisation owns them; its
    /// state's nodes are the stations it may report for).
    #[arg(long)]
    pub user: String,
    /// private, consortium or public.
    #[arg(long, default_value = "private")]
    pub sharing: String,
    /// Format of the files (iod, uk, rde, tdm-kvn, tdm-xml, json); detected per file when absent.
    #[arg(long)]
    pub format: Option<String>,
    /// Observation files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// Arguments of `aposos obs convert`.
#[derive(Debug, Args)]
pub struct ObsConvertArgs {
    /// Observation file (format detected from the content).
    #[arg(long, value_name = "FILE")]
    pub obs: PathBuf,
    /// Output format: iod, uk, rde, tdm-kvn, tdm-xml or json.
    #[arg(long, value_name = "FORMAT")]
    pub to: String,
    /// Write here instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Output of `aposos plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// The whole plan document (every node's list with pointings).
    Json,
    /// One row per observation.
    Csv,
    /// The headline figures only (value vs baseline and bound, objects, timing).
    Summary,
}

/// Arguments of `aposos plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Database location (with --publish-as) and data directory (demo catalog, SATCAT, EOP).
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The night: local date of its evening at each node (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub night: Option<String>,
    /// Element sets to plan for (default: the demo catalog in the data directory).
    #[arg(long, value_name = "FILE")]
    pub elements: Option<PathBuf>,
    /// Sites file (TOML) instead of the built-in network.
    #[arg(long, value_name = "FILE")]
    pub sites: Option<PathBuf>,
    /// Plan only these sites (repeat); default: every node of the sites file.
    #[arg(long, value_name = "ID")]
    pub site: Vec<String>,
    /// Leave a node out: `ID` or `ID=REASON` (offline, weather, maintenance); repeat. Nodes whose status in the sites file is offline, clouded, weather, maintenance or closed are left out too.
    #[arg(long, value_name = "ID[=REASON]")]
    pub offline: Vec<String>,
    /// Tracking requests: a JSON array of request bodies (as POST /api/v1/requests takes), with their `id`.
    #[arg(long, value_name = "FILE")]
    pub requests: Option<PathBuf>,
    /// Also plan for the active tracking requests stored in the platform's database (--data-dir or --database).
    #[arg(long)]
    pub stored_requests: bool,
    /// SATCAT owner codes of the member states (default: those of the sites file's nodes' countries).
    #[arg(long, value_name = "CODE", value_delimiter = ',')]
    pub owners: Vec<String>,
    /// Catalog numbers from this one on are provisional objects (UCT follow-up).
    #[arg(long, default_value_t = 330_000)]
    pub first_provisional: u32,
    /// Standard magnitude of objects the SATCAT does not give.
    #[arg(long, default_value_t = 6.0, allow_hyphen_values = true)]
    pub std_mag: f64,
    /// Re-plan the rest of the night of this plan (JSON from `aposos plan`), keeping what was done before --now.
    #[arg(long, value_name = "PLAN.json", requires = "now")]
    pub replan: Option<PathBuf>,
    /// With --replan: the time from which the rest is planned (UTC, ISO 8601).
    #[arg(long, value_name = "ISO8601")]
    pub now: Option<String>,
    /// Exposures per tracklet.
    #[arg(long, default_value_t = 8)]
    pub frames: u32,
    /// Time between exposure starts (s).
    #[arg(long, default_value_t = 2.0)]
    pub cadence: f64,
    /// Exposure length (s).
    #[arg(long, default_value_t = 1.0)]
    pub exposure: f64,
    /// Settling time after each slew (s).
    #[arg(long, default_value_t = 3.0)]
    pub settle: f64,
    /// Minimum elevation (deg).
    #[arg(long, default_value_t = 15.0)]
    pub min_el: f64,
    /// No GEO-belt survey in the gaps.
    #[arg(long)]
    pub no_survey: bool,
    /// Iterations of the large-neighbourhood search (default 800).
    #[arg(long, value_name = "N")]
    pub lns_iterations: Option<usize>,
    /// Seed of the search.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: PlanFormat,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Store every node's list in the platform's database as a new version of its plan, as this (admin) user.
    #[arg(long, value_name = "USER")]
    pub publish_as: Option<String>,
}
