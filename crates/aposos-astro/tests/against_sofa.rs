//! The frame pieces against SOFA's published test values (t_sofa_c.c, as carried by
//! the `sofars` crate's own tests), to SOFA's tolerances.

// SOFA's published values are kept verbatim, all their digits.
#![allow(clippy::excessive_precision)]

use aposos_astro::frames::{gmst82_rad, EarthRotation, TemeRotation};
use aposos_astro::JulianDate;

fn jd(jd1: f64, jd2: f64) -> JulianDate {
    JulianDate { jd1, jd2 }
}

#[track_caller]
fn vvd(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got:.20} want {want:.20} (diff {:.3e}, tol {tol:.0e})",
        (got - want).abs()
    );
}

/// Every element of `got` against `want`, with per-element tolerances.
#[track_caller]
fn vvm(got: &[[f64; 3]; 3], want: &[[f64; 3]; 3], tol: &[[f64; 3]; 3], what: &str) {
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        for (j, (gij, wij)) in g.iter().zip(w).enumerate() {
            vvd(*gij, *wij, tol[i][j], &format!("{what}[{i}][{j}]"));
        }
    }
}

const TOL12: [[f64; 3]; 3] = [[1e-12; 3]; 3];

#[test]
fn c2t06a_published_matrix() {
    // t_sofa_c.c t_c2t06a: tt = ut = 2400000.5 + 53736.0, xp = 2.55060238e-7, yp = 1.860359247e-6.
    let er = EarthRotation::from_parts(
        jd(2400000.5, 53736.0),
        jd(2400000.5, 53736.0),
        2.55060238e-7,
        1.860359247e-6,
    );
    let want = [
        [
            -0.1810332128305897282,
            0.9834769806938592296,
            0.6555550962998436505e-4,
        ],
        [
            -0.9834768134136214897,
            -0.1810332203649130832,
            0.5749800844905594110e-3,
        ],
        [
            0.5773474024748545878e-3,
            0.3961816829632690581e-4,
            0.9999998325501747785,
        ],
    ];
    vvm(&er.c2t, &want, &TOL12, "c2t06a");
    // The same matrix as sofars::pnp::c2t06a itself, to rounding.
    let s = sofars::pnp::c2t06a(
        2400000.5,
        53736.0,
        2400000.5,
        53736.0,
        2.55060238e-7,
        1.860359247e-6,
    );
    vvm(&er.c2t, &s, &[[1e-15; 3]; 3], "c2t vs sofars c2t06a");
}

#[test]
fn c2i06a_published_matrix() {
    let er = EarthRotation::from_parts(jd(2400000.5, 53736.0), jd(2400000.5, 53736.0), 0.0, 0.0);
    let want = [
        [
            0.9999998323037159379,
            0.5581121329587613787e-9,
            -0.5791308487740529749e-3,
        ],
        [
            -0.2384253169452306581e-7,
            0.9999999991917467827,
            -0.4020579392895682558e-4,
        ],
        [
            0.5791308482835292617e-3,
            0.4020580099454020310e-4,
            0.9999998314954628695,
        ],
    ];
    vvm(&er.c2i, &want, &TOL12, "c2i06a");
}

#[test]
fn era00_published_value() {
    let er = EarthRotation::from_parts(jd(2400000.5, 54388.0), jd(2400000.5, 54388.0), 0.0, 0.0);
    vvd(er.era_rad, 0.4022837240028158102, 1e-12, "era00");
}

#[test]
fn gmst82_published_value() {
    vvd(
        gmst82_rad(jd(2400000.5, 53736.0)),
        1.754174981860675096,
        1e-12,
        "gmst82",
    );
}

#[test]
fn sp00_and_pom00_published_values() {
    // sp00 at 2400000.5 + 52541.0, then pom00 with the t_pom00 inputs: the polar-motion
    // matrix of EarthRotation is pom00(xp, yp, sp00(tt)).
    vvd(
        sofars::pnp::sp00(2400000.5, 52541.0),
        -0.6216698469981019309e-11,
        1e-12,
        "sp00",
    );
    let xp = 2.55060238e-7;
    let yp = 1.860359247e-6;
    let sp = -0.1367174580728891460e-10;
    let want = [
        [
            0.9999999999999674721,
            -0.1367174580728846989e-10,
            0.2550602379999972345e-6,
        ],
        [
            0.1414624947957029801e-10,
            0.9999999999982695317,
            -0.1860359246998866389e-5,
        ],
        [
            -0.2550602379741215021e-6,
            0.1860359247002414021e-5,
            0.9999999999982370039,
        ],
    ];
    let pom = sofars::pnp::pom00(xp, yp, sp);
    let tols = [
        [1e-12, 1e-16, 1e-16],
        [1e-16, 1e-12, 1e-16],
        [1e-16, 1e-16, 1e-12],
    ];
    vvm(&pom, &want, &tols, "pom00");
    // EarthRotation uses exactly pom00(xp, yp, sp00(tt)) (checked at the t_c2t06a date).
    let tt = jd(2400000.5, 53736.0);
    let er = EarthRotation::from_parts(tt, tt, xp, yp);
    let expect = sofars::pnp::pom00(xp, yp, sofars::pnp::sp00(tt.jd1, tt.jd2));
    assert_eq!(er.pom, expect);
    // TEME polar motion: the same matrix without s' (Vallado).
    let te = TemeRotation::from_parts(tt, xp, yp, 0.0);
    assert_eq!(te.pom, sofars::pnp::pom00(xp, yp, 0.0));
}
