//! Observations reduced to the network's frame: RA/Dec of an older star-chart equinox
//! (B1855 to B1950, J2050, as IOD, UK and RDE reports give them) become J2000, so that
//! quality control, the store and every fit see one frame. The original line stays in
//! the observation's provenance.

use aposos_astro::equinox::{jd_from_ns_since_1950, mean_equinox_to_j2000_deg};
use aposos_formats::obs::{Angles, Observation, RaDecFrame};

/// Reduces RA/Dec of a mean equinox to J2000 in place; whether anything changed.
/// Apparent (of-date) RA/Dec and Az/El are left as they are.
pub fn reduce_to_j2000(o: &mut Observation) -> bool {
    let Angles::RaDec {
        ra_deg,
        dec_deg,
        frame: RaDecFrame::Equinox(year),
    } = o.angles
    else {
        return false;
    };
    if !(ra_deg.is_finite() && dec_deg.is_finite() && year.is_finite()) {
        return false;
    }
    let (ra, dec) = mean_equinox_to_j2000_deg(
        ra_deg,
        dec_deg,
        year,
        jd_from_ns_since_1950(o.time.ns_since_1950()),
    );
    o.angles = Angles::RaDec {
        ra_deg: ra,
        dec_deg: dec,
        frame: RaDecFrame::J2000,
    };
    true
}
