//! Angles-only initial orbits (Gauss, iterated) against the truth that made the
//! measurements (SGP4 predictions from a node, exact), for LEO, MEO and GEO objects;
//! then the initial orbit as the start of an SGP4 fit.

use aposos_astro::Eop;
use aposos_formats::obs::{Angles, Observation, RaDecFrame};
use aposos_formats::Epoch;
use aposos_orbit::od::iod::{gauss, state_to_elements};
use aposos_orbit::od::{fit_sgp4, prepare_measurements, Sgp4FitOptions};
use aposos_orbit::synthetic::{generate_catalog, Regime};
use aposos_orbit::Sgp4;
use aposos_plan::predict::{PredictOptions, TrackPredictor};
use aposos_plan::sites::network;
use std::collections::HashMap;

fn obs_at(
    sat: &Sgp4,
    site: &str,
    geodetic: &aposos_astro::Geodetic,
    times: &[Epoch],
) -> Vec<Observation> {
    let eop = Eop::embedded();
    let mut p = TrackPredictor::new(sat, geodetic, eop, PredictOptions::default());
    times
        .iter()
        .map(|&t| {
            let a = p.angles(t).unwrap();
            Observation {
                station: site.into(),
                norad_cat_id: Some(sat.norad_cat_id()),
                object_id: None,
                time: t,
                time_sigma_s: None,
                angles: Angles::RaDec {
                    ra_deg: a.ra_deg,
                    dec_deg: a.dec_deg,
                    frame: RaDecFrame::J2000,
                },
                angle_sigma_deg: Some(1.0 / 3600.0),
                mag: None,
                mag_sigma: None,
                tracklet_id: None,
                iod: None,
                provenance: None,
            }
        })
        .collect()
}

#[test]
fn gauss_finds_leo_meo_and_geo_orbits_and_the_fit_refines_them() {
    let t0 = Epoch::parse_iso("2026-05-20T18:00:00").unwrap();
    let cat = generate_catalog(400, 17, t0);
    let site = network()
        .into_iter()
        .find(|s| s.id == "pk-islamabad")
        .unwrap();
    let sites: HashMap<String, aposos_astro::Geodetic> =
        HashMap::from([(site.id.clone(), site.geodetic)]);
    let eop = Eop::embedded();
    for (regime, spacing_s) in [
        (Regime::SunSynchronous, 120.0),
        (Regime::LeoDebris, 150.0),
        (Regime::MeoNavigation, 1200.0),
        (Regime::Geo, 3600.0),
    ] {
        // An object of the regime and a start at which the three times are well above
        // the horizon (as a telescope would see them).
        let up = |sat: &Sgp4, t: Epoch| {
            let mut p = TrackPredictor::new(sat, &site.geodetic, eop, PredictOptions::default());
            (0..3).all(|k| {
                p.angles(t.add_ns((k as f64 * spacing_s * 1e9) as i64))
                    .is_ok_and(|a| a.el_deg > 25.0)
            })
        };
        let (obj, start) = cat
            .iter()
            .filter(|o| o.regime == regime)
            .find_map(|o| {
                let sat = Sgp4::new(&o.elements).ok()?;
                (0..1440)
                    .map(|k| t0.add_ns(k * 60_000_000_000))
                    .find(|&t| up(&sat, t))
                    .map(|t| (o, t))
            })
            .expect("an observable object of the regime");
        let sat = Sgp4::new(&obj.elements).unwrap();
        let times: Vec<Epoch> = (0..3)
            .map(|k| start.add_ns((k as f64 * spacing_s * 1e9) as i64))
            .collect();
        let obs = obs_at(&sat, &site.id, &site.geodetic, &times);
        let (m, _) = prepare_measurements(&obs, &sites, eop, 1.0);
        let cands = gauss(&m[0], &m[1], &m[2]);
        assert!(!cands.is_empty(), "{regime:?}: no candidate");
        // The truth at the state's epoch in GCRS.
        let best = cands
            .iter()
            .map(|c| {
                let s = sat.propagate(c.epoch.minutes_since(sat.epoch())).unwrap();
                let r = aposos_astro::frames::mxv(&m[1].teme_to_gcrs, s.position_km);
                let d: f64 = (0..3)
                    .map(|k| (r[k] - c.position_km[k]).powi(2))
                    .sum::<f64>()
                    .sqrt();
                (d, c)
            })
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .unwrap();
        let range = best.1.ranges_km[1];
        eprintln!(
            "{regime:?}: {} candidate(s), best {:.3} km off at range {range:.0} km",
            cands.len(),
            best.0
        );
        // Two-body over the arc against SGP4's J2 motion: within 1 % of the range.
        assert!(best.0 < 0.01 * range, "{regime:?}: {} km", best.0);

        // The initial orbit starts an SGP4 fit to a denser arc, which finds the truth.
        let dense: Vec<Epoch> = (0..25)
            .map(|k| start.add_ns((k as f64 * spacing_s / 12.0 * 1e9) as i64))
            .collect();
        let obs = obs_at(&sat, &site.id, &site.geodetic, &dense);
        let (dm, _) = prepare_measurements(&obs, &sites, eop, 1.0);
        let start =
            state_to_elements(best.1, &m[1], obj.elements.norad_cat_id).expect("bound orbit");
        let fit = fit_sgp4(
            &start,
            &dm,
            &Sgp4FitOptions {
                fit_bstar: Some(false),
                min_full_arc_periods: 0.0,
                prior: None,
                ..Sgp4FitOptions::default()
            },
        )
        .expect("fit");
        assert!(fit.converged, "{regime:?}");
        assert!(fit.rms_arcsec < 0.5, "{regime:?}: rms {}", fit.rms_arcsec);
    }
}

