//! `aposos plan`: the network's plan for one night (every online node's ordered list of
//! observations), from a catalog, the SATCAT owners, tracking requests and the nodes'
//! status; `--replan` keeps what a previous plan has already done and re-plans the rest.

use crate::cli::{PlanArgs, PlanFormat};
use crate::cmd_predict::open_output;
use crate::UsageError;
use anyhow::Context;
use aposos_formats::satcat::SatcatRecord;
use aposos_formats::{ElementSet, Epoch};
use aposos_plan::schedule::night::{plan_night, DoneObservation, ExcludedNode, NightPlan};
use aposos_plan::schedule::output::iso;
use aposos_plan::schedule::value::{object_value, ObjectFacts, ValueWeights};
use aposos_plan::schedule::{night_span, NodeSpec, PlanObject, PlanSettings};
use aposos_plan::sites::{Role, Site};
use aposos_plan::uncertainty::predicted_sigma_km;
use aposos_store::requests::NewRequest;
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

/// The SATCAT owner code of a member state's objects, by ISO country code.
pub fn satcat_owner_of(country: &str) -> Option<&'static str> {
    Some(match country.to_ascii_uppercase().as_str() {
        "PK" => "PAKI",
        "PE" => "PRU",
        "IR" => "IRAN",
        "CN" => "PRC",
        "TH" => "THAI",
        "TR" => "TURK",
        "MN" => "MNG",
        "BD" => "BGD",
        _ => return None,
    })
}

/// A tracking request as the planner uses it (its window travels beside it).
#[derive(Clone, Debug)]
pub struct RequestSpec {
    /// Request id (0 when not stored).
    pub id: i64,
    /// Catalog numbers.
    pub norad_ids: Vec<u32>,
    /// Priority 1–10.
    pub priority: u8,
    /// Tracklets wanted per night.
    pub tracklets_per_night: u32,
    /// Nights wanted.
    pub nights: u32,
    /// `active` unless cancelled.
    pub status: Option<String>,
}

/// Reads a requests file: a JSON array of request bodies as `POST /api/v1/requests`
/// takes them, each with an optional `id` and `status`, checked by the API's own
/// validation (an error names the request and the field).
pub fn read_requests(path: &Path) -> anyhow::Result<Vec<(RequestSpec, Epoch, Epoch)>> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {name}"))?;
    let list: Vec<serde_json::Map<String, serde_json::Value>> = serde_json::from_str(&text)
        .with_context(|| format!("{name}: not a JSON array of requests"))?;
    list.into_iter()
        .enumerate()
        .map(|(i, mut fields)| {
            let at = |what: String| anyhow::anyhow!("{name}: request {}: {what}", i + 1);
            let id = match fields.remove("id") {
                None => 0,
                Some(v) => v.as_i64().ok_or_else(|| at("id: not an integer".into()))?,
            };
            let status = match fields.remove("status") {
                None => None,
                Some(v) => Some(
                    v.as_str()
                        .ok_or_else(|| at("status: not a string".into()))?
                        .to_string(),
                ),
            };
            let body: NewRequest = serde_json::from_value(serde_json::Value::Object(fields))
                .map_err(|e| at(e.to_string()))?;
            let valid = body.validate().map_err(|e| at(e.to_string()))?;
            let epoch = |field: &str, v: &str| {
                Epoch::parse_iso(v.trim().trim_end_matches('Z'))
                    .map_err(|e| at(format!("{field}: {e}")))
            };
            let window = (
                epoch("from_utc", &body.from_utc)?,
                epoch("to_utc", &body.to_utc)?,
            );
            Ok((
                RequestSpec {
                    id,
                    norad_ids: valid.norad_ids,
                    priority: valid.priority,
                    tracklets_per_night: valid.tracklets_per_night,
                    nights: valid.nights,
                    status,
                },
                window.0,
                window.1,
            ))
        })
        .collect()
}

