#!/usr/bin/env python3
"""Reference values for aposos-astro's time scales, frames and geodesy, made with Skyfield.

Skyfield is pointed at the SAME finals2000A.all that aposos-astro embeds
(data/eop/finals2000A.all): it builds its UT1 (delta T) and leap-second table
from that file (``load.timescale(builtin=False)``) and its polar-motion table
too (``iers.install_polar_motion_table``). Nothing is downloaded.

Writes, next to this script:
  time_scales.csv  UT1-UTC, TT-UTC, x_p, y_p at each instant
  gcrs_itrf.csv    GCRS->ITRS rotation matrix (skyfield.framelib.itrs) and one
                   fixed GCRS vector taken to ITRS through Skyfield's position API
  teme_itrf.csv    TEME->ITRF of fixed TEME states: Vallado's TEME_to_ITRF
                   (position and velocity) and the TEME/itrs frame pair (position)
  geodesy.csv      WGS84 geodetic -> ITRS (wgs84.latlon) and Skyfield's inverse

Run from the repository root:
  python3 -m venv /tmp/sfvenv
  /tmp/sfvenv/bin/pip install skyfield skyfield-data
  /tmp/sfvenv/bin/python tests/data/skyfield/make_frames_reference.py
"""
import csv
import hashlib
import os
import shutil
import tempfile

import numpy as np
import skyfield
from skyfield.api import Loader, wgs84
from skyfield.constants import ASEC2RAD, AU_KM
from skyfield.data import iers
from skyfield.framelib import itrs
from skyfield.functions import mxm, mxv
from skyfield.positionlib import ICRF
from skyfield.sgp4lib import TEME, TEME_to_ITRF

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
FINALS = os.path.join(ROOT, 'data', 'eop', 'finals2000A.all')


def fmt(x):
    return repr(float(x))


def timescale():
    d = tempfile.mkdtemp(prefix='sf_ref_')
    shutil.copy(FINALS, os.path.join(d, 'finals2000A.all'))
    load = Loader(d, verbose=False)
    ts = load.timescale(builtin=False)
    with load.open('finals2000A.all') as f:
        finals = iers.parse_x_y_dut1_from_finals_all(f)
    iers.install_polar_motion_table(ts, finals)
    return ts


def instants():
    """(MJD UTC, seconds of day): seeded random over 2020-01-01..2026-12-31
    (the end is in the predicted part of the table), plus the 2016 leap second."""
    rng = np.random.default_rng(20260101)
    out = [(57753, 43200.0), (57753, 86399.0), (57754, 0.0), (57754, 30.5)]
    for _ in range(28):
        mjd = int(rng.integers(58849, 61406))
        sec = round(float(rng.uniform(0.0, 86400.0)), 3)
        out.append((mjd, sec))
    return out


# TEME states (km, km/s): LEO at ~7000 km, MEO, GEO, HEO apogee-ish.
TEME_STATES = [
    ('leo', [-4500.0, 4300.0, 3200.0], [-4.901327, -5.533756, 1.976341]),
    ('leo2', [-2300.0, 4800.0, 4600.0], [-6.1, -3.2, 1.9]),
    ('meo', [15000.0, -20000.0, 5000.0], [2.9, 1.8, -1.4]),
    ('geo', [42164.0 * 0.6, 42164.0 * 0.8, 10.0], [-2.459, 1.844, 0.0004]),
]

# name, lat_deg, lon_deg, height_m
SITES = [
    ('lahore', 31.5204, 74.3587, 217.0),
    ('islamabad', 33.6844, 73.0479, 540.0),
    ('lima', -12.0464, -77.0428, 154.0),
    ('arequipa', -16.4090, -71.5375, 2335.0),
    ('tehran', 35.6892, 51.3890, 1190.0),
    ('beijing', 39.9042, 116.4074, 44.0),
    ('equator', 0.0, 0.0, 0.0),
    ('near_north_pole', 89.999, 45.0, 10.0),
    ('south_high', -78.5, -160.25, 4000.0),
    ('dead_sea', 31.5, 35.5, -430.0),
    ('leo_alt', 51.6, -120.0, 400e3),
    ('geo_alt', 0.05, 100.0, 35786e3),
]