/// Distance (km) of the best of `cands` from the truth at its epoch (GCRS).
fn best_error_km(
    sat: &Sgp4,
    m: &aposos_orbit::od::AngleMeasurement,
    cands: &[aposos_orbit::od::iod::InitialOrbit],
) -> Option<(f64, usize)> {
    cands
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let s = sat.propagate(c.epoch.minutes_since(sat.epoch())).unwrap();
            let r = aposos_astro::frames::mxv(&m.teme_to_gcrs, s.position_km);
            let d: f64 = (0..3)
                .map(|k| (r[k] - c.position_km[k]).powi(2))
                .sum::<f64>()
                .sqrt();
            (d, i)
        })
        .min_by(|a, b| a.0.total_cmp(&b.0))
}

#[test]
fn gooding_finds_orbits_on_long_arcs_and_across_revolutions() {
    use aposos_orbit::od::gooding::{gooding, GoodingOptions};
    let t0 = Epoch::parse_iso("2026-05-20T18:00:00").unwrap();
    let cat = generate_catalog(400, 17, t0);
    let site = network()
        .into_iter()
        .find(|s| s.id == "pk-islamabad")
        .unwrap();
    let sites: HashMap<String, aposos_astro::Geodetic> =
        HashMap::from([(site.id.clone(), site.geodetic)]);
    let eop = Eop::embedded();
    let visible = |sat: &Sgp4, t: Epoch| {
        let mut p = TrackPredictor::new(sat, &site.geodetic, eop, PredictOptions::default());
        p.angles(t).is_ok_and(|a| a.el_deg > 20.0)
    };
    let minute = |t: Epoch, k: f64| t.add_ns((k * 60e9) as i64);
    // (regime, offsets of the three measurements in minutes, or None for "the next pass",
    // revolutions to try, the largest error allowed as a fraction of the range).
    type Case = (Regime, [Option<f64>; 3], u32, f64);
    let cases: [Case; 4] = [
        // Short arc: Gauss's territory; Gooding must agree.
        (
            Regime::SunSynchronous,
            [Some(0.0), Some(2.0), Some(4.0)],
            0,
            0.01,
        ),
        // A third of a GEO orbit, 8 hours (Gauss's series start is poor here; its
        // differential correction still recovers it).
        (Regime::Geo, [Some(0.0), Some(240.0), Some(480.0)], 0, 0.005),
        // Navigation MEO over 5 hours (⅜ of a revolution).
        (
            Regime::MeoNavigation,
            [Some(0.0), Some(150.0), Some(300.0)],
            0,
            0.01,
        ),
        // LEO: two exposures of one pass and one of the next pass, a revolution later,
        // where Gauss finds nothing. Two-body against SGP4's J2 over a revolution: tens
        // of km, which the SGP4 fit then removes.
        (Regime::LeoDebris, [Some(0.0), Some(3.0), None], 2, 0.05),
    ];
    for (regime, offsets, revolutions, tolerance) in cases {
        let found = cat.iter().filter(|o| o.regime == regime).find_map(|o| {
            let sat = Sgp4::new(&o.elements).ok()?;
            (0..1440).find_map(|k| {
                let t = minute(t0, k as f64);
                let a = minute(t, offsets[0]?);
                let b = minute(t, offsets[1]?);
                if !(visible(&sat, a) && visible(&sat, b)) {
                    return None;
                }
                let c = match offsets[2] {
                    Some(x) => Some(minute(t, x)).filter(|&c| visible(&sat, c)),
                    // The next pass: the first visible minute after it has set.
                    None => (10..200)
                        .map(|j| minute(b, j as f64))
                        .skip_while(|&c| visible(&sat, c))
                        .find(|&c| visible(&sat, c)),
                }?;
                Some((sat.clone(), [a, b, c]))
            })
        });
        let (sat, times) = found.expect("an observable object of the regime");
        let obs = obs_at(&sat, &site.id, &site.geodetic, &times);
        let (m, _) = prepare_measurements(&obs, &sites, eop, 1.0);
        let opts = GoodingOptions {
            max_revolutions: revolutions,
            ..GoodingOptions::default()
        };
        let cands = gooding(&m[0], &m[1], &m[2], &opts);
        let (err, best) = best_error_km(&sat, &m[1], &cands).expect("a Gooding solution");
        let range = cands[best].ranges_km[1];
        let gauss_err = best_error_km(&sat, &m[1], &gauss(&m[0], &m[1], &m[2]));
        eprintln!(
            "{regime:?}: spacing {:.0}/{:.0} min, {} Gooding solution(s), best {err:.3} km \
             off at range {range:.0} km; Gauss: {}",
            times[1].minutes_since(times[0]),
            times[2].minutes_since(times[1]),
            cands.len(),
            gauss_err.map_or("no solution".into(), |g| format!("{:.3} km", g.0))
        );
        assert!(err < tolerance * range, "{regime:?}: {err} km");

        // The solution starts an SGP4 fit to a denser version of the same arcs.
        let dense: Vec<Epoch> = times
            .iter()
            .flat_map(|&t| (-2..=2).map(move |k| t.add_ns(k * 20_000_000_000)))
            .collect();
        let obs = obs_at(&sat, &site.id, &site.geodetic, &dense);
        let (dm, _) = prepare_measurements(&obs, &sites, eop, 1.0);
        let start = state_to_elements(&cands[best], &m[1], sat.norad_cat_id()).expect("bound");
        let fit = fit_sgp4(
            &start,
            &dm,
            &Sgp4FitOptions {
                fit_bstar: Some(false),
                min_full_arc_periods: 0.0,
                prior: None,
                ..Sgp4FitOptions::default()
            },
        )
        .expect("fit");
        assert!(
            fit.converged && fit.rms_arcsec < 0.5,
            "{regime:?}: rms {}",
            fit.rms_arcsec
        );
    }
}