/// The objects of a night with their values: owners from the SATCAT, uncertainty at
/// `at`, the requests whose window overlaps `[from, to]` (and still want data).
#[allow(clippy::too_many_arguments)]
pub fn plan_objects(
    elements: &[ElementSet],
    mags: &[Option<f64>],
    satcat: &HashMap<u32, SatcatRecord>,
    owners: &[String],
    requests: &[(RequestSpec, Epoch, Epoch)],
    span: (Epoch, Epoch),
    at: Epoch,
    weights: &ValueWeights,
    first_provisional: u32,
) -> Vec<PlanObject> {
    let mut wanted: HashMap<u32, Vec<(i64, u8, u32)>> = HashMap::new();
    for (r, a, b) in requests {
        if r.status.as_deref().is_some_and(|s| s != "active") || *b <= span.0 || *a >= span.1 {
            continue;
        }
        for &n in &r.norad_ids {
            wanted
                .entry(n)
                .or_default()
                .push((r.id, r.priority, r.tracklets_per_night));
        }
    }
    elements
        .iter()
        .zip(mags)
        .map(|(el, mag)| {
            let facts = ObjectFacts {
                owner: satcat.get(&el.norad_cat_id).map(|r| r.owner.clone()),
                sigma_km: predicted_sigma_km(el, at),
                provisional: el.norad_cat_id >= first_provisional,
                requests: wanted.get(&el.norad_cat_id).cloned().unwrap_or_default(),
            };
            PlanObject {
                elements: el.clone(),
                std_mag: *mag,
                value: object_value(&facts, owners, weights),
            }
        })
        .collect()
}

/// The planner's settings from the command line.
pub fn settings_of(args: &PlanArgs) -> PlanSettings {
    let mut s = PlanSettings {
        frames: args.frames,
        cadence_s: args.cadence,
        exposure_s: args.exposure,
        settle_s: args.settle,
        survey: !args.no_survey,
        seed: args.seed,
        ..PlanSettings::default()
    };
    s.window.min_el_deg = args.min_el;
    if let Some(n) = args.lns_iterations {
        s.lns_iterations = n;
    }
    s
}

/// Site statuses (in the sites file) under which a node is left out of the plan.
pub const UNAVAILABLE: [&str; 5] = ["offline", "clouded", "weather", "maintenance", "closed"];

/// The nodes to plan: `--site` ones or every node of the sites file, minus `--offline`
/// ones (`ID` or `ID=reason`), which are listed as excluded.
pub fn select_nodes(
    sites: &[Site],
    chosen: &[String],
    offline: &[String],
) -> anyhow::Result<(Vec<Site>, Vec<ExcludedNode>)> {
    let mut picked: Vec<Site> = if chosen.is_empty() {
        sites
            .iter()
            .filter(|s| s.role == Role::Node)
            .cloned()
            .collect()
    } else {
        chosen
            .iter()
            .map(|id| {
                aposos_plan::sites::find_site(sites, id)
                    .cloned()
                    .ok_or_else(|| {
                        UsageError(format!("--site: no site {id:?} in the sites file")).into()
                    })
            })
            .collect::<anyhow::Result<_>>()?
    };
    let mut excluded = Vec::new();
    // Nodes whose status says they cannot observe are left out.
    let mut k = 0;
    while k < picked.len() {
        let status = picked[k]
            .status
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase();
        if UNAVAILABLE.contains(&status.as_str()) {
            excluded.push(ExcludedNode {
                site: picked.remove(k).id,
                reason: status,
            });
        } else {
            k += 1;
        }
    }
    for o in offline {
        let (id, reason) = o.split_once('=').unwrap_or((o.as_str(), "offline"));
        let Some(i) = picked.iter().position(|s| s.id.eq_ignore_ascii_case(id)) else {
            return Err(
                UsageError(format!("--offline: {id:?} is not one of the planned nodes")).into(),
            );
        };
        excluded.push(ExcludedNode {
            site: picked.remove(i).id,
            reason: reason.to_string(),
        });
    }
    Ok((picked, excluded))
}

/// What a previous plan had done before `now`: its nodes and their observations started before then.
fn done_from(
    path: &Path,
    now: Epoch,
) -> anyhow::Result<(String, Vec<String>, Vec<DoneObservation>)> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {name}"))?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{name}: not JSON"))?;
    let night = doc["night"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("{name}: no \"night\": not a plan written by aposos plan"))?
        .to_string();
    let mut sites = Vec::new();
    let mut done = Vec::new();
    for node in doc["nodes"].as_array().into_iter().flatten() {
        let site = node["site"]
            .as_str()
            .ok_or_else(|| anyhow::anyhow!("{name}: a node without \"site\""))?;
        sites.push(site.to_string());
        for (k, o) in node["observations"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let start = o["start_utc"]
                .as_str()
                .and_then(|s| Epoch::parse_iso(s.trim_end_matches('Z')).ok())
                .ok_or_else(|| {
                    anyhow::anyhow!("{name}: {site} observation {}: bad start_utc", k + 1)
                })?;
            if start >= now {
                continue;
            }
            if let Some(norad) = o["norad"].as_u64() {
                done.push(DoneObservation {
                    site: site.to_string(),
                    norad: u32::try_from(norad).map_err(|_| {
                        anyhow::anyhow!("{name}: {site} observation {}: bad norad", k + 1)
                    })?,
                    start,
                });
            }
        }
    }
    Ok((night, sites, done))
}

