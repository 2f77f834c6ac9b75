//! What an observation is worth: the value model of the network's plan.
//!
//! Every target (a catalog object, or a field of the GEO-belt survey) has a base value
//! and a number of tracklets wanted tonight. The k-th tracklet of a target in one night
//! (counted over all nodes) is worth the base value while k is within the wanted number,
//! then the base value times `repeat_factor` to the power of the excess: a second
//! tracklet of an object that needed one is worth 30 % by default, so the nodes share
//! the work instead of observing the same objects.
//!
//! The tiers, highest first: explicit tracking requests (by priority), objects owned by
//! a member state, then every other object by its predicted position uncertainty
//! (covariance or element-set age), then follow-up of uncorrelated tracks (provisional
//! objects), then the GEO-belt survey that fills the gaps.

use serde::Serialize;

/// Weights of the value model.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct ValueWeights {
    /// Base value of a requested object at priority 0.
    pub request_base: f64,
    /// Added per priority step (1–10).
    pub request_per_priority: f64,
    /// Base value of a member-state-owned object with a well-known orbit.
    pub member_owned: f64,
    /// Added to a member-state-owned object as its uncertainty grows (times the uncertainty score).
    pub member_uncertainty: f64,
    /// Value of a catalog object with a well-known orbit (uncertainty score 0).
    pub catalog_min: f64,
    /// Value of a catalog object whose orbit is lost (uncertainty score 1).
    pub catalog_max: f64,
    /// Value of a provisional object (uncorrelated-track follow-up).
    pub uct: f64,
    /// Value of one visit of a GEO-belt survey field.
    pub survey: f64,
    /// Factor per tracklet beyond those wanted.
    pub repeat_factor: f64,
    /// Factor per repeated visit of a survey field.
    pub survey_repeat_factor: f64,
    /// Position uncertainty (km) that scores 0.
    pub sigma_low_km: f64,
    /// Position uncertainty (km) that scores 1.
    pub sigma_high_km: f64,
}

impl Default for ValueWeights {
    fn default() -> Self {
        ValueWeights {
            request_base: 200.0,
            request_per_priority: 20.0,
            member_owned: 100.0,
            member_uncertainty: 20.0,
            catalog_min: 2.0,
            catalog_max: 20.0,
            uct: 1.5,
            survey: 0.5,
            repeat_factor: 0.3,
            survey_repeat_factor: 0.5,
            sigma_low_km: 0.05,
            sigma_high_km: 50.0,
        }
    }
}

impl ValueWeights {
    /// Uncertainty score in [0, 1]: logarithmic between `sigma_low_km` and `sigma_high_km`.
    pub fn uncertainty_score(&self, sigma_km: f64) -> f64 {
        if !sigma_km.is_finite() {
            return 1.0;
        }
        let lo = self.sigma_low_km.ln();
        let hi = self.sigma_high_km.ln();
        ((sigma_km.max(1e-9).ln() - lo) / (hi - lo)).clamp(0.0, 1.0)
    }
}

/// Why a target is in the plan.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "tier", rename_all = "kebab-case")]
pub enum Reason {
    /// Tracking requests name it.
    Request {
        /// The requests' ids.
        request_ids: Vec<i64>,
        /// Highest priority among them.
        priority: u8,
    },
    /// A member state owns it.
    MemberOwned {
        /// SATCAT owner code.
        owner: String,
        /// Predicted position uncertainty (km).
        sigma_km: f64,
    },
    /// Its orbit's predicted position uncertainty.
    Uncertainty {
        /// Predicted position uncertainty (km).
        sigma_km: f64,
    },
    /// A provisional object found from uncorrelated tracks.
    UctFollowUp {
        /// Predicted position uncertainty (km).
        sigma_km: f64,
    },
    /// A field of the GEO-belt survey.
    GeoSurvey,
}

/// A target's value tonight.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TargetValue {
    /// Value of each wanted tracklet.
    pub base: f64,
    /// Tracklets wanted tonight at full value.
    pub wanted: u32,
    /// Factor per tracklet beyond those wanted.
    pub repeat_factor: f64,
    /// Why.
    pub reason: Reason,
}

impl TargetValue {
    /// Value of the tracklet that comes after `count` others of this target tonight.
    pub fn next(&self, count: u32) -> f64 {
        if count < self.wanted {
            self.base
        } else {
            self.base * self.repeat_factor.powi((count + 1 - self.wanted) as i32)
        }
    }

