//! Topocentric predictions of an SGP4 element set seen from a WGS84 site.
//!
//! **Astrometric by default**: the object at `t − τ` seen from the site at `t`,
//! with the light time `τ = |ρ|/c` iterated to below 1 ps, without aberration.
//! This is the direction a plate solved against a star catalog (ICRF) gives.
//! With [`PredictOptions::geometric`] the instantaneous vector at `t` is used.
//!
//! Frames: SGP4 TEME → ITRF (Vallado: GMST 1982 on UT1, polar motion) → GCRS
//! (IAU 2006/2000A, CIO based). The TEME → GCRS rotation of the observation time
//! `t` is applied to the retarded state too: over τ < 0.5 s it turns by less
//! than 1e-10 rad. RA/Dec are on ICRF axes (GCRS); Az/El in the WGS84 local
//! frame (ITRF, polar motion included), azimuth from north through east.

use aposos_astro::frames::{mxv, EarthRotation, TemeRotation, Vec3};
use aposos_astro::magnitude::visual_magnitude;
use aposos_astro::refraction::{refraction_rad, Atmosphere};
use aposos_astro::shadow::{illumination, Illumination, ShadowGeometry};
use aposos_astro::sun_moon::{moon_gcrs_km, sun_gcrs_km};
use aposos_astro::topocentric::{
    angular_separation_rad, azel_from_enu_rad, azel_rates_rad_s, enu_matrix, norm, radec_rad,
    radec_rates_rad_s, range_rate_km_s, site_gcrs_pv, sub, C_KM_S,
};
use aposos_astro::{Eop, Geodetic, TimeScales};
use aposos_formats::Epoch;
use aposos_orbit::{Sgp4, Sgp4Error, StateTeme};

/// How a prediction is computed: astrometric (light time) or geometric, refraction or not.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PredictOptions {
    /// Instantaneous vector at `t` instead of the light-time corrected (astrometric) one.
    pub geometric: bool,
    /// Apply atmospheric refraction to the elevation with this atmosphere (None: airless elevation).
    pub refraction: Option<Atmosphere>,
}

/// One topocentric prediction: angles in degrees, distances km, rates per second.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prediction {
    /// Observation time (UTC).
    pub time_utc: Epoch,
    /// Right ascension (deg, 0..360), GCRS/ICRF axes, topocentric.
    pub ra_deg: f64,
    /// Declination (deg), GCRS/ICRF axes, topocentric.
    pub dec_deg: f64,
    /// Azimuth (deg, 0..360, from north through east), WGS84 local frame.
    pub az_deg: f64,
    /// Elevation (deg), refracted only when asked.
    pub el_deg: f64,
    /// Distance site–object (km), the light-time distance in astrometric mode.
    pub range_km: f64,
    /// Range rate (km/s), positive when receding.
    pub range_rate_km_s: f64,
    /// dRA/dt · cos Dec (deg/s).
    pub ra_rate_deg_s: f64,
    /// dDec/dt (deg/s).
    pub dec_rate_deg_s: f64,
    /// dAz/dt (deg/s), not scaled by cos El.
    pub az_rate_deg_s: f64,
    /// dEl/dt (deg/s), airless.
    pub el_rate_deg_s: f64,
    /// Conical Earth-shadow illumination of the object (at t − τ).
    pub illumination: Illumination,
    /// Whether the Sun's centre is visible from the object (at t − τ): sunlit or the
    /// outer half of the penumbra, the usual "sunlit" flag (Skyfield's `is_sunlit`).
    /// Planning that needs full sunlight uses `illumination.is_sunlit()` instead.
    pub sunlit: bool,
    /// Geometric elevation of the Sun's centre at the site (deg), airless.
    pub sun_el_deg: f64,
    /// Geometric topocentric elevation of the Moon's centre at the site (deg), airless.
    pub moon_el_deg: f64,
    /// Phase angle at the object between the Sun and the observer (deg, 0 = full phase).
    pub phase_angle_deg: f64,
    /// Angle between the object and the Moon's centre seen from the site (deg).
    pub moon_sep_deg: f64,
    /// Estimated visual magnitude (diffuse sphere); None without a standard magnitude or in umbra.
    pub mag: Option<f64>,
    /// Light time τ (s) used: the object is taken at `time_utc − τ` (0 in geometric mode).
    pub light_time_s: f64,
}