/// Runs `aposos plan`.
pub fn run(args: &PlanArgs) -> anyhow::Result<()> {
    let config = crate::cmd_serve::resolve_config(&args.db)?;
    let data_dir = config.data_dir.clone();
    let sites = crate::cmd_sites::load_sites(args.sites.as_deref())?;
    let now = match &args.now {
        Some(t) => Some(
            Epoch::parse_iso(t.trim_end_matches('Z'))
                .map_err(|e| UsageError(format!("--now: {e}")))?,
        ),
        None => None,
    };
    let (night, replan) = match (&args.replan, now) {
        (Some(p), Some(now)) => {
            let (night, nodes, done) = done_from(p, now)?;
            if args.night.as_ref().is_some_and(|n| *n != night) {
                return Err(UsageError(format!(
                    "--night {:?} is not the night of {} ({night})",
                    args.night,
                    p.display()
                ))
                .into());
            }
            (night, Some((nodes, done, now)))
        }
        (Some(_), None) => {
            return Err(UsageError(
                "--replan needs --now (the time the rest is planned from)".into(),
            )
            .into())
        }
        (None, _) => (
            args.night.clone().ok_or_else(|| {
                UsageError("--night YYYY-MM-DD is required (or --replan PLAN --now ISO)".into())
            })?,
            None,
        ),
    };
    let span = night_span(&night).map_err(|e| UsageError(e.to_string()))?;
    let chosen: Vec<String> = match &replan {
        Some((nodes, _, _)) if args.site.is_empty() => nodes.clone(),
        _ => args.site.clone(),
    };
    let (nodes, excluded) = select_nodes(&sites, &chosen, &args.offline)?;
    let elements_path = args
        .elements
        .clone()
        .unwrap_or_else(|| data_dir.join(crate::demo_data::ACTIVE_TLE));
    let loaded = crate::elements_io::load(&elements_path, false)?;
    let satcat = crate::demo_data::satcat_table(&data_dir)?;
    let (mags, _) =
        crate::cmd_predict::std_mags_from(&satcat, &data_dir, &loaded.elements, Some(args.std_mag));
    let owners: Vec<String> = if args.owners.is_empty() {
        let mut v: Vec<String> = sites
            .iter()
            .filter(|s| s.role == Role::Node)
            .filter_map(|s| satcat_owner_of(&s.country).map(String::from))
            .collect();
        v.sort();
        v.dedup();
        v
    } else {
        args.owners.clone()
    };
    let mut requests = match &args.requests {
        Some(p) => read_requests(p)?,
        None => Vec::new(),
    };
    if args.stored_requests {
        requests.extend(stored_requests(&config, span)?);
    }
    let settings = settings_of(args);
    let mid = span.0.add_ns(86_400_000_000_000);
    let objects = plan_objects(
        &loaded.elements,
        &mags,
        &satcat,
        &owners,
        &requests,
        span,
        mid,
        &settings.weights,
        args.first_provisional,
    );
    let (eop, eop_src) = crate::cmd_eop::load_eop(&data_dir)?;
    eprintln!("{eop_src}");
    let mut specs: Vec<NodeSpec> = nodes
        .iter()
        .map(|s| NodeSpec {
            site: s.clone(),
            not_before: replan.as_ref().map(|r| r.2),
        })
        .collect();
    let mut done = Vec::new();
    if let Some((_, d, _)) = &replan {
        done = d.clone();
        // Dropped nodes stay in the plan with what they did, and nothing new.
        for x in &excluded {
            if let Some(site) = aposos_plan::sites::find_site(&sites, &x.site) {
                specs.push(NodeSpec {
                    site: site.clone(),
                    not_before: Some(span.1),
                });
            }
        }
    }
    let planned = plan_night(&night, &specs, excluded, objects, &done, &settings, &eop)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    report(&planned);
    let doc = planned.document(&eop);
    let mut out = open_output(args.output.as_deref())?;
    match args.format {
        PlanFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &doc)?;
            writeln!(out)?;
        }
        PlanFormat::Csv => write_csv(&mut out, &doc)?,
        PlanFormat::Summary => {
            serde_json::to_writer_pretty(&mut out, &doc.summary)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    if let Some(user) = &args.publish_as {
        publish(&config, user, &doc)?;
    }
    if !planned.violations.is_empty() {
        for v in planned.violations.iter().take(10) {
            eprintln!("infeasible: {v}");
        }
        anyhow::bail!("{} violation(s) in the plan", planned.violations.len());
    }
    Ok(())
}

