//! The simulator against the independent prediction path: every simulated exposure is
//! where `aposos_plan::predict::predict` (checked against Skyfield) puts the object, and it
//! is really observable then; errors, biases and weather follow the settings; runs repeat.

use aposos_astro::Eop;
use aposos_formats::obs::{read_observations, write_observations, Angles, ObsFormat};
use aposos_formats::Epoch;
use aposos_obs::simulate::{
    simulate, Schedule, SimOutput, SimRequest, SimSettings, TelescopeSettings,
};
use aposos_orbit::synthetic::generate_catalog;
use aposos_plan::predict::{predict, PredictOptions};
use aposos_plan::sites::{network, Role, Site};
use aposos_plan::windows::{CatalogObject, WindowOptions};
use std::collections::BTreeMap;

fn epoch(s: &str) -> Epoch {
    Epoch::parse_iso(s).expect("epoch")
}

fn catalog(count: usize) -> Vec<CatalogObject> {
    generate_catalog(count, 11, epoch("2026-05-20T00:00:00"))
        .into_iter()
        .map(|o| CatalogObject {
            elements: o.elements,
            std_mag: Some(6.0),
        })
        .collect()
}

fn nodes() -> Vec<Site> {
    network()
        .into_iter()
        .filter(|s| s.role == Role::Node)
        .collect()
}

fn run(
    objects: &[CatalogObject],
    settings: &SimSettings,
    seed: u64,
    schedule: Schedule,
) -> SimOutput {
    let sites = nodes();
    let eop = Eop::embedded();
    simulate(&SimRequest {
        objects,
        sites: &sites,
        from: epoch("2026-05-20T12:00:00"),
        to: epoch("2026-05-21T12:00:00"),
        eop,
        window: WindowOptions {
            min_el_deg: 15.0,
            ..WindowOptions::default()
        },
        settings,
        schedule,
        seed,
        uncorrelated: false,
    })
    .expect("simulation")
}

fn clear_sky(t: TelescopeSettings) -> SimSettings {
    SimSettings {
        defaults: TelescopeSettings {
            cloud_probability: 0.0,
            ..t
        },
        sites: BTreeMap::new(),
    }
}

fn exact() -> TelescopeSettings {
    TelescopeSettings {
        noise_arcsec: 0.0,
        timing_jitter_ms: 0.0,
        mag_noise: 0.0,
        ..TelescopeSettings::default()
    }
}

#[test]
fn every_exposure_is_where_predict_puts_it_and_is_observable() {
    let objects = catalog(400);
    let out = run(&objects, &clear_sky(exact()), 3, Schedule::Greedy);
    let eop = Eop::embedded();
    let sites = nodes();
    assert!(
        out.truth.tracklets.len() > 100,
        "{} tracklets",
        out.truth.tracklets.len()
    );
    let mut worst_mas: f64 = 0.0;
    let mut checked = 0;
    let by_norad: BTreeMap<u32, &CatalogObject> = objects
        .iter()
        .map(|o| (o.elements.norad_cat_id, o))
        .collect();
    for t in &out.truth.tracklets {
        let site = sites.iter().find(|s| s.id == t.site).expect("site");
        let o = by_norad[&t.norad_cat_id];
        let sat = aposos_orbit::Sgp4::new(&o.elements).expect("sgp4");
        for f in &t.frames {
            let p = predict(
                &sat,
                &site.geodetic,
                epoch(&f.time_utc),
                eop,
                &PredictOptions::default(),
                o.std_mag,
            )
            .expect("predict");
            let d_ra = (f.ra_deg - p.ra_deg) * p.dec_deg.to_radians().cos();
            let d_dec = f.dec_deg - p.dec_deg;
            worst_mas = worst_mas.max(d_ra.hypot(d_dec) * 3.6e6);
            // Exact settings: what is written is the truth.
            assert_eq!(f.reported_utc, f.time_utc);
            assert!(
                (f.ra_obs_deg - f.ra_deg).abs() < 1e-9 && (f.dec_obs_deg - f.dec_deg).abs() < 1e-9
            );
            // Observable: dark, above the mask and 15°, sunlit, bright enough, away from the Moon.
            let min_el = site.mask_rad(p.az_deg.to_radians()).to_degrees().max(15.0);
            assert!(
                p.el_deg >= min_el - 0.01,
                "{} el {} < {min_el}",
                t.id,
                p.el_deg
            );
            assert!(
                p.sun_el_deg <= -12.0 + 0.01,
                "{} Sun at {}",
                t.id,
                p.sun_el_deg
            );
            assert!(p.sunlit, "{} in shadow at {}", t.id, f.time_utc);
            assert!(
                p.mag
                    .is_some_and(|m| m <= site.telescope.limiting_mag + 0.01),
                "{} too faint",
                t.id
            );
            assert!(
                p.moon_sep_deg >= 10.0 - 0.01,
                "{} at {}: Moon {}",
                t.id,
                f.time_utc,
                p.moon_sep_deg
            );
            checked += 1;
        }
    }
    assert!(worst_mas < 1.0, "worst {worst_mas} mas from predict");
    // Every clear night of every node took tracklets, and the count matches the truth's.
    assert_eq!(out.observations.len(), checked);
    assert!(
        out.truth
            .nights
            .iter()
            .all(|n| !n.clouded && n.tracklets > 0),
        "{:?}",
        out.truth.nights
    );
}