/// Why a prediction failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PredictError {
    /// SGP4 failed for this object at this time.
    #[error("SGP4 failed for object {norad} at {time_utc}: {source}")]
    Sgp4 {
        /// Catalog number of the element set.
        norad: u32,
        /// Time (UTC) at which propagation was asked (the retarded time in astrometric mode).
        time_utc: Epoch,
        /// The SGP4 error.
        #[source]
        source: Sgp4Error,
    },
}

fn sgp4_at(sat: &Sgp4, t: Epoch, tsince_min: f64) -> Result<StateTeme, PredictError> {
    sat.propagate(tsince_min)
        .map_err(|source| PredictError::Sgp4 {
            norad: sat.norad_cat_id(),
            time_utc: t,
            source,
        })
}

fn scale(v: Vec3, k: f64) -> Vec3 {
    [v[0] * k, v[1] * k, v[2] * k]
}

/// Object GCRS position (km) and velocity (km/s) from its TEME state, with the rotations of one instant.
fn teme_state_to_gcrs(s: &StateTeme, tr: &TemeRotation, er: &EarthRotation) -> (Vec3, Vec3) {
    let (r, v) = tr.teme_to_itrf(s.position_km, s.velocity_km_s);
    er.itrf_to_gcrs_pv(r, v)
}

/// Light-time solution: retarded object state (GCRS) and τ (s), for an observer at `obs_gcrs_km` at `t`.
struct Retarded {
    r_gcrs_km: Vec3,
    v_gcrs_km_s: Vec3,
    tau_s: f64,
}

fn solve_light_time(
    sat: &Sgp4,
    t: Epoch,
    tsince_min: f64,
    obs_gcrs_km: Vec3,
    tr: &TemeRotation,
    er: &EarthRotation,
    geometric: bool,
) -> Result<Retarded, PredictError> {
    let s = sgp4_at(sat, t, tsince_min)?;
    let (mut r, mut v) = teme_state_to_gcrs(&s, tr, er);
    let mut tau = 0.0;
    if !geometric {
        for _ in 0..10 {
            let next = norm(sub(r, obs_gcrs_km)) / C_KM_S;
            let done = (next - tau).abs() < 1e-12;
            tau = next;
            let t_ret = t.add_ns(-(tau * 1e9).round() as i64);
            let s = sgp4_at(sat, t_ret, tsince_min - tau / 60.0)?;
            (r, v) = teme_state_to_gcrs(&s, tr, er);
            if done {
                break;
            }
        }
    }
    Ok(Retarded {
        r_gcrs_km: r,
        v_gcrs_km_s: v,
        tau_s: tau,
    })
}

