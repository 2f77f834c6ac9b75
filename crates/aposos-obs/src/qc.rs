//! Quality control of one observation before ingest: the station is known and the
//! uploader may report for it, the time is neither in the future nor absurdly old, the
//! angles and uncertainties are in range, and the object is known (or the observation
//! is marked uncorrelated).

use aposos_formats::obs::{Angles, Observation};
use aposos_formats::Epoch;

/// Why an observation is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QcRejection {
    /// The station is not one of the network's sites.
    #[error("station {0:?} is not a known site")]
    UnknownStation(String),
    /// The uploader's organisation does not run that station.
    #[error("station {station:?} belongs to {country}; the uploader may not report for it")]
    NotEntitled {
        /// Station id.
        station: String,
        /// Country of the station.
        country: String,
    },
    /// The time is after the upload (beyond the allowed clock slack).
    #[error("time {0} is in the future")]
    InFuture(String),
    /// The time is older than the rules accept.
    #[error("time {time} is more than {max_age_days} days old")]
    TooOld {
        /// The time, ISO 8601.
        time: String,
        /// The limit.
        max_age_days: f64,
    },
    /// An angle or an uncertainty is out of range or not finite.
    #[error("{0}")]
    OutOfRange(String),
    /// The catalog number is not in the catalog.
    #[error("object {0} is not in the catalog (send it without a catalog number as uncorrelated)")]
    UnknownObject(u32),
}

/// The limits of quality control.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QcRules {
    /// The time of the upload.
    pub now: Epoch,
    /// Slack allowed for clocks ahead of the server, seconds.
    pub max_future_s: f64,
    /// Oldest accepted observation, days before `now`.
    pub max_age_days: f64,
}

impl QcRules {
    /// The defaults: 60 s of clock slack, observations up to 366 days old.
    pub fn at(now: Epoch) -> Self {
        Self {
            now,
            max_future_s: 60.0,
            max_age_days: 366.0,
        }
    }
}

/// What quality control needs to know about an observation's context.
#[derive(Debug, Clone, Copy)]
pub struct QcContext<'a> {
    /// The station's country when it is a known site, `None` when unknown.
    pub station_country: Option<&'a str>,
    /// Whether the uploader may report for this station.
    pub entitled: bool,
    /// Whether the observation's catalog number is in the catalog (ignored when uncorrelated).
    pub object_known: bool,
}