/// One line on stderr with the headline figures.
pub fn report(p: &NightPlan) {
    let s = p.summary();
    eprintln!(
        "night {}: {} nodes, {} candidates; plan value {:.1} ({} observations, {} objects) vs per-node greedy {:.1} ({} observations, {} objects): {:+.1} %; network greedy {:.1}; bound {:.1} ({:.1} % reached); {:.2} s (windows {:.2} s, planners {:.2} s, bound {:.2} s, check {:.2} s)",
        p.problem.night,
        p.problem.nodes.len(),
        s.candidates,
        s.value,
        s.observations,
        s.distinct_objects,
        s.baseline_value,
        s.baseline_observations,
        s.baseline_distinct_objects,
        100.0 * s.gain_over_baseline,
        s.greedy_value,
        s.bound_value,
        100.0 * s.fraction_of_bound,
        s.timing.total_s,
        s.timing.candidates_s,
        s.timing.planners_s,
        s.timing.bound_s,
        s.timing.check_s,
    );
}

fn write_csv(
    out: &mut dyn Write,
    doc: &aposos_plan::schedule::night::PlanDocument,
) -> anyhow::Result<()> {
    writeln!(out, "site,seq,kind,norad,field,name,tier,value,start_utc,end_utc,slew_s,exposures,cadence_s,exposure_s,start_ra_deg,start_dec_deg,start_az_deg,start_el_deg,start_ra_rate_deg_s,start_dec_rate_deg_s,start_az_rate_deg_s,start_el_rate_deg_s,mid_ra_deg,mid_dec_deg,mid_az_deg,mid_el_deg,end_ra_deg,end_dec_deg,end_az_deg,end_el_deg,done")?;
    for n in &doc.nodes {
        for o in &n.observations {
            let tier = serde_json::to_value(&o.reason)?["tier"]
                .as_str()
                .unwrap_or("")
                .to_string();
            let name = o.name.as_deref().unwrap_or("").replace(',', " ");
            write!(
                out,
                "{},{},{},{},{},{},{},{:.3},{},{},{:.2},{},{},{}",
                n.site,
                o.seq,
                o.kind,
                o.norad.map(|x| x.to_string()).unwrap_or_default(),
                o.field.as_deref().unwrap_or(""),
                name,
                tier,
                o.value,
                o.start_utc,
                o.end_utc,
                o.slew_s,
                o.exposures,
                o.cadence_s,
                o.exposure_s
            )?;
            for (k, p) in o.pointing.iter().enumerate() {
                write!(
                    out,
                    ",{:.6},{:.6},{:.6},{:.6}",
                    p.ra_deg, p.dec_deg, p.az_deg, p.el_deg
                )?;
                if k == 0 {
                    write!(
                        out,
                        ",{:.6},{:.6},{:.6},{:.6}",
                        p.ra_rate_deg_s, p.dec_rate_deg_s, p.az_rate_deg_s, p.el_rate_deg_s
                    )?;
                }
            }
            for _ in o.pointing.len()..3 {
                write!(out, ",,,,")?;
            }
            writeln!(out, ",{}", u8::from(o.done))?;
        }
    }
    Ok(())
}

/// Stores every node's list as a new version of its plan for the night, as `user` (an
/// admin, as `POST /api/v1/sites/{id}/plan` requires), audited like the API's publication.
fn publish(
    config: &aposos_server::ServerConfig,
    user: &str,
    doc: &aposos_plan::schedule::night::PlanDocument,
) -> anyhow::Result<()> {
    let nodes: Vec<(String, serde_json::Value)> = doc
        .nodes
        .iter()
        .map(|n| {
            Ok((
                n.site.clone(),
                serde_json::json!({
                    "night": doc.night,
                    "generated_utc": doc.generated_utc,
                    "method": doc.method,
                    "settings": doc.settings,
                    "node": n,
                }),
            ))
        })
        .collect::<anyhow::Result<_>>()?;
    crate::cmd_serve::runtime()?.block_on(async move {
        let store = crate::cmd_serve::open_store(config).await?;
        let p = store.principal_of_user(user).await?;
        let audit =
            |target: &str, outcome: &str, detail: Option<String>| aposos_store::catalog::NewAudit {
                user_id: Some(p.user_id),
                user_name: Some(format!("cli:{}", p.user_name)),
                org_id: Some(p.org_id),
                action: "plan.publish".into(),
                target: target.to_string(),
                outcome: outcome.into(),
                remote_addr: Some("local".into()),
                detail,
            };
        if !aposos_server::policy::may_publish_plan(&p) {
            store
                .audit(&audit(&format!("night {}", doc.night), "denied", None))
                .await?;
            return Err(UsageError(format!(
                "--publish-as {user}: only the centre's admins publish the network's plans"
            ))
            .into());
        }
        for (site, body) in &nodes {
            let target = format!("{site}/{}", doc.night);
            let version = store
                .insert_plan(site, &doc.night, &p.user_name, body)
                .await
                .with_context(|| format!("cannot store the plan of {target}"))?;
            store
                .audit(&audit(&target, "ok", Some(format!("version {version}"))))
                .await?;
            eprintln!("published {target} as version {version}");
        }
        store.close().await;
        Ok(())
    })
}