/// Topocentric prediction of `sat` from `site` at `t` (UTC): astrometric (light time) unless `opts.geometric`.
///
/// Sun and Moon are geometric at `t` (SOFA `epv00`, `moon98`); the shadow and
/// the phase angle are those of the object at `t − τ`; the magnitude, when
/// `std_mag` (at 1000 km, phase 90°) is given and the object is not in umbra,
/// follows [`aposos_astro::magnitude::visual_magnitude`].
pub fn predict(
    sat: &Sgp4,
    site: &Geodetic,
    t: Epoch,
    eop: &Eop,
    opts: &PredictOptions,
    std_mag: Option<f64>,
) -> Result<Prediction, PredictError> {
    let ts = TimeScales::from_utc_ns_since_1950(t.ns_since_1950(), eop);
    let er = EarthRotation::new(&ts);
    let site_itrf = site.to_itrf();
    let enu = enu_matrix(site);
    let g = geometry(sat, site_itrf, &enu, t, &ts, &er, opts)?;

    let (obs_r, rho) = (g.obs_gcrs_km, g.rho_gcrs_km);
    let sun = sun_gcrs_km(&ts);
    let moon = moon_gcrs_km(&ts);
    let sun_topo_itrf = er.gcrs_to_itrf(sub(sun, obs_r));
    let moon_topo = sub(moon, obs_r);
    let (_, sun_el) = azel_from_enu_rad(mxv(&enu, sun_topo_itrf));
    let (_, moon_el) = azel_from_enu_rad(mxv(&enu, er.gcrs_to_itrf(moon_topo)));
    let shadow = ShadowGeometry::new(g.obj_gcrs_km, sun);
    let ill = shadow.illumination();
    let phase = angular_separation_rad(sub(sun, g.obj_gcrs_km), sub(obs_r, g.obj_gcrs_km));
    let mag = match std_mag {
        Some(m) if ill != Illumination::Umbra => Some(visual_magnitude(m, g.range_km, phase)),
        _ => None,
    };
    let a = g.angles;
    Ok(Prediction {
        time_utc: t,
        ra_deg: a.ra_deg,
        dec_deg: a.dec_deg,
        az_deg: a.az_deg,
        el_deg: a.el_deg,
        range_km: a.range_km,
        range_rate_km_s: range_rate_km_s(rho, g.rho_dot_gcrs_km_s),
        ra_rate_deg_s: a.ra_rate_deg_s,
        dec_rate_deg_s: a.dec_rate_deg_s,
        az_rate_deg_s: a.az_rate_deg_s,
        el_rate_deg_s: a.el_rate_deg_s,
        illumination: ill,
        sunlit: shadow.sun_centre_visible(),
        sun_el_deg: sun_el.to_degrees(),
        moon_el_deg: moon_el.to_degrees(),
        phase_angle_deg: phase.to_degrees(),
        moon_sep_deg: angular_separation_rad(rho, moon_topo).to_degrees(),
        mag,
        light_time_s: g.light_time_s,
    })
}

/// The directions of a prediction, without the Sun, Moon and brightness.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Angles {
    /// Observation time (UTC).
    pub time_utc: Epoch,
    /// Right ascension (deg, 0..360), GCRS/ICRF axes, topocentric.
    pub ra_deg: f64,
    /// Declination (deg), GCRS/ICRF axes, topocentric.
    pub dec_deg: f64,
    /// Azimuth (deg, 0..360, from north through east), WGS84 local frame.
    pub az_deg: f64,
    /// Elevation (deg), refracted only when asked.
    pub el_deg: f64,
    /// Distance site–object (km).
    pub range_km: f64,
    /// dRA/dt · cos Dec (deg/s).
    pub ra_rate_deg_s: f64,
    /// dDec/dt (deg/s).
    pub dec_rate_deg_s: f64,
    /// dAz/dt (deg/s), not scaled by cos El.
    pub az_rate_deg_s: f64,
    /// dEl/dt (deg/s), airless.
    pub el_rate_deg_s: f64,
}

struct Geometry {
    angles: Angles,
    obs_gcrs_km: Vec3,
    obj_gcrs_km: Vec3,
    rho_gcrs_km: Vec3,
    rho_dot_gcrs_km_s: Vec3,
    range_km: f64,
    light_time_s: f64,
}

