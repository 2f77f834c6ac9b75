//! How well an element set predicts its object's position at a given time: one number,
//! the predicted position uncertainty (km, one sigma, root sum of squares of the axes).
//!
//! With a covariance (an OMM covariance block in RTN, as APOSOS's orbit determination
//! writes: position and inertial velocity at epoch), the covariance is carried to the
//! time asked through SGP4 itself, linearised
//! ([`aposos_orbit::od::sgp4_covariance::position_covariance_at`]): the along-track drift
//! that radius and velocity errors make, the radial and cross-track oscillation, eccentric
//! orbits. A small force-model term is added (drag and SGP4's own error). Without one, the element set's age is
//! used with the published behaviour of catalog TLEs (about 1 km at epoch in LEO, growing
//! one to a few km per day, faster with drag; a few km in GEO).

use aposos_formats::{ElementSet, Epoch};
use aposos_orbit::od::sgp4_covariance::position_covariance_at;

/// Mean motion (rev/day) above which an orbit counts as low Earth orbit.
const LEO_REV_PER_DAY: f64 = 11.0;
/// Mean motion (rev/day) below which an orbit counts as deep space (GEO, GTO, HEO).
const DEEP_REV_PER_DAY: f64 = 6.4;

/// Predicted position uncertainty (km, 1σ) of `el` at `at`.
pub fn predicted_sigma_km(el: &ElementSet, at: Epoch) -> f64 {
    let dt_days = (at.minutes_since(el.epoch) / 1440.0).abs();
    let n_rev = el.mean_motion_rev_per_day;
    if let Some(cov) = el.omm.covariance.as_ref().filter(|c| {
        c.ref_frame
            .as_deref()
            .is_none_or(|f| f.eq_ignore_ascii_case("RTN"))
    }) {
        let model_km_per_day = if n_rev > LEO_REV_PER_DAY { 0.2 } else { 0.05 };
        let model = model_km_per_day * dt_days;
        if let Some(p) = position_covariance_at(el, &cov.matrix(), at) {
            return ((p[0][0] + p[1][1] + p[2][2]).max(0.0) + model * model).sqrt();
        }
    }
    let (sigma0, rate) = if n_rev > LEO_REV_PER_DAY {
        (
            1.0,
            (1.5 + 2.0e4 * el.bstar_per_earth_radii.abs()).min(20.0),
        )
    } else if n_rev > DEEP_REV_PER_DAY {
        (2.0, 1.0)
    } else {
        (5.0, 1.0)
    };
    sigma0 + rate * dt_days
}

#[cfg(test)]
mod tests {
    use super::*;
    use aposos_formats::OmmCovariance;

    fn leo() -> ElementSet {
        let mut el = crate::passes::tests::vallado("28057");
        el.bstar_per_earth_radii = 1e-4;
        el
    }

    #[test]
    fn age_model_grows_with_age_and_drag() {
        let el = leo();
        let s0 = predicted_sigma_km(&el, el.epoch);
        let s3 = predicted_sigma_km(&el, el.epoch.add_ns(3 * 86_400_000_000_000));
        assert!((s0 - 1.0).abs() < 1e-12);
        assert!(s3 > s0 + 3.0 * 1.5, "{s3}");
        let mut low_drag = el.clone();
        low_drag.bstar_per_earth_radii = 0.0;
        assert!(predicted_sigma_km(&low_drag, el.epoch.add_ns(3 * 86_400_000_000_000)) < s3);
    }

    /// The state error (RTN, inertial velocity) at epoch that a mean-motion error makes.
    #[allow(clippy::needless_range_loop)]
    fn state_error_rtn(el: &ElementSet, dn_rev_per_day: f64) -> [f64; 6] {
        let mut other = el.clone();
        other.mean_motion_rev_per_day += dn_rev_per_day;
        let a = aposos_orbit::Sgp4::new(el).unwrap().propagate(0.0).unwrap();
        let b = aposos_orbit::Sgp4::new(&other)
            .unwrap()
            .propagate(0.0)
            .unwrap();
        let rot = aposos_orbit::od::sgp4_fit::rtn_matrix(a.position_km, a.velocity_km_s);
        let mut d = [0.0; 6];
        for i in 0..3 {
            for k in 0..3 {
                d[i] += rot[i][k] * (b.position_km[k] - a.position_km[k]);
                d[i + 3] += rot[i][k] * (b.velocity_km_s[k] - a.velocity_km_s[k]);
            }
        }
        d
    }

    #[test]
    fn covariance_drift_matches_what_sgp4_does_with_a_mean_motion_error() {
        // A covariance that holds one mean-motion error, as the state error it makes at
        // epoch: a day later the predicted σ must be the distance SGP4 really puts
        // between the two orbits. Circular LEO, then eccentric with the object halfway
        // between perigee and apogee (radial velocity large).
        let circular = leo();
        let mut eccentric = leo();
        eccentric.eccentricity = 0.15;
        eccentric.mean_motion_rev_per_day = 10.0;
        eccentric.mean_anomaly_deg = 90.0;
        for base in [circular, eccentric] {
            let dn = 1e-4;
            let d = state_error_rtn(&base, dn);
            let mut m = [[0.0; 6]; 6];
            for i in 0..6 {
                for j in 0..6 {
                    m[i][j] = d[i] * d[j];
                }
            }
            let mut el = base.clone();
            el.omm.covariance = Some(OmmCovariance::from_matrix(Some("RTN".into()), &m));
            let at = el.epoch.add_ns(86_400_000_000_000);
            let mut other = base.clone();
            other.mean_motion_rev_per_day += dn;
            let pa = aposos_orbit::Sgp4::new(&base)
                .unwrap()
                .propagate_to(at)
                .unwrap();
            let pb = aposos_orbit::Sgp4::new(&other)
                .unwrap()
                .propagate_to(at)
                .unwrap();
            let truth: f64 = (0..3)
                .map(|k| (pa.position_km[k] - pb.position_km[k]).powi(2))
                .sum::<f64>()
                .sqrt();
            let predicted = predicted_sigma_km(&el, at);
            assert!(truth > 3.0, "{truth}");
            assert!(
                (predicted / truth - 1.0).abs() < 0.05,
                "e {}: predicted {predicted} km, SGP4 {truth} km",
                base.eccentricity
            );
        }
        // At epoch the covariance's own position σ.
        let mut el = leo();
        let mut m = [[0.0; 6]; 6];
        m[0][0] = 0.01;
        el.omm.covariance = Some(OmmCovariance::from_matrix(Some("RTN".into()), &m));
        assert!((predicted_sigma_km(&el, el.epoch) - 0.1).abs() < 1e-12);
    }
}
