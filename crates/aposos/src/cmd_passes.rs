//! `aposos passes`: rise, culmination and set above a minimum elevation, and with
//! `--optical` the optically observable windows, for one or more sites.

use crate::cli::{PassesArgs, TableFormat};
use crate::cmd_predict::{iso_ms, open_output, std_mags};
use crate::{cmd_eop, cmd_sites, elements_io, UsageError};
use anyhow::bail;
use aposos_formats::Epoch;
use aposos_plan::passes::{find_passes, EarthClock, Observer, Pass, PassError, Target};
use aposos_plan::windows::{
    find_windows_catalog, CatalogObject, SiteNight, SkyClock, Window, WindowOptions,
};
use rayon::prelude::*;
use std::io::Write;
use std::time::Instant;

fn opt_time(t: Option<Epoch>) -> String {
    t.map_or_else(String::new, iso_ms)
}

fn opt_num(x: Option<f64>, decimals: usize) -> String {
    x.map_or_else(String::new, |v| format!("{v:.decimals$}"))
}

fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

fn json_opt(s: String) -> String {
    if s.is_empty() {
        "null".into()
    } else if s.starts_with(|c: char| c.is_ascii_digit() || c == '-') && !s.contains('T') {
        s
    } else {
        json_str(&s)
    }
}

const PASS_COLUMNS: [&str; 9] = [
    "norad",
    "site",
    "rise_utc",
    "rise_az_deg",
    "culminate_utc",
    "culminate_az_deg",
    "max_el_deg",
    "set_utc",
    "set_az_deg",
];
const WINDOW_COLUMNS: [&str; 5] = [
    "window_start_utc",
    "window_end_utc",
    "window_duration_s",
    "window_max_el_deg",
    "brightest_mag",
];

fn pass_fields(site: &str, p: &Pass) -> Vec<String> {
    vec![
        p.norad.to_string(),
        site.to_string(),
        opt_time(p.rise_utc),
        opt_num(p.rise_az_deg, 6),
        iso_ms(p.culminate_utc),
        format!("{:.6}", p.culminate_az_deg),
        format!("{:.9}", p.max_el_deg),
        opt_time(p.set_utc),
        opt_num(p.set_az_deg, 6),
    ]
}

fn window_fields(site: &str, w: &Window) -> Vec<String> {
    let mut f = pass_fields(site, &w.pass);
    let dur = (w.end_utc.ns_since_1950() - w.start_utc.ns_since_1950()) as f64 * 1e-9;
    f.extend([
        iso_ms(w.start_utc),
        iso_ms(w.end_utc),
        format!("{dur:.3}"),
        format!("{:.6}", w.max_el_deg),
        opt_num(w.brightest_mag, 3),
    ]);
    f
}

struct Table {
    out: Box<dyn Write>,
    format: TableFormat,
    columns: Vec<&'static str>,
    rows: usize,
}

impl Table {
    fn new(
        out: Box<dyn Write>,
        format: TableFormat,
        columns: Vec<&'static str>,
    ) -> anyhow::Result<Self> {
        let mut t = Table {
            out,
            format,
            columns,
            rows: 0,
        };
        match format {
            TableFormat::Csv => writeln!(t.out, "{}", t.columns.join(","))?,
            TableFormat::Json => write!(t.out, "[")?,
        }
        Ok(t)
    }

    fn row(&mut self, fields: Vec<String>) -> anyhow::Result<()> {
        match self.format {
            TableFormat::Csv => writeln!(
                self.out,
                "{}",
                fields
                    .iter()
                    .map(|f| cmd_sites::csv_field(f))
                    .collect::<Vec<_>>()
                    .join(",")
            )?,
            TableFormat::Json => {
                let body: Vec<String> = self
                    .columns
                    .iter()
                    .zip(fields)
                    .map(|(c, f)| {
                        let v = if *c == "site" {
                            json_str(&f)
                        } else {
                            json_opt(f)
                        };
                        format!("\"{c}\":{v}")
                    })
                    .collect();
                write!(
                    self.out,
                    "{}\n{{{}}}",
                    if self.rows == 0 { "" } else { "," },
                    body.join(",")
                )?;
            }
        }
        self.rows += 1;
        Ok(())
    }

    fn finish(mut self) -> anyhow::Result<usize> {
        if self.format == TableFormat::Json {
            writeln!(self.out, "]")?;
        }
        self.out.flush()?;
        Ok(self.rows)
    }
}

