//! Pass events against Skyfield's `EarthSatellite.find_events` (tests/data/skyfield/passes.csv,
//! made by make_passes_reference.py with the same finals2000A.all): rise, culmination and
//! set within 1 s, and the same events found.

use aposos_astro::{Eop, Geodetic};
use aposos_formats::{read_elements, ElementSet, Epoch, ReadOptions};
use aposos_plan::passes::{find_passes, EarthClock, Observer, Target};
use std::collections::BTreeMap;

fn vallado(norad: &str) -> ElementSet {
    let text = include_str!("../../../tests/data/SGP4-VER.TLE");
    let lines: Vec<&str> = text.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with(&format!("1 {norad}")))
        .expect("object in SGP4-VER.TLE");
    let two = format!("{}\n{}\n", &lines[i][..69], &lines[i + 1][..69]);
    read_elements("t", &two, &ReadOptions::default())
        .elements
        .into_iter()
        .next()
        .expect("element set")
}

/// (norad, site, min_el) → (lat, lon, h, from, to, [(event, time)]).
type Cases =
    BTreeMap<(String, String, String), (f64, f64, f64, Epoch, Epoch, Vec<(u8, Epoch, f64)>)>;

fn cases() -> Cases {
    let text = include_str!("../../../tests/data/skyfield/passes.csv");
    let mut out = Cases::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let e = out
            .entry((f[0].to_string(), f[1].to_string(), f[7].to_string()))
            .or_insert_with(|| {
                (
                    f[2].parse().unwrap(),
                    f[3].parse().unwrap(),
                    f[4].parse().unwrap(),
                    Epoch::parse_iso(f[5]).unwrap(),
                    Epoch::parse_iso(f[6]).unwrap(),
                    Vec::new(),
                )
            });
        e.5.push((
            f[8].parse().unwrap(),
            Epoch::parse_iso(f[9]).unwrap(),
            f[10].parse().unwrap(),
        ));
    }
    out
}

#[test]
fn rise_culmination_set_within_one_second_of_skyfield() {
    let eop = Eop::embedded();
    let mut worst = [0.0f64; 3];
    let mut compared = [0usize; 3];
    let mut extra: Vec<String> = Vec::new();
    for ((norad, site, min_el), (lat, lon, h, from, to, events)) in cases() {
        let min_el: f64 = min_el.parse().unwrap();
        let target = Target::new(&vallado(&norad)).unwrap();
        let obs = Observer::new(&Geodetic::from_degrees(lat, lon, h));
        let clock = EarthClock::new(from, to, eop);
        let passes = find_passes(&target, &obs, &clock, min_el).unwrap();
        let mut ours: Vec<(u8, Epoch)> = Vec::new();
        for p in &passes {
            if let Some(r) = p.rise_utc {
                ours.push((0, r));
            }
            // Skyfield reports no culmination at the interval's edges.
            let tc = clock.seconds_to(p.culminate_utc);
            if tc > 1.0 && tc < clock.span_s() - 1.0 {
                ours.push((1, p.culminate_utc));
            }
            if let Some(s) = p.set_utc {
                ours.push((2, s));
            }
        }
        // Skyfield lists every local maximum of a long (HEO) pass; ours is the highest: keep
        // Skyfield's highest culmination between consecutive rises/sets.
        let mut events_kept: Vec<(u8, Epoch)> = Vec::new();
        let mut best_culm: Option<(Epoch, f64)> = None;
        for &(kind, t, el) in &events {
            if kind == 1 {
                if best_culm.is_none_or(|(_, e)| el > e) {
                    best_culm = Some((t, el));
                }
                continue;
            }
            if let Some((tc, _)) = best_culm.take() {
                events_kept.push((1, tc));
            }
            events_kept.push((kind, t));
        }
        if let Some((tc, _)) = best_culm {
            events_kept.push((1, tc));
        }
        let events = events_kept;
        let ctx = format!("{norad} at {site} above {min_el}°");
        let dist = |a: Epoch, b: Epoch| (a.ns_since_1950() - b.ns_since_1950()).abs() as f64 * 1e-9;
        for &(kind, t) in &events {
            let best = ours
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, o)| dist(*o, t))
                .fold(f64::INFINITY, f64::min);
            assert!(
                best <= 1.0,
                "{ctx}: Skyfield event {kind} at {t} has no match within 1 s (nearest {best} s)"
            );
            worst[kind as usize] = worst[kind as usize].max(best);
            compared[kind as usize] += 1;
        }
        for &(kind, t) in &ours {
            let best = events
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, o)| dist(*o, t))
                .fold(f64::INFINITY, f64::min);
            if best > 1.0 {
                // Skyfield's find_events misses the set and the next rise between two
                // culminations of a long HEO pass-pair; check such events on their own.
                let el_at = |dt: f64| {
                    let (r, v) = target.itrf(&clock, clock.seconds_to(t) + dt).unwrap();
                    obs.look(r, v).el_rad.to_degrees()
                };
                if kind == 1 {
                    assert!(
                        el_at(-1.0) <= el_at(0.0) && el_at(1.0) <= el_at(0.0),
                        "{ctx}: {t}"
                    );
                } else {
                    assert!((el_at(0.0) - min_el).abs() < 1e-5, "{ctx}: {t}");
                    assert!(
                        (el_at(1.0) - min_el) * (el_at(-1.0) - min_el) < 0.0,
                        "{ctx}: {t}"
                    );
                }
                extra.push(format!("{ctx}: event {kind} at {t}"));
            }
        }
    }
    eprintln!(
        "max |ours - Skyfield| over {compared:?} rise/culmination/set events: rise {:.4} s, culmination {:.4} s, set {:.4} s",
        worst[0], worst[1], worst[2]
    );
    eprintln!(
        "{} events of ours not in Skyfield's list (checked on their own):",
        extra.len()
    );
    for e in &extra {
        eprintln!("  {e}");
    }
    assert!(compared.iter().all(|&n| n > 20));
    assert!(
        extra.len() * 20 < compared.iter().sum::<usize>(),
        "{extra:?}"
    );
}
