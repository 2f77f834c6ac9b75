//! The network scheduler on a generated catalog: every plan it makes is feasible when
//! checked from its published product (pointings predicted again by `predict`, the
//! Sun's elevation, the mount's slew times), the search never loses value against its
//! start, no plan beats the upper bound, the network shares the work between nodes,
//! requested objects come first, offline nodes are left out and a re-plan keeps what
//! was done.

use aposos_astro::Eop;
use aposos_formats::{ElementSet, Epoch};
use aposos_plan::predict::{illumination_at, sun_elevation_rad};
use aposos_plan::schedule::feasible::violations;
use aposos_plan::schedule::night::{plan_night, DoneObservation, NightPlan, PlanDocument};
use aposos_plan::schedule::slew::{enu_of, MountModel};
use aposos_plan::schedule::value::{object_value, ObjectFacts, ValueWeights};
use aposos_plan::schedule::{NodeSpec, PlanObject, PlanSettings, Slot, TargetKind};
use aposos_plan::sites::{network, parse_sites, Role, Site};

const NIGHT: &str = "2026-05-20";

fn eop() -> &'static Eop {
    Eop::embedded()
}

fn nodes3() -> Vec<Site> {
    network()
        .into_iter()
        .filter(|s| s.role == Role::Node)
        .collect()
}

fn catalog(count: usize) -> Vec<ElementSet> {
    let reference = Epoch::parse_iso("2026-05-20T12:00:00").expect("epoch");
    aposos_orbit::synthetic::generate_catalog(count, 7, reference)
        .into_iter()
        .map(|o| o.elements)
        .collect()
}

fn objects(elements: &[ElementSet], requested: &[u32]) -> Vec<PlanObject> {
    let w = ValueWeights::default();
    elements
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let facts = ObjectFacts {
                owner: Some(if i % 40 == 0 { "PAKI" } else { "US" }.to_string()),
                sigma_km: 0.1 * (1 + i % 50) as f64,
                provisional: false,
                requests: if requested.contains(&e.norad_cat_id) {
                    vec![(1, 9, 2)]
                } else {
                    Vec::new()
                },
            };
            PlanObject {
                elements: e.clone(),
                std_mag: Some(4.0),
                value: object_value(&facts, &["PAKI".to_string()], &w),
            }
        })
        .collect()
}

fn settings() -> PlanSettings {
    PlanSettings {
        lns_iterations: 1500,
        ..PlanSettings::default()
    }
}

fn specs(sites: &[Site]) -> Vec<NodeSpec> {
    sites
        .iter()
        .map(|s| NodeSpec {
            site: s.clone(),
            not_before: None,
        })
        .collect()
}

fn plan(sites: &[Site], objs: Vec<PlanObject>, done: &[DoneObservation]) -> NightPlan {
    plan_night(
        NIGHT,
        &specs(sites),
        Vec::new(),
        objs,
        done,
        &settings(),
        eop(),
    )
    .expect("plan")
}

fn epoch(s: &str) -> Epoch {
    Epoch::parse_iso(s.trim_end_matches('Z')).expect("ISO time")
}

fn seconds(a: Epoch, b: Epoch) -> f64 {
    b.minutes_since(a) * 60.0
}