fn geometry(
    sat: &Sgp4,
    site_itrf: Vec3,
    enu: &aposos_astro::frames::Mat3,
    t: Epoch,
    ts: &TimeScales,
    er: &EarthRotation,
    opts: &PredictOptions,
) -> Result<Geometry, PredictError> {
    let tr = TemeRotation::new(ts);
    let (obs_r, obs_v) = site_gcrs_pv(site_itrf, er);
    let tsince = t.minutes_since(sat.epoch());
    let ret = solve_light_time(sat, t, tsince, obs_r, &tr, er, opts.geometric)?;

    let rho = sub(ret.r_gcrs_km, obs_r);
    let range_km = norm(rho);
    // d(ρ)/dt with τ(t): ρ̇ = v_s(1 − τ̇) − v_o, τ̇ = ρ̂·(v_s − v_o)/(c + ρ̂·v_s).
    let tau_dot = if opts.geometric || range_km == 0.0 {
        0.0
    } else {
        let u = scale(rho, 1.0 / range_km);
        aposos_astro::topocentric::dot(u, sub(ret.v_gcrs_km_s, obs_v))
            / (C_KM_S + aposos_astro::topocentric::dot(u, ret.v_gcrs_km_s))
    };
    let rho_dot = sub(scale(ret.v_gcrs_km_s, 1.0 - tau_dot), obs_v);

    let (ra, dec) = radec_rad(rho);
    let (ra_rate, dec_rate) = radec_rates_rad_s(rho, rho_dot);

    // Az/El: the relative vector into ITRF at t (rotating frame), then ENU.
    let (rho_itrf, rho_dot_itrf) = er.gcrs_to_itrf_pv(rho, rho_dot);
    let rho_enu = mxv(enu, rho_itrf);
    let (az, el_airless) = azel_from_enu_rad(rho_enu);
    let (az_rate, el_rate) = azel_rates_rad_s(rho_enu, mxv(enu, rho_dot_itrf));
    let el = match &opts.refraction {
        Some(atm) => el_airless + refraction_rad(el_airless, atm),
        None => el_airless,
    };
    Ok(Geometry {
        angles: Angles {
            time_utc: t,
            ra_deg: ra.to_degrees(),
            dec_deg: dec.to_degrees(),
            az_deg: az.to_degrees(),
            el_deg: el.to_degrees(),
            range_km,
            ra_rate_deg_s: ra_rate.to_degrees(),
            dec_rate_deg_s: dec_rate.to_degrees(),
            az_rate_deg_s: az_rate.to_degrees(),
            el_rate_deg_s: el_rate.to_degrees(),
        },
        obs_gcrs_km: obs_r,
        obj_gcrs_km: ret.r_gcrs_km,
        rho_gcrs_km: rho,
        rho_dot_gcrs_km_s: rho_dot,
        range_km,
        light_time_s: ret.tau_s,
    })
}

/// Most time (s) a [`TrackPredictor`] reuses one precession–nutation matrix.
pub const NUTATION_REUSE_S: f64 = 600.0;

/// Fast predictions of one object from one site at many close instants (a tracklet, a pass):
/// as [`predict`] (same light time, frames and rates), without Sun, Moon and brightness, and
/// with the bias–precession–nutation matrix and polar motion reused for up to
/// [`NUTATION_REUSE_S`] (they move by under 1 mas in that time).
pub struct TrackPredictor<'a> {
    sat: &'a Sgp4,
    eop: &'a Eop,
    site_itrf: Vec3,
    enu: aposos_astro::frames::Mat3,
    opts: PredictOptions,
    cached: Option<(Epoch, EarthRotation)>,
}

impl<'a> TrackPredictor<'a> {
    /// A predictor of `sat` seen from `site` with `opts`.
    pub fn new(sat: &'a Sgp4, site: &Geodetic, eop: &'a Eop, opts: PredictOptions) -> Self {
        Self {
            sat,
            eop,
            site_itrf: site.to_itrf(),
            enu: enu_matrix(site),
            opts,
            cached: None,
        }
    }