/// The active tracking requests stored in the platform's database whose window overlaps `span`.
fn stored_requests(
    config: &aposos_server::ServerConfig,
    span: (Epoch, Epoch),
) -> anyhow::Result<Vec<(RequestSpec, Epoch, Epoch)>> {
    use aposos_store::ids::{iso_from_us, us_from_iso};
    let us = |t: Epoch| us_from_iso(&iso(t)).unwrap_or(0);
    let from_us = us(span.0);
    let to_us = us(span.1);
    let list = crate::cmd_serve::runtime()?.block_on(async move {
        let store = crate::cmd_serve::open_store(config).await?;
        let list = store.active_requests_between(from_us, to_us).await?;
        store.close().await;
        anyhow::Ok(list)
    })?;
    list.into_iter()
        .map(|r| {
            let at = |us: i64| {
                let text = iso_from_us(us);
                Epoch::parse_iso(text.trim_end_matches('Z'))
                    .map_err(|e| anyhow::anyhow!("request {}: stored time {text}: {e}", r.id))
            };
            let (a, b) = (at(r.from_us)?, at(r.to_us)?);
            Ok((
                RequestSpec {
                    id: r.id,
                    norad_ids: r.norad_ids,
                    priority: r.priority,
                    tracklets_per_night: r.tracklets_per_night,
                    nights: r.nights,
                    status: Some(r.status),
                },
                a,
                b,
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(tag: &str, text: &str) -> std::path::PathBuf {
        let p =
            std::env::temp_dir().join(format!("aposos-requests-{tag}-{}.json", std::process::id()));
        std::fs::write(&p, text).expect("write");
        p
    }

    #[test]
    fn requests_files_are_read_with_the_api_checks() {
        let p = file(
            "good",
            r#"[{"id": 7, "norad_ids": [25544], "from_utc": "2026-05-20T00:00:00Z",
                 "to_utc": "2026-05-22T00:00:00Z", "priority": 9, "tracklets_per_night": 2},
                {"norad_ids": [1, 2], "from_utc": "2026-05-20T00:00:00Z",
                 "to_utc": "2026-05-21T00:00:00Z", "status": "cancelled"}]"#,
        );
        let r = read_requests(&p).expect("read");
        assert_eq!(r.len(), 2);
        assert_eq!(
            (r[0].0.id, r[0].0.priority, r[0].0.tracklets_per_night),
            (7, 9, 2)
        );
        assert_eq!(r[0].2.minutes_since(r[0].1), 2880.0);
        assert_eq!((r[1].0.id, r[1].0.priority, r[1].0.nights), (0, 5, 1));
        assert_eq!(r[1].0.status.as_deref(), Some("cancelled"));
        for (body, field) in [
            (
                r#"[{"norad_ids": [1], "from_utc": "2026-05-20T00:00:00Z", "to_utc": "2026-05-19T00:00:00Z"}]"#,
                "to_utc",
            ),
            (
                r#"[{"norad_ids": [1], "from_utc": "2026-05-20T00:00:00Z", "to_utc": "2026-05-21T00:00:00Z", "priority": 11}]"#,
                "priority",
            ),
            (
                r#"[{"norad_ids": [1], "from_utc": "2026-05-20T00:00:00Z", "to_utc": "2026-05-21T00:00:00Z", "colour": "red"}]"#,
                "colour",
            ),
        ] {
            let p = file("bad", body);
            let e = read_requests(&p).expect_err("refused").to_string();
            assert!(e.contains("request 1") && e.contains(field), "{e}");
        }
    }
}