/// Checks a published plan from the outside: every observation inside its node's dark
/// interval with the Sun below −12° and the object sunlit and above the minimum
/// elevation at start, middle and end (pointings as the product gives them, predicted by
/// `predict`), in time order, with room for the slew between the previous observation's
/// end pointing and this one's start pointing and the settling time.
fn check_document(doc: &PlanDocument, sites: &[Site], objs: &[PlanObject], s: &PlanSettings) {
    let min_el = s.window.min_el_deg - 0.05;
    for node in &doc.nodes {
        let site = sites.iter().find(|x| x.id == node.site).expect("site");
        let mount = MountModel::new(&site.telescope, site.geodetic.lat_rad, s.accel_deg_s2);
        let (dark0, dark1) = (epoch(&node.dark_from_utc), epoch(&node.dark_to_utc));
        let mut prev: Option<(Epoch, [f64; 3])> = None;
        for o in &node.observations {
            let (t0, t1) = (epoch(&o.start_utc), epoch(&o.end_utc));
            assert!(t1 > t0, "{} #{}: empty", node.site, o.seq);
            assert!(
                seconds(dark0, t0) >= -1e-3 && seconds(t1, dark1) >= -1e-3,
                "{} #{}: outside the dark interval",
                node.site,
                o.seq
            );
            for t in [t0, t1] {
                let sun = sun_elevation_rad(&site.geodetic, t, eop()).to_degrees();
                assert!(
                    sun <= s.window.max_sun_el_deg + 0.1,
                    "{} #{}: Sun at {sun}°",
                    node.site,
                    o.seq
                );
            }
            assert_eq!(
                o.pointing.len(),
                3,
                "{} #{}: three pointings",
                node.site,
                o.seq
            );
            for p in &o.pointing {
                assert!(
                    p.el_deg >= min_el,
                    "{} #{} {}: elevation {} below {}",
                    node.site,
                    o.seq,
                    p.at,
                    p.el_deg,
                    min_el
                );
            }
            if let Some(n) = o.norad {
                let obj = objs
                    .iter()
                    .find(|x| x.elements.norad_cat_id == n)
                    .expect("object");
                let sat = aposos_orbit::Sgp4::new(&obj.elements).expect("sgp4");
                for t in [t0, t1] {
                    let lit = illumination_at(&sat, t, eop()).expect("illumination");
                    assert!(lit.is_sunlit(), "{} #{}: {n} in shadow", node.site, o.seq);
                }
            }
            let start_p = enu_of(
                o.pointing[0].az_deg.to_radians(),
                o.pointing[0].el_deg.to_radians(),
            );
            let end_p = enu_of(
                o.pointing[2].az_deg.to_radians(),
                o.pointing[2].el_deg.to_radians(),
            );
            if let Some((prev_end, prev_p)) = prev {
                let gap = seconds(prev_end, t0);
                let need = mount.slew_s(prev_p, start_p) + s.settle_s;
                // 0.1 s covers light time and aberration between the planner's geometric
                // pointings and the product's astrometric ones.
                assert!(
                    gap >= need - 0.1,
                    "{} #{}: {gap:.2} s after the previous one, needs {need:.2} s",
                    node.site,
                    o.seq
                );
            }
            prev = Some((t1, end_p));
        }
    }
}

#[test]
fn plans_are_feasible_better_than_greedy_and_below_the_bound() {
    let sites = nodes3();
    let elements = catalog(600);
    let objs = objects(&elements, &[]);
    let p = plan(&sites, objs.clone(), &[]);
    let pb = &p.problem;
    assert!(
        pb.candidates.len() > 200,
        "{} candidates",
        pb.candidates.len()
    );
    for (name, sol) in [
        ("baseline", &p.plans.baseline),
        ("greedy", &p.plans.greedy),
        ("best", &p.plans.best),
    ] {
        assert!(!sol.is_empty(), "{name}: empty");
        let v = violations(pb, sol);
        assert!(v.is_empty(), "{name}: {v:?}");
        assert!(
            sol.value(pb) <= p.bound.value + 1e-6,
            "{name}: {} above the bound {}",
            sol.value(pb),
            p.bound.value
        );
    }
    assert!(p.violations.is_empty());
    let s = p.summary();
    assert!(s.value >= s.greedy_value - 1e-9, "{s:?}");
    assert!(s.value > s.baseline_value * 1.05, "{s:?}");
    assert!(s.distinct_objects > s.baseline_distinct_objects, "{s:?}");
    assert!(s.bound_value <= s.unlimited_value + 1e-6);
    let doc = p.document(eop());
    assert!(doc.feasible);
    assert_eq!(doc.nodes.len(), 3);
    check_document(&doc, &sites, &objs, &pb.settings);
}

