//! How well an element set predicts its object's position at a given time: one number,
//! the predicted position uncertainty (km, one sigma, root sum of squares of the axes).
//!
//! With a covariance (an OMM covariance block in RTN, as APOSOS's orbit determination
//! writes), the position covariance at epoch is carried forward by the secular part of the
//! Clohessy–Wiltshire solution: an error δr in radius and δṫ in along-track velocity make
//! the along-track position drift at 6n·δr + 3·δṫ, so σ(Δt)² = σ₀² + σ_drift²·Δt², plus a
//! small force-model term for SGP4 (drag in LEO). Without one, the element set's age is
//! used with the published behaviour of catalog TLEs (about 1 km at epoch in LEO, growing
//! one to a few km per day, faster with drag; a few km in GEO).

use aposos_formats::{ElementSet, Epoch};

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
        let m = cov.matrix();
        let var0 = (m[0][0] + m[1][1] + m[2][2]).max(0.0);
        let n = n_rev * std::f64::consts::TAU / 86_400.0;
        let var_drift = (36.0 * n * n * m[0][0] + 9.0 * m[4][4] + 36.0 * n * m[0][4]).max(0.0);
        let dt_s = dt_days * 86_400.0;
        let model_km_per_day = if n_rev > LEO_REV_PER_DAY { 0.2 } else { 0.05 };
        let model = model_km_per_day * dt_days;
        return (var0 + var_drift * dt_s * dt_s + model * model).sqrt();
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

    #[test]
    fn covariance_drift_follows_clohessy_wiltshire() {
        let mut el = leo();
        let mut m = [[0.0; 6]; 6];
        // 100 m radial error only: along-track drift 6·n·0.1 km per second.
        m[0][0] = 0.01;
        el.omm.covariance = Some(OmmCovariance::from_matrix(Some("RTN".into()), &m));
        let n = el.mean_motion_rev_per_day * std::f64::consts::TAU / 86_400.0;
        let at = el.epoch.add_ns(86_400_000_000_000);
        let expect = (0.01 + (6.0 * n * 0.1 * 86_400.0).powi(2) + 0.2f64.powi(2)).sqrt();
        assert!((predicted_sigma_km(&el, at) - expect).abs() < 1e-9);
        assert!((predicted_sigma_km(&el, el.epoch) - 0.1).abs() < 1e-12);
    }
}