    /// Value of `count` tracklets together.
    pub fn total(&self, count: u32) -> f64 {
        (0..count).map(|k| self.next(k)).sum()
    }
}

/// What the planner knows about one catalog object, for its value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObjectFacts {
    /// SATCAT owner code, if known.
    pub owner: Option<String>,
    /// Predicted position uncertainty tonight (km).
    pub sigma_km: f64,
    /// A provisional object (uncorrelated-track follow-up).
    pub provisional: bool,
    /// Open requests naming it: (request id, priority, tracklets per night).
    pub requests: Vec<(i64, u8, u32)>,
}

/// The value of an object with `facts`, when `members` are the member states' SATCAT owner codes.
pub fn object_value(facts: &ObjectFacts, members: &[String], w: &ValueWeights) -> TargetValue {
    let u = w.uncertainty_score(facts.sigma_km);
    if let Some(priority) = facts.requests.iter().map(|r| r.1).max() {
        return TargetValue {
            base: w.request_base + w.request_per_priority * f64::from(priority),
            wanted: facts.requests.iter().map(|r| r.2).max().unwrap_or(1).max(1),
            repeat_factor: w.repeat_factor,
            reason: Reason::Request {
                request_ids: facts.requests.iter().map(|r| r.0).collect(),
                priority,
            },
        };
    }
    let owner = facts
        .owner
        .as_deref()
        .filter(|o| members.iter().any(|m| m.eq_ignore_ascii_case(o)));
    let (base, reason) = if let Some(owner) = owner {
        (
            w.member_owned + w.member_uncertainty * u,
            Reason::MemberOwned {
                owner: owner.to_string(),
                sigma_km: facts.sigma_km,
            },
        )
    } else if facts.provisional {
        (
            w.uct,
            Reason::UctFollowUp {
                sigma_km: facts.sigma_km,
            },
        )
    } else {
        (
            w.catalog_min + (w.catalog_max - w.catalog_min) * u,
            Reason::Uncertainty {
                sigma_km: facts.sigma_km,
            },
        )
    };
    TargetValue {
        base,
        wanted: 1,
        repeat_factor: w.repeat_factor,
        reason,
    }
}

/// The value of one GEO-belt survey field.
pub fn survey_value(w: &ValueWeights) -> TargetValue {
    TargetValue {
        base: w.survey,
        wanted: 1,
        repeat_factor: w.survey_repeat_factor,
        reason: Reason::GeoSurvey,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_are_ordered() {
        let w = ValueWeights::default();
        let members = vec!["PAKI".to_string()];
        let facts = |owner: Option<&str>, sigma: f64, prov: bool, req: bool| ObjectFacts {
            owner: owner.map(String::from),
            sigma_km: sigma,
            provisional: prov,
            requests: if req { vec![(1, 1, 2)] } else { vec![] },
        };
        let request = object_value(&facts(None, 0.01, false, true), &members, &w);
        let member = object_value(&facts(Some("PAKI"), 1e6, false, false), &members, &w);
        let lost = object_value(&facts(Some("US"), 1e6, false, false), &members, &w);
        let fresh = object_value(&facts(Some("US"), 0.01, false, false), &members, &w);
        let uct = object_value(&facts(None, 100.0, true, false), &members, &w);
        let survey = survey_value(&w);
        assert!(request.base > member.base, "{request:?} {member:?}");
        assert!(member.base > lost.base && lost.base > fresh.base);
        assert!(fresh.base > uct.base && uct.base > survey.base);
        assert_eq!(request.wanted, 2);
        assert!(matches!(member.reason, Reason::MemberOwned { .. }));
    }

    #[test]
    fn repeats_lose_value() {
        let v = TargetValue {
            base: 10.0,
            wanted: 2,
            repeat_factor: 0.3,
            reason: Reason::GeoSurvey,
        };
        assert_eq!(v.next(0), 10.0);
        assert_eq!(v.next(1), 10.0);
        assert!((v.next(2) - 3.0).abs() < 1e-12);
        assert!((v.next(3) - 0.9).abs() < 1e-12);
        assert!((v.total(3) - 23.0).abs() < 1e-12);
    }

    #[test]
    fn uncertainty_score_is_logarithmic() {
        let w = ValueWeights::default();
        assert_eq!(w.uncertainty_score(0.01), 0.0);
        assert_eq!(w.uncertainty_score(1e4), 1.0);
        assert!((w.uncertainty_score((0.05f64 * 50.0).sqrt()) - 0.5).abs() < 1e-12);
        assert_eq!(w.uncertainty_score(f64::NAN), 1.0);
    }
}