#[test]
fn the_checker_finds_broken_plans() {
    let sites = nodes3();
    let p = plan(&sites[..2], objects(&catalog(300), &[]), &[]);
    let pb = &p.problem;
    let good = &p.plans.best;
    assert!(good.nodes[0].len() >= 3 && !good.nodes[1].is_empty());
    // Two observations squeezed together: no time to slew and settle.
    let mut overlap = good.clone();
    let (a, b) = (overlap.nodes[0][0], overlap.nodes[0][1]);
    overlap.nodes[0][1].start_s = a.start_s + pb.candidates[a.cand].duration_s + 0.5;
    let moved_inside = overlap.nodes[0][1].start_s >= pb.candidates[b.cand].start_s;
    if moved_inside {
        assert!(!violations(pb, &overlap).is_empty());
    }
    // An observation outside its window.
    let mut outside = good.clone();
    let s = outside.nodes[0][0];
    outside.nodes[0][0].start_s = pb.candidates[s.cand].end_s - 1.0;
    assert!(violations(pb, &outside)
        .iter()
        .any(|v| v.contains("outside")));
    // A node's observations handed to another node.
    let mut swapped = good.clone();
    swapped.nodes.swap(0, 1);
    assert!(violations(pb, &swapped)
        .iter()
        .any(|v| v.contains("another node")));
    // A slew that is too short: the slot starts right after dusk at a far pointing.
    let mut early = good.clone();
    let first: Slot = early.nodes[0][0];
    let c = &pb.candidates[first.cand];
    if c.start_s <= pb.nodes[0].dark_s.0 + 1.0 {
        early.nodes[0][0].start_s = pb.nodes[0].dark_s.0;
        assert!(!violations(pb, &early).is_empty());
    }
}

#[test]
fn the_network_shares_objects_between_nodes() {
    // Two telescopes side by side: on their own each takes the best objects, so both
    // observe the same ones; planned together they split them.
    let one = nodes3().remove(0);
    let mut twin = one.clone();
    twin.id = format!("{}-b", one.id);
    let sites = vec![one, twin];
    // Long tracklets (20 exposures 10 s apart): two telescopes cannot take every object.
    let long = PlanSettings {
        frames: 20,
        cadence_s: 10.0,
        survey: false,
        ..settings()
    };
    let p = plan_night(
        NIGHT,
        &specs(&sites),
        Vec::new(),
        objects(&catalog(500), &[]),
        &[],
        &long,
        eop(),
    )
    .expect("plan");
    let s = p.summary();
    assert!(
        s.distinct_objects as f64 > 1.3 * s.baseline_distinct_objects as f64,
        "{s:?}"
    );
    assert!(p.violations.is_empty(), "{:?}", p.violations);
}

#[test]
fn requested_objects_are_observed_as_often_as_asked() {
    let sites = nodes3();
    let elements = catalog(600);
    // Find objects with at least two windows in the night, then request them.
    let probe = plan(&sites, objects(&elements, &[]), &[]);
    let mut windows = std::collections::HashMap::<usize, usize>::new();
    for c in &probe.problem.candidates {
        *windows.entry(c.target).or_default() += 1;
    }
    let requested: Vec<u32> = probe
        .problem
        .targets
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match t.kind {
            TargetKind::Object { norad, .. } if windows.get(&i).copied().unwrap_or(0) >= 3 => {
                Some(norad)
            }
            _ => None,
        })
        .take(10)
        .collect();
    assert_eq!(requested.len(), 10);
    let p = plan(&sites, objects(&elements, &requested), &[]);
    let mut count = std::collections::HashMap::<u32, u32>::new();
    for s in p.plans.best.nodes.iter().flatten() {
        if let TargetKind::Object { norad, .. } =
            p.problem.targets[p.problem.candidates[s.cand].target].kind
        {
            *count.entry(norad).or_default() += 1;
        }
    }
    for n in &requested {
        assert!(
            count.get(n).copied().unwrap_or(0) >= 2,
            "{n}: {:?}",
            count.get(n)
        );
    }
}