    /// The directions at `t` (UTC).
    pub fn angles(&mut self, t: Epoch) -> Result<Angles, PredictError> {
        let ts = TimeScales::from_utc_ns_since_1950(t.ns_since_1950(), self.eop);
        let er = match &self.cached {
            Some((t0, er0)) if (t.minutes_since(*t0) * 60.0).abs() <= NUTATION_REUSE_S => {
                er0.at_nearby(&ts)
            }
            _ => {
                let er = EarthRotation::new(&ts);
                self.cached = Some((t, er));
                er
            }
        };
        let g = geometry(self.sat, self.site_itrf, &self.enu, t, &ts, &er, &self.opts)?;
        Ok(g.angles)
    }
}

/// Geometric airless elevation (rad) of `sat` at `t` from a site (ITRF km and geodetic): TEME → ITRF only, cheap.
pub fn elevation_rad(
    sat: &Sgp4,
    site_itrf_km: Vec3,
    site: &Geodetic,
    t: Epoch,
    eop: &Eop,
) -> Result<f64, PredictError> {
    Ok(elevation_and_rate_rad(sat, site_itrf_km, site, t, eop)?.0)
}

/// Geometric airless elevation (rad) and its rate (rad/s) of `sat` at `t`: TEME → ITRF only, cheap (for root finders).
pub fn elevation_and_rate_rad(
    sat: &Sgp4,
    site_itrf_km: Vec3,
    site: &Geodetic,
    t: Epoch,
    eop: &Eop,
) -> Result<(f64, f64), PredictError> {
    let ts = TimeScales::from_utc_ns_since_1950(t.ns_since_1950(), eop);
    let s = sgp4_at(sat, t, t.minutes_since(sat.epoch()))?;
    let (r, v) = TemeRotation::new(&ts).teme_to_itrf(s.position_km, s.velocity_km_s);
    let enu = enu_matrix(site);
    let rho = mxv(&enu, sub(r, site_itrf_km));
    let (_, el) = azel_from_enu_rad(rho);
    let (_, el_rate) = azel_rates_rad_s(rho, mxv(&enu, v));
    Ok((el, el_rate))
}

/// Geometric airless elevation (rad) of the Sun's centre at a site at `t` (SOFA `epv00`, IAU 2006/2000A).
pub fn sun_elevation_rad(site: &Geodetic, t: Epoch, eop: &Eop) -> f64 {
    let ts = TimeScales::from_utc_ns_since_1950(t.ns_since_1950(), eop);
    body_elevation_rad(site, &EarthRotation::new(&ts), sun_gcrs_km(&ts))
}

/// Geometric airless topocentric elevation (rad) of the Moon's centre at a site at `t` (SOFA `moon98`).
pub fn moon_elevation_rad(site: &Geodetic, t: Epoch, eop: &Eop) -> f64 {
    let ts = TimeScales::from_utc_ns_since_1950(t.ns_since_1950(), eop);
    body_elevation_rad(site, &EarthRotation::new(&ts), moon_gcrs_km(&ts))
}

fn body_elevation_rad(site: &Geodetic, er: &EarthRotation, body_gcrs_km: Vec3) -> f64 {
    let rho_itrf = sub(er.gcrs_to_itrf(body_gcrs_km), site.to_itrf());
    azel_from_enu_rad(mxv(&enu_matrix(site), rho_itrf)).1
}

/// Conical-shadow illumination of `sat` at `t` (geometric, no light time).
pub fn illumination_at(sat: &Sgp4, t: Epoch, eop: &Eop) -> Result<Illumination, PredictError> {
    let ts = TimeScales::from_utc_ns_since_1950(t.ns_since_1950(), eop);
    let s = sgp4_at(sat, t, t.minutes_since(sat.epoch()))?;
    let er = EarthRotation::new(&ts);
    // The shadow test is frame independent: take the Sun to ITRF rather than the object to GCRS.
    let (r_itrf, _) = TemeRotation::new(&ts).teme_to_itrf(s.position_km, s.velocity_km_s);
    Ok(illumination(r_itrf, er.gcrs_to_itrf(sun_gcrs_km(&ts))))
}