/// Checks one observation; the first failed rule is the reason.
pub fn check_observation(
    o: &Observation,
    rules: &QcRules,
    ctx: &QcContext<'_>,
) -> Result<(), QcRejection> {
    let Some(country) = ctx.station_country else {
        return Err(QcRejection::UnknownStation(o.station.clone()));
    };
    if !ctx.entitled {
        return Err(QcRejection::NotEntitled {
            station: o.station.clone(),
            country: country.to_string(),
        });
    }
    let ahead_s = o.time.minutes_since(rules.now) * 60.0;
    if ahead_s > rules.max_future_s {
        return Err(QcRejection::InFuture(format!("{}Z", o.time.to_iso())));
    }
    if -ahead_s > rules.max_age_days * 86_400.0 {
        return Err(QcRejection::TooOld {
            time: format!("{}Z", o.time.to_iso()),
            max_age_days: rules.max_age_days,
        });
    }
    let (a, b, names) = match o.angles {
        Angles::RaDec {
            ra_deg, dec_deg, ..
        } => (ra_deg, dec_deg, ("RA", "Dec")),
        Angles::AzEl { az_deg, el_deg } => (az_deg, el_deg, ("Az", "El")),
    };
    if !(a.is_finite() && (0.0..360.0).contains(&a)) {
        return Err(QcRejection::OutOfRange(format!(
            "{} {a} deg is outside 0-360",
            names.0
        )));
    }
    if !(b.is_finite() && (-90.0..=90.0).contains(&b)) {
        return Err(QcRejection::OutOfRange(format!(
            "{} {b} deg is outside -90..90",
            names.1
        )));
    }
    if let Angles::RaDec {
        frame: aposos_formats::obs::RaDecFrame::Equinox(y),
        ..
    } = o.angles
    {
        return Err(QcRejection::OutOfRange(format!(
            "RA/Dec of the equinox {y} are not accepted; reduce them to J2000"
        )));
    }
    if let Angles::AzEl { el_deg, .. } = o.angles {
        if el_deg < 0.0 {
            return Err(QcRejection::OutOfRange(format!(
                "El {el_deg} deg is below the horizon"
            )));
        }
    }
    for (name, v) in [
        ("time uncertainty", o.time_sigma_s),
        ("angle uncertainty", o.angle_sigma_deg),
        ("magnitude uncertainty", o.mag_sigma),
    ] {
        if let Some(v) = v {
            if !(v.is_finite() && v >= 0.0) {
                return Err(QcRejection::OutOfRange(format!(
                    "{name} {v} is not a non-negative number"
                )));
            }
        }
    }
    if let Some(m) = o.mag {
        if !(m.is_finite() && (-30.0..=40.0).contains(&m)) {
            return Err(QcRejection::OutOfRange(format!(
                "magnitude {m} is outside -30..40"
            )));
        }
    }
    if let Some(n) = o.norad_cat_id {
        if !ctx.object_known {
            return Err(QcRejection::UnknownObject(n));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aposos_formats::obs::RaDecFrame;

    fn obs(time: Epoch) -> Observation {
        Observation {
            station: "pk-islamabad".into(),
            norad_cat_id: Some(25544),
            object_id: None,
            time,
            time_sigma_s: Some(0.001),
            angles: Angles::RaDec {
                ra_deg: 10.0,
                dec_deg: 20.0,
                frame: RaDecFrame::J2000,
            },
            angle_sigma_deg: Some(2.0 / 3600.0),
            mag: Some(5.0),
            mag_sigma: None,
            tracklet_id: None,
            iod: None,
            provenance: None,
        }
    }

    #[test]
    fn each_rule_refuses_with_its_reason() {
        let now = Epoch::parse_iso("2026-12-02T12:00:00").unwrap();
        let rules = QcRules::at(now);
        let ok = QcContext {
            station_country: Some("PK"),
            entitled: true,
            object_known: true,
        };
        let good = obs(now.add_ns(-3_600_000_000_000));
        assert_eq!(check_observation(&good, &rules, &ok), Ok(()));
        let unknown = QcContext {
            station_country: None,
            ..ok
        };
        assert!(matches!(
            check_observation(&good, &rules, &unknown),
            Err(QcRejection::UnknownStation(_))
        ));
        let foreign = QcContext {
            entitled: false,
            ..ok
        };
        assert!(check_observation(&good, &rules, &foreign)
            .unwrap_err()
            .to_string()
            .contains("belongs to PK"));
        assert!(matches!(
            check_observation(&obs(now.add_ns(120_000_000_000)), &rules, &ok),
            Err(QcRejection::InFuture(_))
        ));
        assert_eq!(
            check_observation(&obs(now.add_ns(30_000_000_000)), &rules, &ok),
            Ok(()),
            "clock slack"
        );
        assert!(matches!(
            check_observation(&obs(now.add_ns(-400 * 86_400_000_000_000)), &rules, &ok),
            Err(QcRejection::TooOld { .. })
        ));
        let mut bad = good.clone();
        bad.angles = Angles::RaDec {
            ra_deg: f64::NAN,
            dec_deg: 0.0,
            frame: RaDecFrame::J2000,
        };
        assert!(matches!(
            check_observation(&bad, &rules, &ok),
            Err(QcRejection::OutOfRange(_))
        ));
        bad.angles = Angles::AzEl {
            az_deg: 10.0,
            el_deg: -5.0,
        };
        assert!(check_observation(&bad, &rules, &ok)
            .unwrap_err()
            .to_string()
            .contains("below the horizon"));
        let mut b1950 = good.clone();
        b1950.angles = Angles::RaDec {
            ra_deg: 1.0,
            dec_deg: 2.0,
            frame: RaDecFrame::Equinox(1950.0),
        };
        assert!(check_observation(&b1950, &rules, &ok)
            .unwrap_err()
            .to_string()
            .contains("J2000"));
        let mut neg = good.clone();
        neg.angle_sigma_deg = Some(-1.0);
        assert!(matches!(
            check_observation(&neg, &rules, &ok),
            Err(QcRejection::OutOfRange(_))
        ));
        let no_object = QcContext {
            object_known: false,
            ..ok
        };
        assert_eq!(
            check_observation(&good, &rules, &no_object),
            Err(QcRejection::UnknownObject(25544))
        );
        let mut uct = good.clone();
        uct.norad_cat_id = None;
        assert_eq!(
            check_observation(&uct, &rules, &no_object),
            Ok(()),
            "uncorrelated observations need no object"
        );
    }
}