#[test]
fn one_telescope_never_does_two_things_at_once() {
    let objects = catalog(600);
    let s = TelescopeSettings::default();
    let out = run(&objects, &clear_sky(s.clone()), 5, Schedule::Greedy);
    let mut by_site: BTreeMap<&str, Vec<(Epoch, Epoch)>> = BTreeMap::new();
    for t in &out.truth.tracklets {
        assert!(t.frames.len() >= s.min_frames as usize && t.frames.len() <= s.frames as usize);
        let a = epoch(&t.frames[0].time_utc);
        let b = epoch(&t.frames[t.frames.len() - 1].time_utc);
        by_site.entry(&t.site).or_default().push((a, b));
    }
    for (site, mut spans) in by_site {
        spans.sort_by_key(|s| s.0.ns_since_1950());
        for w in spans.windows(2) {
            let gap_s = w[1].0.minutes_since(w[0].1) * 60.0;
            assert!(
                gap_s >= s.overhead_s - 1e-6,
                "{site}: {gap_s} s between tracklets"
            );
        }
    }
    // Every window can hold a tracklet when the node is not limited to one telescope.
    let every = run(&objects, &clear_sky(s), 5, Schedule::EveryWindow);
    assert!(every.truth.tracklets.len() > out.truth.tracklets.len());
}