#[test]
fn a_replan_keeps_what_was_done_and_plans_only_after_now() {
    let sites = nodes3();
    let elements = catalog(400);
    let objs = objects(&elements, &[]);
    let first = plan(&sites, objs.clone(), &[]);
    let doc = first.document(eop());
    // Half-way through the first node's night, the second node drops out.
    let node0 = &doc.nodes[0];
    let n_obs = node0.observations.len();
    assert!(n_obs >= 6);
    let now = epoch(&node0.observations[n_obs / 2].start_utc);
    let mut done = Vec::new();
    for n in &doc.nodes {
        for o in &n.observations {
            if let Some(norad) = o.norad {
                if epoch(&o.start_utc) < now {
                    done.push(DoneObservation {
                        site: n.site.clone(),
                        norad,
                        start: epoch(&o.start_utc),
                    });
                }
            }
        }
    }
    assert!(!done.is_empty());
    let mut specs: Vec<NodeSpec> = sites
        .iter()
        .map(|s| NodeSpec {
            site: s.clone(),
            not_before: Some(now),
        })
        .collect();
    // The dropped node keeps what it did and gets nothing new.
    specs[1].not_before = Some(now.add_ns(3 * 86_400_000_000_000));
    let again = plan_night(
        NIGHT,
        &specs,
        Vec::new(),
        objs.clone(),
        &done,
        &settings(),
        eop(),
    )
    .expect("re-plan");
    assert!(again.violations.is_empty(), "{:?}", again.violations);
    let redoc = again.document(eop());
    for d in &done {
        let node = redoc.nodes.iter().find(|n| n.site == d.site).expect("node");
        assert!(
            node.observations
                .iter()
                .any(|o| o.done && o.norad == Some(d.norad) && epoch(&o.start_utc) == d.start),
            "{} {} lost",
            d.site,
            d.norad
        );
    }
    for n in &redoc.nodes {
        for o in n.observations.iter().filter(|o| !o.done) {
            assert!(
                epoch(&o.start_utc) >= now,
                "{} #{} before now",
                n.site,
                o.seq
            );
            assert_ne!(n.site, sites[1].id, "a new observation at the dropped node");
        }
    }
    assert!(redoc.nodes[0].observations.iter().any(|o| !o.done));
    check_document(&redoc, &sites, &objs, &again.problem.settings);
}

#[test]
fn eight_nodes_from_the_test_sites_file() {
    let text = include_str!("data/sites-eight-nodes.toml");
    let sites = parse_sites("sites-eight-nodes.toml", text).expect("sites");
    assert_eq!(sites.len(), 8);
    let objs = objects(&catalog(300), &[]);
    let p = plan(&sites, objs.clone(), &[]);
    assert!(p.violations.is_empty(), "{:?}", p.violations);
    let doc = p.document(eop());
    let busy = doc
        .nodes
        .iter()
        .filter(|n| !n.observations.is_empty())
        .count();
    assert!(busy >= 6, "{busy} nodes with observations");
    check_document(&doc, &sites, &objs, &p.problem.settings);
    assert!(p.summary().value <= p.bound.value + 1e-6);
}

#[test]
fn bad_nights_and_settings_are_refused() {
    let sites = nodes3();
    for night in ["2026-02-30", "2026-5-20", "tonight", ""] {
        let r = plan_night(
            night,
            &specs(&sites),
            Vec::new(),
            Vec::new(),
            &[],
            &settings(),
            eop(),
        );
        assert!(r.is_err(), "{night:?}");
    }
    let bad = PlanSettings {
        exposure_s: 5.0,
        cadence_s: 2.0,
        ..settings()
    };
    let e = plan_night(
        NIGHT,
        &specs(&sites),
        Vec::new(),
        Vec::new(),
        &[],
        &bad,
        eop(),
    )
    .expect_err("refused");
    assert!(e.to_string().contains("exposure_s"), "{e}");
}