/// Runs the pass (or window) search for every object and site.
pub fn run(args: &PassesArgs) -> anyhow::Result<()> {
    let from = Epoch::parse_iso(&args.from).map_err(|e| UsageError(format!("--from: {e}")))?;
    let to = Epoch::parse_iso(&args.to).map_err(|e| UsageError(format!("--to: {e}")))?;
    if to <= from {
        return Err(UsageError(format!(
            "--to {} is not after --from {}",
            args.to, args.from
        ))
        .into());
    }
    if (to.ns_since_1950() - from.ns_since_1950()) > 366 * 86_400_000_000_000 {
        return Err(UsageError("the interval is limited to 366 days".into()).into());
    }
    if !(-90.0..90.0).contains(&args.min_el) {
        return Err(UsageError(format!("--min-el {} outside [-90, 90)", args.min_el)).into());
    }
    let sites = args
        .site
        .iter()
        .map(|s| cmd_sites::resolve_site(s, args.sites.as_deref()))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let (eop, eop_text) = cmd_eop::load_eop(&args.data_dir)?;
    eprintln!("{eop_text}");
    cmd_eop::check_coverage(&eop, from, to);
    let loaded = elements_io::load(&args.elements, args.lenient)?;
    let started = Instant::now();
    let clock = EarthClock::new(from, to, &eop);
    let out = open_output(args.output.as_deref())?;
    let mut warnings = 0usize;
    let mut report = |e: &PassError| {
        warnings += 1;
        if warnings <= 20 {
            eprintln!("warning: {e}");
        }
    };
    let rows = if args.optical {
        let (mags, mag_src) = std_mags(&args.data_dir, &loaded.elements, args.std_mag)?;
        if let Some(s) = mag_src {
            eprintln!("{s}");
        }
        let opts = WindowOptions {
            min_el_deg: args.min_el,
            max_sun_el_deg: args.max_sun_el,
            min_moon_sep_deg: args.min_moon_sep,
        };
        let sky = SkyClock::new(&clock, &eop);
        let nights: Vec<SiteNight> = sites
            .iter()
            .map(|s| SiteNight::new(s, &clock, &sky, &opts))
            .collect();
        let objects: Vec<CatalogObject> = loaded
            .elements
            .iter()
            .zip(mags)
            .map(|(e, m)| CatalogObject {
                elements: e.clone(),
                std_mag: m,
            })
            .collect();
        let results = find_windows_catalog(&objects, &nights, &clock, &sky, &opts);
        let elapsed = started.elapsed().as_secs_f64();
        let mut table = Table::new(
            out,
            args.format,
            PASS_COLUMNS
                .iter()
                .chain(&WINDOW_COLUMNS)
                .copied()
                .collect(),
        )?;
        let mut count = 0usize;
        for per_site in &results {
            for (site, r) in sites.iter().zip(per_site) {
                match r {
                    Ok(ws) => {
                        for w in ws {
                            table.row(window_fields(&site.id, w))?;
                            count += 1;
                        }
                    }
                    Err(e) => report(e),
                }
            }
        }
        let pairs = objects.len() * sites.len();
        eprintln!(
            "{count} observable windows for {} objects x {} sites in {elapsed:.3} s ({:.0} object-sites/s)",
            objects.len(),
            sites.len(),
            pairs as f64 / elapsed.max(1e-9)
        );
        table.finish()?
    } else {
        let observers: Vec<Observer> = sites.iter().map(|s| Observer::new(&s.geodetic)).collect();
        let results: Vec<Vec<Result<Vec<Pass>, PassError>>> = loaded
            .elements
            .par_iter()
            .map(|el| match Target::new(el) {
                Err(e) => observers.iter().map(|_| Err(e.clone())).collect(),
                Ok(t) => observers
                    .iter()
                    .map(|o| find_passes(&t, o, &clock, args.min_el))
                    .collect(),
            })
            .collect();
        let mut table = Table::new(out, args.format, PASS_COLUMNS.to_vec())?;
        for per_site in &results {
            for (site, r) in sites.iter().zip(per_site) {
                match r {
                    Ok(ps) => {
                        for p in ps {
                            table.row(pass_fields(&site.id, p))?;
                        }
                    }
                    Err(e) => report(e),
                }
            }
        }
        table.finish()?
    };
    if warnings > 20 {
        eprintln!(
            "warning: {} more objects stopped with SGP4 errors",
            warnings - 20
        );
    }
    if warnings == loaded.elements.len() * sites.len() && rows == 0 {
        bail!(
            "no object of {} could be propagated",
            args.elements.display()
        );
    }
    Ok(())
}