#[test]
fn errors_and_biases_follow_the_settings() {
    let objects = catalog(1000);
    let mut settings = clear_sky(TelescopeSettings {
        noise_arcsec: 2.0,
        timing_jitter_ms: 5.0,
        ..TelescopeSettings::default()
    });
    let biased = TelescopeSettings {
        bias_ra_arcsec: 10.0,
        bias_dec_arcsec: -4.0,
        timing_bias_ms: 30.0,
        ..settings.defaults.clone()
    };
    settings.sites.insert("pe-characato".into(), biased);
    let out = run(&objects, &settings, 9, Schedule::EveryWindow);
    // Per biased-or-not: on-sky RA, Dec (arcsec) and timing (ms) errors.
    type Errors = (Vec<f64>, Vec<f64>, Vec<f64>);
    let mut stats: BTreeMap<bool, Errors> = BTreeMap::new();
    for t in &out.truth.tracklets {
        let e = stats.entry(t.site == "pe-characato").or_default();
        for f in &t.frames {
            e.0.push((f.ra_obs_deg - f.ra_deg) * f.dec_deg.to_radians().cos() * 3600.0);
            e.1.push((f.dec_obs_deg - f.dec_deg) * 3600.0);
            e.2.push(epoch(&f.reported_utc).minutes_since(epoch(&f.time_utc)) * 60_000.0);
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let sd = |v: &[f64]| {
        let m = mean(v);
        (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len() as f64).sqrt()
    };
    for (biased, (ra, dec, dt)) in &stats {
        // Tolerances: 4 standard errors of the estimates for the frames at hand.
        let n = ra.len() as f64;
        assert!(n > 2000.0, "{n} frames");
        let (b_ra, b_dec, b_t) = if *biased {
            (10.0, -4.0, 30.0)
        } else {
            (0.0, 0.0, 0.0)
        };
        assert!(
            (mean(ra) - b_ra).abs() < 4.0 * 2.0 / n.sqrt(),
            "RA bias {}",
            mean(ra)
        );
        assert!(
            (mean(dec) - b_dec).abs() < 4.0 * 2.0 / n.sqrt(),
            "Dec bias {}",
            mean(dec)
        );
        assert!(
            (mean(dt) - b_t).abs() < 4.0 * 5.0 / n.sqrt(),
            "timing bias {}",
            mean(dt)
        );
        let sd_tol = 4.0 * 2.0 / (2.0 * n).sqrt();
        assert!(
            (sd(ra) - 2.0).abs() < sd_tol && (sd(dec) - 2.0).abs() < sd_tol,
            "noise {} {}",
            sd(ra),
            sd(dec)
        );
        assert!(
            (sd(dt) - 5.0).abs() < 4.0 * 5.0 / (2.0 * n).sqrt(),
            "jitter {}",
            sd(dt)
        );
    }
    // The observations carry the measured values and their uncertainties.
    let o = &out.observations[0];
    assert_eq!(o.angle_sigma_deg, Some(2.0 / 3600.0));
    assert_eq!(o.time_sigma_s, Some(0.005));
    assert!(o.tracklet_id.is_some() && o.norad_cat_id.is_some());
}

#[test]
fn runs_repeat_for_a_seed_and_weather_follows_its_probability() {
    let objects = catalog(300);
    let cloudy = SimSettings {
        defaults: TelescopeSettings {
            cloud_probability: 0.5,
            ..TelescopeSettings::default()
        },
        sites: BTreeMap::new(),
    };
    let a = run(&objects, &cloudy, 21, Schedule::Greedy);
    let b = run(&objects, &cloudy, 21, Schedule::Greedy);
    assert_eq!(a.observations, b.observations);
    assert_eq!(a.truth, b.truth);
    let c = run(&objects, &cloudy, 22, Schedule::Greedy);
    assert_ne!(a.observations, c.observations);
    // Clouded nights give nothing; all clouded, nothing at all.
    for n in a.truth.nights.iter().filter(|n| n.clouded) {
        assert_eq!(n.tracklets, 0);
        assert!(a
            .truth
            .tracklets
            .iter()
            .all(|t| t.site != n.site || !t.id.contains(&n.night.replace('-', ""))));
    }
    let overcast = SimSettings {
        defaults: TelescopeSettings {
            cloud_probability: 1.0,
            ..TelescopeSettings::default()
        },
        sites: BTreeMap::new(),
    };
    let d = run(&objects, &overcast, 21, Schedule::Greedy);
    assert!(d.observations.is_empty() && d.truth.nights.iter().all(|n| n.clouded));
    // Over many seeds the fraction of clouded nights is near the probability.
    let mut clouded = 0;
    let mut nights = 0;
    for seed in 0..40 {
        let r = run(&objects[..5], &cloudy, seed, Schedule::Greedy);
        clouded += r.truth.nights.iter().filter(|n| n.clouded).count();
        nights += r.truth.nights.len();
    }
    let frac = clouded as f64 / nights as f64;
    assert!(
        (frac - 0.5).abs() < 0.12,
        "{clouded} of {nights} nights clouded"
    );
}

#[test]
fn simulated_observations_survive_every_format() {
    let objects = catalog(200);
    let out = run(
        &objects,
        &clear_sky(TelescopeSettings::default()),
        4,
        Schedule::Greedy,
    );
    assert!(!out.observations.is_empty());
    let now = epoch("2026-12-01T00:00:00");
    for format in [ObsFormat::TdmKvn, ObsFormat::TdmXml, ObsFormat::Json] {
        let text = write_observations(&out.observations, format, "SIM", now).expect("write");
        let (got, read) = read_observations("sim", &text);
        assert_eq!(got, Some(format));
        assert!(read.errors.is_empty(), "{:?}", read.errors.first());
        assert_eq!(read.observations.len(), out.observations.len());
        for ((_, r), o) in read.observations.iter().zip(&out.observations) {
            assert_eq!(r.norad_cat_id, o.norad_cat_id);
            assert_eq!(r.tracklet_id, o.tracklet_id);
            assert!((r.time.ns_since_1950() - o.time.ns_since_1950()).abs() <= 1000);
            let (
                Angles::RaDec {
                    ra_deg: a,
                    dec_deg: b,
                    ..
                },
                Angles::RaDec {
                    ra_deg: c,
                    dec_deg: d,
                    ..
                },
            ) = (r.angles, o.angles)
            else {
                panic!("RA/Dec expected")
            };
            assert!((a - c).abs() * 3.6e6 < 1.0 && (b - d).abs() * 3.6e6 < 1.0);
        }
    }
}