def main():
    ts = timescale()
    sha = hashlib.sha256(open(FINALS, 'rb').read()).hexdigest()
    print('skyfield', skyfield.__version__, 'finals2000A.all sha256', sha)
    cases = instants()

    with open(os.path.join(HERE, 'time_scales.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['mjd_utc', 'sec_of_day', 'ut1_utc_s', 'tt_utc_s', 'xp_arcsec', 'yp_arcsec'])
        for mjd, sec in cases:
            t = ts.utc(1858, 11, 17 + mjd, 0, 0, sec)
            _, xp, yp = t.polar_motion_angles()
            w.writerow([mjd, fmt(sec), fmt(t.dut1), fmt(32.184 + t._leap_seconds()), fmt(xp), fmt(yp)])

    r_fixed = np.array([4000.0, -5000.0, 3000.0])
    with open(os.path.join(HERE, 'gcrs_itrf.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['mjd_utc', 'sec_of_day'] + ['m%d%d' % (i, j) for i in range(3) for j in range(3)]
                   + ['gcrs_x_km', 'gcrs_y_km', 'gcrs_z_km', 'itrf_x_km', 'itrf_y_km', 'itrf_z_km'])
        for mjd, sec in cases:
            t = ts.utc(1858, 11, 17 + mjd, 0, 0, sec)
            m = itrs.rotation_at(t)
            pos = ICRF(r_fixed / AU_KM, t=t, center=399)
            r_itrf = pos.frame_xyz(itrs).km
            w.writerow([mjd, fmt(sec)] + [fmt(m[i][j]) for i in range(3) for j in range(3)]
                       + [fmt(v) for v in r_fixed] + [fmt(v) for v in r_itrf])

    with open(os.path.join(HERE, 'teme_itrf.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['mjd_utc', 'sec_of_day', 'name', 'teme_x_km', 'teme_y_km', 'teme_z_km',
                    'teme_vx_km_s', 'teme_vy_km_s', 'teme_vz_km_s',
                    'itrf_x_km', 'itrf_y_km', 'itrf_z_km', 'itrf_vx_km_s', 'itrf_vy_km_s', 'itrf_vz_km_s',
                    'frames_itrf_x_km', 'frames_itrf_y_km', 'frames_itrf_z_km'])
        for mjd, sec in cases:
            t = ts.utc(1858, 11, 17 + mjd, 0, 0, sec)
            _, xp, yp = t.polar_motion_angles()
            r_frames_m = mxm(itrs.rotation_at(t), np.transpose(TEME.rotation_at(t)))
            for name, r, v in TEME_STATES:
                r = np.array(r)
                v = np.array(v)
                # Vallado's function: velocity in km/day to match theta_dot in rad/day.
                ri, vi = TEME_to_ITRF(t.whole, r, v * 86400.0, xp * ASEC2RAD, yp * ASEC2RAD,
                                      fraction_ut1=t.ut1_fraction)
                vi = vi / 86400.0
                rf = mxv(r_frames_m, r)
                w.writerow([mjd, fmt(sec), name] + [fmt(x) for x in r] + [fmt(x) for x in v]
                           + [fmt(x) for x in ri] + [fmt(x) for x in vi] + [fmt(x) for x in rf])

    t0 = ts.utc(2026, 1, 1)
    with open(os.path.join(HERE, 'geodesy.csv'), 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['name', 'lat_deg', 'lon_deg', 'height_m', 'itrf_x_km', 'itrf_y_km', 'itrf_z_km',
                    'sf_inv_lat_deg', 'sf_inv_lon_deg', 'sf_inv_height_m'])
        for name, lat, lon, h in SITES:
            g = wgs84.latlon(lat, lon, elevation_m=h)
            xyz = g.itrs_xyz.km
            # Skyfield's inverse, through a geocentric position built from the ITRS vector.
            r_gcrs = mxv(np.transpose(itrs.rotation_at(t0)), xyz)
            back = wgs84.geographic_position_of(ICRF(r_gcrs / AU_KM, t=t0, center=399))
            w.writerow([name, fmt(lat), fmt(lon), fmt(h)] + [fmt(x) for x in xyz]
                       + [fmt(back.latitude.degrees), fmt(back.longitude.degrees), fmt(back.elevation.m)])


if __name__ == '__main__':
    main()
