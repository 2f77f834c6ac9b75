//! `aposos serve`: the data-sharing platform on the embedded SQLite file or on PostgreSQL.

use crate::cli::{DatabaseArgs, ServeArgs};
use crate::demo_data;
use anyhow::Context;
use aposos_formats::satcat::SatcatRecord;
use aposos_server::{AppState, ServerConfig};
use aposos_store::seed::{Seed, SeedOrg};
use aposos_store::{ObjectRecord, OrgKind, SiteRecord, Store};
use std::io::Write;

/// The configuration from the file, then the environment, then the flags.
pub fn resolve_config(db: &DatabaseArgs) -> anyhow::Result<ServerConfig> {
    let mut config = match &db.config {
        Some(path) => ServerConfig::from_file(path)?,
        None => ServerConfig::default(),
    };
    config.apply_env(std::env::vars())?;
    if let Some(d) = &db.data_dir {
        config.data_dir = d.clone();
    }
    if let Some(url) = &db.database {
        config.database = Some(url.clone());
    }
    Ok(config)
}

/// Opens and migrates the database the configuration names.
pub async fn open_store(config: &ServerConfig) -> anyhow::Result<Store> {
    let store = match &config.database {
        Some(url) => Store::connect(url, config.max_connections).await?,
        None => Store::open_sqlite_dir(&config.data_dir).await?,
    };
    store.migrate().await?;
    Ok(store)
}

/// A runtime for the async commands.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

fn object_from_satcat(r: &SatcatRecord) -> ObjectRecord {
    let date = |e: Option<aposos_formats::Epoch>| {
        e.map(|e| {
            let c = e.calendar();
            format!("{:04}-{:02}-{:02}", c.year, c.month, c.day)
        })
    };
    let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    ObjectRecord {
        norad_cat_id: r.norad_cat_id,
        object_id: text(&r.object_id),
        object_name: text(&r.name),
        object_type: r.object_type.code().to_string(),
        owner: text(&r.owner),
        launch_site: text(&r.launch_site),
        launch_date: date(r.launch_date),
        decay_date: date(r.decay_date),
        orbit_class: text(&r.orbit_class),
        rcs_m2: r.rcs_m2,
        size_m: r.size_m,
        std_mag: r.std_mag,
        consortium_only: false,
        provisional: false,
    }
}

fn site_record(s: &aposos_plan::sites::Site) -> SiteRecord {
    let t = &s.telescope;
    SiteRecord {
        id: s.id.clone(),
        name: s.name.clone(),
        country: s.country.clone(),
        role: s.role.name().to_string(),
        status: s.status.clone().unwrap_or_else(|| "planned".into()),
        lat_deg: s.geodetic.lat_rad.to_degrees(),
        lon_deg: s.geodetic.lon_rad.to_degrees(),
        height_m: s.geodetic.height_km * 1000.0,
        telescope: serde_json::json!({
            "aperture_m": t.aperture_m, "fov_deg": t.fov_deg, "limiting_mag": t.limiting_mag,
            "max_slew_deg_s": t.max_slew_deg_s, "mount": t.mount.name(),
        }),
        horizon_mask: serde_json::json!(s
            .horizon_mask
            .as_ref()
            .map(|m| m
                .points_deg()
                .iter()
                .map(|&(a, e)| vec![a, e])
                .collect::<Vec<_>>())
            .unwrap_or_default()),
        station_number: s.station_number.clone(),
        updated_us: aposos_store::ids::now_us(),
    }
}

/// Organisations a new platform starts with: the centre and the first member states.
pub fn founding_orgs() -> (SeedOrg, Vec<SeedOrg>) {
    let member = |name: &str, cc: &str, owner: &str| SeedOrg {
        name: name.into(),
        kind: OrgKind::Member,
        country: Some(cc.into()),
        satcat_owner: Some(owner.into()),
    };
    (
        SeedOrg {
            name: "APOSOS Centre".into(),
            kind: OrgKind::Member,
            country: None,
            satcat_owner: None,
        },
        vec![
            member("SUPARCO", "PK", "PAKI"),
            member("CONIDA", "PE", "PRU"),
            member("ISA", "IR", "IRAN"),
        ],
    )
}

/// The first-start seed: founding organisations, the first admin, the network's sites, the demo catalog.
pub fn demo_seed(
    config: &ServerConfig,
    synthetic: bool,
    synthetic_count: usize,
) -> anyhow::Result<Seed> {
    let cat = demo_data::load(&config.data_dir, synthetic, synthetic_count)?;
    eprintln!("seeding the catalog from {}", cat.source);
    let mut objects: Vec<ObjectRecord> = cat.satcat.values().map(object_from_satcat).collect();
    let known: std::collections::HashSet<u32> = cat.satcat.keys().copied().collect();
    for e in &cat.elements {
        if !known.contains(&e.norad_cat_id) {
            let name = e.object_name.clone().unwrap_or_default();
            objects.push(ObjectRecord {
                norad_cat_id: e.norad_cat_id,
                object_id: e.object_id.clone(),
                object_type: aposos_formats::satcat::ObjectType::from_name(&name)
                    .code()
                    .into(),
                object_name: Some(name).filter(|n| !n.is_empty()),
                owner: None,
                launch_site: None,
                launch_date: None,
                decay_date: None,
                orbit_class: None,
                rcs_m2: None,
                size_m: None,
                std_mag: None,
                consortium_only: false,
                provisional: false,
            });
        }
    }
    objects.sort_by_key(|o| o.norad_cat_id);
    let (centre, orgs) = founding_orgs();
    Ok(Seed {
        centre: Some(centre),
        orgs,
        admin_user: "admin".into(),
        sites: aposos_plan::sites::network()
            .iter()
            .map(site_record)
            .collect(),
        objects,
        elements: cat.elements,
        elements_format: "3le".into(),
    })
}

fn init_logging(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = if format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down: finishing requests in flight");
}

/// Runs `aposos serve`.
pub fn run(args: &ServeArgs) -> anyhow::Result<()> {
    let mut config = resolve_config(&args.db)?;
    if let Some(l) = &args.listen {
        config.listen = l.clone();
    }
    init_logging(&config.log_format);
    runtime()?.block_on(async move {
        let store = open_store(&config).await?;
        let where_ = match &config.database {
            Some(url) => format!("PostgreSQL {}", aposos_store::redact_url(url)),
            None => format!(
                "SQLite {}",
                config.data_dir.join(aposos_store::SQLITE_FILE).display()
            ),
        };
        let mut token = None;
        if !store.is_seeded().await? {
            let seed = demo_seed(&config, args.synthetic, args.synthetic_count)?;
            if let Some(report) = store.seed_if_new(&seed).await? {
                eprintln!(
                    "seeded {}: {} organisations, {} sites, {} objects, {} element sets",
                    where_, report.orgs, report.sites, report.objects, report.element_sets
                );
                token = Some(report.admin_token.token);
            }
        }
        let listener = tokio::net::TcpListener::bind(&config.listen)
            .await
            .with_context(|| format!("cannot listen on {}", config.listen))?;
        let addr = listener.local_addr()?;
        let mut out = std::io::stdout().lock();
        writeln!(out, "APOSOS platform on {where_}")?;
        if let Some(t) = token {
            writeln!(
                out,
                "first admin token (user admin; shown once, store it now): {t}"
            )?;
        }
        writeln!(out, "listening on http://{addr}")?;
        out.flush()?;
        drop(out);
        let state = AppState::new(store, config);
        aposos_server::serve(listener, state, shutdown_signal()).await?;
        Ok(())
    })
}
